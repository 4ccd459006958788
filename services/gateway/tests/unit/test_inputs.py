"""What cannot be stored is found wherever it sits in a request, and named by its place."""

from __future__ import annotations

from typing import Any

import pytest

from jobtrail.gateway.api.inputs import INT64_MAX, MAX_DEPTH, parse_sequence, problems_in


def places(value: Any) -> list[str]:
    return [".".join(str(p) for p in where) for where, _ in problems_in(value, ("body",))]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"name": "a\x00b"}, ["body.name"]),
        ({"name": "\ud800"}, ["body.name"]),
        ({"tags": ["ok", "x\x00"]}, ["body.tags.1"]),
        ({"nested": {"k\x00": "v"}}, ["body.nested"]),
        ({"n": INT64_MAX + 1}, ["body.n"]),
        ({"n": -INT64_MAX - 2}, ["body.n"]),
        ({"n": float("nan")}, ["body.n"]),
        ({"n": float("inf")}, ["body.n"]),
    ],
)
def test_each_unstorable_value_is_named(value: Any, expected: list[str]) -> None:
    assert places(value) == expected


def test_storable_values_pass() -> None:
    storable = {
        "name": "Ada Lovelace — ünïcode ✓ 😀",
        "n": INT64_MAX,
        "m": -INT64_MAX - 1,
        "flag": True,
        "ratio": 0.5,
        "none": None,
        "list": [1, "two", {"three": 3}],
    }
    assert places(storable) == []


def test_a_document_nested_too_deep_is_refused_once() -> None:
    deep: Any = "leaf"
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    assert len(places(deep)) == 1


def test_a_sequence_sent_back_is_ascii_digits_within_int64() -> None:
    assert parse_sequence(" 42 ") == 42
    assert parse_sequence("³") is None  # str.isdigit() alone would accept it
    assert parse_sequence(str(INT64_MAX + 1)) is None
    assert parse_sequence("-1") is None
    assert parse_sequence(None) is None
