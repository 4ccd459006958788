"""The gateway's errors: the shared domain refusals, and those only the API makes."""

from __future__ import annotations

from jobtrail.domain.errors import Conflict, DomainError, InvalidInput, NotFound, StaleVersion

__all__ = [
    "ConcurrentChange",
    "Conflict",
    "DomainError",
    "EmailTaken",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "PayloadTooLarge",
    "StaleVersion",
    "TooManyRequests",
    "Unauthorized",
    "UnsupportedMediaType",
]


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


class EmailTaken(Conflict):
    code = "email_taken"


class ConcurrentChange(Conflict):
    code = "concurrent_change"
