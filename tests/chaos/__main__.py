"""`make chaos`: the long fault run. Every service and server is killed CHAOS_KILLS times
(default 50) in random order while uploads, exports and AI jobs flow, with a PostgreSQL
and a NATS outage (every process frozen for CHAOS_OUTAGE_SECONDS) after each
CHAOS_OUTAGE_EVERY rounds of kills. Then it waits for the accepted work to settle and prints
the figures: faults injected, work accepted, work completed, lost, duplicated.

    CHAOS_KILLS=3 uv run --locked python -m tests.chaos      # a short run

Exit status 1 when anything was lost or duplicated.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time

from jobtrail.stack.pytest_plugin import server_data_dir
from tests.chaos.driver import TARGETS, Report, Rig, Workload, dump

# Spent AI budgets would turn work away (429) long before a run ends: lift them.
UNLIMITED_AI = {
    "GATEWAY_AI_DAILY_TOKENS_PER_USER": "1000000000000",
    "GATEWAY_AI_DAILY_TOKENS_GLOBAL": "1000000000000",
    "GATEWAY_AI_DAILY_USD_PER_USER": "1000000000",
    "GATEWAY_AI_DAILY_USD_GLOBAL": "1000000000",
}


def main() -> int:
    kills = int(os.environ.get("CHAOS_KILLS", "50"))
    users = int(os.environ.get("CHAOS_USERS", "3"))
    outage_every = int(os.environ.get("CHAOS_OUTAGE_EVERY", "10"))
    outage_seconds = float(os.environ.get("CHAOS_OUTAGE_SECONDS", "15"))
    seed = int(os.environ.get("CHAOS_SEED", str(int(time.time()))))
    print(f"chaos: {kills} kills per process, {users} users, seed {seed}", flush=True)
    with server_data_dir() as data_dir:
        rig = Rig(data_dir, env=UNLIMITED_AI)
        started = time.monotonic()
        rig.start()
        try:
            report = asyncio.run(run(rig, kills, users, outage_every, outage_seconds, seed))
        finally:
            rig.stop()
    print(report.render())
    print(dump(report))
    print(f"chaos: {time.monotonic() - started:.0f} s", flush=True)
    return 1 if report.lost or report.duplicated else 0


async def run(
    rig: Rig, kills: int, users: int, outage_every: int, outage_seconds: float, seed: int
) -> Report:
    assert rig.endpoints is not None
    shuffle = random.Random(seed).shuffle
    async with Workload(rig.gateway_url, retry_window=600) as work:
        await work.setup(users=users)
        for cycle in range(1, kills + 1):
            order = list(TARGETS)
            shuffle(order)
            for target in order:
                in_flight = asyncio.create_task(work.round())
                await asyncio.sleep(0.2)
                await asyncio.to_thread(rig.kill, target)
                await in_flight
            if outage_every and cycle % outage_every == 0:
                for server in ("postgres", "nats"):
                    in_flight = asyncio.create_task(work.round())
                    await asyncio.to_thread(rig.pause, server, outage_seconds)
                    await in_flight
            print(f"chaos: cycle {cycle}/{kills}: {dict(rig.faults)}", flush=True)
        await work.round()
        return await work.report(rig.endpoints.nats_url, rig.faults, timeout=900)


if __name__ == "__main__":
    sys.exit(main())
