"""Domain errors: each knows its HTTP status and says what to do about it."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses; the message is shown to the caller as is."""

    status: int = 400
    code: str = "bad_request"
    # Seconds after which repeating the request can succeed (sent as Retry-After).
    retry_after: int | None = None

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


class StaleVersion(Conflict):
    code = "stale_version"


class ConcurrentChange(Conflict):
    code = "concurrent_change"
