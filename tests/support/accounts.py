"""Accounts the integration tests act as, beyond `System.user()`."""

from __future__ import annotations

from jobtrail.gateway.domain.users import user_id_for
from tests.support.system import ADMIN_EMAIL, PASSWORD, Caller, System


async def admin(system: System) -> Caller:
    """The harness's admin account (GATEWAY_ADMIN_EMAILS), registered by its first user."""
    registered = await system.api.post(
        "/auth/register",
        json={"email": ADMIN_EMAIL, "password": PASSWORD, "display_name": "Admin"},
    )
    assert registered.status_code in (201, 409), registered.text
    tokens = await system.api.post("/auth/login", json={"email": ADMIN_EMAIL, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    return Caller(
        system.api, ADMIN_EMAIL, str(user_id_for(ADMIN_EMAIL)), body["access_token"], body
    )
