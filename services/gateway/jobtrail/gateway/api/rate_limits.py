"""Rate limits as ASGI middleware: every API request takes a token from its caller's
buckets before any route runs (see `handlers/rate_limits.py`)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobtrail.gateway.api.problems import problem
from jobtrail.gateway.errors import Unauthorized
from jobtrail.gateway.handlers import rate_limits
from jobtrail.gateway.handlers.rate_limits import Policy

# Operators' and documentation routes are not limited.
_EXEMPT = ("/healthz", "/readyz", "/metrics", "/docs", "/redoc", "/openapi.json")


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, policies: tuple[Policy, ...]) -> None:
        self.app = app
        self.policies = policies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_EXEMPT) or not self.policies:
            await self.app(scope, receive, send)
            return
        deps = getattr(scope["app"].state, "deps", None)
        if deps is None:  # not started yet
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        verdict = await rate_limits.check(
            deps.rate_limits, self.policies, _user(deps, scope), address
        )
        headers = [(name.encode(), value.encode()) for name, value in verdict.headers]
        if not verdict.allowed:
            who = "this account" if verdict.refused_by == "user" else "this address"
            refusal = problem(
                429,
                "too_many_requests",
                f"too many requests from {who}; try again in {verdict.retry_after} seconds",
                retry_after=verdict.retry_after,
            )
            refusal.raw_headers.extend(headers)
            await refusal(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).extend(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _user(deps: object, scope: Scope) -> str | None:
    """The account of a valid access token, or None (the address's bucket still counts)."""
    raw = dict(scope.get("headers", [])).get(b"authorization", b"").decode("latin-1")
    scheme, _, token = raw.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        principal = deps.tokens.verify(token.strip(), "access")  # type: ignore[attr-defined]
    except Unauthorized:
        return None
    return str(principal.user_id)
