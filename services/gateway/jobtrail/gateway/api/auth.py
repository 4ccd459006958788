"""Registration, login, token refresh, logout and the list of one's sessions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, BackgroundTasks, Request, Response, status
from pydantic import BaseModel, EmailStr, Field

from jobtrail.gateway.api.dependencies import CorrelationId, CurrentUser, DepsDep
from jobtrail.gateway.domain.sessions import Ended
from jobtrail.gateway.domain.users import normalise_email
from jobtrail.gateway.handlers import accounts, sessions

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


class Accepted(BaseModel):
    detail: str


class Registered(BaseModel):
    user_id: UUID
    email: str


@router.post("/register", status_code=status.HTTP_201_CREATED)
async def register(
    body: Registration, deps: DepsDep, correlation_id: CorrelationId, background: BackgroundTasks
) -> Registered:
    """Create an account. The answer is the same whether or not the email already has one
    (the id derives from the email): a new account is mailed a link to confirm its address,
    the owner of a taken one is told that someone tried. Then log in."""
    user_id, new = await accounts.register(
        deps, body.email, body.password, body.display_name, correlation_id
    )
    background.add_task(accounts.mail_after_registering, deps, user_id, str(body.email), new)
    return Registered(user_id=user_id, email=normalise_email(str(body.email)))


class Verification(BaseModel):
    token: str = Field(max_length=2048, description="the token from the mailed link")


class VerificationRequest(BaseModel):
    email: EmailStr


@router.post("/verify-email", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def verify_email(
    body: Verification, deps: DepsDep, correlation_id: CorrelationId
) -> Response:
    """Confirm the account's address with the token from the mailed link (422 if the link
    is not valid or expired; using it again changes nothing)."""
    await accounts.verify_email(deps, body.token, correlation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/verify-email/resend", status_code=status.HTTP_202_ACCEPTED)
async def resend_verification(
    body: VerificationRequest, deps: DepsDep, background: BackgroundTasks
) -> Accepted:
    """Mail a new confirmation link. The answer is the same whether or not the address has
    an account, or is confirmed already."""
    background.add_task(accounts.resend_verification, deps, str(body.email))
    return Accepted(
        detail="If an account with this email still needs confirming, a new link is on its way."
    )


@router.post("/login")
async def login(body: Credentials, deps: DepsDep, request: Request) -> Tokens:
    """Exchange email and password for an access token (15 min) and a refresh token;
    429 with Retry-After after too many failed logins for the account or from the address."""
    address = request.client.host if request.client else "unknown"
    agent = request.headers.get("user-agent", "")
    pair = await accounts.login(deps, body.email, body.password, address, agent)
    return Tokens(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


@router.post("/refresh")
async def refresh(body: RefreshRequest, deps: DepsDep) -> Tokens:
    """Exchange a refresh token for a new pair; the refresh token is spent by it. Presenting
    a spent refresh token again ends its whole session (it may have been copied): 401, and
    every token of that session stops working."""
    pair = await accounts.refresh(deps, body.refresh_token)
    return Tokens(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


class SessionView(BaseModel):
    session_id: UUID
    created_at: datetime
    last_used_at: datetime = Field(description="when its refresh token was last used")
    user_agent: str
    address: str
    current: bool = Field(description="the session of the access token that asked")


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def logout(principal: CurrentUser, deps: DepsDep) -> None:
    """End this session: its refresh token stops working, and so do its access tokens."""
    await sessions.end_current(deps.sessions, principal)


@router.post("/logout-all", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def logout_all(principal: CurrentUser, deps: DepsDep) -> None:
    """End every session of the account, on every device, this one included."""
    await sessions.end_all(deps.sessions, principal.user_id)


@router.get("/sessions")
async def list_sessions(principal: CurrentUser, deps: DepsDep) -> list[SessionView]:
    """The account's active sessions, the most recently used first."""
    return [
        SessionView(
            session_id=session.session_id,
            created_at=session.created_at,
            last_used_at=session.last_used_at,
            user_agent=session.user_agent,
            address=session.address,
            current=session.session_id == principal.session_id,
        )
        for session in await sessions.listed(deps.sessions, principal)
    ]


@router.delete(
    "/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
async def end_session(session_id: UUID, principal: CurrentUser, deps: DepsDep) -> None:
    """End one of the account's sessions (404 for an unknown one or another account's)."""
    await sessions.end(deps.sessions, principal, session_id, Ended.ENDED_BY_USER)


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=256)
    new_password: str = Field(min_length=10, max_length=256, description="10 characters or more")


class ResetRequest(BaseModel):
    email: EmailStr


class ResetConfirmation(BaseModel):
    token: str = Field(min_length=1, max_length=200, description="from the link in the mail")
    new_password: str = Field(min_length=10, max_length=256, description="10 characters or more")


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def change_password(
    body: PasswordChange,
    principal: CurrentUser,
    deps: DepsDep,
    request: Request,
    correlation_id: CorrelationId,
) -> None:
    """Change the password (the current one is required; 403 if it is wrong). Every other
    session of the account ends; this one goes on."""
    address = request.client.host if request.client else "unknown"
    await accounts.change_password(
        deps, principal, body.current_password, body.new_password, address, correlation_id
    )


@router.post("/password-reset", status_code=status.HTTP_202_ACCEPTED)
async def request_password_reset(
    body: ResetRequest, deps: DepsDep, background: BackgroundTasks
) -> Accepted:
    """Mail a single-use link to reset the password. The answer is the same whether or not
    the email has an account, and the mail is sent after it."""
    background.add_task(accounts.send_reset_link, deps, str(body.email))
    return Accepted(
        detail="If an account uses this email, a link to reset its password is on its way; "
        f"it works once, within {deps.settings.password_reset_minutes} minutes."
    )


@router.post(
    "/password-reset/confirm", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
async def confirm_password_reset(
    body: ResetConfirmation, deps: DepsDep, correlation_id: CorrelationId
) -> None:
    """Set a new password with the token from the reset mail (422 if the token is unknown,
    used or expired). Every session of the account ends: log in with the new password."""
    await accounts.reset_password(deps, body.token, body.new_password, correlation_id)
