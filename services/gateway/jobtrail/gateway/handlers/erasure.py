"""Erasing an account: the right to erasure on an append-only log, by crypto-shredding.

1. `AccountErased` is appended to the user's aggregate (in the clear: it holds no personal
   data). Every read model drops the account's rows when it applies it, in this service and
   in the others (`jobs`, `notifier`), and so does a replay.
2. The account's data keys are destroyed (`jobtrail.privacy.keyring`). Every event, document
   and file sealed for it is unreadable from then on, wherever a copy of it is: the log,
   the audit trail, the document store, backups.
3. What the gateway keeps beside the log goes: sessions, the password, reset links, login
   failures, idempotency keys. Aggregate snapshots, which may hold a fold of the account's
   events, are dropped (they are a cache).

Each step can run again: erasing an erased account finishes what an interrupted erasure
left, so `jobtrail erase` may be repeated until it reports success.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

import structlog

from jobtrail.eventlog.aggregates import Repository
from jobtrail.events import EventContext
from jobtrail.gateway.domain.users import User
from jobtrail.gateway.errors import Forbidden, NotFound
from jobtrail.gateway.handlers import passwords
from jobtrail.gateway.security import Principal

if TYPE_CHECKING:  # deps.py holds ErasureDeps in its bag: import it only for the types
    from jobtrail.gateway.deps import Deps

log = structlog.get_logger("jobtrail.gateway.erasure")

# Without a password (an account that logs in through an identity provider), erasing needs a
# login this recent.
FRESH_LOGIN = timedelta(minutes=10)


class AccountRecords(Protocol):
    """What the gateway keeps of an account beside the log and its read models."""

    async def forget(self, user_id: UUID, email: str) -> None: ...

    async def files_of(self, user_id: UUID) -> set[str]:
        """The keys of the files the account's read-model rows point to."""
        ...

    async def shared_files(self, keys: Iterable[str], user_id: UUID) -> set[str]:
        """Of `keys`, those other accounts' rows point to as well."""
        ...

    async def referenced_files(self, keys: Iterable[str]) -> set[str]:
        """Of `keys`, those any read-model row points to."""
        ...


class Files(Protocol):
    async def delete(self, key: str) -> int: ...


class DataKeys(Protocol):
    async def erase(self, owner_id: UUID, at: datetime | None = None) -> None: ...

    async def revive(self, owner_id: UUID) -> object:
        """A new key for an account registered again after its erasure."""
        ...


class Snapshots(Protocol):
    async def drop_all(self) -> int: ...


@dataclass(frozen=True)
class ErasureDeps:
    records: AccountRecords
    keys: DataKeys
    snapshots: Snapshots
    files: Files


async def erase_own(
    deps: Deps, principal: Principal, password: str | None, correlation_id: str
) -> None:
    """The caller erases their own account, proving it is them once more."""
    user = await deps.load(User, principal.user_id)
    if not user.registered:
        raise NotFound("this account does not exist")
    stored = await passwords.stored_hash(deps.passwords, user.user_id, user.legacy_password_hash)
    if stored is not None:
        if password is None or not await passwords.matches(
            deps.passwords, user.user_id, user.legacy_password_hash, password
        ):
            raise Forbidden("erasing the account needs its password; the one given is not right")
    elif not await _fresh_login(deps, principal):
        raise Forbidden(
            "erasing the account needs a fresh login: log in again, then erase within "
            f"{int(FRESH_LOGIN.total_seconds() // 60)} minutes"
        )
    await erase(deps, user.user_id, "user", principal, correlation_id)


async def erase(
    deps: Deps, user_id: UUID, by: str, principal: Principal, correlation_id: str
) -> None:
    """Erase an account (idempotent: an erased account's remains are erased again)."""
    before = await deps.load(User, user_id)
    files = await deps.erasure.records.files_of(user_id)
    await deps.execute(
        User, user_id, lambda user: user.erase(by), principal, correlation_id, owner=user_id
    )
    await finish(deps.erasure, user_id, before.email, files, by)


async def erase_as_operator(
    repository: Repository, parts: ErasureDeps, user_id: UUID, correlation_id: str
) -> bool:
    """`jobtrail erase`: the same erasure, decided by an operator; False if no such account
    was ever erased or registered."""
    before = (await repository.load(User, user_id)).state
    if not before.registered and not before.erased:
        return False
    files = await parts.records.files_of(user_id)
    context = EventContext(actor="operator:cli", correlation_id=correlation_id, owner_id=user_id)
    await repository.decide(User, user_id, lambda user: user.erase("operator"), context)
    await finish(parts, user_id, before.email, files, "operator")
    return True


async def finish(parts: ErasureDeps, user_id: UUID, email: str, files: set[str], by: str) -> None:
    """What follows `AccountErased`: keys destroyed, side records, snapshots and files (in
    every version; but not one another account also stored) dropped."""
    await parts.keys.erase(user_id, datetime.now(UTC))
    await parts.records.forget(user_id, email)
    dropped = await parts.snapshots.drop_all()
    removed = 0
    for key in sorted(files - await parts.records.shared_files(files, user_id)):
        removed += await parts.files.delete(key)
    log.info("account.erased", user_id=str(user_id), by=by, snapshots_dropped=dropped,
             file_versions_removed=removed)  # fmt: skip


async def _fresh_login(deps: Deps, principal: Principal) -> bool:
    if principal.session_id is None:
        return False
    session = await deps.sessions.store.get(principal.session_id)
    return session is not None and datetime.now(UTC) - session.created_at <= FRESH_LOGIN
