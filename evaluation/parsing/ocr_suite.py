"""`make eval` suite "ocr": the rendered resumes scanned at 150 and 300 dpi, read by OCR.

Corpus: the held-out ("test") split of the rendered corpus (`rendered.rendered_corpus`),
PDF only, one layout per resume in turn, so every layout is scanned. Each PDF is rasterised
at 150 and at 300 dpi and wrapped in an image-only PDF, as a scanner's "scan to PDF" writes
it; that PDF goes through `extract_text` and `parse`, the path an upload takes. The text PDF
itself is scored beside it, so the table shows what scanning costs.

Nothing here was tuned on: OCR settings (render resolution, detection size, the rules that
put back lost spaces) were chosen on the sample resume of tests/data and on three resumes
of the dev split (one-column, two-columns, left-sidebar), never on the test split.
OCR runs on one onnxruntime thread, as the service does by default.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

from evaluation.parsing.rendered import LAYOUTS, Rendered, rendered_corpus
from evaluation.parsing.scorer import GROUPS, Table, fields_of, markdown_table
from tests.support.scans import image_pdf, raster_pages

os.environ.setdefault("OMP_NUM_THREADS", "1")

DPIS = (150, 300)
GROUPS_SCORED = tuple(g for g in GROUPS if g != "dates")
# Every held-out resume once (each in one layout, in turn); quick runs take the first few.
FULL_DOCUMENTS = 20
QUICK_DOCUMENTS = 3


def run(quick: bool) -> str:
    """The Markdown section: field P/R for text PDFs and OCR at each dpi, OCR time per page."""
    from jobtrail.resume.adapters.ocr import OcrLimits

    # Generous limits: the figures are about what OCR reads, not about the service's limits.
    limits = OcrLimits(page_seconds=600, document_seconds=3600, threads=1)
    tables = {"text PDF": Table(), **{f"OCR {dpi} dpi": Table() for dpi in DPIS}}
    seconds: dict[int, list[float]] = {dpi: [] for dpi in DPIS}
    failures: list[str] = []
    documents = list(_documents(QUICK_DOCUMENTS if quick else FULL_DOCUMENTS))
    started = time.perf_counter()
    for document in documents:
        gold = fields_of(document.gold)
        tables["text PDF"].add(gold, _fields(_parsed(document.data, limits)[0]))
        for dpi in DPIS:
            scan = image_pdf(raster_pages(document.data, dpi), dpi)
            parsed, ocr_seconds, failure = _parsed(scan, limits)
            seconds[dpi] += ocr_seconds
            tables[f"OCR {dpi} dpi"].add(gold, _fields(parsed))
            if failure:
                failures.append(f"{document.layout} at {dpi} dpi: {failure}")
    elapsed = time.perf_counter() - started
    lines = [
        "## OCR: rendered resumes scanned at 150 and 300 dpi",
        "",
        f"{len(documents)} held-out rendered resumes (PDF; layouts: "
        f"{', '.join(sorted({d.layout for d in documents}))}), rasterised and wrapped in an "
        "image-only PDF, then read as an upload is (OCR renders PDF pages at "
        f"{limits.dpi} dpi, 1 thread). Precision / recall per field group:",
        "",
        markdown_table(tables, GROUPS_SCORED, first="input"),
        "",
        "OCR seconds per page: "
        + "; ".join(
            f"{dpi} dpi p50 {_percentile(seconds[dpi], 0.5):.2f} s, "
            f"p95 {_percentile(seconds[dpi], 0.95):.2f} s ({len(seconds[dpi])} pages)"
            for dpi in DPIS
        )
        + f". Whole suite {elapsed:.0f} s (load average {os.getloadavg()[0]:.1f}).",
    ]
    if failures:
        lines += ["", "Failed documents: " + "; ".join(failures)]
    return "\n".join(lines) + "\n"


def _documents(count: int) -> Iterator[Rendered]:
    """The first `count` held-out resumes, the i-th printed in the i-th layout (in turn)."""
    for index in range(count):
        layout = LAYOUTS[index % len(LAYOUTS)].name
        found = list(rendered_corpus("test", layouts=[layout], formats=("pdf",), limit=index + 1))
        if len(found) <= index:
            return  # fewer held-out resumes than asked for
        yield found[index]


def _parsed(data: bytes, limits: Any) -> tuple[dict[str, Any] | None, list[float], str | None]:
    """The parsed document (None on a refusal), OCR seconds per page, and why it failed."""
    from jobtrail.resume.adapters.formats import extract_text
    from jobtrail.resume.domain.errors import UnreadableResume
    from jobtrail.resume.domain.parsing import parse

    try:
        extracted = extract_text(data, ocr=limits)
    except UnreadableResume as refused:
        return None, [], refused.code
    ocr_seconds = list(extracted.ocr.seconds) if extracted.ocr else []
    return dict(parse(extracted.text, extracted.lines).document), ocr_seconds, None


def _fields(document: dict[str, Any] | None) -> dict[str, list[str]] | None:
    return None if document is None else fields_of(document)


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
