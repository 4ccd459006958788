"""Password use cases on fakes of their ports (the PostgreSQL store and the real SMTP sink
run under them in tests/integration/test_passwords.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

import pytest

from jobtrail.gateway.handlers import passwords
from jobtrail.gateway.handlers.passwords import PasswordDeps, ResetRefused
from jobtrail.gateway.security import hash_password


@dataclass
class Reset:
    user_id: UUID
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass
class FakeCredentials:
    hashes: dict[UUID, str] = field(default_factory=dict)
    resets: dict[str, Reset] = field(default_factory=dict)

    async def password_hash(self, user_id: UUID) -> str | None:
        return self.hashes.get(user_id)

    async def set_password(
        self, user_id: UUID, password_hash: str, now: datetime, *, replace: bool = True
    ) -> None:
        if replace or user_id not in self.hashes:
            self.hashes[user_id] = password_hash

    async def add_reset(
        self, token_hash: str, user_id: UUID, now: datetime, expires_at: datetime
    ) -> None:
        self.resets[token_hash] = Reset(user_id, now, expires_at)

    async def resets_since(self, user_id: UUID, since: datetime) -> int:
        return sum(r.user_id == user_id and r.created_at >= since for r in self.resets.values())

    async def take_reset(self, token_hash: str, now: datetime) -> UUID | ResetRefused:
        reset = self.resets.get(token_hash)
        if reset is None:
            return ResetRefused.UNKNOWN
        if reset.used_at is not None:
            return ResetRefused.USED
        if reset.expires_at <= now:
            return ResetRefused.EXPIRED
        for other in self.resets.values():
            if other.user_id == reset.user_id and other.used_at is None:
                other.used_at = now
        return reset.user_id


@dataclass
class FakeMailer:
    sent: list[tuple[str, str, str]] = field(default_factory=list)

    async def send(self, to: str, subject: str, text: str) -> None:
        self.sent.append((to, subject, text))


def make(minutes: int = 30) -> tuple[PasswordDeps, FakeCredentials, FakeMailer]:
    credentials, mailer = FakeCredentials(), FakeMailer()
    link = "https://app.example/reset?token={token}"
    return PasswordDeps(credentials, mailer, link, minutes), credentials, mailer


def token_in(text: str) -> str:
    found = re.search(r"token=(\S+)", text)
    assert found is not None, text
    return found.group(1)


async def test_a_password_matches_only_itself_and_an_unknown_account_never() -> None:
    deps, _, _ = make()
    user = uuid4()
    await passwords.set_password(deps, user, "correct-horse-battery")
    assert await passwords.matches(deps, user, None, "correct-horse-battery")
    assert not await passwords.matches(deps, user, None, "correct-horse-battery!")
    assert not await passwords.matches(deps, None, None, "a password no account has")


async def test_a_hash_from_an_old_event_is_copied_into_the_store_at_first_use() -> None:
    deps, credentials, _ = make()
    user = uuid4()
    legacy = hash_password("from-before-the-move")
    assert await passwords.matches(deps, user, legacy, "from-before-the-move")
    assert credentials.hashes[user] == legacy
    await passwords.set_password(deps, user, "a-newer-password")  # changed later
    assert not await passwords.matches(deps, user, legacy, "from-before-the-move")


async def test_a_reset_mail_holds_a_link_whose_token_is_stored_only_as_a_hash() -> None:
    deps, credentials, mailer = make()
    user = uuid4()
    assert await passwords.send_reset(deps, user, "ada@example.com")
    [(to, subject, text)] = mailer.sent
    assert (to, subject) == ("ada@example.com", "Reset your Jobtrail password")
    token = token_in(text)
    assert token not in str(credentials.resets)
    assert await passwords.take_reset(deps, token) == user


async def test_a_reset_token_works_once_and_takes_the_other_links_with_it() -> None:
    deps, _, mailer = make()
    user = uuid4()
    await passwords.send_reset(deps, user, "ada@example.com")
    await passwords.send_reset(deps, user, "ada@example.com")
    first, second = (token_in(text) for _, _, text in mailer.sent)
    assert await passwords.take_reset(deps, first) == user
    assert await passwords.take_reset(deps, first) is ResetRefused.USED
    assert await passwords.take_reset(deps, second) is ResetRefused.USED
    assert await passwords.take_reset(deps, "made-up") is ResetRefused.UNKNOWN


async def test_an_expired_reset_token_is_refused_as_expired() -> None:
    deps, credentials, mailer = make()
    await passwords.send_reset(deps, uuid4(), "ada@example.com")
    for reset in credentials.resets.values():
        reset.expires_at = reset.created_at  # the clock has passed it
    assert await passwords.take_reset(deps, token_in(mailer.sent[0][2])) is ResetRefused.EXPIRED


@pytest.mark.parametrize("asked", [4, 6])
async def test_reset_mails_are_capped_per_account_per_hour(asked: int) -> None:
    deps, _, mailer = make()
    user = uuid4()
    sent = [await passwords.send_reset(deps, user, "ada@example.com") for _ in range(asked)]
    assert sent.count(True) == deps.resets_per_hour == len(mailer.sent)
