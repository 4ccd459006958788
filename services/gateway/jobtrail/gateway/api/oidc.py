"""Login with an identity provider (OpenID Connect): start at the provider, come back with
tokens. See `handlers/oidc.py` for the checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import RedirectResponse

from jobtrail.gateway.api.auth import Tokens
from jobtrail.gateway.api.dependencies import CorrelationId, DepsDep
from jobtrail.gateway.handlers import accounts, oidc

router = APIRouter(prefix="/auth/oidc", tags=["auth"])

ProviderName = Annotated[str, Path(max_length=50, pattern=r"^[a-z0-9_-]+$")]


@router.get("/providers")
async def providers(deps: DepsDep) -> list[str]:
    """The identity providers one can log in with."""
    return sorted(deps.oidc.providers)


@router.get(
    "/{provider}/login",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
    responses={302: {"description": "to the provider's login page"}},
)
async def login(provider: ProviderName, deps: DepsDep) -> RedirectResponse:
    """Send the browser to the provider to log in (with state, nonce and PKCE)."""
    url = await oidc.begin(deps.oidc, provider)
    return RedirectResponse(url, status_code=status.HTTP_302_FOUND)


@router.get("/{provider}/callback")
async def callback(
    provider: ProviderName,
    request: Request,
    deps: DepsDep,
    correlation_id: CorrelationId,
    code: Annotated[str | None, Query(max_length=2048)] = None,
    state: Annotated[str | None, Query(max_length=512)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
    error_description: Annotated[str | None, Query(max_length=1000)] = None,
) -> Tokens:
    """Where the provider sends the browser back (or a front end passes `code` and `state`
    on): the tokens of a new session of the account with the provider-verified email,
    registered now if there is none. 401 for a bad or reused `state`, a bad nonce, or an
    email the provider has not verified."""
    params = {"code": code, "state": state, "error": error, "error_description": error_description}
    identity = await oidc.finish(deps.oidc, provider, params)
    address = request.client.host if request.client else "unknown"
    agent = request.headers.get("user-agent", "")
    pair = await accounts.login_with_identity(deps, identity, address, agent, correlation_id)
    return Tokens(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )
