"""Download links: signed, short-lived, naming one file of one owner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import jwt
import pytest

from jobtrail.gateway.errors import NotFound
from jobtrail.gateway.handlers.downloads import DownloadLinks, Gone, LinkedFile

LINKS = DownloadLinks("a-signing-key-for-tests-0123456789abcdef")
FILE = LinkedFile("sha256/abc", "v1", "Ada Lovelace – resume.pdf", uuid4())


def test_a_link_names_its_file_and_owner() -> None:
    assert LINKS.read(LINKS.token(FILE)) == FILE
    assert FILE.media_type == "application/pdf"


def test_an_expired_link_is_gone() -> None:
    token = LINKS.token(FILE, now=datetime.now(UTC) - timedelta(minutes=16))
    with pytest.raises(Gone, match="expired"):
        LINKS.read(token)


def test_a_link_signed_with_another_key_or_altered_is_not_found() -> None:
    with pytest.raises(NotFound):
        LINKS.read(DownloadLinks("another-signing-key-0123456789abcdef").token(FILE))
    token = LINKS.token(FILE)
    with pytest.raises(NotFound):
        LINKS.read(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_an_access_token_is_not_a_download_link() -> None:
    access = jwt.encode({"sub": str(FILE.owner_id), "key": FILE.key}, LINKS.secret, "HS256")
    with pytest.raises(NotFound):
        LINKS.read(access)
