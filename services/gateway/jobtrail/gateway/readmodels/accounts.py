"""Read models of accounts: users and their profiles."""

from __future__ import annotations

import sqlalchemy as sa

from jobtrail.events import Event, RecordedEvent
from jobtrail.events.users import (
    EmailVerified,
    ProfileUpdated,
    UserDisabled,
    UserEnabled,
    UserRegistered,
    UserRoleChanged,
    UserUpdated,
)
from jobtrail.gateway.readmodels.rows import BatchRows
from jobtrail.gateway.readmodels.tables import profiles, users


class Accounts:
    tables: tuple[sa.Table, ...] = (users, profiles)

    def want(self, rows: BatchRows, event: Event) -> None:
        match event:
            case (
                UserRegistered()
                | EmailVerified()
                | UserUpdated()
                | UserDisabled()
                | UserEnabled()
                | UserRoleChanged()
            ):
                rows.want(users, event.user_id)
            case ProfileUpdated():
                rows.want(profiles, event.user_id)

    def apply(self, rows: BatchRows, event: Event, recorded: RecordedEvent) -> None:
        at = recorded.envelope.occurred_at
        match event:
            case UserRegistered():
                rows.insert(users, {
                    "user_id": event.user_id, "email": event.email,
                    "display_name": event.display_name, "role": event.role, "disabled": False,
                    "email_verified": event.email_verified, "created_at": at, "updated_at": at,
                })  # fmt: skip
            case UserUpdated():
                rows.update(users, (event.user_id,), display_name=event.display_name, updated_at=at)
            case EmailVerified():
                rows.update(users, (event.user_id,), email_verified=True, updated_at=at)
            case UserDisabled() | UserEnabled():
                disabled = isinstance(event, UserDisabled)
                rows.update(users, (event.user_id,), disabled=disabled, updated_at=at)
            case UserRoleChanged():
                rows.update(users, (event.user_id,), role=event.role, updated_at=at)
            case ProfileUpdated():
                profile = event.profile.model_dump(mode="json")
                rows.upsert(
                    profiles, {"user_id": event.user_id, "profile": profile, "updated_at": at}
                )
