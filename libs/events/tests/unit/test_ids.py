"""UUIDv7 event ids: version 7, ordered by time, and derivable deterministically."""

import time
import uuid

from jobtrail.events.ids import derived_uuid7, uuid7

MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


def unix_ms(value: uuid.UUID) -> int:
    return value.int >> 80


def test_uuid7_is_a_version_7_rfc_9562_uuid() -> None:
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_uuid7_carries_the_current_unix_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000
    assert before <= unix_ms(value) <= after


def test_uuid7s_made_in_later_milliseconds_sort_after_earlier_ones() -> None:
    made = []
    for _ in range(5):
        made.append(uuid7())
        time.sleep(0.002)
    assert sorted(made) == made
    assert sorted(str(value) for value in made) == [str(value) for value in made]


def test_uuid7s_made_in_the_same_millisecond_are_still_unique() -> None:
    assert len({uuid7() for _ in range(10_000)}) == 10_000


def test_derived_uuid7_is_the_same_for_the_same_inputs() -> None:
    assert derived_uuid7(MS, "cause", "ResumeParsed", 2) == derived_uuid7(
        MS, "cause", "ResumeParsed", 2
    )


def test_derived_uuid7_differs_when_any_seed_part_differs() -> None:
    base = derived_uuid7(MS, "cause", "ResumeParsed", 2)
    assert derived_uuid7(MS, "other", "ResumeParsed", 2) != base
    assert derived_uuid7(MS, "cause", "ResumeRejected", 2) != base
    assert derived_uuid7(MS, "cause", "ResumeParsed", 3) != base


def test_derived_uuid7_keeps_seed_parts_apart() -> None:
    assert derived_uuid7(MS, "ab", "c") != derived_uuid7(MS, "a", "bc")


def test_derived_uuid7_is_a_version_7_uuid_at_the_given_millisecond() -> None:
    value = derived_uuid7(MS, "cause")
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert unix_ms(value) == MS
