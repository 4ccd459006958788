"""The `user` aggregate: an account and its profile."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from jobtrail.events.envelope import RecordedEvent
from jobtrail.events.users import (
    LEGACY_PASSWORD_FIELD,
    AccountErased,
    EmailVerified,
    PasswordChanged,
    Profile,
    ProfileUpdated,
    UserDisabled,
    UserEnabled,
    UserIdentityLinked,
    UserRegistered,
    UserRoleChanged,
    UserUpdated,
)
from jobtrail.gateway.errors import EmailTaken, InvalidInput, NotFound

# User ids derive from the normalised email, so "this email is taken" is the event log's own
# per-aggregate concurrency check: two registrations race for one subject and one loses.
_USER_NAMESPACE = uuid.UUID("8c0c7a8e-3f0e-4d2e-9a55-4b7f6f2f1a01")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_id_for(email: str) -> UUID:
    return uuid.uuid5(_USER_NAMESPACE, normalise_email(email))


def _legacy_hash(recorded: RecordedEvent) -> str | None:
    """The hash a version 1 `UserRegistered` carried (the upcaster hides it from the typed
    event; only the first login reads it, to move it into the credentials table)."""
    if recorded.envelope.schema_version != 1:
        return None
    found = recorded.envelope.data.get(LEGACY_PASSWORD_FIELD)
    return found if isinstance(found, str) else None


@dataclass
class User:
    aggregate_type: ClassVar[str] = "user"

    user_id: UUID
    registered: bool = False
    email: str = ""
    display_name: str = ""
    # The hash an account registered before credentials left the log carries in its event;
    # used only until the first login copies it into the credentials table.
    legacy_password_hash: str | None = None
    role: str = "user"
    disabled: bool = False
    profile: Profile | None = None
    # (provider, subject) of each identity linked to the account.
    identities: frozenset[tuple[str, str]] = frozenset()
    # The last thing that happened to the account was its erasure.
    erased: bool = False
    email_verified: bool = False

    @classmethod
    def fold(cls, user_id: UUID, events: list[RecordedEvent]) -> User:
        user = cls(user_id)
        for recorded in events:
            user.apply(recorded.event)
            if recorded.envelope.type == UserRegistered.type:
                user.legacy_password_hash = _legacy_hash(recorded)
        return user

    def apply(self, event: object) -> None:
        match event:
            case UserRegistered():
                self.registered = True
                self.erased = False
                self.email_verified = event.email_verified
                self.email = event.email
                self.display_name = event.display_name
                self.role = event.role
            case UserUpdated():
                self.display_name = event.display_name
            case ProfileUpdated():
                self.profile = event.profile
            case UserDisabled():
                self.disabled = True
            case UserEnabled():
                self.disabled = False
            case UserRoleChanged():
                self.role = event.role
            case UserIdentityLinked():
                self.identities = self.identities | {(event.provider, event.subject)}
            case EmailVerified():
                self.email_verified = True
            case AccountErased():
                self._forget()

    def register(
        self, email: str, display_name: str, role: str, verified: bool = False
    ) -> list[UserRegistered]:
        if self.registered:
            raise EmailTaken(f"{email} is already registered; log in, or use another email")
        return [
            UserRegistered(
                user_id=self.user_id,
                email=normalise_email(email),
                display_name=display_name,
                role="admin" if role == "admin" else "user",
                email_verified=verified,
            )
        ]

    def verify_email(self, email: str) -> list[EmailVerified]:
        """The owner opened a verification link for the account's current address (once)."""
        if not self.registered:
            raise NotFound("this account does not exist")
        if normalise_email(email) != self.email:
            raise InvalidInput("this link verifies another address; ask for a new one")
        return [] if self.email_verified else [EmailVerified(user_id=self.user_id, email=email)]

    def _forget(self) -> None:
        """After an erasure everything before is unreadable; the email may register again."""
        self.registered, self.email, self.display_name = False, "", ""
        self.legacy_password_hash, self.role, self.disabled = None, "user", False
        self.profile, self.identities, self.erased = None, frozenset(), True
        self.email_verified = False

    def erase(self, by: str) -> list[AccountErased]:
        """Erase the account (by its owner, an admin or an operator); once."""
        if not self.registered:
            if self.erased:
                return []
            raise NotFound("this account does not exist")
        who = by if by in ("user", "admin", "operator") else "user"
        return [AccountErased(user_id=self.user_id, by=who)]

    def change_password(self, how: str) -> list[PasswordChanged]:
        """Record that the password changed (the credentials themselves are not events)."""
        if not self.registered:
            raise NotFound("this account does not exist")
        return [PasswordChanged(user_id=self.user_id, how="reset" if how == "reset" else "changed")]

    def update(self, display_name: str) -> list[UserUpdated]:
        if display_name == self.display_name:
            return []
        return [UserUpdated(user_id=self.user_id, display_name=display_name)]

    def update_profile(self, profile: Profile) -> list[ProfileUpdated]:
        if profile == self.profile:
            return []
        return [ProfileUpdated(user_id=self.user_id, profile=profile)]

    def link_identity(self, provider: str, subject: str) -> list[UserIdentityLinked]:
        """Link an identity whose provider verified this account's email (once)."""
        if not self.registered:
            raise NotFound("this account does not exist")
        if (provider, subject) in self.identities:
            return []
        return [UserIdentityLinked(user_id=self.user_id, provider=provider, subject=subject)]

    # Administration: each decision is made by an admin on someone else's account.

    def disable(self, reason: str, by: UUID) -> list[UserDisabled]:
        self._administered_by(by)
        return [] if self.disabled else [UserDisabled(user_id=self.user_id, reason=reason)]

    def enable(self, by: UUID) -> list[UserEnabled]:
        self._administered_by(by)
        return [UserEnabled(user_id=self.user_id)] if self.disabled else []

    def change_role(self, role: str, by: UUID) -> list[UserRoleChanged]:
        self._administered_by(by)
        if role not in ("user", "admin"):
            raise InvalidInput(f"no role {role!r}: a role is 'user' or 'admin'")
        if role == self.role:
            return []
        return [UserRoleChanged(user_id=self.user_id, role="admin" if role == "admin" else "user")]

    def _administered_by(self, admin: UUID) -> None:
        if not self.registered:
            raise NotFound("no such account")
        if admin == self.user_id:
            raise InvalidInput(
                "an admin cannot disable, enable or change the role of their own account"
            )
