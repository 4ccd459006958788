"""The user aggregate: registration, account changes, and where user ids come from."""

from __future__ import annotations

from uuid import uuid4

import pytest

from jobtrail.events import EventContext, RecordedEvent, seal
from jobtrail.events.envelope import Event
from jobtrail.events.users import (
    JobPreferences,
    Profile,
    ProfileUpdated,
    UserRegistered,
    UserUpdated,
)
from jobtrail.gateway.domain.users import User, normalise_email, user_id_for
from jobtrail.gateway.errors import EmailTaken, NotFound


def recorded(user_id: object, *events: Event) -> list[RecordedEvent]:
    context = EventContext(actor=f"user:{user_id}", correlation_id="test")
    envelopes = seal(list(events), aggregate_id=user_id, base_version=0, context=context)
    return [RecordedEvent(envelope, seq) for seq, envelope in enumerate(envelopes, start=1)]


def registered_user(email: str = "ada@example.com", name: str = "Ada") -> User:
    user_id = user_id_for(email)
    new = User(user_id).register(email, name, "user")
    return User.fold(user_id, recorded(user_id, *new))


def test_user_ids_derive_from_the_normalised_email() -> None:
    assert user_id_for("  Ada@Example.COM ") == user_id_for("ada@example.com")
    assert user_id_for("ada@example.com") != user_id_for("bob@example.com")
    assert normalise_email("  Ada@Example.COM\t") == "ada@example.com"


def test_registering_records_the_normalised_email_and_role() -> None:
    user_id = user_id_for("Ada@Example.com")
    [event] = User(user_id).register(" Ada@Example.com ", "Ada", "user")
    assert isinstance(event, UserRegistered)
    # No password hash: credentials are not events.
    assert (event.user_id, event.email, event.display_name, event.role) == (
        user_id, "ada@example.com", "Ada", "user",
    )  # fmt: skip
    assert "password_hash" not in event.model_dump()


def test_a_role_other_than_admin_registers_as_user() -> None:
    [event] = User(uuid4()).register("x@example.com", "X", "root")
    assert event.role == "user"
    [admin] = User(uuid4()).register("y@example.com", "Y", "admin")
    assert admin.role == "admin"


def test_registering_an_email_twice_is_refused_as_taken() -> None:
    user = registered_user("ada@example.com")
    assert user.registered
    with pytest.raises(EmailTaken, match="already registered"):
        user.register("ADA@example.com", "Ada again", "user")


def test_folding_the_history_restores_the_account_and_profile() -> None:
    user_id = user_id_for("ada@example.com")
    profile = Profile(full_name="Ada Lovelace", preferences=JobPreferences(roles=["engineer"]))
    user = User.fold(
        user_id,
        recorded(
            user_id,
            UserRegistered(user_id=user_id, email="ada@example.com", display_name="Ada",
                           role="admin"),
            UserUpdated(user_id=user_id, display_name="Countess"),
            ProfileUpdated(user_id=user_id, profile=profile),
        ),
    )  # fmt: skip
    assert (user.registered, user.display_name, user.role, user.profile) == (
        True, "Countess", "admin", profile,
    )  # fmt: skip
    assert user.legacy_password_hash is None  # credentials are not in the log


def test_a_version_1_registration_keeps_its_hash_for_the_first_login_only() -> None:
    user_id = user_id_for("ada@example.com")
    [current] = recorded(user_id, UserRegistered(user_id=user_id, email="ada@example.com",
                                                 display_name="Ada"))  # fmt: skip
    data = {**current.envelope.data, "password_hash": "$argon2id$legacy"}
    old = RecordedEvent(current.envelope.model_copy(update={"schema_version": 1, "data": data}), 1)

    assert "password_hash" not in old.event.model_dump()  # the upcaster drops it
    user = User.fold(user_id, [old])
    assert (user.registered, user.legacy_password_hash) == (True, "$argon2id$legacy")


def test_a_password_change_is_an_event_without_the_password() -> None:
    user = registered_user(name="Ada")
    [changed] = user.change_password("reset")
    assert changed.model_dump(exclude={"event_id", "occurred_at"}) == {
        "user_id": user.user_id,
        "how": "reset",
    }
    with pytest.raises(NotFound):
        User(uuid4()).change_password("changed")


def test_updating_to_the_same_display_name_emits_nothing() -> None:
    assert registered_user(name="Ada").update("Ada") == []


def test_updating_the_display_name_emits_user_updated() -> None:
    user = registered_user(name="Ada")
    assert user.update("Ada L.") == [UserUpdated(user_id=user.user_id, display_name="Ada L.")]


def test_saving_an_unchanged_profile_emits_nothing() -> None:
    user = registered_user()
    profile = Profile(headline="Engineer")
    [changed] = user.update_profile(profile)
    user.apply(changed)
    assert user.update_profile(Profile(headline="Engineer")) == []


def test_an_identity_is_linked_once() -> None:
    user = registered_user(name="Ada")
    [linked] = user.link_identity("google", "sub-1")
    user.apply(linked)
    assert user.identities == {("google", "sub-1")}
    assert user.link_identity("google", "sub-1") == []
    assert len(user.link_identity("microsoft", "sub-1")) == 1
    with pytest.raises(NotFound):
        User(uuid4()).link_identity("google", "sub-2")
