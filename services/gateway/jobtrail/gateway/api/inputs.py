"""What the gateway can store, checked once for every request before any route runs.

Whatever a route accepts ends up in an event (NATS, JSON) and in PostgreSQL (text, JSONB,
integer columns). A value that one of them cannot carry must be refused here, with a 422
naming the field: once its event is in the log, it would be there forever.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Annotated, Any

import annotated_types as at
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.datastructures import UploadFile

INT32_MAX = 2**31 - 1  # PostgreSQL `integer`: versions, scores, counts
INT64_MAX = 2**63 - 1  # PostgreSQL `bigint`: stream sequences, sizes, salaries
MAX_DEPTH = 64  # deeper JSON is no resume or posting; PostgreSQL and json recurse on it

# Versions of documents, resumes and attachments: PostgreSQL `integer` columns.
Version = Annotated[int, at.Ge(1), at.Le(INT32_MAX)]
# Stream sequences and cursors built on them: `bigint`.
Sequence = Annotated[int, at.Ge(0), at.Le(INT64_MAX)]
# Offsets and amounts (salaries): `bigint`.
Amount = Annotated[int, at.Ge(0), at.Le(INT64_MAX)]
# A cursor the API gave out: the decimal digits of a sequence or an offset.
CURSOR_PATTERN = r"^[0-9]{1,18}$"

# NUL: PostgreSQL text and JSONB refuse it. Lone surrogates: no UTF-8 encoding exists, so
# neither NATS (bytes) nor PostgreSQL can hold them, though JSON's `\ud800` escape parses.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_text(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (\\u0000), which cannot be stored; remove it"
    return (
        f"contains a lone surrogate (\\u{ord(found.group()):04x}), which is not a character; "
        "send valid UTF-8 text"
    )


def unstorable_value(value: Any) -> str | None:
    """Why one scalar cannot be stored, or None when it can."""
    if isinstance(value, str):
        return unstorable_text(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and not -INT64_MAX - 1 <= value <= INT64_MAX:
        return f"is outside the 64-bit integer range (±{INT64_MAX}); send a smaller number"
    if isinstance(value, float) and not math.isfinite(value):
        return "is not a finite number; send a number"
    return None


def problems_in(
    value: Any, location: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every (location, reason) in a JSON value that cannot be stored, keys included."""
    pending: list[tuple[Any, tuple[str | int, ...]]] = [(value, location)]
    while pending:
        item, where = pending.pop()
        if len(where) - len(location) > MAX_DEPTH:
            yield where, f"is nested deeper than {MAX_DEPTH} levels; flatten the document"
            continue
        if isinstance(item, dict):
            for key, inner in item.items():
                reason = unstorable_text(key) if isinstance(key, str) else None
                if reason is not None:
                    yield where, f"has a key that {reason}"
                    continue
                pending.append((inner, (*where, key)))
        elif isinstance(item, list):
            pending.extend((inner, (*where, index)) for index, inner in enumerate(item))
        else:
            reason = unstorable_value(item)
            if reason is not None:
                yield where, reason


async def refuse_unstorable(request: Request) -> None:
    """Refuse (422, naming the field) a path or query parameter or a body value that
    cannot be stored; runs for every route before its own parameters are read."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for name, value in request.path_params.items():
        found += problems_in(value, ("path", name))
    for name, value in request.query_params.multi_items():
        found += problems_in(value, ("query", name))
    route = request.scope.get("route")
    if isinstance(route, APIRoute) and route.body_field is not None:
        found += await _body_problems(request)
    if found:
        raise RequestValidationError(
            [
                {"type": "unstorable", "loc": where, "msg": f"the value {reason}", "input": None}
                for where, reason in found[:20]
            ]
        )


async def _body_problems(request: Request) -> list[tuple[tuple[str | int, ...], str]]:
    # FastAPI parsed the body before dependencies run; json() and form() return its cache.
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        found: list[tuple[tuple[str | int, ...], str]] = []
        for name, value in (await request.form()).multi_items():
            if isinstance(value, UploadFile):
                found += problems_in(value.filename or "", ("body", name, "filename"))
            else:
                found += problems_in(value, ("body", name))
        return found
    body = await request.body()
    if not body:
        return []
    try:
        data = await request.json()
    except ValueError:
        return []  # not JSON: the route's own validation says so
    return list(problems_in(data, ("body",)))


def parse_sequence(text: str | None) -> int | None:
    """A decimal sequence a client sent back (cursor, Last-Event-ID), or None if it is not one."""
    if text is None:
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or int(text) > INT64_MAX:
        return None
    return int(text)
