"""A posting's requirements, read from its text: required and nice-to-have skills (by the
section they stand in and the words around them), the years and the level it asks, and its
occupation. Pure: no I/O."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from jobtrail.jobs import occupations, vocabulary

# The version of the ranking formula (requirements, features, weights, calibration) that
# stored scores and extracted requirements carry; bump it when any of them changes.
FORMULA = "hybrid-v1"
LEVELS = ("intern", "junior", "mid", "senior", "lead", "executive")

_HEADING_REQUIRED = re.compile(
    r"\b(requirements?|required|must[- ]haves?|qualifications?|what you(?:'ll)? (?:need|bring)"
    r"|you have|you bring|essential|skills|experience|who you are|about you|"
    r"what we(?:'re| are) looking for)\b",
    re.I,
)
_HEADING_NICE = re.compile(
    r"\b(nice[- ]to[- ]haves?|bonus(?: points)?|preferred|desirable|a plus|pluses|"
    r"good to have|optional|extra credit|ideally)\b",
    re.I,
)
_HEADING_OTHER = re.compile(
    r"\b(about (?:us|the (?:company|team|role))|benefits|perks|we offer|what we offer|"
    r"responsibilit\w*|what you(?:'ll)? do|the role|salary|compensation|how to apply)\b",
    re.I,
)
_INLINE_NICE = re.compile(r"\b(nice to have|a plus|is a bonus|bonus|preferred|ideally|"
                          r"desirable|familiarity with|exposure to)\b", re.I)  # fmt: skip
_INLINE_REQUIRED = re.compile(r"\b(must|required|requires?|essential|strong|proficien\w*|"
                              r"expert\w*|solid|deep)\b", re.I)  # fmt: skip
_YEARS = re.compile(
    r"(\d{1,2})\s*(?:\+|plus)?\s*(?:(?:-|–|to)\s*\d{1,2}\s*)?\+?\s*(?:years?|yrs?)\b"
    r"(?:\s+of)?(?:\s+\w+){0,4}?\s+(?:experience|exp\b)|(?:at least|minimum(?: of)?)\s+"
    r"(\d{1,2})\s*(?:years?|yrs?)",
    re.I,
)
_LEVEL_WORDS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\b(intern|internship|trainee|apprentice|working student)\b", re.I), 0),
    (re.compile(r"\b(junior|jr\.?|entry[- ]level|graduate|associate)\b", re.I), 1),
    (re.compile(r"\b(mid[- ]level|intermediate|mid)\b", re.I), 2),
    (re.compile(r"\b(senior|sr\.?|snr|experienced)\b", re.I), 3),
    (re.compile(r"\b(lead|staff|principal|manager)\b", re.I), 4),
    (re.compile(r"\b(head of|director|vp|vice president|chief|cto|cio|ceo)\b", re.I), 5),
)


def requirements(posting: dict[str, Any]) -> dict[str, Any]:
    """What a posting asks, from its fields and its description: required and
    nice-to-have skills (with an importance weight each), years, seniority, occupation,
    and the requirement lines that name skills. JSON-serialisable."""
    title = str(posting.get("title") or "")
    description = str(posting.get("description") or "")
    weights: dict[str, float] = {}
    nice: set[str] = set()
    mentions: Counter[str] = Counter()
    lines: list[str] = []
    said: dict[bool, list[str]] = {False: [], True: []}  # the lines, by whether a plus

    def note(skill: str, weight: float, is_nice: bool) -> None:
        mentions[skill] += 1
        weights[skill] = max(weights.get(skill, 0.0), weight)
        if is_nice and weights[skill] <= 0.35:
            nice.add(skill)
        elif not is_nice:
            nice.discard(skill)

    section = "neutral"
    years: list[int] = []
    for raw in description.splitlines():
        line = re.sub(r"^\s*(?:[-*•·]+|\d{1,2}[.)])\s*", "", raw).strip()
        if not line:
            continue
        heading = _heading(line)
        if heading is not None:
            section = heading
            rest = line.split(":", 1)[1] if ":" in line else ""
            if not rest.strip():
                continue
            line = rest
        found = vocabulary.skills_in(line)
        kind = section
        if _INLINE_NICE.search(line):
            kind = "nice"
        elif _INLINE_REQUIRED.search(line) and kind != "nice":
            kind = "required"
        weight = {"required": 1.0, "nice": 0.3, "neutral": 0.7, "other": 0.5}[kind]
        if kind in ("required", "nice"):
            found += [p for p in _phrases(line, whole=not found) if p not in found]
        for skill in found:
            note(skill, weight, kind == "nice")
        said[kind == "nice"].append(line.lower())
        asked = [int(a or b) for a, b in _YEARS.findall(line) if (a or b)]
        if asked and kind != "nice":
            years.extend(y for y in asked if 0 < y <= 25)
        if found and 10 <= len(line) <= 300 and len(lines) < 20:
            lines.append(line)
    for skill in vocabulary.skills_in(title):
        note(skill, 1.0, False)
    for listed in posting.get("skills") or []:  # listed: required unless said to be a plus
        if str(listed).strip():
            skill = vocabulary.canonical(str(listed))
            name = str(listed).strip().lower()
            plus = skill in nice or (any(name in line for line in said[True])
                                     and not any(name in line for line in said[False]))  # fmt: skip
            note(skill, 0.3 if plus else 1.0, plus)
    for skill, count in mentions.items():  # stressed: named again and again
        weights[skill] = min(1.5, weights[skill] * (1 + 0.2 * min(count - 1, 3)))
    required = [s for s in weights if s not in nice]
    level = seniority_of(title)
    years_min = max(years) if years else None
    if level is None and years_min is not None:
        level = level_from_years(years_min)
    code = occupations.occupation(title)
    return {
        "required": required,
        "nice_to_have": [s for s in weights if s in nice],
        "weights": {s: round(w, 3) for s, w in weights.items()},
        "years_min": years_min,
        "seniority": LEVELS[level] if level is not None else None,
        "occupation": code,
        "occupation_title": occupations.name(code),
        "title": title,
        "lines": lines,
        "formula": FORMULA,
    }


_PHRASE = re.compile(
    r"\b(?:experience|proficiency|proficient|familiarity|familiar|knowledge|expertise|"
    r"skilled|fluency|fluent|certified|certification)\s+(?:with|in|of|using)\s+"
    r"(?:the\s+|a\s+)?([A-Za-z][\w.+#/ -]{1,40}?)(?=\s*(?:[,.;:()]|$|\band\b|\bor\b))",
    re.I,
)
_NOT_SKILLS = frozenset({"experience", "professional experience", "a team", "teams", "customers",
                         "people", "others", "english", "the role", "work"})  # fmt: skip


def _phrases(line: str, whole: bool) -> list[str]:
    """Skills a requirement line names that the vocabulary does not know: "experience with
    X", or the whole line when it is a short item ("UNIX Shell")."""
    found = [m.group(1).strip() for m in _PHRASE.finditer(line)]
    words = line.rstrip(".").split()
    if whole and not found and 1 <= len(words) <= 4 and not re.search(r"\d", line):
        found = [line.rstrip(".").strip()]
    out = []
    for phrase in found:
        skill = vocabulary.canonical(phrase)
        if len(skill) >= 2 and skill.lower() not in _NOT_SKILLS:
            out.append(skill)
    return out


def _heading(line: str) -> str | None:
    """Which section a line opens, if it is a heading (short, maybe ending in a colon)."""
    head = line.split(":", 1)[0] if ":" in line else line
    if len(head) > 60 or (":" not in line and len(line.split()) > 6):
        return None
    if ":" not in line and (
        vocabulary.skills_in(line)
        or not (line.isupper() or line.istitle() or len(line.split()) <= 4)
    ):
        return None
    for pattern, kind in ((_HEADING_NICE, "nice"), (_HEADING_OTHER, "other"),
                          (_HEADING_REQUIRED, "required")):  # fmt: skip
        found = pattern.search(head)
        # Without a colon, the words that name the section must be most of the line
        # ("Nice to have", not "Experience with QuickBooks").
        if found and (":" in line or len(head) - len(found.group(0)) <= 10):
            return kind
    return None


def seniority_of(title: str) -> int | None:
    """The level a title says (0 intern … 5 executive), or None."""
    found = [level for pattern, level in _LEVEL_WORDS if pattern.search(title)]
    return max(found) if found else None


def level_from_years(years: float) -> int:
    return 1 if years < 2 else 2 if years < 5 else 3 if years < 8 else 4
