"""Text from page images (scans, photos, image-only PDF pages), read offline with RapidOCR.

RapidOCR's detection and recognition models (PP-OCRv4 as ONNX) ship inside the
`rapidocr_onnxruntime` wheel, so reading never touches the network. The engine loads once
per process, on first use, with few onnxruntime threads, and one document is read at a time
per process, so a service on two cores stays responsive while it reads a scan. Callers on
an event loop run this in a thread (handlers.py does, through `asyncio.to_thread`).

Time is bounded per page and per document: the limits are checked between the detection
pass and each batch of recognised boxes, so a page stops within one batch of its limit.
"""

from __future__ import annotations

import itertools
import re
import statistics
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
import structlog

from jobtrail.resume.adapters.columns import Placed, Word, read_page, rows_of, text_of
from jobtrail.resume.adapters.images import Pixels, image_pages
from jobtrail.resume.adapters.pdf import (
    PDFIUM,  # PDFium is not thread-safe: one lock for all callers
)
from jobtrail.resume.domain import errors
from jobtrail.resume.domain.layout import StyledLine
from jobtrail.resume.domain.plaintext import tidy

__all__ = [
    "OcrLimits",
    "OcrStats",
    "OcrText",
    "model_paths",
    "read_image",
    "read_pdf_pages",
    "scanned_pages",
]

# PDF pages are rendered at this resolution. Measured on a rendered two-page resume (tokens
# read right): 150 dpi 0.81, 200 dpi 0.945, 300 dpi 0.948; with detection capped as below,
# 300 dpi costs what 200 does (see evaluation/parsing/ocr_suite.py for the corpus figures).
DPI = 300
# Detection runs on the page scaled to at most this many pixels on its long side (about
# 150 dpi for a letter page): it finds the same lines as at full size, at a fraction of the
# cost, which grows with the pixels. Recognition reads each line from the full-size page.
DETECT_LONG_SIDE = 1700
# A PDF page with fewer letters than this in its text layer is read as an image (a scan
# stamped "Scanned with CamScanner" still has a few letters; a real page has hundreds).
MIN_LETTERS_PER_PAGE = 40
_IMAGE_OBJECT = 3  # FPDF_PAGEOBJ_IMAGE
# Recognised text scoring below this is dropped: RapidOCR's own default.
MIN_SCORE = 0.5
# A detected box is padded around its letters: measured on rendered resumes, the font size
# is about this share of the box's height, and the baseline this share below its middle.
SIZE_PER_BOX_HEIGHT = 0.85
BASE_BELOW_MIDDLE = 0.25
# What a scan must yield to be used: about a name, a contact line and one job.
MIN_WORDS = 20
# Two letters decoded further apart than this many columns, and this many times the
# line's usual distance between letters, have a space between them.
SPACE_COLUMNS = 4
SPACE_STRIDES = 1.5
SPACE_STRIDES_WIDE = 2.0
_WIDE = frozenset("mwMW")
# Punctuation the recogniser runs into the next word: "Berlin,Germany", "Engineer(contract)".
_RUN_IN = re.compile(r"(?<=[^\W\d_])([,;:)])(?=[^\W\d_])|(?<=[^\W\d_)])(?=\()")
_REC_CHUNK = 24  # boxes recognised between two checks of the time limit

_LETTER = re.compile(r"[^\W\d_]")
_BULLET_READ = re.compile(r"^(?:[·∙•◦] ?|\. )(?=[^\W\d_])")
_WORD = re.compile(r"[^\W\d_]{2,}")

log = structlog.get_logger("jobtrail.resume.adapters.ocr")


@dataclass(frozen=True)
class OcrLimits:
    """How much reading one upload by OCR may cost (settings `RESUME_OCR_*`)."""

    page_seconds: float = 30.0
    document_seconds: float = 90.0
    max_pages: int = 5
    dpi: int = DPI
    threads: int = 1


@dataclass(frozen=True)
class OcrStats:
    """Which pages (1-based) were read by OCR, how long each took, and how sure it was."""

    pages: tuple[int, ...]
    seconds: tuple[float, ...]
    dpi: int | None  # the resolution PDF pages were rendered at; None for uploaded images
    confidence: float  # mean recognition score of the text kept, 0..1


@dataclass(frozen=True)
class OcrText:
    """What OCR read: the text in reading order, its lines with geometry, and the cost."""

    text: str
    lines: tuple[StyledLine, ...]
    stats: OcrStats


# A page to read: its number, and how to get its pixels with the size of one pixel in points.
_Page = tuple[int, Callable[[], tuple[Pixels, float]]]

_ENGINES: dict[int, Any] = {}
_ENGINE_LOCK = threading.Lock()
_ONE_DOCUMENT_AT_A_TIME = threading.Lock()


def read_image(data: bytes, limits: OcrLimits) -> OcrText:
    """The text of an uploaded PNG, JPEG or TIFF; raises UnreadableResume."""
    images = image_pages(data, limits.max_pages)

    def pixels(image: Pixels) -> Callable[[], tuple[Pixels, float]]:
        # Unknown resolution: the page is taken to be a letter page's width (612 pt) wide.
        return lambda: (image, 612.0 / image.shape[1])

    read = _read([(n, pixels(image)) for n, image in enumerate(images, 1)], None, limits)
    if _words(read.text) < MIN_WORDS:
        raise errors.unreadable_scan("image")
    return read


def scanned_pages(data: bytes, max_pages: int) -> tuple[int, list[int]]:
    """The PDF's page count, and the pages (1-based) drawn without a text layer.

    Blank pages are not listed. A PDF PDFium cannot open, or with more than `max_pages`
    pages, gives no pages, so the text reader reports what is wrong with it.
    """
    import pypdfium2 as pdfium

    with PDFIUM:
        try:
            document = pdfium.PdfDocument(data)
        except Exception:  # damaged or locked: pdf.py names the reason
            return 0, []
        try:
            count = len(document)
            if count > max_pages:
                return count, []
            return count, [n for n in range(1, count + 1) if _needs_ocr(document, n)]
        finally:
            document.close()


def read_pdf_pages(
    data: bytes, pages: Sequence[int], limits: OcrLimits, *, required: bool
) -> OcrText:
    """The text of the given PDF pages (1-based), rendered and read by OCR.

    `required`: the pages are all the document has, so reading too little is a refusal.
    """
    if len(pages) > limits.max_pages:
        raise errors.too_many_scanned_pages(len(pages), limits.max_pages)
    import pypdfium2 as pdfium

    with PDFIUM:
        document = pdfium.PdfDocument(data)

    def render(number: int) -> Callable[[], tuple[Pixels, float]]:
        def pixels() -> tuple[Pixels, float]:
            with PDFIUM:  # every PDFium object is made and closed under the lock
                page = document[number - 1]
                bitmap = page.render(scale=limits.dpi / 72)
                image = np.array(bitmap.to_numpy()[:, :, :3], dtype=np.uint8)  # a copy
                bitmap.close()
                page.close()
            return image, 72.0 / limits.dpi

        return pixels

    try:
        read = _read([(n, render(n)) for n in pages], limits.dpi, limits)
    finally:
        with PDFIUM:
            document.close()
    if required and _words(read.text) < MIN_WORDS:
        raise errors.unreadable_scan("pdf")
    return read


def model_paths() -> list[Path]:
    """The ONNX model files the engine loads: RapidOCR's defaults, inside its own wheel."""
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path

    config = update_model_path(read_yaml(str(DEFAULT_CFG_PATH)))
    return [Path(config[part]["model_path"]) for part in ("Det", "Cls", "Rec")]


def _read(pages: Sequence[_Page], dpi: int | None, limits: OcrLimits) -> OcrText:
    engine = _engine(limits.threads)
    placed: list[Placed] = []
    seconds: list[float] = []
    scores: list[float] = []
    with _ONE_DOCUMENT_AT_A_TIME:
        document_deadline = time.perf_counter() + limits.document_seconds
        for number, pixels in pages:
            started = time.perf_counter()
            whole_file = document_deadline < started + limits.page_seconds
            deadline = document_deadline if whole_file else started + limits.page_seconds
            check = partial(_check_time, deadline, number, limits, whole_file)
            image, points_per_pixel = pixels()
            check()
            boxes = _boxes(engine, image, points_per_pixel, check)
            # The same reading order as a PDF's text layer gets: rows, columns, bullets.
            placed += read_page(rows_of(word for word, _ in boxes), number)
            seconds.append(time.perf_counter() - started)
            scores.extend(score for _, score in boxes)
            log.info("ocr.page_read", page=number, boxes=len(boxes), seconds=round(seconds[-1], 3))
    stats = OcrStats(
        pages=tuple(number for number, _ in pages),
        seconds=tuple(seconds),
        dpi=dpi,
        confidence=float(np.mean(scores)) if scores else 0.0,
    )
    return OcrText(tidy(text_of(placed)), tuple(item.line for item in placed), stats)


def _boxes(
    engine: Any, image: Pixels, points_per_pixel: float, check: Callable[[], None]
) -> list[tuple[Word, float]]:
    """The page's text boxes as words in points, with their scores; `check` raises when
    the page's time is up."""
    height, width = image.shape[:2]
    scale = min(1.0, DETECT_LONG_SIDE / max(height, width))
    size = (round(width * scale), round(height * scale))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA) if scale < 1.0 else image
    found, _ = engine.text_det(small)
    check()
    if found is None or len(found) == 0:
        return []
    quads = [np.asarray(quad, dtype=np.float32) / scale for quad in found]
    crops = engine.get_crop_img_list(image, quads)
    boxes: list[tuple[Word, float]] = []
    for start in range(0, len(crops), _REC_CHUNK):
        recognised, _ = engine.text_rec(crops[start : start + _REC_CHUNK], True)
        for quad, (raw, score, places) in zip(
            quads[start : start + _REC_CHUNK], recognised, strict=True
        ):
            text = _clean(_spaced(str(raw), places[2]))
            if float(score) >= MIN_SCORE and text:
                boxes.append((_word(text, quad * points_per_pixel), float(score)))
        check()
    return boxes


def _word(text: str, quad: npt.NDArray[np.float32]) -> Word:
    """An OCR box as a PDF word: bold unknown (False), size and baseline from its height."""
    top, bottom = float(quad[:, 1].min()), float(quad[:, 1].max())
    height = bottom - top
    return Word(
        text=text,
        x0=float(quad[:, 0].min()),
        x1=float(quad[:, 0].max()),
        top=top,
        bottom=bottom,
        base=(top + bottom) / 2 + BASE_BELOW_MIDDLE * height,
        size=round(SIZE_PER_BOX_HEIGHT * height, 1),
    )


def _check_time(deadline: float, page: int, limits: OcrLimits, whole_file: bool) -> None:
    if time.perf_counter() > deadline:
        limit = limits.document_seconds if whole_file else limits.page_seconds
        raise errors.scan_too_slow(page, limit, whole_file)


def _engine(threads: int) -> Any:
    """The process's OCR engine, loaded on first use (about a second, 16 MB of models)."""
    with _ENGINE_LOCK:
        if threads not in _ENGINES:
            _ENGINES[threads] = new_engine(threads)
        return _ENGINES[threads]


def new_engine(threads: int) -> Any:
    """A RapidOCR engine on the wheel's own models, with `threads` onnxruntime threads."""
    from rapidocr_onnxruntime import RapidOCR  # heavy: imported only when a scan arrives

    return RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)


def _needs_ocr(document: Any, number: int) -> bool:
    """A page whose text layer has almost no letters but which draws something.

    A page with a few letters (the short last page of a text resume) is read by OCR only if
    it also holds an image: a scan with a stamped page number, not a sparse text page.
    """
    page = document[number - 1]
    textpage = page.get_textpage()
    try:
        letters = len(_LETTER.findall(textpage.get_text_range()))
        if letters >= MIN_LETTERS_PER_PAGE:
            return False
        if letters == 0:
            return any(True for _ in page.get_objects(max_depth=1))
        return any(True for _ in page.get_objects(filter=[_IMAGE_OBJECT], max_depth=2))
    finally:
        textpage.close()
        page.close()


def _spaced(text: str, columns: Sequence[Sequence[int]]) -> str:
    """The text with the spaces the recogniser heard as silence put back.

    The recogniser often reads "University of Oklahoma" as "UniversityofOklahoma"; the
    positions it decoded each letter at still show the gap (PaddleOCR's word grouping uses
    the same rule).
    """
    places = [column for word in columns for column in word]
    if len(places) != len(text) or len(text) < 3:
        return text
    strides = [after - before for before, after in itertools.pairwise(places)]
    usual = statistics.median(strides)
    # Wide letters in large type (a name) sit further apart: the bar grows with the type.
    bar = max(SPACE_COLUMNS, SPACE_STRIDES * usual)
    out = text[:1]
    for index, gap in enumerate(strides, 1):
        before, after = text[index - 1], text[index]
        if " " not in (before, after) and gap > _bar(before, after, bar, usual):
            out += " "
        out += after
    return out


def _bar(before: str, after: str, bar: float, usual: float) -> float:
    """The gap that makes a space between two letters: wider after a wide letter, narrower
    where a new word is likely anyway (a capital after a small letter, "Simple Financial")."""
    if before in _WIDE or after in _WIDE:
        return max(bar, SPACE_STRIDES_WIDE * usual)
    if before.islower() and after.isupper():
        return SPACE_STRIDES * usual
    return bar


def _clean(text: str) -> str:
    """Full-width forms (the recogniser also reads Chinese) as ASCII, spaces made single,
    and a bullet read as a middle dot or a full stop as a bullet."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    text = _RUN_IN.sub(lambda m: f"{m.group(1)} " if m.group(1) else " ", text)
    return "•" if text in ("·", "∙", "◦") else _BULLET_READ.sub("• ", text)


def _words(text: str) -> int:
    return len(_WORD.findall(text))
