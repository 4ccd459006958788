"""What an upload is, decided by its bytes: the formats the gateway passes on and refuses."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from jobtrail.gateway.errors import UnsupportedMediaType
from jobtrail.gateway.uploads import (
    ACCEPTED,
    DOCX,
    JPEG,
    JSON,
    MARKDOWN,
    PDF,
    PNG,
    TEXT,
    TIFF,
    sniff,
)


def a_zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def cut_before_central_directory(data: bytes) -> bytes:
    """A zip as a cut-short download leaves it: the members' bytes, no directory."""
    return data[: data.index(b"PK\x01\x02")]


def test_a_pdf_is_recognised_by_its_magic_bytes_whatever_it_is_called() -> None:
    # The name (say "resume.docx") never reaches sniff; only the bytes decide.
    assert sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n") == PDF


def test_a_zip_holding_word_document_xml_is_docx() -> None:
    assert sniff(a_zip({"word/document.xml": "<w:document/>", "_rels/.rels": ""})) == DOCX


def test_a_zip_that_is_not_a_word_document_is_unsupported() -> None:
    with pytest.raises(UnsupportedMediaType, match="not a Word document") as raised:
        sniff(a_zip({"xl/workbook.xml": "<workbook/>"}))
    assert ACCEPTED in raised.value.message


def test_a_damaged_zip_that_names_no_word_part_is_unsupported() -> None:
    whole = a_zip({"notes.txt": "hello " * 2000, "more.txt": "world " * 2000})
    with pytest.raises(UnsupportedMediaType, match="damaged"):
        sniff(cut_before_central_directory(whole))


def test_a_damaged_docx_is_passed_on_for_the_resume_service_to_explain() -> None:
    whole = a_zip(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": "<w:document>" + "text " * 4000 + "</w:document>",
            "word/styles.xml": "<w:styles>" + "style " * 4000 + "</w:styles>",
        }
    )
    assert sniff(cut_before_central_directory(whole)) == DOCX


def test_a_json_document_is_json() -> None:
    assert sniff(json.dumps({"basics": {"name": "Ada"}}).encode()) == JSON


def test_json_after_a_byte_order_mark_and_blank_lines_is_json() -> None:
    assert sniff(b'\xef\xbb\xbf\n  {"basics": {}}') == JSON


def test_broken_json_is_unsupported_with_the_line_of_the_error() -> None:
    broken = b'{\n  "basics": {\n    "name": "Ada",,\n  }\n}'
    with pytest.raises(UnsupportedMediaType, match="does not parse") as raised:
        sniff(broken)
    assert "at line 3" in raised.value.message
    assert raised.value.status == 415


def test_text_with_headings_or_bullets_is_markdown() -> None:
    assert sniff(b"# Ada Lovelace\n\n## Experience\n- Analyst\n") == MARKDOWN
    assert sniff(b"Ada Lovelace\n* Analytical Engine programmer\n") == MARKDOWN


def test_plain_prose_is_text() -> None:
    assert sniff("Ada Lovelace\nMathematician, London — 1843\n".encode()) == TEXT


def test_utf16_text_with_a_byte_order_mark_is_text() -> None:
    assert sniff("Ada Lovelace\nMathematician\n".encode("utf-16")) == TEXT
    assert sniff(b"\xfe\xff" + "Ada Lovelace\nMathematician\n".encode("utf-16-be")) == TEXT


def test_utf16_json_is_json() -> None:
    assert sniff('{"basics": {"name": "Ada"}}'.encode("utf-16")) == JSON


def test_bytes_that_claim_utf16_but_do_not_decode_are_unsupported() -> None:
    with pytest.raises(UnsupportedMediaType) as raised:
        sniff(b"\xff\xfe\x00\xd8A")  # a lone surrogate and an odd byte
    assert ACCEPTED in raised.value.message


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", PNG, id="png"),
        pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG, id="jpeg"),
        pytest.param(b"II*\x00\x08\x00\x00\x00", TIFF, id="tiff-little-endian"),
        pytest.param(b"MM\x00*\x00\x00\x00\x08", TIFF, id="tiff-big-endian"),
    ],
)
def test_scans_and_photos_pass_on_as_images_for_the_resume_service_to_read(
    data: bytes, media_type: str
) -> None:
    assert sniff(data) == media_type


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"GIF89a\x01\x00\x01\x00\x00\x00\x00", id="gif"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", id="legacy-doc"),
        pytest.param(b"Ada\x00Lovelace", id="text-with-nul"),
    ],
)
def test_binary_files_are_unsupported_and_the_accepted_types_are_named(data: bytes) -> None:
    with pytest.raises(UnsupportedMediaType) as raised:
        sniff(data)
    assert raised.value.message.endswith(f"accepted: {ACCEPTED}")
