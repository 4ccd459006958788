"""Administration: finding accounts, disabling and enabling them, changing roles.

Every route is for admins only (403 for anyone else). Each action is an event in the log,
with the admin as its actor, so the audit trail records who did what to whom.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, Field

from jobtrail.gateway.api.dependencies import CorrelationId, CurrentUser, DepsDep
from jobtrail.gateway.errors import Forbidden, NotFound
from jobtrail.gateway.handlers import accounts, erasure
from jobtrail.gateway.readmodels.tables import users
from jobtrail.gateway.security import Principal


def admin(me: CurrentUser) -> Principal:
    if not me.is_admin:
        raise Forbidden("only an admin may do this")
    return me


Admin = Annotated[Principal, Depends(admin)]
router = APIRouter(prefix="/admin", tags=["admin"])


class Account(BaseModel):
    user_id: UUID
    email: str
    display_name: str
    role: str
    disabled: bool
    created_at: datetime
    updated_at: datetime


class Accounts(BaseModel):
    items: list[Account]
    total: int


class Disabling(BaseModel):
    reason: str = Field(default="", max_length=500, description="kept in the audit trail")


class RoleChange(BaseModel):
    role: Literal["user", "admin"]


@router.get("/users")
async def list_users(
    _: Admin,
    deps: DepsDep,
    q: Annotated[str | None, Query(max_length=200, description="part of an email or name")] = None,
    disabled: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Accounts:
    """Accounts, the newest first; `q` searches emails and display names."""
    where = []
    if q:
        pattern = f"%{_escaped(q)}%"
        where.append(
            sa.or_(
                users.c.email.ilike(pattern, escape="\\"),
                users.c.display_name.ilike(pattern, escape="\\"),
            )
        )
    if disabled is not None:
        where.append(users.c.disabled.is_(disabled))
    query = sa.select(users).where(*where)
    async with deps.engine.connect() as connection:
        total = await connection.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        rows = await connection.execute(
            query.order_by(users.c.created_at.desc(), users.c.user_id).limit(limit).offset(offset)
        )
        items = [Account.model_validate(row._asdict()) for row in rows]
    return Accounts(items=items, total=int(total or 0))


def _escaped(text: str) -> str:
    """`text` matched literally inside a LIKE pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@router.get("/users/{user_id}")
async def get_user(user_id: UUID, _: Admin, deps: DepsDep) -> Account:
    """One account: email, name, role, and whether it is disabled."""
    async with deps.engine.connect() as connection:
        row = (await connection.execute(sa.select(users).where(users.c.user_id == user_id))).first()
    if row is None:
        raise NotFound("no such account")
    return Account.model_validate(row._asdict())


@router.post("/users/{user_id}/disable")
async def disable_user(
    user_id: UUID, body: Disabling, me: Admin, deps: DepsDep, correlation_id: CorrelationId
) -> Account:
    """Disable an account: it cannot log in, and its tokens stop working."""
    await accounts.disable(deps, me, user_id, body.reason, correlation_id)
    return await get_user(user_id, me, deps)


@router.post("/users/{user_id}/enable")
async def enable_user(
    user_id: UUID, me: Admin, deps: DepsDep, correlation_id: CorrelationId
) -> Account:
    """Enable a disabled account: it can log in again."""
    await accounts.enable(deps, me, user_id, correlation_id)
    return await get_user(user_id, me, deps)


@router.put("/users/{user_id}/role")
async def change_role(
    user_id: UUID, body: RoleChange, me: Admin, deps: DepsDep, correlation_id: CorrelationId
) -> Account:
    """Make an account an admin or a user; its sessions end, so the role applies at once."""
    await accounts.change_role(deps, me, user_id, body.role, correlation_id)
    return await get_user(user_id, me, deps)


@router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def erase_user(
    user_id: UUID, me: Admin, deps: DepsDep, correlation_id: CorrelationId
) -> Response:
    """Erase an account for good (see `DELETE /users/me`); the audit trail keeps that it
    happened and who did it, not what was erased."""
    if user_id == me.user_id:
        raise Forbidden("an admin erases their own account with DELETE /users/me")
    await erasure.erase(deps, user_id, "admin", me, correlation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
