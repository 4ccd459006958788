"""The DocumentStore contract: every adapter must pass every test here."""

from __future__ import annotations

import asyncio
from datetime import UTC
from typing import Any
from uuid import UUID, uuid4

import pytest

from jobtrail.docstore import (
    DocumentIntegrityError,
    DocumentNotFound,
    DocumentStore,
    DocumentVersion,
    NewDocumentVersion,
    Source,
    VersionConflict,
)
from jobtrail.events.canonical import content_hash

from .conftest import AlterContent


def a_version(
    doc_id: UUID,
    version: int = 1,
    content: dict[str, Any] | None = None,
    source: Source = "user",
    **fields: Any,
) -> NewDocumentVersion:
    """A resume version with sensible defaults; parent is the previous version."""
    return NewDocumentVersion(
        doc_id=doc_id,
        version=version,
        kind=fields.pop("kind", "resume"),
        source=source,
        content=content if content is not None else {"basics": {"name": f"v{version}"}},
        parent_version=fields.pop("parent_version", version - 1 or None),
        **fields,
    )


async def a_document(store: DocumentStore, versions: int) -> UUID:
    """A new document with versions 1..versions stored."""
    doc_id = uuid4()
    for version in range(1, versions + 1):
        await store.put(a_version(doc_id, version))
    return doc_id


async def test_put_stores_every_field_and_the_content_hash(store: DocumentStore) -> None:
    owner_id = uuid4()
    new = a_version(
        uuid4(),
        content={"basics": {"name": "Ada"}, "skills": ["python"]},
        source="import",
        kind="job_posting",
        owner_id=owner_id,
        metadata={"imported_from": "linkedin"},
    )

    stored = await store.put(new)

    assert (stored.doc_id, stored.version, stored.parent_version) == (new.doc_id, 1, None)
    assert (stored.kind, stored.source, stored.owner_id) == ("job_posting", "import", owner_id)
    assert stored.content == new.content
    assert stored.metadata == {"imported_from": "linkedin"}
    assert stored.sha256 == content_hash(new.content) == new.sha256
    assert stored.created_at.utcoffset() == UTC.utcoffset(None)


async def test_get_returns_exactly_what_put_returned(store: DocumentStore) -> None:
    doc_id = uuid4()
    await store.put(a_version(doc_id, 1))
    proposal = a_version(
        doc_id, 2, source="ai", metadata={"proposal": True, "based_on": 1, "ai_job_id": "j-7"}
    )

    stored = await store.put(proposal)

    assert await store.get(doc_id, 2) == stored
    assert await store.get(doc_id) == stored


async def test_get_without_version_returns_the_highest(store: DocumentStore) -> None:
    doc_id = await a_document(store, versions=3)

    latest = await store.get(doc_id)

    assert (latest.version, latest.parent_version) == (3, 2)
    assert latest.content == {"basics": {"name": "v3"}}


async def test_versions_are_listed_oldest_first(store: DocumentStore) -> None:
    doc_id = await a_document(store, versions=3)

    versions = await store.list_versions(doc_id)

    assert [v.version for v in versions] == [1, 2, 3]
    assert [v.parent_version for v in versions] == [None, 1, 2]
    assert await store.latest_version(doc_id) == 3


async def test_unknown_document_has_no_versions(store: DocumentStore) -> None:
    doc_id = uuid4()

    assert await store.list_versions(doc_id) == []
    assert await store.latest_version(doc_id) is None


async def test_get_of_unknown_document_raises_not_found(store: DocumentStore) -> None:
    doc_id = uuid4()

    with pytest.raises(DocumentNotFound, match=f"document {doc_id} does not exist"):
        await store.get(doc_id)


async def test_get_of_missing_version_names_the_latest(store: DocumentStore) -> None:
    doc_id = await a_document(store, versions=2)

    with pytest.raises(DocumentNotFound, match=r"has no version 5 \(latest is 2\)") as caught:
        await store.get(doc_id, 5)

    assert (caught.value.doc_id, caught.value.version, caught.value.latest) == (doc_id, 5, 2)


async def test_redelivered_put_returns_the_stored_version_unchanged(store: DocumentStore) -> None:
    doc_id = uuid4()
    first = await store.put(a_version(doc_id, 1, content={"summary": "hello"}))

    again = await store.put(a_version(doc_id, 1, content={"summary": "hello"}))

    assert again == first  # same created_at: nothing was written the second time
    assert await store.list_versions(doc_id) == [first]


async def test_same_content_with_other_key_order_is_the_same_version(
    store: DocumentStore,
) -> None:
    doc_id = uuid4()
    first = await store.put(a_version(doc_id, 1, content={"a": 1, "b": [1, 2]}))

    again = await store.put(a_version(doc_id, 1, content={"b": [1, 2], "a": 1}))

    assert again == first


async def test_different_content_for_an_existing_version_is_refused(
    store: DocumentStore,
) -> None:
    doc_id = await a_document(store, versions=2)
    before = await store.get(doc_id, 1)

    with pytest.raises(VersionConflict, match="write it as version 3") as caught:
        await store.put(a_version(doc_id, 1, content={"basics": {"name": "rewritten"}}))

    assert (caught.value.version, caught.value.current) == (1, 2)
    assert await store.get(doc_id, 1) == before


async def test_a_gap_in_versions_is_refused_naming_the_current_one(store: DocumentStore) -> None:
    doc_id = await a_document(store, versions=1)

    with pytest.raises(VersionConflict, match="current version is 1; the next version must be 2"):
        await store.put(a_version(doc_id, 3, parent_version=1))

    assert await store.latest_version(doc_id) == 1


async def test_a_first_version_other_than_1_is_refused(store: DocumentStore) -> None:
    doc_id = uuid4()

    with pytest.raises(VersionConflict, match="does not exist yet; write version 1 first"):
        await store.put(a_version(doc_id, 2))

    assert await store.latest_version(doc_id) is None


async def test_concurrent_writers_of_one_version_exactly_one_wins(store: DocumentStore) -> None:
    doc_id = await a_document(store, versions=1)
    contenders = [a_version(doc_id, 2, content={"writer": n}) for n in range(2)]

    results = await asyncio.gather(*(store.put(c) for c in contenders), return_exceptions=True)

    winners = [r for r in results if isinstance(r, DocumentVersion)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert isinstance(losers[0], VersionConflict), results
    assert await store.get(doc_id, 2) == winners[0]


async def test_many_concurrent_writers_leave_one_version(store: DocumentStore) -> None:
    doc_id = await a_document(store, versions=1)
    contenders = [a_version(doc_id, 2, content={"writer": n}) for n in range(8)]

    results = await asyncio.gather(*(store.put(c) for c in contenders), return_exceptions=True)

    assert sum(isinstance(r, DocumentVersion) for r in results) == 1, results
    assert sum(isinstance(r, VersionConflict) for r in results) == 7, results
    assert [v.version for v in await store.list_versions(doc_id)] == [1, 2]


async def test_concurrent_redeliveries_all_succeed_with_one_version(store: DocumentStore) -> None:
    doc_id = uuid4()
    same = a_version(doc_id, 1, content={"summary": "delivered twice"})

    results = await asyncio.gather(store.put(same), store.put(same))

    assert results[0] == results[1]
    assert len(await store.list_versions(doc_id)) == 1


UNICODE_CONTENT: dict[str, Any] = {
    "basics": {"name": "Zoë Ångström-Müller", "label": "Ingénieure logicielle 👩‍💻"},
    "日本語": "履歴書 — 職務経歴",
    "עברית": "קורות חיים",
    "العربية": "السيرة الذاتية",
    "emoji": "🚀🔥 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓",
    "combining": "e\u0301 vs \u00e9",
    "escapes": 'quote " backslash \\ tab \t newline \n slash /',
    "zero_width": "a\u200bb\ufeffc",
    "numbers": [0, -1, 2**53, -(2**63), 2**63 - 1, 0.1, -2.5e-8, 1.5],
    "flags": [True, False, None],
    "nested": [{"level": [{"deeper": ["∞"]}]}],
    "": "empty key",
}


async def test_unicode_content_round_trips_exactly(store: DocumentStore) -> None:
    doc_id = uuid4()
    await store.put(a_version(doc_id, 1, content=UNICODE_CONTENT, metadata={"note": "¿ü?"}))

    stored = await store.get(doc_id, 1)

    assert stored.content == UNICODE_CONTENT
    assert stored.metadata == {"note": "¿ü?"}
    assert content_hash(stored.content) == stored.sha256


async def test_a_large_document_round_trips(store: DocumentStore) -> None:
    work = [
        {"company": f"Company {i}", "summary": "x" * 1000, "highlights": ["é" * 20]}
        for i in range(1000)
    ]
    content = {"basics": {"name": "Large"}, "work": work}
    doc_id = uuid4()

    stored = await store.put(a_version(doc_id, 1, content=content))

    fetched = await store.get(doc_id)
    assert fetched.content == content
    assert fetched.sha256 == stored.sha256 == content_hash(content)


async def test_ping_succeeds_on_a_ready_store(store: DocumentStore) -> None:
    await store.ping()


async def test_content_altered_in_the_store_is_refused_on_every_read(
    store: DocumentStore, alter_content: AlterContent
) -> None:
    doc_id = await a_document(store, versions=2)
    original = (await store.get(doc_id, 2)).content
    await alter_content(store, doc_id, 2, {"basics": {"name": "Mallory"}})
    try:
        with pytest.raises(DocumentIntegrityError, match="failed its integrity check") as caught:
            await store.get(doc_id, 2)
        assert (caught.value.doc_id, caught.value.version) == (doc_id, 2)
        assert caught.value.stored_sha256 == content_hash(original)
        assert caught.value.actual_sha256 == content_hash({"basics": {"name": "Mallory"}})
        with pytest.raises(DocumentIntegrityError):
            await store.get(doc_id)  # the latest version is the altered one
        with pytest.raises(DocumentIntegrityError):
            await store.list_versions(doc_id)
        with pytest.raises(DocumentIntegrityError):  # a redelivered put must not return it
            await store.put(a_version(doc_id, 2))
        assert (await store.get(doc_id, 1)).content == {"basics": {"name": "v1"}}
    finally:
        await alter_content(store, doc_id, 2, original)
    assert (await store.get(doc_id, 2)).content == original


async def test_verify_all_checks_every_version_and_names_the_altered_one(
    store: DocumentStore, alter_content: AlterContent
) -> None:
    doc_id = await a_document(store, versions=3)
    await alter_content(store, doc_id, 2, {"basics": {"name": "Mallory"}})
    try:
        checks = [c async for c in store.verify_all(batch=2) if c.doc_id == doc_id]
    finally:
        await alter_content(store, doc_id, 2, {"basics": {"name": "v2"}})

    assert [(c.version, c.ok) for c in checks] == [(1, True), (2, False), (3, True)]
    assert checks[1].stored_sha256 == content_hash({"basics": {"name": "v2"}})
    assert all(c.ok for c in [c async for c in store.verify_all() if c.doc_id == doc_id])


async def test_verify_all_walks_past_a_page_boundary(store: DocumentStore) -> None:
    docs = {await a_document(store, versions=2) for _ in range(3)}

    seen = [(c.doc_id, c.version) async for c in store.verify_all(batch=1) if c.doc_id in docs]

    assert seen == sorted((d, v) for d in docs for v in (1, 2))
