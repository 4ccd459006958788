"""Realistic event logs built with the real event classes and `seal`.

A user registers, fills in a profile, uploads two resumes; each is parsed, imported as
version 1 and accepted, then edited into version 2 and accepted: 14 events per user.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from uuid import UUID

from jobtrail.events import Envelope, Event, EventContext, seal, uuid7
from jobtrail.events.resumes import (
    ResumeParsed,
    ResumeUploaded,
    ResumeVersionAccepted,
    ResumeVersionCreated,
)
from jobtrail.events.users import (
    JobPreferences,
    Link,
    Location,
    Profile,
    ProfileUpdated,
    SalaryRange,
    UserRegistered,
)

# An argon2id hash has this shape and length; the value itself is never checked here.
_PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$" + "c2FsdHNhbHRzYWx0c2FsdA" + "$" + "h" * 43
_ROLES = ("Backend Engineer", "Data Engineer", "Platform Engineer", "Staff Engineer", "SRE")
_SKILLS = ("python", "postgresql", "nats", "kubernetes", "fastapi", "rust", "terraform", "go")
_CITIES = (("Lisbon", "PT"), ("Berlin", "DE"), ("Toronto", "CA"), ("Austin", "US"))


def realistic_log(count: int, seed: int = 7) -> list[Envelope]:
    """Exactly `count` sealed envelopes: whole user stories, the last one cut short."""
    rng = random.Random(seed)
    envelopes: list[Envelope] = []
    while len(envelopes) < count:
        envelopes.extend(user_story(rng))
    return envelopes[:count]


def user_story(rng: random.Random) -> list[Envelope]:
    user_id = uuid7()
    context = EventContext(actor=f"user:{user_id}", correlation_id=uuid7().hex, owner_id=user_id)
    account: list[Event] = [
        _registered(rng, user_id),
        ProfileUpdated(user_id=user_id, profile=_profile(rng)),
    ]
    envelopes = seal(account, aggregate_id=user_id, base_version=0, context=context)
    for number in (1, 2):
        envelopes.extend(resume_story(rng, user_id, context, f"resume-{number}.pdf"))
    return envelopes


def resume_story(
    rng: random.Random, user_id: UUID, context: EventContext, filename: str
) -> Iterator[Envelope]:
    resume_id = uuid7()
    uploaded = _upload(rng, resume_id, user_id, filename)
    (upload,) = seal([uploaded], aggregate_id=resume_id, base_version=0, context=context)
    yield upload
    parser = EventContext.caused_by(upload, actor="service:resume")
    sha = _sha(rng)
    parsed: list[Event] = [
        ResumeParsed(
            resume_id=resume_id, file_kind="pdf", document_version=1, sha256=uploaded.sha256,
            text_chars=rng.randint(2_000, 12_000),
        ),
        ResumeVersionCreated(
            resume_id=resume_id, version=1, parent_version=None, source="import", sha256=sha
        ),
        ResumeVersionAccepted(resume_id=resume_id, version=1),
    ]  # fmt: skip
    yield from seal(parsed, aggregate_id=resume_id, base_version=1, context=parser)
    edit: list[Event] = [
        ResumeVersionCreated(
            resume_id=resume_id, version=2, parent_version=1, source="user", sha256=_sha(rng)
        ),
        ResumeVersionAccepted(resume_id=resume_id, version=2),
    ]
    yield from seal(edit, aggregate_id=resume_id, base_version=4, context=context)


def version_created(resume_id: UUID, version: int, rng: random.Random) -> ResumeVersionCreated:
    """The event a single append writes: a user's edit as a new resume version."""
    return ResumeVersionCreated(
        resume_id=resume_id, version=version, parent_version=version - 1 or None,
        source="user", sha256=_sha(rng),
    )  # fmt: skip


def version_envelopes(count: int, seed: int = 3) -> list[Envelope]:
    """Sealed `version_created` events of one resume, as the peer's append figure records."""
    rng, resume_id = random.Random(seed), uuid7()
    context = EventContext(actor="user:bench", correlation_id="bench-append")
    events: list[Event] = [version_created(resume_id, n, rng) for n in range(1, count + 1)]
    return seal(events, aggregate_id=resume_id, base_version=0, context=context)


def _registered(rng: random.Random, user_id: UUID) -> UserRegistered:
    name = f"Candidate {rng.randint(1, 10**6)}"
    return UserRegistered(
        user_id=user_id, email=f"{user_id.hex}@example.com", display_name=name,
        password_hash=_PASSWORD_HASH,
    )  # fmt: skip


def _profile(rng: random.Random) -> Profile:
    city, country = rng.choice(_CITIES)
    handle = f"dev{rng.randint(1, 10**6)}"
    return Profile(
        full_name=f"Candidate {handle}",
        headline=rng.choice(_ROLES),
        email=f"{handle}@example.com",
        phone="+1 555 0100",
        links=[
            Link(network="GitHub", url=f"https://github.com/{handle}", username=handle),
            Link(network="LinkedIn", url=f"https://www.linkedin.com/in/{handle}"),
        ],
        location=Location(city=city, country_code=country),
        preferences=JobPreferences(
            roles=rng.sample(_ROLES, 2),
            locations=[city],
            remote=rng.choice(("remote", "hybrid", "any")),
            salary=SalaryRange(minimum=90_000, maximum=160_000, currency="USD"),
            skills=rng.sample(_SKILLS, 4),
        ),
    )


def _upload(rng: random.Random, resume_id: UUID, user_id: UUID, filename: str) -> ResumeUploaded:
    sha = _sha(rng)
    return ResumeUploaded(
        resume_id=resume_id, user_id=user_id, filename=filename, media_type="application/pdf",
        size=rng.randint(40_000, 400_000), sha256=sha, file_key=f"resumes/{sha}",
        file_version=uuid7().hex,
    )  # fmt: skip


def _sha(rng: random.Random) -> str:
    return hashlib.sha256(rng.randbytes(16)).hexdigest()
