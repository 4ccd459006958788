"""Email verification, and mail that makes registration answer alike for taken emails.

Registration answers `201 {user_id, email}` whether or not the email already has an account
(the id derives from the email, so it tells nothing). What differs goes by mail, after the
answer: a new account gets a link that verifies its address; the owner of a taken address
is told that someone tried to register with it, and how to log in or reset the password.
Neither the reply nor its timing tells which emails are registered.

The link carries a signed token (HS256 with the gateway's signing key, its own audience,
`hours` to live) naming the account and the address. Using it twice is harmless: verifying
a verified address records nothing. `GATEWAY_EMAIL_VERIFICATION`: `off` (no mail),
`optional` (mail; logging in does not wait for it), `required` (no login until verified).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from jobtrail.gateway.errors import InvalidInput
from jobtrail.gateway.handlers import signed
from jobtrail.gateway.handlers.passwords import Mailer

AUDIENCE = "jobtrail-verify-email"
Policy = Literal["off", "optional", "required"]


@dataclass(frozen=True)
class VerificationDeps:
    secret: str
    mailer: Mailer
    link: str  # with "{token}" where the token goes
    policy: Policy = "optional"
    hours: int = 48


def token(deps: VerificationDeps, user_id: UUID, email: str, now: datetime | None = None) -> str:
    claims = {"sub": str(user_id), "email": email}
    return signed.sign(deps.secret, AUDIENCE, timedelta(hours=deps.hours), claims, now)


def read(deps: VerificationDeps, text: str) -> tuple[UUID, str]:
    """(account, address) of a valid link; InvalidInput (422) says why one is not."""
    claims = signed.verify(deps.secret, AUDIENCE, text)
    if isinstance(claims, signed.Refused):
        why = "has expired" if claims is signed.Refused.EXPIRED else "is not valid"
        raise InvalidInput(f"this verification link {why}; ask for a new one")
    return UUID(claims["sub"]), str(claims["email"])


async def send_link(deps: VerificationDeps, user_id: UUID, email: str) -> None:
    if deps.policy == "off":
        return
    link = deps.link.format(token=token(deps, user_id, email))
    await deps.mailer.send(
        email,
        "Confirm your email for Jobtrail",
        "Welcome to Jobtrail. To confirm that this address is yours, open this link within "
        f"{deps.hours} hours:\n{link}\n\n"
        "If you did not create an account, ignore this mail.\n",
    )


async def send_taken_notice(deps: VerificationDeps, email: str) -> None:
    await deps.mailer.send(
        email,
        "Someone tried to register with your email at Jobtrail",
        "Someone tried to create a Jobtrail account with this address, which already has "
        "one. Nothing was changed.\n\n"
        "If it was you, log in with your password; if you forgot it, ask for a password "
        "reset on the login page.\n\n"
        "If it was not you, you can ignore this mail.\n",
    )
