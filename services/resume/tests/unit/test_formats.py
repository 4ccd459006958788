"""Uploads are typed by their content and read to text, or refused with a reason to act on."""

from __future__ import annotations

import contextlib
import io
import json
import random
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

from jobtrail.resume.adapters.formats import extract_text, sniff
from jobtrail.resume.domain.errors import UnreadableResume
from tests.support.bad_files import (
    corrupt_docx,
    corrupt_pdf,
    docx_zip_bomb,
    encrypted_pdf,
    many_pages_pdf,
    scanned_pdf,
    truncated_pdf,
)
from tests.support.documents import photo_png, resume_docx, resume_markdown, resume_pdf, resume_text

SAMPLE: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[4] / "tests" / "data" / "sample.resume.json").read_text()
)


TINY = {"basics": {"name": "Ada Lovelace", "label": "Mathematician and first programmer"}}


def refusal(data: bytes, **limits: int) -> UnreadableResume:
    with pytest.raises(UnreadableResume) as caught:
        extract_text(data, **limits)
    return caught.value


# Type sniffing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("render", "kind"),
    [
        (lambda: resume_pdf(SAMPLE), "pdf"),
        (lambda: resume_docx(SAMPLE), "docx"),
        (lambda: resume_text(SAMPLE).encode(), "txt"),
        (lambda: resume_markdown(SAMPLE).encode(), "markdown"),
        (lambda: json.dumps(SAMPLE).encode(), "json"),
    ],
)
def test_the_content_decides_the_kind(render: Any, kind: str) -> None:
    data = render()
    assert sniff(data) == kind
    assert extract_text(data).kind == kind


def test_a_pdf_named_docx_is_read_as_a_pdf(tmp_path: Path) -> None:
    upload = tmp_path / "resume.docx"
    upload.write_bytes(resume_pdf(SAMPLE))
    extracted = extract_text(upload.read_bytes())
    assert extracted.kind == "pdf"
    assert extracted.pages == 2
    assert "Richard Hendriks" in extracted.text


def test_a_docx_named_txt_is_read_as_a_docx(tmp_path: Path) -> None:
    upload = tmp_path / "resume.txt"
    upload.write_bytes(resume_docx(SAMPLE))
    assert extract_text(upload.read_bytes()).kind == "docx"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_text_with_a_byte_order_mark_is_decoded(encoding: str) -> None:
    data = resume_text(SAMPLE).encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    extracted = extract_text(data)
    assert extracted.kind == "txt"
    assert extracted.text.startswith("Richard Hendriks")


def test_markdown_is_read_without_its_markup() -> None:
    text = extract_text(resume_markdown(SAMPLE).encode()).text
    assert "CEO/President" in text
    assert "• Successfully won Techcrunch Disrupt" in text
    assert "richard.hendriks@mail.com" in text
    assert "#" not in text
    assert "**" not in text
    assert "\\|" not in text


def test_docx_tables_and_bullets_are_read_in_document_order() -> None:
    document = docx.Document()
    document.add_paragraph("Ada Lovelace")
    document.add_heading("Skills", level=1)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Languages", "Python, Go"
    table.cell(1, 0).text, table.cell(1, 1).text = "Cloud", "AWS"
    document.add_heading("Experience", level=1)
    document.add_paragraph("Built the analytical engine's first programs", style="List Bullet")
    document.add_paragraph(" ".join(["Wrote notes on the engine and its uses."] * 4))
    buffer = io.BytesIO()
    document.save(buffer)
    lines = extract_text(buffer.getvalue()).text.splitlines()
    assert lines[:7] == [
        "Ada Lovelace",
        "Skills",
        "Languages | Python, Go",
        "Cloud | AWS",
        "Experience",
        "• Built the analytical engine's first programs",
        lines[6],
    ]


def test_a_wrapped_pdf_bullet_is_read_as_one_line() -> None:
    long = "Optimised the compression pipeline " * 8
    resume = {**SAMPLE, "work": [{**SAMPLE["work"][0], "highlights": [long.strip()]}]}
    text = extract_text(resume_pdf(resume)).text
    assert f"•  {long.strip()}" in text or f"• {long.strip()}" in text


def test_a_photo_does_not_get_in_the_way_of_the_text() -> None:
    pdf = resume_pdf(SAMPLE, photo=photo_png(side=230))
    extracted = extract_text(pdf)
    assert len(pdf) > 190_000
    assert extracted.pages == 2
    assert extracted.text.startswith("Richard Hendriks")


# Refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\t  ", "\ufeff".encode()])
def test_an_empty_file_is_refused(data: bytes) -> None:
    error = refusal(data)
    assert error.code == "empty_file"
    assert "empty" in error.message
    assert "upload it again" in error.message


def test_a_file_over_the_size_limit_is_refused_before_reading() -> None:
    error = refusal(resume_pdf(SAMPLE), max_bytes=10_000)
    assert error.code == "too_large"
    assert "limit" in error.message
    assert "smaller file" in error.message


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a" + bytes(200),
        random.Random(7).randbytes(4000),
        b"\xa5\xb3" * 2000,
        b"<!DOCTYPE html><html><body>My resume</body></html>",
        b"{\\rtf1\\ansi My resume}",
    ],
    ids=["gif", "binary-junk", "high-bytes", "html", "rtf"],
)
def test_other_kinds_of_file_are_refused_naming_the_accepted_ones(data: bytes) -> None:
    error = refusal(data)
    assert error.code == "unsupported_type"
    assert all(kind in error.message for kind in ("PDF", "Word (.docx)", "plain text", "JSON"))


def test_a_zip_without_a_word_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")
    error = refusal(buffer.getvalue())
    assert error.code == "unsupported_type"
    assert "zip archive" in error.message


def test_an_old_binary_word_file_is_refused_with_how_to_convert_it() -> None:
    error = refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    assert error.code == "unsupported_type"
    assert ".docx or PDF" in error.message


def test_text_that_is_not_utf8_is_refused_asking_for_utf8() -> None:
    text = "José Müller — Résumé\n" + resume_text(SAMPLE)
    error = refusal(text.encode("cp1252", errors="replace"))
    assert error.code == "unsupported_encoding"
    assert "UTF-8" in error.message


@pytest.mark.parametrize("data", [corrupt_pdf(), truncated_pdf(SAMPLE)], ids=["garbage", "cut"])
def test_a_damaged_pdf_is_refused(data: bytes) -> None:
    error = refusal(data)
    assert error.code == "corrupt_pdf"
    assert "damaged" in error.message
    assert "again" in error.message


def test_a_password_protected_pdf_is_refused() -> None:
    error = refusal(encrypted_pdf(SAMPLE))
    assert error.code == "encrypted_pdf"
    assert "remove the password and upload again" in error.message


def test_a_scanned_pdf_is_refused_as_having_no_text() -> None:
    error = refusal(scanned_pdf())
    assert error.code == "no_text_layer"
    assert "scanned" in error.message
    assert "selectable text" in error.message
    assert "DOCX" in error.message


def test_a_pdf_with_too_many_pages_is_refused() -> None:
    error = refusal(many_pages_pdf(51))
    assert error.code == "too_many_pages"
    assert "51 pages" in error.message
    assert "at most 50" in error.message


def test_the_page_limit_is_a_parameter() -> None:
    assert refusal(resume_pdf(SAMPLE), max_pages=1).code == "too_many_pages"


def test_a_damaged_docx_is_refused() -> None:
    error = refusal(corrupt_docx())
    assert error.code == "corrupt_docx"
    assert "damaged" in error.message


def test_a_docx_with_broken_xml_is_refused() -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(resume_docx(SAMPLE))) as source,
        zipfile.ZipFile(buffer, "w") as broken,
    ):
        for item in source.infolist():
            data = source.read(item)
            broken.writestr(item, data[:500] if item.filename == "word/document.xml" else data)
    assert refusal(buffer.getvalue()).code == "corrupt_docx"


@pytest.mark.parametrize("declared_mib", [64, 10], ids=["too-big", "too-compressed"])
def test_a_docx_zip_bomb_is_refused_before_inflating(declared_mib: int) -> None:
    error = refusal(docx_zip_bomb(declared_mib))
    assert error.code == "docx_zip_bomb"
    assert "save your resume again" in error.message


def test_json_that_is_not_a_json_resume_is_refused() -> None:
    error = refusal(json.dumps({"title": "Shopping list", "items": ["milk"]}).encode())
    assert error.code == "not_a_resume"
    assert "JSON Resume" in error.message


def test_broken_json_is_refused() -> None:
    error = refusal(b'{"basics": {"name": "Ada",}')
    assert error.code == "corrupt_json"


@pytest.mark.parametrize(
    "data",
    [b"Ada Lovelace\nada@example.com\n", lambda: resume_pdf(TINY)],
    ids=["text", "pdf"],
)
def test_too_little_text_is_refused(data: Any) -> None:
    error = refusal(data() if callable(data) else data)
    assert error.code == "too_little_text"
    assert "right file" in error.message


def test_damaged_files_only_ever_raise_unreadable_resume() -> None:
    chance = random.Random(2024)
    originals = [resume_pdf(SAMPLE), resume_docx(SAMPLE)]
    for original in originals:
        for _ in range(25):
            data = bytearray(original)
            for _ in range(chance.randrange(1, 40)):
                data[chance.randrange(len(data))] = chance.randrange(256)
            cut = bytes(data[: chance.randrange(len(data) // 4, len(data))])
            with contextlib.suppress(UnreadableResume):
                extract_text(cut)
