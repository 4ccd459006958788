"""What the gateway keeps of an account beside the log, forgotten at its erasure (SQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.gateway.adapters.credentials import credentials, password_resets
from jobtrail.gateway.adapters.sessions import sessions
from jobtrail.gateway.handlers.idempotency import idempotency_keys
from jobtrail.gateway.handlers.login_throttle import account_key, login_failures
from jobtrail.gateway.readmodels.attachments import attachment_versions, attachments
from jobtrail.gateway.readmodels.exports import exports
from jobtrail.gateway.readmodels.tables import resumes


def _file_rows(owned: Callable[[sa.ColumnElement[UUID]], sa.ColumnElement[bool]],
               keyed: Callable[[sa.ColumnElement[str]], sa.ColumnElement[bool]]
               ) -> list[sa.Select[tuple[str]]]:  # fmt: skip
    """The file keys of the read models' rows whose owner and key pass the two tests."""
    return [
        sa.select(resumes.c.file_key).where(owned(resumes.c.user_id), keyed(resumes.c.file_key)),
        sa.select(exports.c.file_key).where(owned(exports.c.user_id), keyed(exports.c.file_key)),
        sa.select(attachment_versions.c.file_key)
        .join(attachments, attachments.c.attachment_id == attachment_versions.c.attachment_id)
        .where(owned(attachments.c.user_id), keyed(attachment_versions.c.file_key)),
    ]


class SqlAccountRecords:
    """Sessions, password, reset links, idempotency keys and login failures of an account."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def forget(self, user_id: UUID, email: str) -> None:
        async with self._engine.begin() as connection:
            for table in (sessions, credentials, password_resets, idempotency_keys):
                await connection.execute(table.delete().where(table.c.user_id == user_id))
            if email:
                await connection.execute(
                    login_failures.delete().where(login_failures.c.account == account_key(email))
                )

    async def files_of(self, user_id: UUID) -> set[str]:
        return await self._keys(_file_rows(lambda o: o == user_id, lambda k: k.is_not(None)))

    async def shared_files(self, keys: Iterable[str], user_id: UUID) -> set[str]:
        """Of `keys`, those another account's rows also point to (files are stored by
        content hash, so two people uploading the same file share it)."""
        wanted = list(keys)
        if not wanted:
            return set()
        return await self._keys(_file_rows(lambda o: o != user_id, lambda k: k.in_(wanted)))

    async def referenced_files(self, keys: Iterable[str]) -> set[str]:
        wanted = list(keys)
        if not wanted:
            return set()
        return await self._keys(_file_rows(lambda o: o.is_not(None), lambda k: k.in_(wanted)))

    async def _keys(self, queries: list[sa.Select[tuple[str]]]) -> set[str]:
        async with self._engine.connect() as connection:
            found: set[str] = set()
            for query in queries:
                found.update(str(key) for key in await connection.scalars(query))
            return found
