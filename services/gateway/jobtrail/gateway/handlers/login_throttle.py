"""Login throttling: failed logins per account and per client address, in a sliding window.

Failures are rows in PostgreSQL (`gateway.login_failures`), so every gateway copy counts
the same attempts and a restart forgets nothing. Once an account (by email, known or not)
or an address has `limit` failures within the window, further attempts are answered 429
with Retry-After until the oldest of those failures leaves the window. A successful login
clears the account's failures, never the address's: one valid account must not let an
address go on guessing others. The account is stored only as a sha256 of the email.
"""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jobtrail.gateway.domain.users import normalise_email
from jobtrail.gateway.errors import TooManyRequests
from jobtrail.gateway.readmodels.tables import metadata
from jobtrail.gateway.settings import GatewaySettings

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("account", sa.Text, nullable=False),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("login_failures_account", "account", "failed_at"),
    sa.Index("login_failures_address", "address", "failed_at"),
)


def account_key(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


async def check(engine: AsyncEngine, settings: GatewaySettings, email: str, address: str) -> None:
    """TooManyRequests (429, Retry-After) while the account or the address is over its limit."""
    window = settings.login_failure_window_seconds
    async with engine.connect() as connection:
        account_wait = await _wait(
            connection, login_failures.c.account == account_key(email),
            settings.login_max_failures_per_account, window,
        )  # fmt: skip
        address_wait = await _wait(
            connection, login_failures.c.address == address,
            settings.login_max_failures_per_address, window,
        )  # fmt: skip
    if account_wait is not None:
        raise TooManyRequests(
            f"too many failed logins for this account; try again in {account_wait} seconds "
            "(or reset the password if it is forgotten)",
            account_wait,
        )
    if address_wait is not None:
        raise TooManyRequests(
            f"too many failed logins from your address; try again in {address_wait} seconds",
            address_wait,
        )


async def failed(engine: AsyncEngine, settings: GatewaySettings, email: str, address: str) -> None:
    """Count a failed login; forget this account's and address's failures the window passed."""
    account = account_key(email)
    expired = login_failures.c.failed_at < sa.func.now() - _interval(
        settings.login_failure_window_seconds
    )
    async with engine.begin() as connection:
        await connection.execute(
            sa.delete(login_failures).where(
                ((login_failures.c.account == account) | (login_failures.c.address == address))
                & expired
            )
        )
        await connection.execute(
            sa.insert(login_failures).values(
                account=account, address=address, failed_at=sa.func.now()
            )
        )


async def succeeded(engine: AsyncEngine, email: str) -> None:
    """A correct password ends the account's run of failures (the address's stays)."""
    async with engine.begin() as connection:
        await connection.execute(
            sa.delete(login_failures).where(login_failures.c.account == account_key(email))
        )


async def _wait(
    connection: AsyncConnection, where: sa.ColumnElement[bool], limit: int, window: int
) -> int | None:
    """Seconds until fewer than `limit` failures lie in the window; None if already so."""
    # The limit-th newest failure in the window: when it leaves, one more attempt is allowed.
    since = sa.func.now() - _interval(window)
    query = (
        sa.select(
            sa.extract("epoch", login_failures.c.failed_at + _interval(window) - sa.func.now())
        )
        .where(where & (login_failures.c.failed_at > since))
        .order_by(login_failures.c.failed_at.desc())
        .offset(limit - 1)
        .limit(1)
    )
    remaining = (await connection.execute(query)).scalar()
    if remaining is None:
        return None
    return max(1, math.ceil(float(remaining)))


def _interval(seconds: int) -> sa.ColumnElement[timedelta]:
    return sa.literal(timedelta(seconds=seconds), sa.Interval)
