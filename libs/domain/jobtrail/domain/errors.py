"""Refusals a decision can make; each knows its HTTP status and says what to do about it."""

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


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"


class StaleVersion(Conflict):
    code = "stale_version"
