"""Sealing personal data with a per-user data key (AES-256-GCM), and wrapping those keys.

Envelope encryption: each job seeker has data keys (32 random bytes) that seal their events'
data, their documents and their files; the data keys are kept only wrapped (sealed) under a
master key from the settings. Erasing a user destroys their data keys, and with them every
copy of their data, wherever it was replicated or backed up: crypto-shredding.

The nonce is synthetic: HMAC-SHA256 of (key, associated data, plaintext), cut to 12 bytes.
The same plaintext sealed twice under one key for the same record gives the same box, so a
retried write of a document version is recognised as the same write (the document store
compares hashes), and two different plaintexts never share a nonce unless HMAC collides.
The price is that equal plaintexts of one record are visibly equal, which tells nothing new.

Forms:
- JSON (event data, document content): `{"$sealed": 1, "kid": <data key id>, "box": <base64>}`.
- bytes (files): `JTSEAL1\\n<kid>\\n` followed by nonce and ciphertext.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol
from uuid import UUID

import pydantic_core
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED = "$sealed"
_BYTES_MAGIC = b"JTSEAL1\n"
_NONCE = 12
_KEY_BYTES = 32
# A fixed development master key: `environment=prod` refuses it (runtime settings).
DEV_MASTER_KEYS = (
    "dev:"
    + base64.b64encode(
        hashlib.sha256(b"jobtrail-dev-master-key-not-for-production").digest()
    ).decode()
)


class SealingError(ValueError):
    """Sealed data that cannot be opened: a wrong key, or altered bytes."""


class OwnerErased(Exception):
    """The user's data keys were destroyed: what was sealed for them is gone for good."""

    def __init__(self, owner_id: UUID) -> None:
        super().__init__(f"the account {owner_id} was erased; nothing more is kept for it")
        self.owner_id = owner_id


@dataclass(frozen=True)
class DataKey:
    kid: str
    secret: bytes = field(repr=False)

    @classmethod
    def generate(cls) -> DataKey:
        return cls(kid=secrets.token_hex(8), secret=os.urandom(_KEY_BYTES))

    @cached_property
    def _aead(self) -> AESGCM:
        return AESGCM(self.secret)  # its key schedule is made once per key, not per record

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        """nonce || ciphertext-with-tag; the nonce is synthetic (see the module)."""
        nonce = hmac.new(self.secret, aad + b"\0" + plaintext, hashlib.sha256).digest()[:_NONCE]
        return nonce + self._aead.encrypt(nonce, plaintext, aad)

    def open(self, box: bytes, aad: bytes) -> bytes:
        try:
            return self._aead.decrypt(box[:_NONCE], box[_NONCE:], aad)
        except (InvalidTag, ValueError) as error:
            raise SealingError(
                "sealed data does not open with its key: altered or misfiled"
            ) from error


@dataclass(frozen=True)
class OwnerKeys:
    """One user's data keys, opened: every key that ever sealed their data, by id.

    `erased_at` is set once the keys were destroyed (then `keys` is empty and `current` None;
    an account registered again gets a new key and keeps `erased_at`). Data of the user
    written in the clear before sealing began, and no later than that moment, is treated as
    erased too.
    """

    owner_id: UUID
    keys: Mapping[str, DataKey]
    current: str | None
    erased_at: datetime | None = None

    @property
    def erased(self) -> bool:
        """The keys are destroyed (an account registered again after it has a new one)."""
        return self.current is None

    def writing_key(self) -> DataKey:
        if self.current is None:
            raise OwnerErased(self.owner_id)
        return self.keys[self.current]


class KeySource(Protocol):
    """Where data keys come from (the key ring on NATS, or one in memory in tests)."""

    async def writing_key(self, owner_id: UUID) -> DataKey:
        """The owner's current key, made on first use; OwnerErased after an erasure."""
        ...

    async def owner_keys(self, owner_id: UUID) -> OwnerKeys | None:
        """Every key of the owner (None: the owner never had one)."""
        ...


class MasterKeys:
    """The key-encryption keys, from a setting: `id:base64(32 bytes)[,id:base64…]`.

    The first is current and wraps new data keys; the others still unwrap the keys they
    wrapped until `jobtrail keys rotate-master` has rewrapped them all.
    """

    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if current not in keys:
            raise ValueError(f"the current master key {current!r} is not among the keys")
        for mid, secret in keys.items():
            if len(secret) != _KEY_BYTES:
                raise ValueError(f"master key {mid!r} is {len(secret)} bytes; it must be 32")
        self._keys = dict(keys)
        self.current = current

    @classmethod
    def parse(cls, text: str) -> MasterKeys:
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            mid, sep, encoded = part.partition(":")
            if not sep or not mid:
                raise ValueError("a master key is written id:base64, e.g. k2026:Zm9v…")
            try:
                keys[mid] = base64.b64decode(encoded, validate=True)
            except ValueError as error:
                raise ValueError(f"master key {mid!r} is not valid base64") from error
            order.append(mid)
        if not order:
            raise ValueError("no master key is set (JOBTRAIL_MASTER_KEYS)")
        return cls(keys, order[0])

    @classmethod
    def development(cls) -> MasterKeys:
        return cls.parse(DEV_MASTER_KEYS)

    def ids(self) -> list[str]:
        return list(self._keys)

    def same(self, other: MasterKeys) -> bool:
        return self.current == other.current and self._keys == other._keys

    def wrap(self, owner_id: UUID, key: DataKey) -> dict[str, str]:
        box = DataKey(self.current, self._keys[self.current]).seal(
            key.secret, _wrap_aad(owner_id, key.kid)
        )
        return {"kid": key.kid, "master": self.current, "wrapped": _b64(box)}

    def unwrap(self, owner_id: UUID, wrapped: Mapping[str, str]) -> DataKey:
        mid, kid = wrapped["master"], wrapped["kid"]
        secret = self._keys.get(mid)
        if secret is None:
            raise SealingError(
                f"data key {kid} is wrapped under master key {mid!r}, which is not configured"
            )
        opened = DataKey(mid, secret).open(base64.b64decode(wrapped["wrapped"]),
                                           _wrap_aad(owner_id, kid))  # fmt: skip
        return DataKey(kid, opened)


def _wrap_aad(owner_id: UUID, kid: str) -> bytes:
    return b"jobtrail-data-key\n" + owner_id.bytes + kid.encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# JSON values (event data, document content and metadata)


def is_sealed(value: Mapping[str, Any]) -> bool:
    return SEALED in value


def sealed_kid(value: Mapping[str, Any]) -> str:
    return str(value["kid"])


def seal_json(key: DataKey, value: Any, aad: bytes) -> dict[str, Any]:
    # pydantic-core's JSON, several times faster than the json module on event data.
    plaintext = pydantic_core.to_json(value)
    return {SEALED: 1, "kid": key.kid, "box": _b64(key.seal(plaintext, aad))}


def open_json(key: DataKey, sealed: Mapping[str, Any], aad: bytes) -> Any:
    if sealed.get("kid") != key.kid:
        raise SealingError(f"sealed with key {sealed.get('kid')}, not {key.kid}")
    return pydantic_core.from_json(key.open(base64.b64decode(sealed["box"]), aad))


# Files: a header names the owner and the key, so a file opens without any other record.


def is_sealed_bytes(data: bytes) -> bool:
    return data.startswith(_BYTES_MAGIC)


def sealed_file_owner(data: bytes) -> tuple[UUID, str]:
    """(owner, key id) from a sealed file's header."""
    end = data.index(b"\n", len(_BYTES_MAGIC))
    owner, _, kid = data[len(_BYTES_MAGIC) : end].decode().partition(":")
    return UUID(owner), kid


def seal_file(key: DataKey, owner_id: UUID, data: bytes) -> bytes:
    header = _BYTES_MAGIC + f"{owner_id}:{key.kid}".encode() + b"\n"
    return header + key.seal(data, header)


def open_file(key: DataKey, owner_id: UUID, data: bytes) -> bytes:
    end = data.index(b"\n", len(_BYTES_MAGIC)) + 1
    if sealed_file_owner(data) != (owner_id, key.kid):
        raise SealingError("the file was sealed for another owner or with another key")
    return key.open(data[end:], data[:end])
