"""Per-user data keys and crypto-shredding (see `cipher` and `keyring`).

A process has one set of master keys: each service's settings (`JOBTRAIL_MASTER_KEYS`)
`configure` it at start; without that, the variable itself is read, and without it the
development key is used (which `environment=prod` refuses). Every NATS connection gets one
shared `Keyring` (`keys_for`), so the event store, the consumers, the document store and
the file store of a process share its cache.
"""

from __future__ import annotations

import os
import weakref

from nats.aio.client import Client as NATS

from jobtrail.privacy.cipher import (
    DEV_MASTER_KEYS,
    DataKey,
    KeySource,
    MasterKeys,
    OwnerErased,
    OwnerKeys,
    SealingError,
)
from jobtrail.privacy.keyring import BUCKET, Keyring
from jobtrail.privacy.memory import MemoryKeys

__all__ = [
    "BUCKET",
    "DEV_MASTER_KEYS",
    "DataKey",
    "KeySource",
    "Keyring",
    "MasterKeys",
    "MemoryKeys",
    "OwnerErased",
    "OwnerKeys",
    "SealingError",
    "configure",
    "keys_for",
    "master_keys",
]

_master: MasterKeys | None = None
_rings: weakref.WeakKeyDictionary[NATS, Keyring] = weakref.WeakKeyDictionary()


def configure(master: MasterKeys) -> None:
    """Set this process's master keys (a service does it from its settings at start)."""
    global _master
    if _master is not None and _master.ids() == master.ids() and _master.same(master):
        return  # several services in one process (tests): keep the rings and their caches
    _master = master
    _rings.clear()


def master_keys() -> MasterKeys:
    if _master is not None:
        return _master
    return MasterKeys.parse(os.environ.get("JOBTRAIL_MASTER_KEYS") or DEV_MASTER_KEYS)


def keys_for(nc: NATS) -> Keyring:
    """The key ring of this connection (one per connection, shared by all its users)."""
    ring = _rings.get(nc)
    if ring is None:
        ring = _rings[nc] = Keyring(nc, master_keys())
    return ring
