"""Which errors are the event's (recorded and passed over) and which are the world's
(retried, nothing skipped)."""

from __future__ import annotations

import psycopg.errors as pg
import pytest
import sqlalchemy.exc as sa_exc
from nats.errors import TimeoutError as NatsTimeout

from jobtrail.gateway.readmodels.projector import _storable, caused_by_event


def wrapped(error: Exception) -> sa_exc.DBAPIError:
    """What SQLAlchemy raises around a driver error."""
    return sa_exc.DBAPIError.instance("INSERT …", {}, error, pg.Error)


@pytest.mark.parametrize(
    "error",
    [
        pg.UntranslatableCharacter("\\u0000 cannot be converted to text"),
        pg.UniqueViolation("duplicate key value violates unique constraint"),
        pg.NumericValueOutOfRange("integer out of range"),
        pg.ProgramLimitExceeded("index row size exceeds maximum"),
        ValueError("an applier with a bug"),
        KeyError("data"),
    ],
)
def test_bad_data_and_applier_bugs_are_the_events_fault(error: Exception) -> None:
    assert caused_by_event(error)
    if isinstance(error, pg.Error):
        assert caused_by_event(wrapped(error))


@pytest.mark.parametrize(
    "error",
    [
        pg.AdminShutdown("terminating connection due to administrator command"),
        pg.UndefinedTable('relation "gateway.users" does not exist'),
        pg.InsufficientPrivilege("permission denied for table users"),
        pg.DeadlockDetected("deadlock detected"),
        pg.SerializationFailure("could not serialize access"),
        pg.DiskFull("could not extend file"),
        pg.QueryCanceled("canceling statement due to statement timeout"),
        NatsTimeout(),
        ConnectionResetError("reset by peer"),
    ],
)
def test_outages_and_database_faults_are_never_blamed_on_an_event(error: Exception) -> None:
    assert not caused_by_event(error)
    if isinstance(error, pg.Error):
        assert not caused_by_event(wrapped(error))


def test_an_adapter_error_raised_from_an_outage_is_still_an_outage() -> None:
    outer = RuntimeError("loading rows failed")
    outer.__cause__ = pg.UndefinedTable("no such table")
    assert not caused_by_event(outer)


def test_a_recorded_error_never_holds_a_nul() -> None:
    assert _storable("display_name 'x\x00'") == "display_name 'x\\u0000'"
