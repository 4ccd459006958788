"""Domain errors: each knows its HTTP status and says what to do about it."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses; the message is shown to the caller as is."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


class EmailTaken(Conflict):
    code = "email_taken"


class StaleVersion(Conflict):
    code = "stale_version"


class ConcurrentChange(Conflict):
    code = "concurrent_change"
