"""The audit chain's rules, row by row: what each hash rule covers and what the verifier refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from jobtrail.gateway.readmodels.audit import (
    GENESIS,
    HASHED_COLUMNS,
    Anchor,
    ChainBroken,
    ChainVerifier,
    chain_hash,
    row_hash,
    row_mac,
)

KEY = b"k" * 32


def a_row(
    seq: int, prev_hash: str, *, version: int = 2, key: bytes | None = None
) -> dict[str, Any]:
    """A stored row as the projector writes it, under hash rule `version`."""
    owner, at = uuid4(), datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    event: dict[str, Any] = {
        "event_id": str(uuid4()), "type": "UserRegistered", "aggregate_type": "user",
        "aggregate_id": str(owner), "owner_id": str(owner), "actor": f"user:{owner}",
        "occurred_at": "2026-01-02T03:04:05.678901Z", "data": {"n": seq},
    }  # fmt: skip
    row: dict[str, Any] = {"seq": seq, "event_id": event["event_id"], "type": "UserRegistered",
           "aggregate_type": "user", "aggregate_id": str(owner), "owner_id": owner,
           "actor": event["actor"], "occurred_at": at, "event": event, "prev_hash": prev_hash,
           "hash_version": version}  # fmt: skip
    digest = row_hash(row) if version == 2 else chain_hash(prev_hash, event)
    row["hash"] = digest
    row["mac"] = row_mac(key, digest) if key and version == 2 else None
    return row


def a_chain(versions: list[int], key: bytes | None = None) -> list[dict[str, Any]]:
    rows, prev = [], GENESIS
    for seq, version in enumerate(versions, start=1):
        rows.append(a_row(seq, prev, version=version, key=key))
        prev = rows[-1]["hash"]
    return rows


def verify(rows: list[dict[str, Any]], key: bytes | None = None, anchors: Any = ()) -> None:
    verifier = ChainVerifier(key, anchors)
    verifier.check_anchor_macs()
    for row in rows:
        verifier.row(row)
    verifier.end()


@pytest.mark.parametrize("column", HASHED_COLUMNS)
def test_rule_2_covers_every_column(column: str) -> None:
    row = a_row(7, GENESIS)
    changed = {
        "seq": 8, "event_id": str(uuid4()), "owner_id": uuid4(), "event": {"other": True},
        "occurred_at": row["occurred_at"] + timedelta(microseconds=1), "prev_hash": "1" * 64,
    }.get(column, "something else")  # fmt: skip

    assert row_hash({**row, column: changed}) != row_hash(row)


def test_a_chain_that_moved_from_rule_1_to_rule_2_verifies() -> None:
    verify(a_chain([1, 1, 2, 2], key=KEY), key=KEY)


def test_a_rule_1_row_with_an_edited_column_is_refused_although_its_hash_holds() -> None:
    rows = a_chain([1, 1, 2])
    rows[1]["owner_id"] = uuid4()  # rule 1 hashes the event only; the column says otherwise

    with pytest.raises(ChainBroken, match="owner_id column does not match its event") as broken:
        verify(rows)
    assert broken.value.seq == 2


def test_an_unknown_hash_version_is_refused() -> None:
    rows = a_chain([2, 2])
    rows[1]["hash_version"] = 3

    with pytest.raises(ChainBroken, match="not a known hash rule"):
        verify(rows)


def test_unsigned_rows_before_the_key_was_set_are_accepted_but_not_after_signed_ones() -> None:
    rows = a_chain([2, 2, 2])
    rows[1]["mac"] = row_mac(KEY, rows[1]["hash"])  # the key was set from row 2 on
    rows[2]["mac"] = row_mac(KEY, rows[2]["hash"])
    verify(rows, key=KEY)

    rows[2]["mac"] = None
    with pytest.raises(ChainBroken, match="no MAC although rows before it are signed"):
        verify(rows, key=KEY)


def test_an_anchor_with_a_forged_mac_is_refused() -> None:
    rows = a_chain([2, 2], key=KEY)
    good = Anchor(2, rows[1]["hash"], 2, "2026-01-02T00:00:00.000000Z").sign(KEY)
    forged = Anchor(2, rows[1]["hash"], 2, good.at, mac="0" * 64)
    verify(rows, key=KEY, anchors=[good])

    with pytest.raises(ChainBroken, match="has no valid MAC"):
        verify(rows, key=KEY, anchors=[good, forged])


def test_an_anchor_counting_more_rows_than_there_are_is_refused() -> None:
    rows = a_chain([2, 2, 2])
    anchor = Anchor(3, rows[2]["hash"], 4, "2026-01-02T00:00:00.000000Z")

    with pytest.raises(ChainBroken, match="counts 4 rows up to here, there are 3"):
        verify(rows, anchors=[anchor])
