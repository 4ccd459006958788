"""A spent AI budget says when to come back: the daily reset at midnight UTC."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from jobtrail.gateway.domain.ai_jobs import BudgetExhausted, check_budget, seconds_to_midnight_utc


def test_retry_after_counts_to_the_next_midnight_utc() -> None:
    assert seconds_to_midnight_utc(datetime(2026, 11, 28, 23, 0, tzinfo=UTC)) == 3600
    assert seconds_to_midnight_utc(datetime(2026, 11, 28, 0, 0, tzinfo=UTC)) == 24 * 3600
    assert seconds_to_midnight_utc(datetime(2026, 11, 28, 23, 59, 59, 500000, tzinfo=UTC)) == 1


def test_a_local_time_is_counted_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    assert seconds_to_midnight_utc(datetime(2026, 11, 29, 0, 30, tzinfo=paris)) == 1800


def test_a_spent_budget_carries_its_retry_after() -> None:
    with pytest.raises(BudgetExhausted) as refused:
        check_budget((10, 0.0), (10, 0.0), (10, 1.0, 1000, 100.0))
    assert 1 <= refused.value.retry_after <= 24 * 3600
