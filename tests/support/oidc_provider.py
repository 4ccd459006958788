"""An OpenID Provider served on loopback for tests (OpenID Connect Core 1.0, Discovery 1.0,
RFC 6749, RFC 7636 PKCE): the gateway's OIDC client meets real HTTP, real RS256 signatures and
real PKCE checks, and the tests never reach the internet.

Only the authorization code flow, for one confidential client. There is no login form:
`login_as(sub)` picks whom the next /authorize request signs in, as if that user had signed
in and consented. `tamper_next_id_token` forges one bad ID token, so tests can prove the
client refuses it; `requests` records what the client sent, so tests can prove it used PKCE.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import secrets
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

STARTUP_SECONDS = 30.0
CLIENT_ID, CLIENT_SECRET = "jobtrail-gateway", "gateway-secret"
SCOPES = ("openid", "email", "profile")
NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}  # RFC 6749 §5.1
CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")  # BASE64URL of a SHA-256 digest, RFC 7636 §4.2
VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")  # RFC 7636 §4.1


@dataclass(frozen=True)
class User:
    sub: str
    email: str
    email_verified: bool
    name: str

    def claims(self, scopes: Sequence[str]) -> dict[str, Any]:
        """The claims the granted scopes ask for (OIDC Core §5.4), as real providers release
        them: a client that forgets the `email` scope gets no email, here as at Google."""
        claims: dict[str, Any] = {"sub": self.sub}
        if "email" in scopes:
            claims |= {"email": self.email, "email_verified": self.email_verified}
        if "profile" in scopes:
            claims["name"] = self.name
        return claims


@dataclass(frozen=True)
class Received:
    """One request as the provider got it: tests assert on what the client really sent."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]


@dataclass(frozen=True)
class _Grant:
    """What an authorization code stands for, until redeemed once."""

    redirect_uri: str
    user: User
    scopes: tuple[str, ...]
    nonce: str
    code_challenge: str
    expires_at: float  # time.monotonic()


class OAuthError(Exception):
    """An RFC 6749 §5.2 error, answered as JSON (401 with a challenge for client auth)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def s256(verifier: str) -> str:
    """The S256 code challenge of a verifier: BASE64URL(SHA256(ASCII(verifier)))."""
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def with_params(uri: str, **params: str) -> str:
    """`uri` with `params` added to its query, keeping the query it already has (§3.1.2)."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


class OidcProvider:
    """The provider, served by uvicorn in a thread of its own from `with` (or `async with`)
    entry to exit; `issuer` is its base URL, known once started."""

    def __init__(
        self,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        *,
        redirect_uris: Sequence[str] | None = None,
        code_lifetime: float = 60.0,
        token_lifetime: int = 3600,
    ) -> None:
        """`redirect_uris=None` accepts any absolute http(s) URI, so tests need not know the
        gateway's port in advance; a list turns on the exact matching real providers do."""
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_uris = None if redirect_uris is None else tuple(redirect_uris)
        self.code_lifetime, self.token_lifetime = code_lifetime, token_lifetime
        self.requests: list[Received] = []
        self.kid = "oidc-test-" + secrets.token_hex(4)
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._lock = threading.Lock()  # the test's thread and the server's share the state
        self._users: dict[str, User] = {}
        self._next_user: User | None = None
        self._codes: dict[str, _Grant] = {}
        self._redeemed: dict[str, str | None] = {}  # code -> access token it gave, if any
        self._tokens: dict[str, tuple[User, tuple[str, ...], float]] = {}
        self._tamper: tuple[dict[str, Any], bool] = ({}, False)
        self._issuer: str | None = None
        self._running: tuple[uvicorn.Server, threading.Thread, socket.socket] | None = None

    @property
    def issuer(self) -> str:
        if self._issuer is None:
            raise RuntimeError("the provider is not started: use `with OidcProvider() as p`")
        return self._issuer

    @property
    def discovery_url(self) -> str:
        """What authlib takes as `server_metadata_url`."""
        return self.issuer + "/.well-known/openid-configuration"

    @property
    def last_authorize(self) -> dict[str, str]:
        """The parameters of the latest /authorize request, to assert PKCE, state and nonce."""
        for received in reversed(self.requests):
            if received.path == "/authorize":
                return received.query | received.form
        raise LookupError("no /authorize request was received")

    def add_user(self, sub: str, email: str, email_verified: bool = True, name: str = "") -> User:
        user = User(sub, email, email_verified, name or email.split("@")[0])
        with self._lock:
            self._users[sub] = user
        return user

    def login_as(self, sub: str) -> None:
        """The next /authorize request signs `sub` in; that request uses it up even if it is
        refused, so a provider shared between tests never signs in someone a test did not
        choose."""
        with self._lock:
            self._next_user = self._users[sub]

    def tamper_next_id_token(self, *, foreign_key: bool = False, **claims: Any) -> None:
        """The next ID token has `claims` over the true ones (nonce=, aud=, iss=, exp=...),
        and with `foreign_key` a signature by a key the JWKS lacks, under the same kid."""
        with self._lock:
            self._tamper = (claims, foreign_key)

    def tamper_nonce_once(self) -> None:
        self.tamper_next_id_token(nonce="tampered-" + secrets.token_urlsafe(8))

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        self._issuer = f"http://127.0.0.1:{listener.getsockname()[1]}"
        config = uvicorn.Config(self._app(), lifespan="off", log_level="warning", access_log=False)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
        self._running = (server, thread, listener)
        thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the OIDC provider did not start: see the log above")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._running is not None:
            server, thread, listener = self._running
            server.should_exit = True
            thread.join(30)
            listener.close()
            self._running = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        """Starts in a worker thread: waiting for uvicorn must not block the test's loop."""
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.stop)

    # -- the HTTP endpoints ---------------------------------------------------------------

    def _app(self) -> Starlette:
        async def oauth_error(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, OAuthError)
            headers = dict(NO_STORE)
            if exc.status == 401:
                headers["www-authenticate"] = 'Basic realm="oidc"'
            body = {"error": exc.error, "error_description": exc.description}
            return JSONResponse(body, exc.status, headers)

        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery, methods=["GET"]),
                Route("/jwks", self._jwks, methods=["GET"]),
                Route("/authorize", self._authorize, methods=["GET", "POST"]),
                Route("/token", self._token, methods=["POST"]),
                Route("/userinfo", self._userinfo, methods=["GET", "POST"]),
            ],
            exception_handlers={OAuthError: oauth_error},
        )

    async def _receive(self, request: Request) -> dict[str, str]:
        """Records the request; its parameters, each at most once (RFC 6749 §3.1)."""
        query = list(request.query_params.multi_items())
        form: list[tuple[str, str]] = []
        if request.method == "POST":
            if request.headers.get("content-type", "").split(";")[0].strip() != (
                "application/x-www-form-urlencoded"
            ):
                raise OAuthError("invalid_request", "the body must be form-urlencoded")
            form = parse_qsl((await request.body()).decode(), keep_blank_values=True)
        with self._lock:
            self.requests.append(
                Received(request.method, request.url.path, dict(query), dict(form),
                         dict(request.headers))
            )  # fmt: skip
        names = [name for name, _ in query + form]
        if len(names) != len(set(names)):
            raise OAuthError("invalid_request", "a parameter is repeated")
        return dict(query + form)

    async def _discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "userinfo_endpoint": self.issuer + "/userinfo",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": list(SCOPES),
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce",
                                 "at_hash", "email", "email_verified", "name"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": True,
        })  # fmt: skip

    async def _jwks(self, request: Request) -> Response:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return JSONResponse({"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]})

    def _redirect_uri_allowed(self, uri: str) -> bool:
        if self.redirect_uris is not None:
            return uri in self.redirect_uris  # exact match, OIDC Core §3.1.2.1
        parts = urlsplit(uri)
        return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.fragment

    async def _authorize(self, request: Request) -> Response:
        params = await self._receive(request)
        with self._lock:  # any /authorize uses the login up, refused or not: none lingers
            user, self._next_user = self._next_user, None
        redirect_uri = params.get("redirect_uri", "")
        # Never redirect to a URI, or for a client, not vouched for (RFC 6749 §4.1.2.1).
        if params.get("client_id") != self.client_id:
            raise OAuthError("invalid_request", "unknown client_id")
        if not self._redirect_uri_allowed(redirect_uri):
            raise OAuthError("invalid_request", "redirect_uri is missing or not registered")
        back = {"state": params["state"]} if "state" in params else {}

        def refuse(error: str, description: str) -> Response:
            answer = {"error": error, "error_description": description, **back}
            return RedirectResponse(with_params(redirect_uri, **answer), 302)

        scopes = params.get("scope", "").split()
        if params.get("response_type") != "code":
            return refuse("unsupported_response_type", "only response_type=code is supported")
        if "openid" not in scopes:
            return refuse("invalid_scope", "scope must contain openid")
        for required in ("state", "nonce", "code_challenge"):
            if not params.get(required):
                return refuse("invalid_request", f"{required} is required by this provider")
        if params.get("code_challenge_method") != "S256":
            return refuse("invalid_request", "code_challenge_method must be S256")
        if not CHALLENGE.fullmatch(params["code_challenge"]):
            return refuse("invalid_request", "code_challenge is not a BASE64URL SHA-256")
        if user is None:
            prompt = params.get("prompt", "").split()
            return refuse("login_required" if "none" in prompt else "access_denied", "no user")
        code = secrets.token_urlsafe(32)
        granted = tuple(scope for scope in SCOPES if scope in scopes)
        grant = _Grant(redirect_uri, user, granted, params["nonce"], params["code_challenge"],
                       time.monotonic() + self.code_lifetime)  # fmt: skip
        with self._lock:
            self._codes[code] = grant
        answer = {"code": code, "state": params["state"], "iss": self.issuer}  # RFC 9207
        return RedirectResponse(with_params(redirect_uri, **answer), 302)

    def _authenticate(self, request: Request, params: dict[str, str]) -> None:
        """client_secret_basic or client_secret_post, never both (RFC 6749 §2.3.1)."""
        header = request.headers.get("authorization")
        if header is not None and "client_secret" in params:
            raise OAuthError("invalid_request", "more than one client authentication method")
        if header is not None:
            scheme, _, value = header.partition(" ")
            try:
                decoded = base64.b64decode(value, validate=True).decode()
            except ValueError:
                decoded = ""
            client_id, _, secret = decoded.partition(":")
            # RFC 6749 form-urlencodes both before Base64; authlib does not: accept either.
            pairs = {(client_id, secret), (unquote_plus(client_id), unquote_plus(secret))}
            known = scheme.lower() == "basic" and (self.client_id, self.client_secret) in pairs
            if known and params.get("client_id", self.client_id) == self.client_id:
                return
        elif (params.get("client_id"), params.get("client_secret")) == (
            self.client_id, self.client_secret,
        ):  # fmt: skip
            return
        raise OAuthError("invalid_client", "client authentication failed", 401)

    async def _token(self, request: Request) -> Response:
        params = await self._receive(request)
        self._authenticate(request, params)
        if params.get("grant_type") != "authorization_code":
            raise OAuthError("unsupported_grant_type", "only authorization_code is supported")
        code = params.get("code")
        if not code:
            raise OAuthError("invalid_request", "code is required")
        with self._lock:
            grant = self._codes.pop(code, None)
            if grant is None and code in self._redeemed:
                # A replayed code revokes what it gave (RFC 6749 §4.1.2).
                self._tokens.pop(self._redeemed[code] or "", None)
                raise OAuthError("invalid_grant", "the code was already used")
            if grant is not None:
                self._redeemed[code] = None  # used up, even if the checks below fail
        if grant is None or time.monotonic() >= grant.expires_at:
            raise OAuthError("invalid_grant", "unknown or expired code")
        if params.get("redirect_uri") != grant.redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri differs from the authorize request")
        verifier = params.get("code_verifier", "")
        if not VERIFIER.fullmatch(verifier) or s256(verifier) != grant.code_challenge:
            raise OAuthError("invalid_grant", "code_verifier does not match code_challenge")
        access_token = secrets.token_urlsafe(32)
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": self.client_id, "iat": now, "auth_time": now,
            "exp": now + self.token_lifetime, "nonce": grant.nonce,
            "at_hash": b64url(hashlib.sha256(access_token.encode()).digest()[:16]),
            **grant.user.claims(grant.scopes),
        }  # fmt: skip
        with self._lock:
            self._redeemed[code] = access_token
            self._tokens[access_token] = (grant.user, grant.scopes, now + self.token_lifetime)
            (tamper, foreign), self._tamper = self._tamper, ({}, False)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if foreign else None
        id_token = jwt.encode(claims | tamper, key or self._key, "RS256", {"kid": self.kid})
        body = {
            "access_token": access_token, "token_type": "Bearer", "id_token": id_token,
            "expires_in": self.token_lifetime, "scope": " ".join(grant.scopes),
        }  # fmt: skip
        return JSONResponse(body, headers=NO_STORE)

    async def _userinfo(self, request: Request) -> Response:
        await self._receive(request)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        with self._lock:
            entry = self._tokens.get(token) if scheme.lower() == "bearer" else None
        if entry is None or time.time() >= entry[2]:
            challenge = 'Bearer error="invalid_token"' if token else "Bearer"  # RFC 6750 §3
            return Response(status_code=401, headers={"www-authenticate": challenge})
        user, scopes, _ = entry
        return JSONResponse(user.claims(scopes))
