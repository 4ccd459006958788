"""Certificates, awards, publications and references: titled items with a source."""

from __future__ import annotations

import re
from typing import Any

from jobtrail.resume.domain.contacts import URL, absolute
from jobtrail.resume.domain.entries import Block, blocks, header_of
from jobtrail.resume.domain.lines import Line

_QUOTES = "“”\"‘’'«» "
_ON_REQUEST = re.compile(r"available (?:up)?on request", re.IGNORECASE)


def certificates(lines: list[Line]) -> list[dict[str, Any]]:
    """Certificates: name, issuer, date, url."""
    return _titled(lines, ("name", "issuer"), "date")


def awards(lines: list[Line]) -> list[dict[str, Any]]:
    """Awards: title, awarder, date, summary."""
    return _titled(lines, ("title", "awarder"), "date", summary="summary")


def publications(lines: list[Line]) -> list[dict[str, Any]]:
    """Publications: name, publisher, releaseDate, url, summary."""
    return _titled(lines, ("name", "publisher"), "releaseDate", summary="summary")


def references(lines: list[Line]) -> list[dict[str, Any]]:
    """References: the referee's name and what they wrote."""
    found: list[dict[str, str]] = []
    for block in blocks(lines):
        text = " ".join(block.body).strip(_QUOTES)
        *alone, name = block.header or [""]
        found += [{"name": other} for other in alone]  # referees listed without a quote
        if _is_on_request(f"{name} {text}") or not (name or text):
            continue
        found.append(({"name": name} if name else {}) | ({"reference": text} if text else {}))
    return found


def _titled(
    lines: list[Line], keys: tuple[str, str], date_key: str, summary: str | None = None
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for block in blocks(lines):
        if not block.header:  # a bulleted list: every bullet is an item of its own
            found += [
                _item(Block(header=[bullet]), keys, date_key, None) for bullet in block.bullets
            ]
        else:
            found.append(_item(block, keys, date_key, summary))
    return [item for item in found if item]


def _item(
    block: Block, keys: tuple[str, str], date_key: str, summary: str | None
) -> dict[str, Any]:
    header = header_of(block)
    parts = [part for part in header.fragments if not URL.fullmatch(part)]
    urls = [part for part in [*header.fragments, *block.body] if URL.fullmatch(part)]
    if not parts:
        return {}
    item: dict[str, Any] = dict(zip(keys, parts, strict=False))
    if header.dates and header.dates.start:  # of a range, the start is when it was earned
        item[date_key] = header.dates.start
    if urls:
        item["url"] = absolute(urls[0])
    body = [line for line in block.body if not URL.fullmatch(line)]
    if summary and body:
        item[summary] = " ".join(body)
    return item


def _is_on_request(text: str) -> bool:
    """A note such as "References available on request", not a reference."""
    return len(text.split()) < 12 and bool(_ON_REQUEST.search(text))
