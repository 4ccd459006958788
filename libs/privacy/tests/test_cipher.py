"""Sealing with data keys, and wrapping them under master keys."""

from __future__ import annotations

import base64
import os
from uuid import uuid4

import pytest

from jobtrail.privacy import DataKey, MasterKeys, MemoryKeys, OwnerErased, SealingError
from jobtrail.privacy.cipher import (
    is_sealed,
    is_sealed_bytes,
    open_file,
    open_json,
    seal_file,
    seal_json,
    sealed_file_owner,
)

DATA = {"email": "ada@example.com", "names": ["Ada", "Lovelace"], "n": 3}


def test_sealed_json_hides_the_values_and_opens_to_them() -> None:
    key = DataKey.generate()
    sealed = seal_json(key, DATA, b"event-1")
    assert is_sealed(sealed)
    assert "ada@example.com" not in str(sealed)
    assert open_json(key, sealed, b"event-1") == DATA


def test_the_same_value_seals_alike_so_a_retried_write_is_the_same_write() -> None:
    key = DataKey.generate()
    assert seal_json(key, DATA, b"doc-1") == seal_json(key, DATA, b"doc-1")
    assert seal_json(key, DATA, b"doc-1") != seal_json(key, DATA, b"doc-2")
    assert seal_json(key, DATA, b"doc-1") != seal_json(key, {**DATA, "n": 4}, b"doc-1")


def test_sealed_data_opens_only_with_its_key_and_its_record() -> None:
    key = DataKey.generate()
    sealed = seal_json(key, DATA, b"event-1")
    with pytest.raises(SealingError):
        open_json(key, sealed, b"event-2")  # moved to another record
    with pytest.raises(SealingError):
        open_json(DataKey(key.kid, os.urandom(32)), sealed, b"event-1")
    box = bytearray(base64.b64decode(sealed["box"]))
    box[-1] ^= 1
    with pytest.raises(SealingError):
        open_json(key, {**sealed, "box": base64.b64encode(box).decode()}, b"event-1")


def test_files_seal_and_open_with_their_owner_named_in_the_header() -> None:
    key, owner = DataKey.generate(), uuid4()
    data = b"%PDF-1.7 a resume"
    sealed = seal_file(key, owner, data)
    assert is_sealed_bytes(sealed)
    assert b"resume" not in sealed
    assert sealed_file_owner(sealed) == (owner, key.kid)
    assert open_file(key, owner, sealed) == data
    forged = sealed.replace(str(owner).encode(), str(uuid4()).encode())
    with pytest.raises(SealingError):
        open_file(key, sealed_file_owner(forged)[0], forged)


def test_master_keys_wrap_data_keys_and_still_unwrap_after_a_rotation() -> None:
    owner, key = uuid4(), DataKey.generate()
    old = MasterKeys.parse("k1:" + base64.b64encode(os.urandom(32)).decode())
    wrapped = old.wrap(owner, key)
    assert base64.b64decode(wrapped["wrapped"]).find(key.secret) == -1
    new_secret = base64.b64encode(os.urandom(32)).decode()
    old_secret = base64.b64encode(old._keys["k1"]).decode()
    rotated = MasterKeys.parse(f"k2:{new_secret},k1:{old_secret}")
    assert rotated.current == "k2"
    assert rotated.unwrap(owner, wrapped) == key
    assert rotated.wrap(owner, key)["master"] == "k2"
    with pytest.raises(SealingError):
        rotated.unwrap(uuid4(), wrapped)  # another owner's entry


@pytest.mark.parametrize(
    "text",
    ["", "nocolon", "k1:not-base64!", "k1:" + base64.b64encode(b"short").decode()],
)
def test_a_bad_master_key_setting_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError, match="master key"):
        MasterKeys.parse(text)


async def test_an_erased_owner_has_no_key_to_write_or_read_with() -> None:
    keys, owner = MemoryKeys(), uuid4()
    key = await keys.writing_key(owner)
    assert await keys.writing_key(owner) == key
    await keys.erase(owner)
    erased = await keys.owner_keys(owner)
    assert erased is not None
    assert erased.erased
    assert dict(erased.keys) == {}
    with pytest.raises(OwnerErased):
        await keys.writing_key(owner)
