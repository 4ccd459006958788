"""Short-lived download links to files that are sealed at rest.

Files are sealed with their owner's data key before they reach S3, so a presigned S3 link
would hand out ciphertext. A download link is instead a signed token (HS256 with the
gateway's signing key, its own audience, 15 minutes) naming the file, its version, its name
and its owner; `GET /downloads/{token}` opens the file and sends it. Like a presigned link it
needs no login, so it can be handed to a browser or a download manager, and it stops
working when it expires or when the owner's account is erased.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from jobtrail.gateway.errors import DomainError, NotFound
from jobtrail.gateway.handlers import signed

AUDIENCE = "jobtrail-download"
LIFETIME = timedelta(minutes=15)


class Gone(DomainError):
    status = 410
    code = "gone"


@dataclass(frozen=True)
class LinkedFile:
    key: str
    version_id: str | None
    filename: str
    owner_id: UUID

    @property
    def media_type(self) -> str:
        return mimetypes.guess_type(self.filename)[0] or "application/octet-stream"


@dataclass(frozen=True)
class DownloadLinks:
    """Issues and reads download tokens."""

    secret: str
    lifetime: timedelta = LIFETIME

    @property
    def expires_in(self) -> int:
        return int(self.lifetime.total_seconds())

    def token(self, file: LinkedFile, now: datetime | None = None) -> str:
        claims = {"key": file.key, "ver": file.version_id, "name": file.filename,
                  "sub": str(file.owner_id)}  # fmt: skip
        return signed.sign(self.secret, AUDIENCE, self.lifetime, claims, now)

    def read(self, token: str) -> LinkedFile:
        claims = signed.verify(self.secret, AUDIENCE, token)
        if claims is signed.Refused.EXPIRED:
            raise Gone("this download link has expired; ask for a new one")
        if isinstance(claims, signed.Refused):
            raise NotFound("no such download: the link is not valid")
        return LinkedFile(claims["key"], claims["ver"], claims["name"], UUID(claims["sub"]))
