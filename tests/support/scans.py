"""Scans of resumes, made at run time: rendered PDFs rasterised as a scanner would."""

from __future__ import annotations

import io

import cv2
import numpy as np
import numpy.typing as npt
import pypdfium2 as pdfium
from PIL import Image

Pixels = npt.NDArray[np.uint8]


def raster_pages(pdf: bytes, dpi: int) -> list[Pixels]:
    """Every page of the PDF as a BGR image at `dpi`."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            np.ascontiguousarray(page.render(scale=dpi / 72).to_numpy()[:, :, :3])
            for page in document
        ]
    finally:
        document.close()


def encoded(image: Pixels, extension: str = ".png") -> bytes:
    """The image as a file: ".png", ".jpg" or ".tif"."""
    ok, data = cv2.imencode(extension, image)
    assert ok, extension
    return data.tobytes()


def image_pdf(images: list[Pixels], dpi: int) -> bytes:
    """A PDF whose pages are only these images, as a scanner's "scan to PDF" writes."""
    pages = [Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB)) for image in images]
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def noise(side: int, seed: int = 3) -> Pixels:
    """A square of grey noise: what a photo of nothing in particular gives OCR."""
    generator = np.random.default_rng(seed)
    grey = generator.integers(0, 256, size=(side, side), dtype=np.uint8)
    return np.ascontiguousarray(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR))
