"""The attachment aggregate: names, versions, owners, and types decided by content."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from jobtrail.events import EventContext, RecordedEvent, seal
from jobtrail.gateway.domain.attachments import (
    Attachment,
    StoredFile,
    attachment_id_for,
    clean_filename,
)
from jobtrail.gateway.errors import InvalidInput, NotFound, UnsupportedMediaType
from jobtrail.gateway.handlers.attachments import attachment_media_type

OWNER = UUID("0190b8a4-0000-7000-8000-000000000001")
OTHER = UUID("0190b8a4-0000-7000-8000-000000000002")
FILE = StoredFile("text/plain", 3, "a" * 64, "sha256/" + "a" * 64, None)


def uploaded_twice(target: UUID) -> Attachment:
    attachment_id = attachment_id_for("application", target, "offer.txt")
    first = Attachment(attachment_id).upload(OWNER, "application", target, "offer.txt", FILE)
    context = EventContext(actor="test", correlation_id="t", owner_id=OWNER)
    sealed = seal(list(first), aggregate_id=attachment_id, base_version=0, context=context)
    once = Attachment.fold(attachment_id, [RecordedEvent(e, 1) for e in sealed])
    second = once.upload(OWNER, "application", target, "offer.txt", FILE)
    sealed += seal(list(second), aggregate_id=attachment_id, base_version=1, context=context)
    return Attachment.fold(attachment_id, [RecordedEvent(e, n) for n, e in enumerate(sealed)])


def test_a_second_upload_of_a_name_is_version_2() -> None:
    attachment = uploaded_twice(uuid4())
    assert sorted(attachment.versions) == [1, 2]
    assert attachment.latest_version == 2


def test_one_name_on_one_target_is_one_attachment() -> None:
    target = uuid4()
    same = attachment_id_for("application", target, "offer.txt")
    assert same == attachment_id_for("application", target, "offer.txt")
    assert same != attachment_id_for("application", target, "other.txt")
    assert same != attachment_id_for("resume", target, "offer.txt")


def test_another_users_attachment_is_not_found() -> None:
    with pytest.raises(NotFound):
        uploaded_twice(uuid4()).ensure_owned_by(OTHER)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("offer.pdf", "offer.pdf"), ("C:\\Users\\a\\offer.pdf", "offer.pdf"), ("../x/y.txt", "y.txt")],
)
def test_a_file_is_known_by_its_last_path_part(raw: str, clean: str) -> None:
    assert clean_filename(raw) == clean


@pytest.mark.parametrize("raw", [None, "", "  ", "dir/", "..", "a" * 256])
def test_a_missing_or_overlong_name_is_refused(raw: str | None) -> None:
    with pytest.raises(InvalidInput):
        clean_filename(raw)


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"plain words\n", "text/plain"),
        (b"# Heading\n- item\n", "text/markdown"),
        (b'{"a": 1}', "text/plain"),
    ],
)
def test_the_media_type_is_read_from_the_bytes(data: bytes, media_type: str) -> None:
    assert attachment_media_type(data) == media_type


@pytest.mark.parametrize("data", [b"GIF89a\x01\x00", b"\x00\x01\x02\x03binary", b"PK\x03\x04zip"])
def test_other_types_are_refused(data: bytes) -> None:
    with pytest.raises(UnsupportedMediaType):
        attachment_media_type(data)
