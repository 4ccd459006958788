"""Canonical JSON: one byte string per value, whatever the key order or the alphabet."""

from datetime import UTC, datetime
from uuid import UUID

from jobtrail.events.canonical import canonical_json, content_hash


def test_key_order_does_not_change_the_bytes() -> None:
    one = {"b": 1, "a": {"d": [1, 2], "c": None}}
    other = {"a": {"c": None, "d": [1, 2]}, "b": 1}
    assert canonical_json(one) == canonical_json(other)


def test_keys_are_sorted_and_there_is_no_white_space() -> None:
    assert canonical_json({"b": [1, 2], "a": "x y"}) == b'{"a":"x y","b":[1,2]}'


def test_non_ascii_text_is_written_as_utf8_not_escaped() -> None:
    text = "Zoë Ångström — 履歴書 ☕"
    assert canonical_json({"name": text}) == ('{"name":"' + text + '"}').encode("utf-8")


def test_the_same_unicode_value_always_gives_the_same_bytes() -> None:
    value = {"city": "Zürich", "emoji": "🚀", "nested": {"ß": "straße"}}
    assert canonical_json(value) == canonical_json(dict(reversed(list(value.items()))))
    assert canonical_json(value).decode("utf-8").count("\\u") == 0


def test_uuids_and_datetimes_are_written_as_their_text() -> None:
    value = {
        "id": UUID("01890a5d-ac96-774b-bcce-b302099a8057"),
        "at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    }
    assert canonical_json(value) == (
        b'{"at":"2026-01-02 03:04:05+00:00","id":"01890a5d-ac96-774b-bcce-b302099a8057"}'
    )


def test_content_hash_is_pinned_so_stored_hashes_stay_valid() -> None:
    # A change to the canonical form would silently break every stored audit hash.
    assert content_hash({"name": "Zoë", "tags": ["a", "b"], "n": 1}) == (
        "735906a972e8afd27063e146ec72afe2379a17f6581980cb8447c990592c15ba"
    )
