"""The caller's account and profile."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from fastapi import APIRouter
from pydantic import BaseModel, Field

from jobtrail.events.users import Profile
from jobtrail.gateway.api.dependencies import CorrelationId, CurrentUser, DepsDep
from jobtrail.gateway.errors import NotFound
from jobtrail.gateway.handlers import accounts
from jobtrail.gateway.readmodels.tables import profiles, users

router = APIRouter(tags=["users"])


class Me(BaseModel):
    user_id: UUID
    email: str
    display_name: str
    role: str
    created_at: datetime
    updated_at: datetime


class MeUpdate(BaseModel):
    display_name: str = Field(min_length=1, max_length=120)


class ProfileOut(BaseModel):
    profile: Profile
    updated_at: datetime | None


@router.get("/users/me")
async def get_me(me: CurrentUser, deps: DepsDep) -> Me:
    """The caller's account."""
    async with deps.engine.connect() as connection:
        row = (
            await connection.execute(sa.select(users).where(users.c.user_id == me.user_id))
        ).first()
    if row is None:
        raise NotFound("this account does not exist")
    return Me.model_validate(row._asdict())


@router.put("/users/me")
async def put_me(
    body: MeUpdate, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> Me:
    """Change the caller's display name."""
    await accounts.update_user(deps, me, body.display_name, correlation_id)
    return await get_me(me, deps)


@router.get("/profiles/me")
async def get_profile(me: CurrentUser, deps: DepsDep) -> ProfileOut:
    """The caller's profile and job preferences (empty until first saved)."""
    async with deps.engine.connect() as connection:
        row = (
            await connection.execute(sa.select(profiles).where(profiles.c.user_id == me.user_id))
        ).first()
    if row is None:
        return ProfileOut(profile=Profile(), updated_at=None)
    return ProfileOut(profile=Profile.model_validate(row.profile), updated_at=row.updated_at)


@router.put("/profiles/me")
async def put_profile(
    body: Profile, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> ProfileOut:
    """Replace the caller's profile: contact, links, location and job preferences."""
    await accounts.update_profile(deps, me, body, correlation_id)
    return await get_profile(me, deps)
