"""FastAPI dependencies: the process's adapters, the caller, and the correlation id."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from jobtrail.gateway.deps import Deps
from jobtrail.gateway.errors import Unauthorized
from jobtrail.gateway.handlers import sessions
from jobtrail.gateway.security import Principal

_bearer = HTTPBearer(auto_error=False, description="An access token from /auth/login")


def get_deps(request: Request) -> Deps:
    deps: Deps = request.app.state.deps
    return deps


def get_correlation_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("correlation_id", ""))


async def current_user(
    deps: Annotated[Deps, Depends(get_deps)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from a valid access token of a session that has not ended."""
    if credentials is None:
        raise Unauthorized("log in first: send 'Authorization: Bearer <access token>'")
    principal = deps.tokens.verify(credentials.credentials, "access")
    await sessions.ensure_active(deps.sessions, principal)
    return principal


DepsDep = Annotated[Deps, Depends(get_deps)]
CurrentUser = Annotated[Principal, Depends(current_user)]
CorrelationId = Annotated[str, Depends(get_correlation_id)]


def idempotency_key(
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=200,
            description="repeat a request safely: the same key with the same request gives "
            "the same resource; with another request it is refused (422)",
        ),
    ] = None,
) -> str | None:
    key = idempotency_key.strip() if idempotency_key else None
    return key or None


IdempotencyKey = Annotated[str | None, Depends(idempotency_key)]
