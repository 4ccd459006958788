"""Events of the `user` aggregate: accounts and the job seeker's profile."""

from __future__ import annotations

from typing import Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from jobtrail.events.envelope import Event
from jobtrail.events.registry import registry


class UserRegistered(Event):
    """A person created an account.

    Version 2 has no `password_hash`: credentials live in the gateway's own table. Version 1
    events carried an argon2id hash; the upcaster drops it, so no reader of typed events sees
    one (the gateway copies it from the raw envelope at the account's first login).
    """

    type: ClassVar[str] = "UserRegistered"
    schema_version: ClassVar[int] = 2
    aggregate_type: ClassVar[str] = "user"
    user_id: UUID
    email: str
    display_name: str
    role: Literal["user", "admin"] = "user"
    email_verified: bool = Field(
        default=False, description="true when an identity provider vouched for the address"
    )


class EmailVerified(Event):
    """The account's owner showed the address is theirs (they opened the mailed link)."""

    type: ClassVar[str] = "EmailVerified"
    aggregate_type: ClassVar[str] = "user"
    user_id: UUID
    email: str


class PasswordChanged(Event):
    """A person's password changed: by them, knowing the old one, or through a reset link.
    The event carries no hash: credentials are kept apart from the log."""

    type: ClassVar[str] = "PasswordChanged"
    aggregate_type: ClassVar[str] = "user"
    user_id: UUID
    how: Literal["changed", "reset"]


class UserUpdated(Event):
    """A person changed their account details."""

    type: ClassVar[str] = "UserUpdated"
    aggregate_type: ClassVar[str] = "user"
    user_id: UUID
    display_name: str


class Link(BaseModel):
    model_config = ConfigDict(frozen=True)
    network: str
    url: str
    username: str | None = None


class Location(BaseModel):
    model_config = ConfigDict(frozen=True)
    city: str | None = None
    region: str | None = None
    country_code: str | None = None


class SalaryRange(BaseModel):
    model_config = ConfigDict(frozen=True)
    minimum: int | None = Field(default=None, ge=0)
    maximum: int | None = Field(default=None, ge=0)
    currency: str = "USD"
    period: Literal["year", "month", "hour"] = "year"


class JobPreferences(BaseModel):
    model_config = ConfigDict(frozen=True)
    roles: list[str] = []
    locations: list[str] = []
    remote: Literal["remote", "hybrid", "onsite", "any"] = "any"
    salary: SalaryRange | None = None
    skills: list[str] = []
    match_threshold: int = Field(default=70, ge=0, le=100)


class Profile(BaseModel):
    """What a job seeker tells us about themselves and the work they want."""

    model_config = ConfigDict(frozen=True)
    full_name: str | None = None
    headline: str | None = None
    email: str | None = None
    phone: str | None = None
    links: list[Link] = []
    location: Location | None = None
    preferences: JobPreferences = JobPreferences()


class ProfileUpdated(Event):
    """A job seeker replaced their profile (the whole profile travels: it is small)."""

    type: ClassVar[str] = "ProfileUpdated"
    aggregate_type: ClassVar[str] = "user"
    user_id: UUID
    profile: Profile


class UserDisabled(Event):
    """An admin disabled an account: it cannot log in, and its sessions ended."""

    type: ClassVar[str] = "UserDisabled"
    aggregate_type: ClassVar[str] = "user"
    user_id: UUID
    reason: str = Field(default="", max_length=500)


class UserEnabled(Event):
    """An admin enabled a disabled account again."""

    type: ClassVar[str] = "UserEnabled"
    aggregate_type: ClassVar[str] = "user"
    user_id: UUID


class UserRoleChanged(Event):
    """An admin changed an account's role; its sessions ended, so the new role applies at
    once."""

    type: ClassVar[str] = "UserRoleChanged"
    aggregate_type: ClassVar[str] = "user"
    user_id: UUID
    role: Literal["user", "admin"]


class UserIdentityLinked(Event):
    """An account was linked to an identity at an OpenID provider (by its verified email);
    the account can log in through that provider from now on."""

    type: ClassVar[str] = "UserIdentityLinked"
    aggregate_type: ClassVar[str] = "user"
    user_id: UUID
    provider: str = Field(max_length=100)
    subject: str = Field(max_length=255, description="the provider's `sub` for this person")


class AccountErased(Event):
    """A person's account was erased: its data keys were destroyed, so every event, document
    and file sealed for it is unreadable from now on, and every read model drops its rows.
    Kept in the clear (it holds no personal data), so a replay applies it too."""

    type: ClassVar[str] = "AccountErased"
    aggregate_type: ClassVar[str] = "user"
    personal: ClassVar[bool] = False
    user_id: UUID
    by: Literal["user", "admin", "operator"] = "user"


class DataErased(Event):
    """What an event of an erased account reads as: its type, and nothing of its data.

    Never appended (so not registered): `jobtrail.eventlog.sealing` gives it in place of an
    event whose owner's keys are gone. Folds and projections pass over it.
    """

    aggregate_type: ClassVar[str] = "any"
    personal: ClassVar[bool] = False
    original_type: str


DataErased.type = "DataErased"  # set after the class body, so it is not registered as emitted
registry.placeholder(DataErased)


# The field version 1 of `UserRegistered` kept the hash in.
LEGACY_PASSWORD_FIELD = "password_hash"  # noqa: S105 - a field name, not a password


@registry.upcaster(UserRegistered.type, 1)
def _user_registered_without_the_password(data: dict[str, Any]) -> dict[str, Any]:
    """v1 → v2: the password hash leaves the event (it is not the event's business)."""
    return {k: v for k, v in data.items() if k != LEGACY_PASSWORD_FIELD}
