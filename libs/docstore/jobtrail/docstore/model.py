"""Immutable document versions: what a caller writes and what a store keeps."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, get_args
from uuid import UUID

from jobtrail.events.canonical import content_hash

from .errors import InvalidDocument

Source = Literal["user", "ai", "import"]
SOURCES: frozenset[str] = frozenset(get_args(Source))

# BSON has no integer wider than 64 bits; refusing them here keeps every adapter equal.
_INT64 = range(-(2**63), 2**63)


@dataclass(frozen=True, kw_only=True)
class NewDocumentVersion:
    """A version a caller asks a store to keep; its sha256 is computed, never supplied."""

    doc_id: UUID
    version: int
    kind: str
    source: Source
    content: dict[str, Any] = field(repr=False)  # may be a megabyte: keep it out of logs
    parent_version: int | None = None
    owner_id: UUID | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        _check_identity(self.version, self.parent_version, self.kind, self.source)
        _check_json_object(self.content, "content")
        _check_json_object(self.metadata, "metadata")
        object.__setattr__(self, "sha256", content_hash(self.content))

    def stored_at(self, created_at: datetime) -> DocumentVersion:
        """The version as a store keeps it, written at `created_at`."""
        return DocumentVersion(
            doc_id=self.doc_id,
            version=self.version,
            parent_version=self.parent_version,
            kind=self.kind,
            owner_id=self.owner_id,
            source=self.source,
            content=self.content,
            sha256=self.sha256,
            created_at=created_at,
            metadata=self.metadata,
        )


@dataclass(frozen=True, kw_only=True)
class DocumentVersion:
    """One stored, immutable version of a document."""

    doc_id: UUID
    version: int
    parent_version: int | None
    kind: str
    owner_id: UUID | None
    source: Source
    content: dict[str, Any] = field(repr=False)
    sha256: str
    created_at: datetime
    metadata: dict[str, Any]


@dataclass(frozen=True)
class IntegrityCheck:
    """One stored version checked against its sha256 (what `jobtrail docs verify` reports)."""

    doc_id: UUID
    version: int
    stored_sha256: str
    actual_sha256: str

    @property
    def ok(self) -> bool:
        return self.stored_sha256 == self.actual_sha256


def integrity_of(found: DocumentVersion) -> IntegrityCheck:
    """Hash the content as read back and compare it with the sha256 stored beside it."""
    return IntegrityCheck(found.doc_id, found.version, found.sha256, content_hash(found.content))


def utc_now() -> datetime:
    """Now in UTC, to the millisecond: BSON dates keep no more, so every adapter agrees."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _check_identity(version: int, parent: int | None, kind: str, source: str) -> None:
    if not _is_int(version) or version < 1:
        raise InvalidDocument(f"version must be an integer >= 1, got {version!r}")
    if parent is not None and (not _is_int(parent) or not 1 <= parent < version):
        raise InvalidDocument(
            f"parent_version must be None or an integer in 1..{version - 1}, got {parent!r}"
        )
    if not isinstance(kind, str) or not kind:
        raise InvalidDocument(f"kind must be a non-empty string, got {kind!r}")
    if source not in SOURCES:
        raise InvalidDocument(f"source must be one of {sorted(SOURCES)}, got {source!r}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_json_object(value: object, path: str) -> None:
    if not isinstance(value, dict):
        raise InvalidDocument(f"{path} must be a JSON object (dict), got {type(value).__name__}")
    _check_json(value, path)


def _check_json(value: object, path: str) -> None:
    """Refuse what some store cannot keep exactly, naming where it sits in the document."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidDocument(f"{path}: object keys must be strings, got {key!r}")
            _check_text(key, f"{path} key {key!r}")
            _check_json(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{path}[{index}]")
    elif isinstance(value, str):
        _check_text(value, path)
    else:
        _check_scalar(value, path)


def _check_scalar(value: object, path: str) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if value not in _INT64:
            raise InvalidDocument(f"{path}: integer {value} does not fit in 64 bits")
    elif isinstance(value, float):
        _check_float(value, path)
    else:
        raise InvalidDocument(
            f"{path}: {type(value).__name__} is not JSON; convert it to a string or number first"
        )


def _check_float(value: float, path: str) -> None:
    if not math.isfinite(value):
        raise InvalidDocument(f"{path}: {value} is not valid JSON; use null or a string")
    # jsonb keeps numbers as decimals: 1e16 comes back as the int 10000000000000000 and
    # -0.0 as 0.0, so the content read back would no longer match its sha256.
    if abs(value) >= 1e16 or (math.copysign(1.0, value) < 0 and value == 0):
        raise InvalidDocument(
            f"{path}: float {value!r} does not survive every store unchanged; "
            "write it as an integer or a string"
        )


def _check_text(text: str, path: str) -> None:
    # PostgreSQL's jsonb cannot hold U+0000, so no adapter accepts it.
    if "\x00" in text:
        raise InvalidDocument(f"{path}: text contains U+0000, which JSON stores cannot keep")
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError as error:  # a lone surrogate, e.g. from a broken decoder
            raise InvalidDocument(f"{path}: text is not valid Unicode ({error.reason})") from None
