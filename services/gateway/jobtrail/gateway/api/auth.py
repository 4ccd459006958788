"""Registration, login and token refresh."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, EmailStr, Field

from jobtrail.gateway.api.dependencies import CorrelationId, DepsDep
from jobtrail.gateway.handlers import accounts

router = APIRouter(prefix="/auth", tags=["auth"])


class Registration(BaseModel):
    email: EmailStr
    password: str = Field(min_length=10, max_length=256, description="10 characters or more")
    display_name: str = Field(min_length=1, max_length=120)


class Credentials(BaseModel):
    email: EmailStr
    password: str = Field(max_length=256)


class RefreshRequest(BaseModel):
    refresh_token: str


class Tokens(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth 2 token type, not a secret
    expires_in: int = Field(description="seconds until the access token expires")


class Registered(BaseModel):
    user_id: UUID
    email: str


@router.post("/register", status_code=status.HTTP_201_CREATED)
async def register(body: Registration, deps: DepsDep, correlation_id: CorrelationId) -> Registered:
    """Create an account (409 if the email is taken)."""
    user = await accounts.register(
        deps, body.email, body.password, body.display_name, correlation_id
    )
    return Registered(user_id=user.user_id, email=user.email)


@router.post("/login")
async def login(body: Credentials, deps: DepsDep, request: Request) -> Tokens:
    """Exchange email and password for an access token (15 min) and a refresh token;
    429 with Retry-After after too many failed logins for the account or from the address."""
    address = request.client.host if request.client else "unknown"
    pair = await accounts.login(deps, body.email, body.password, address)
    return Tokens(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


@router.post("/refresh")
async def refresh(body: RefreshRequest, deps: DepsDep) -> Tokens:
    """Exchange a refresh token for a new pair of tokens."""
    pair = await accounts.refresh(deps, body.refresh_token)
    return Tokens(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )
