"""The `user` aggregate: an account and its profile."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from jobtrail.events.envelope import RecordedEvent
from jobtrail.events.users import Profile, ProfileUpdated, UserRegistered, UserUpdated
from jobtrail.gateway.errors import EmailTaken

# User ids derive from the normalised email, so "this email is taken" is the event log's own
# per-aggregate concurrency check: two registrations race for one subject and one loses.
_USER_NAMESPACE = uuid.UUID("8c0c7a8e-3f0e-4d2e-9a55-4b7f6f2f1a01")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_id_for(email: str) -> UUID:
    return uuid.uuid5(_USER_NAMESPACE, normalise_email(email))


@dataclass
class User:
    aggregate_type: ClassVar[str] = "user"

    user_id: UUID
    registered: bool = False
    email: str = ""
    display_name: str = ""
    password_hash: str = ""
    role: str = "user"
    profile: Profile | None = None

    @classmethod
    def fold(cls, user_id: UUID, events: list[RecordedEvent]) -> User:
        user = cls(user_id)
        for recorded in events:
            user.apply(recorded.event)
        return user

    def apply(self, event: object) -> None:
        match event:
            case UserRegistered():
                self.registered = True
                self.email = event.email
                self.display_name = event.display_name
                self.password_hash = event.password_hash
                self.role = event.role
            case UserUpdated():
                self.display_name = event.display_name
            case ProfileUpdated():
                self.profile = event.profile

    def register(
        self, email: str, display_name: str, password_hash: str, role: str
    ) -> list[UserRegistered]:
        if self.registered:
            raise EmailTaken(f"{email} is already registered; log in, or use another email")
        return [
            UserRegistered(
                user_id=self.user_id,
                email=normalise_email(email),
                display_name=display_name,
                password_hash=password_hash,
                role="admin" if role == "admin" else "user",
            )
        ]

    def update(self, display_name: str) -> list[UserUpdated]:
        if display_name == self.display_name:
            return []
        return [UserUpdated(user_id=self.user_id, display_name=display_name)]

    def update_profile(self, profile: Profile) -> list[ProfileUpdated]:
        if profile == self.profile:
            return []
        return [ProfileUpdated(user_id=self.user_id, profile=profile)]
