"""Passwords and tokens: what is accepted where, and what is refused."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from uuid import uuid4

import pytest

from jobtrail.gateway.errors import Unauthorized
from jobtrail.gateway.security import Principal, TokenIssuer, hash_password, verify_password

SECRET = "unit-test-signing-key-of-enough-length-0123456789"


def issuer(access: timedelta = timedelta(minutes=15), secret: str = SECRET) -> TokenIssuer:
    return TokenIssuer(secret, access_ttl=access, refresh_ttl=timedelta(days=30))


def test_a_password_verifies_against_its_hash_and_nothing_else() -> None:
    hashed = hash_password("correct-horse-battery")
    assert hashed.startswith("$argon2id$")
    assert "correct-horse-battery" not in hashed
    assert verify_password(hashed, "correct-horse-battery")
    assert not verify_password(hashed, "correct-horse-battery ")
    assert not verify_password("not-a-hash", "correct-horse-battery")


def test_an_access_token_round_trips_to_the_principal() -> None:
    user_id, session_id = uuid4(), uuid4()
    pair = issuer().issue(user_id, "admin", session_id, "refresh-1")
    assert pair.expires_in == 15 * 60
    principal = issuer().verify(pair.access_token, "access")
    assert principal == Principal(user_id, "admin", session_id, principal.token_id)
    assert principal.token_id not in (None, "refresh-1")
    assert principal.is_admin
    assert principal.actor == f"user:{user_id}"


def test_a_refresh_token_round_trips_where_a_refresh_token_is_wanted() -> None:
    user_id, session_id = uuid4(), uuid4()
    pair = issuer().issue(user_id, "user", session_id, "refresh-1")
    principal = issuer().verify(pair.refresh_token, "refresh")
    assert (principal.user_id, principal.is_admin) == (user_id, False)
    assert (principal.session_id, principal.token_id) == (session_id, "refresh-1")


def test_a_refresh_token_is_refused_where_an_access_token_is_needed() -> None:
    pair = issuer().issue(uuid4(), "user", uuid4(), "r")
    with pytest.raises(Unauthorized, match="an access token is needed here"):
        issuer().verify(pair.refresh_token, "access")


def test_an_access_token_is_refused_where_a_refresh_token_is_needed() -> None:
    pair = issuer().issue(uuid4(), "user", uuid4(), "r")
    with pytest.raises(Unauthorized, match="a refresh token is needed here"):
        issuer().verify(pair.access_token, "refresh")


def test_an_expired_token_is_refused_as_expired() -> None:
    pair = issuer(access=timedelta(seconds=-1)).issue(uuid4(), "user", uuid4(), "r")
    with pytest.raises(Unauthorized, match="expired") as raised:
        issuer().verify(pair.access_token, "access")
    assert raised.value.status == 401


def test_a_token_whose_claims_were_changed_is_refused() -> None:
    pair = issuer().issue(uuid4(), "user", uuid4(), "r")
    header, payload, signature = pair.access_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({**claims, "role": "admin"}).encode())
    tampered = f"{header}.{forged.decode().rstrip('=')}.{signature}"
    with pytest.raises(Unauthorized, match="not valid"):
        issuer().verify(tampered, "access")


def test_a_token_signed_with_another_key_is_refused() -> None:
    pair = issuer(secret="another-signing-key-of-enough-length-9876543210").issue(
        uuid4(), "admin", uuid4(), "r"
    )
    with pytest.raises(Unauthorized, match="not valid"):
        issuer().verify(pair.access_token, "access")


def test_garbage_is_refused_as_not_valid() -> None:
    with pytest.raises(Unauthorized, match="not valid"):
        issuer().verify("not.a.token", "access")
