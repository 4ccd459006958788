"""Scans and photos of resumes are read by OCR, offline and within time limits, or refused
with what to do instead."""

from __future__ import annotations

import io
import json
import socket
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rapidocr_onnxruntime
import typst
from pypdf import PdfReader, PdfWriter

from jobtrail.resume.adapters import ocr
from jobtrail.resume.adapters.formats import extract_text, sniff
from jobtrail.resume.adapters.ocr import OcrLimits
from jobtrail.resume.domain.errors import UnreadableResume
from jobtrail.resume.reading import ReadResume, read_resume
from tests.support.documents import resume_pdf
from tests.support.scans import Pixels, encoded, image_pdf, noise, raster_pages

SAMPLE: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[4] / "tests" / "data" / "sample.resume.json").read_text()
)
SCAN_DPI = 150
MAX_BYTES = 10 << 20


@pytest.fixture(scope="module")
def scanned() -> list[Pixels]:
    """The sample resume, typeset and rasterised at 150 dpi, one image per page."""
    return raster_pages(resume_pdf(SAMPLE), SCAN_DPI)


@pytest.fixture(scope="module")
def read_png(scanned: list[Pixels]) -> ReadResume:
    """The first page's PNG, read once for the tests that look at the result."""
    return read_resume(encoded(scanned[0]), MAX_BYTES)


def squashed(text: str) -> str:
    """Lower case without spaces: at 150 dpi OCR may lose the space in a bold name."""
    return "".join(text.split()).lower()


def assert_the_sample_was_parsed(document: dict[str, Any]) -> None:
    basics, job = document["basics"], document["work"][0]
    assert basics["name"] == SAMPLE["basics"]["name"]
    assert basics["email"] == SAMPLE["basics"]["email"]
    assert squashed(job["name"]) == squashed(SAMPLE["work"][0]["name"])
    assert job["startDate"] == SAMPLE["work"][0]["startDate"][:7]


# Reading -----------------------------------------------------------------------------------


def test_a_png_scan_of_a_resume_is_read_and_parsed(
    scanned: list[Pixels], read_png: ReadResume
) -> None:
    assert sniff(encoded(scanned[0])) == "image"
    assert read_png.file_kind == "image"
    assert_the_sample_was_parsed(read_png.document)
    assert read_png.ocr is not None
    assert read_png.ocr.pages == (1,)
    assert len(read_png.ocr.seconds) == 1
    assert read_png.ocr.confidence > 0.8


def test_an_image_only_pdf_is_read_by_ocr_and_parsed(scanned: list[Pixels]) -> None:
    read = read_resume(image_pdf(scanned, SCAN_DPI), MAX_BYTES)

    assert read.file_kind == "pdf"
    assert read.ocr is not None
    assert read.ocr.pages == (1, 2)
    assert read.ocr.dpi == ocr.DPI
    assert_the_sample_was_parsed(read.document)


def test_ocr_lines_carry_their_page_and_place_in_reading_order(read_png: ReadResume) -> None:
    extracted = read_png.extracted

    lines = extracted.lines
    assert lines[0].text == SAMPLE["basics"]["name"]
    assert all(line.page == 1 for line in lines)
    tops = [line.top for line in lines]
    assert tops == sorted(tops)  # one column: top to bottom
    assert lines[0].size > max(line.size for line in lines[3:])  # the name is the largest
    assert all(0 <= line.x0 < line.x1 <= 612 for line in lines)
    assert extracted.text.splitlines()[0] == SAMPLE["basics"]["name"]


@pytest.mark.parametrize("extension", [".jpg", ".tif"], ids=["jpeg", "tiff"])
def test_jpeg_and_tiff_scans_are_read_too(scanned: list[Pixels], extension: str) -> None:
    top = scanned[0][: scanned[0].shape[0] * 2 // 5]  # name, contacts, profile, first job

    extracted = extract_text(encoded(top, extension))

    assert extracted.kind == "image"
    assert SAMPLE["basics"]["email"] in extracted.text
    assert SAMPLE["basics"]["name"] in extracted.text


def test_a_pdf_with_a_scanned_page_and_a_text_page_reads_both(scanned: list[Pixels]) -> None:
    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(image_pdf(scanned[:1], SCAN_DPI))).pages[0])
    writer.add_page(PdfReader(io.BytesIO(resume_pdf(SAMPLE))).pages[1])
    buffer = io.BytesIO()
    writer.write(buffer)

    extracted = extract_text(buffer.getvalue())

    assert extracted.ocr is not None
    assert extracted.ocr.pages == (1,)  # the text page is read from its text layer
    assert extracted.pages == 2
    assert SAMPLE["basics"]["email"] in extracted.text  # from the scan
    reference = SAMPLE["references"][0]["name"]  # from the text page
    assert reference in extracted.text
    assert extracted.text.index(SAMPLE["basics"]["email"]) < extracted.text.index(reference)


def test_a_text_pdf_is_not_read_by_ocr() -> None:
    extracted = extract_text(resume_pdf(SAMPLE))
    assert extracted.ocr is None


def test_a_short_last_page_of_text_is_not_read_by_ocr() -> None:
    words = " ".join(["Built payment services in Go and Python for a retail bank."] * 8)
    source = (
        f"= Ada Lovelace\nada\\@example.com\n\n== Experience\n{words}\n#pagebreak()\nHobbies: chess"
    )
    extracted = extract_text(typst.compile(source.encode()))
    assert extracted.ocr is None
    assert "chess" in extracted.text


# Refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "image",
    [noise(480), np.full((900, 700, 3), 255, dtype=np.uint8)],
    ids=["noise", "blank-page"],
)
def test_an_image_without_readable_text_is_refused_saying_how_to_fix_it(image: Pixels) -> None:
    with pytest.raises(UnreadableResume) as refused:
        extract_text(encoded(image))
    assert refused.value.code == "unreadable_scan"
    assert "could not read" in refused.value.message
    assert "clearer scan" in refused.value.message
    assert "selectable text" in refused.value.message


def test_an_image_only_pdf_without_readable_text_keeps_the_no_text_layer_code() -> None:
    with pytest.raises(UnreadableResume) as refused:
        extract_text(image_pdf([noise(480)], 72))
    assert refused.value.code == "no_text_layer"
    assert "scanned PDF" in refused.value.message


def test_the_page_time_limit_stops_reading_with_a_message(scanned: list[Pixels]) -> None:
    with pytest.raises(UnreadableResume) as refused:
        extract_text(encoded(scanned[0]), ocr=OcrLimits(page_seconds=1e-6))
    assert refused.value.code == "scan_too_slow"
    assert "page 1" in refused.value.message
    assert "per page" in refused.value.message
    assert "selectable text" in refused.value.message


def test_the_whole_file_time_limit_stops_reading_with_a_message(scanned: list[Pixels]) -> None:
    with pytest.raises(UnreadableResume) as refused:
        extract_text(image_pdf(scanned, SCAN_DPI), ocr=OcrLimits(document_seconds=1e-6))
    assert refused.value.code == "scan_too_slow"
    assert "whole file" in refused.value.message


def test_more_scanned_pages_than_the_limit_are_refused_before_reading(
    scanned: list[Pixels],
) -> None:
    with pytest.raises(UnreadableResume) as refused:
        extract_text(image_pdf(scanned, SCAN_DPI), ocr=OcrLimits(max_pages=1))
    assert refused.value.code == "too_many_scanned_pages"
    assert "2 scanned pages" in refused.value.message


def png_header(width: int, height: int, body: bytes = b"") -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(header)) + b"IHDR" + header
    return b"\x89PNG\r\n\x1a\n" + chunk + struct.pack(">I", zlib.crc32(b"IHDR" + header)) + body


def test_an_image_bomb_is_refused_from_its_header_without_decoding() -> None:
    with pytest.raises(UnreadableResume) as refused:
        extract_text(png_header(100_000, 100_000, bytes(64)))
    assert refused.value.code == "image_too_large"
    assert "megapixels" in refused.value.message


@pytest.mark.parametrize(
    "data",
    [png_header(800, 600, b"not pixels" * 10), b"\xff\xd8\xff\xe0" + bytes(200)],
    ids=["png", "jpeg"],
)
def test_a_damaged_image_is_refused(data: bytes) -> None:
    with pytest.raises(UnreadableResume) as refused:
        extract_text(data)
    assert refused.value.code == "corrupt_image"
    assert "damaged" in refused.value.message


# Offline -----------------------------------------------------------------------------------


def test_the_models_ship_in_the_installed_wheel() -> None:
    wheel = Path(rapidocr_onnxruntime.__file__).resolve().parent
    paths = ocr.model_paths()
    assert len(paths) == 3
    for path in paths:
        assert path.is_file(), path
        assert path.resolve().is_relative_to(wheel), path
        assert path.suffix == ".onnx"


def test_the_engine_loads_and_reads_without_the_network(
    scanned: list[Pixels], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("OCR tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    engine = ocr.new_engine(1)
    name = scanned[0][75:125]  # the name's line, 150 dpi: recognised without detection

    found, _ = engine(np.ascontiguousarray(name), use_det=False, use_cls=False)

    assert squashed(found[0][0]) == squashed(SAMPLE["basics"]["name"])
