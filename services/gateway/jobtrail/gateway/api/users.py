"""The caller's account and profile."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa
from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from jobtrail.events.users import Profile
from jobtrail.gateway.api.dependencies import CorrelationId, CurrentUser, DepsDep
from jobtrail.gateway.errors import NotFound
from jobtrail.gateway.handlers import accounts, erasure, portability
from jobtrail.gateway.readmodels.tables import profiles, users

router = APIRouter(tags=["users"])


class Me(BaseModel):
    user_id: UUID
    email: str
    display_name: str
    role: str
    email_verified: bool = Field(description="the owner opened the link mailed to the address")
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


class Erasure(BaseModel):
    password: str | None = Field(
        default=None,
        max_length=256,
        description="the account's password; an account without one (identity-provider "
        "login) needs a login from the last 10 minutes instead",
    )


@router.delete("/users/me", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def erase_me(
    body: Erasure, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> Response:
    """Erase the caller's account and everything kept for it, for good (crypto-shredding:
    the account's data keys are destroyed, so its events, documents and files can no longer
    be read anywhere, replay included). Download `GET /users/me/export` first to keep a copy."""
    await erasure.erase_own(deps, me, body.password, correlation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


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


@router.get(
    "/users/me/export",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "a ZIP archive"}},
)
async def export_my_data(me: CurrentUser, deps: DepsDep) -> Response:
    """Everything Jobtrail keeps about the caller, as a ZIP: account and profile, every
    resume version (JSON Resume) and original file, applications with their full stage
    history (CSV and JSON), cover letters and other AI outputs, attachments, and every
    event. `README.txt` inside says what each file is."""
    data = await portability.archive(deps, me.user_id)
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(
        data,
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="jobtrail-export-{stamp}.zip"'},
    )
