"""What every figure gets: the stack, a NATS connection, the plan and the peer if installed."""

from __future__ import annotations

from dataclasses import dataclass

from nats.aio.client import Client as NATS

from benchmarks.measurement import Plan
from jobtrail.stack import StackEndpoints


@dataclass(frozen=True)
class Bench:
    stack: StackEndpoints
    nc: NATS
    plan: Plan
    peer_installed: bool
