"""What leaves the API of an event: everything but its secrets."""

from __future__ import annotations

import json

from jobtrail.gateway.api.events import redact


def an_envelope(**data: object) -> dict[str, object]:
    return {"type": "UserRegistered", "actor": "user:1", "correlation_id": "c-1", "data": data}


def test_redact_hides_the_password_hash_and_keeps_the_rest() -> None:
    envelope = an_envelope(email="ada@example.com", password_hash="$argon2id$v=19$secret")
    redacted = redact(envelope)
    assert "$argon2id$" not in json.dumps(redacted)
    assert redacted["data"] == {"email": "ada@example.com", "password_hash": "<redacted>"}
    assert {k: v for k, v in redacted.items() if k != "data"} == {
        "type": "UserRegistered", "actor": "user:1", "correlation_id": "c-1",
    }  # fmt: skip


def test_redact_leaves_the_stored_envelope_untouched() -> None:
    envelope = an_envelope(password_hash="$argon2id$secret")
    redact(envelope)
    assert envelope["data"] == {"password_hash": "$argon2id$secret"}


def test_redact_passes_events_without_secrets_through_unchanged() -> None:
    envelope = an_envelope(resume_id="r-1", version=2)
    assert redact(envelope) == envelope
