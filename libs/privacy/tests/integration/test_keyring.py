"""The key ring on the real NATS server: keys made once, rotated, rewrapped, destroyed.

Each test uses a bucket of its own, so it sees only its own entries.
"""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator
from uuid import uuid4

import nats
import pytest
from nats.aio.client import Client

from jobtrail.privacy import Keyring, MasterKeys, OwnerErased, SealingError
from jobtrail.privacy.cipher import open_json, seal_json, sealed_kid
from jobtrail.stack.endpoints import StackEndpoints

pytestmark = pytest.mark.integration


def master(*ids: str) -> tuple[MasterKeys, dict[str, str]]:
    secrets = {mid: base64.b64encode(os.urandom(32)).decode() for mid in ids}
    return MasterKeys.parse(",".join(f"{m}:{k}" for m, k in secrets.items())), secrets


@pytest.fixture
async def nc(stack: StackEndpoints) -> AsyncIterator[Client]:
    client = await nats.connect(stack.nats_url)
    yield client
    await client.close()


@pytest.fixture
def bucket() -> str:
    return f"TEST_KEYS_{uuid4().hex[:8]}"


async def test_racing_processes_agree_on_one_key_and_a_rotation_keeps_the_old_ones(
    nc: Client, bucket: str
) -> None:
    keys, _ = master("k1")
    one, two, owner = Keyring(nc, keys, bucket=bucket), Keyring(nc, keys, bucket=bucket), uuid4()
    first = await one.writing_key(owner)
    assert await two.writing_key(owner) == first  # made once, read by the other
    sealed = seal_json(first, {"email": "ada@example.com"}, b"record")

    newer = await one.rotate(owner)
    assert newer.kid != first.kid
    two.forget(owner)
    assert await two.writing_key(owner) == newer
    held = await two.owner_keys(owner)
    assert held is not None
    assert open_json(held.keys[sealed_kid(sealed)], sealed, b"record") == {
        "email": "ada@example.com"
    }


async def test_a_new_master_key_rewraps_every_entry_and_the_old_one_can_then_go(
    nc: Client, bucket: str
) -> None:
    old, old_secrets = master("k1")
    owners = [uuid4() for _ in range(3)]
    made = {o: await Keyring(nc, old, bucket=bucket).writing_key(o) for o in owners}

    new_secret = base64.b64encode(os.urandom(32)).decode()
    both = MasterKeys.parse(f"k2:{new_secret},k1:{old_secrets['k1']}")
    assert await Keyring(nc, both, bucket=bucket).rewrap_all() == 3

    only_new = Keyring(nc, MasterKeys.parse(f"k2:{new_secret}"), bucket=bucket)
    for owner, key in made.items():
        assert await only_new.writing_key(owner) == key
    with pytest.raises(SealingError, match="not configured"):
        await Keyring(nc, old, bucket=bucket).owner_keys(owners[0])


async def test_an_erasure_destroys_the_keys_and_a_new_registration_starts_afresh(
    nc: Client, bucket: str
) -> None:
    keys, _ = master("k1")
    ring, owner = Keyring(nc, keys, bucket=bucket), uuid4()
    before = await ring.writing_key(owner)

    await ring.erase(owner)
    other = Keyring(nc, keys, bucket=bucket)  # another process, no cache
    erased = await other.owner_keys(owner)
    assert erased is not None
    assert (erased.erased, dict(erased.keys), erased.erased_at is not None) == (True, {}, True)
    with pytest.raises(OwnerErased):
        await other.writing_key(owner)
    with pytest.raises(OwnerErased):
        await other.rotate(owner)
    kv = await nc.jetstream().key_value(bucket)
    history = await kv.history(str(owner))
    assert len(history) == 1  # one revision per key: the wrapped keys are gone from NATS
    assert history[0].value is not None
    assert b'"keys": []' in history[0].value

    fresh = await other.revive(owner)
    assert fresh.kid != before.kid
    rotated = await other.rotate(owner)
    again = await Keyring(nc, keys, bucket=bucket).owner_keys(owner)
    assert again is not None
    assert set(again.keys) == {fresh.kid, rotated.kid}  # the erased key never comes back
    assert again.erased_at == erased.erased_at  # clear data from before stays erased
