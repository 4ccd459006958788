"""Skills, languages and interests: short named lists, one per line or bullet."""

from __future__ import annotations

import re
from typing import Any

from jobtrail.resume.domain.lines import Line

_NAMED_LIST = re.compile(
    r"^(?P<name>[^:|()]{1,60}?)\s*(?:\((?P<level>[^)]{1,30})\))?\s*(?::|\s\|\s|\s[–—-]\s)\s*"
    r"(?P<items>.+)$"
)
_LIST_SPLIT = re.compile(r"\s*[,;·•|]\s*(?![^()]*\))")
_LANGUAGE = re.compile(
    r"^(?P<language>[^\W\d_][\w .'’-]*?)\s*"
    r"(?:\((?P<paren>[^)]+)\)|(?::|\s[–—|-]\s)\s*(?P<after>.+))?$"
)


def skills(lines: list[Line]) -> list[dict[str, Any]]:
    """Lines like "Web Development (Master): HTML, CSS"; a bare list gives one skill each."""
    return [item for line in lines for item in _named_lists(line.text, with_level=True)]


def interests(lines: list[Line]) -> list[dict[str, Any]]:
    """Lines like "Wildlife: Ferrets, Unicorns"; a bare list gives one interest each."""
    return [item for line in lines for item in _named_lists(line.text, with_level=False)]


def languages(lines: list[Line]) -> list[dict[str, Any]]:
    """Items like "English (Native)", "Spanish — Fluent" or "French: B2"."""
    found = []
    for line in lines:
        for part in _split_list(line.text):
            if match := _LANGUAGE.match(part):
                fluency = match["paren"] or match["after"]
                found.append(
                    {"language": match["language"]} | ({"fluency": fluency} if fluency else {})
                )
    return found


def _named_lists(text: str, *, with_level: bool) -> list[dict[str, Any]]:
    match = _NAMED_LIST.match(text)
    if not match:
        return [{"name": item} for item in _split_list(text)]
    item: dict[str, Any] = {"name": match["name"].strip()}
    if match["level"] and with_level:
        item["level"] = match["level"].strip()
    elif match["level"]:
        item["name"] = f"{item['name']} ({match['level'].strip()})"
    keywords = _split_list(match["items"])
    if keywords:
        item["keywords"] = keywords
    return [item]


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]
