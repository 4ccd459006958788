"""The OCR suite's pieces that need no OCR: its scans are image-only, its percentiles."""

from __future__ import annotations

import json
from pathlib import Path

from evaluation.parsing.ocr_suite import _percentile
from jobtrail.resume.adapters.ocr import scanned_pages
from tests.support.documents import resume_pdf
from tests.support.scans import image_pdf, raster_pages

SAMPLE = json.loads(
    (Path(__file__).parents[2] / "tests" / "data" / "sample.resume.json").read_text()
)


def test_a_rasterised_pdf_has_no_text_layer_so_every_page_goes_to_ocr() -> None:
    text_pdf = resume_pdf(SAMPLE)
    scan = image_pdf(raster_pages(text_pdf, 72), 72)

    assert scanned_pages(text_pdf, 50) == (2, [])
    assert scanned_pages(scan, 50) == (2, [1, 2])


def test_percentiles_are_nearest_rank() -> None:
    values = [float(n) for n in range(1, 21)]
    assert _percentile(values, 0.5) == 10.0
    assert _percentile(values, 0.95) == 19.0
    assert _percentile([3.0], 0.95) == 3.0
    assert _percentile([], 0.5) == 0.0
