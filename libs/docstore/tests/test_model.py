"""What a caller may write, checked before any store is involved."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from uuid import uuid4

import pytest

from jobtrail.docstore import (
    InvalidDocument,
    InvalidStoreURL,
    NewDocumentVersion,
    open_document_store,
)
from jobtrail.docstore.model import utc_now
from jobtrail.docstore.postgres import psycopg_url
from jobtrail.events.canonical import content_hash


def new_version(**overrides: Any) -> NewDocumentVersion:
    fields: dict[str, Any] = {
        "doc_id": uuid4(),
        "version": 1,
        "kind": "resume",
        "source": "user",
        "content": {"basics": {"name": "Ada"}},
    }
    return NewDocumentVersion(**(fields | overrides))


def test_sha256_is_the_canonical_content_hash() -> None:
    new = new_version(content={"b": 1, "a": "é"})

    assert new.sha256 == content_hash({"a": "é", "b": 1})


def test_sha256_cannot_be_supplied() -> None:
    with pytest.raises(TypeError):
        new_version(sha256="0" * 64)


def test_a_new_version_says_what_it_becomes_once_stored() -> None:
    new = new_version(version=2, parent_version=1, metadata={"proposal": True})
    now = utc_now()

    stored = new.stored_at(now)

    assert (stored.version, stored.parent_version, stored.created_at) == (2, 1, now)
    assert (stored.sha256, stored.metadata) == (new.sha256, {"proposal": True})


def test_timestamps_are_utc_to_the_millisecond() -> None:
    now = utc_now()

    assert now.tzinfo is UTC
    assert now.microsecond % 1000 == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"version": 0}, "version must be an integer >= 1"),
        ({"version": True}, "version must be an integer >= 1"),
        (
            {"version": 2, "parent_version": 2},
            r"parent_version must be None or an integer in 1\.\.1",
        ),
        ({"version": 3, "parent_version": 0}, r"in 1\.\.2"),
        ({"kind": ""}, "kind must be a non-empty string"),
        ({"source": "robot"}, r"source must be one of \['ai', 'import', 'user'\]"),
        ({"content": ["not", "an", "object"]}, "content must be a JSON object"),
        ({"content": {"when": utc_now()}}, r"content\.when: datetime is not JSON"),
        ({"content": {"score": float("nan")}}, r"content\.score: nan is not valid JSON"),
        ({"content": {"n": 2**64}}, "does not fit in 64 bits"),
        ({"content": {"n": 1e16}}, r"content\.n: float 1e\+16 does not survive every store"),
        ({"content": {"n": -0.0}}, r"float -0\.0 does not survive"),
        ({"content": {"s": "\ud800"}}, r"content\.s: text is not valid Unicode"),
        ({"content": {1: "x"}}, "object keys must be strings"),
        ({"content": {"a": ["ok", "nul\x00"]}}, r"content\.a\[1\]: text contains U\+0000"),
        ({"metadata": {"k\x00": 1}}, "metadata key .* contains U\\+0000"),
    ],
)
def test_malformed_versions_are_refused_saying_why(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidDocument, match=message):
        new_version(**overrides)


async def test_an_unknown_url_scheme_is_refused() -> None:
    with pytest.raises(InvalidStoreURL, match=r"use postgresql://… .* or mongodb://…"):
        await open_document_store("redis://127.0.0.1:6379/0")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_postgres_urls_get_the_psycopg_driver(url: str, expected: str) -> None:
    assert psycopg_url(url) == expected
