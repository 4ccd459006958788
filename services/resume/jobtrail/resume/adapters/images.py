"""Uploaded images (PNG, JPEG, TIFF): their size read from the header, then their pixels.

The header is read before anything is decoded, so a small file that would inflate to
gigabytes of pixels (an image bomb) is refused without being decoded.
"""

from __future__ import annotations

import struct
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt

from jobtrail.resume.domain import errors

ImageFormat = Literal["png", "jpeg", "tiff"]
Pixels = npt.NDArray[np.uint8]

# A letter page scanned at 600 dpi is 33.7 million pixels; anything larger is not a scan.
MAX_PIXELS = 40_000_000
MAX_IMAGE_PAGES = 20

_MAGIC: tuple[tuple[bytes, ImageFormat], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)
# JPEG start-of-frame markers (baseline, progressive, lossless …), which carry the size.
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_format(data: bytes) -> ImageFormat | None:
    """Which image format the bytes are, by their magic number; None if not an image we read."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def image_pages(data: bytes, max_pages: int) -> list[Pixels]:
    """The pages of an image as BGR arrays; raises UnreadableResume."""
    kind = image_format(data)
    if kind is None:
        raise errors.unsupported_type()
    sizes = _sizes(data, kind)
    if len(sizes) > max_pages:
        raise errors.too_many_scanned_pages(len(sizes), max_pages)
    if not sizes or any(w <= 0 or h <= 0 for w, h in sizes):
        raise errors.corrupt_image()
    if any(w * h > MAX_PIXELS for w, h in sizes):
        raise errors.image_too_large()
    buffer = np.frombuffer(data, dtype=np.uint8)
    if kind == "tiff":
        ok, decoded = cv2.imdecodemulti(buffer, cv2.IMREAD_COLOR)
        pages = list(decoded) if ok else []
    else:
        one = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
        pages = [one] if one is not None else []
    if not pages:
        raise errors.corrupt_image()
    return [np.ascontiguousarray(page, dtype=np.uint8) for page in pages]


def _sizes(data: bytes, kind: ImageFormat) -> list[tuple[int, int]]:
    """(width, height) of each page, from the header alone."""
    try:
        if kind == "png":
            return [struct.unpack(">II", data[16:24])]
        if kind == "jpeg":
            return [_jpeg_size(data)]
        return _tiff_sizes(data)
    except (struct.error, ValueError, IndexError) as error:
        raise errors.corrupt_image() from error


def _jpeg_size(data: bytes) -> tuple[int, int]:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise ValueError("not a JPEG marker")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    raise ValueError("no JPEG frame header")


def _tiff_sizes(data: bytes) -> list[tuple[int, int]]:
    order = "<" if data.startswith(b"II") else ">"
    (offset,) = struct.unpack(order + "I", data[4:8])
    sizes: list[tuple[int, int]] = []
    seen: set[int] = set()
    while offset and offset not in seen and len(sizes) <= MAX_IMAGE_PAGES:
        seen.add(offset)  # a directory chain that loops back is damaged, not endless
        (count,) = struct.unpack(order + "H", data[offset : offset + 2])
        tags: dict[int, int] = {}
        for entry in range(count):
            at = offset + 2 + entry * 12
            tag, kind = struct.unpack(order + "HH", data[at : at + 4])
            if tag in (256, 257):  # ImageWidth, ImageLength: SHORT (3) or LONG (4)
                fmt = order + ("H" if kind == 3 else "I")
                tags[tag] = struct.unpack(fmt, data[at + 8 : at + 8 + struct.calcsize(fmt)])[0]
        sizes.append((tags.get(256, 0), tags.get(257, 0)))
        end = offset + 2 + count * 12
        (offset,) = struct.unpack(order + "I", data[end : end + 4])
    return sizes
