"""Resumes of known occupation: dotin CVs by their designations, jsonresume-fake by label.

Each resume's occupation is the O*NET code its title maps to (`onet.TitleMapper`); only
confident mappings are kept, and a mapping is dropped when the resume's other titles
contradict it (another designation, or the work positions, mapping to another major group).
The labels of the jsonresume-fake set are noisy ("Stack And", "Architect" for developers),
so there the label must agree with the work positions.

Split: a resume is DEV when int(sha256(id)[:8], 16) % 5 < 2 (about 40 %), else TEST.
Figures in the report are on TEST only; DEV is for fitting (calibration, weights).
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from pathlib import Path
from typing import Any

from evaluation.matching import onet

DATA = Path(__file__).resolve().parents[1] / "data"
DOTIN_ZIPS = (
    ("train", DATA / "dotin" / "545_cvs_train_v2.zip"),
    ("test", DATA / "dotin" / "set_aside_test_v2_50cvs.zip"),
)
JSONRESUME = DATA / "jsonresume-fake"
_DESIGNATION = re.compile(r'<label type="Designation">(.*?)</label>', re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Resume:
    """A resume of known occupation, as text and as JSON Resume."""

    id: str
    source: str
    title: str
    onet_code: str
    method: str
    text: str
    document: dict[str, Any] = field(default_factory=dict)

    @property
    def split(self) -> str:
        return split_of(self.id)


def split_of(resume_id: str) -> str:
    """ "dev" for about 40 % of resumes (fixed by a hash of the id), else "test"."""
    return "dev" if int(hashlib.sha256(resume_id.encode()).hexdigest()[:8], 16) % 5 < 2 else "test"


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def dotin_texts() -> Iterator[tuple[str, str, list[str]]]:
    """(id, plain text, designations) of every dotin CV, both zips."""
    for name, path in DOTIN_ZIPS:
        with zipfile.ZipFile(path) as archive:
            for member in sorted(n for n in archive.namelist() if n.endswith(".xml")):
                xml = _decode(archive.read(member))
                body = xml.split("<cv>", 1)[-1].rsplit("</cv>", 1)[0]
                designations = [
                    " ".join(unescape(_TAG.sub("", d)).split()) for d in _DESIGNATION.findall(body)
                ]
                text = unescape(_TAG.sub("", body))
                yield f"dotin-{name}-{Path(member).stem}", text, [d for d in designations if d]


def _agrees(code: str, others: list[str]) -> bool:
    """No other title maps to another major group."""
    mapper = onet.mapper()
    for title in others:
        found = mapper.map(title)
        if found and found.code[:3] != code[:3]:
            return False
    return True


def map_dotin(designations: list[str]) -> tuple[str, onet.Mapping] | None:
    """The first designation that maps, if the next two distinct ones do not contradict it."""
    distinct = list(dict.fromkeys(designations))
    mapper = onet.mapper()
    for index, title in enumerate(distinct):
        found = mapper.map(title)
        if found:
            rest = distinct[:index] + distinct[index + 1 : index + 3]
            return (title, found) if _agrees(found.code, rest) else None
    return None


def map_jsonresume(document: dict[str, Any]) -> tuple[str, onet.Mapping] | None:
    """The label's mapping, kept only if the work positions' majority agrees (major group)."""
    label = str((document.get("basics") or {}).get("label") or "")
    found = onet.mapper().map(label) if label else None
    if not found:
        return None
    majors = Counter(
        m.code[:3]
        for w in document.get("work") or []
        if (m := onet.mapper().map(str(w.get("position") or "")))
    )
    if not majors or majors.most_common(1)[0][0] != found.code[:3]:
        return None
    return label, found


def render(document: dict[str, Any]) -> str:
    """A JSON Resume as plain text (what lexical baselines read)."""
    basics = document.get("basics") or {}
    lines = [str(basics.get(k) or "") for k in ("name", "label", "summary")]
    for work in document.get("work") or []:
        lines.append(" ".join(str(work.get(k) or "") for k in ("position", "company", "name")))
        lines.append(f"{work.get('startDate') or ''} to {work.get('endDate') or 'present'}")
        lines.append(str(work.get("summary") or ""))
        lines.extend(f"- {h}" for h in work.get("highlights") or [])
    for school in document.get("education") or []:
        lines.append(
            " ".join(str(school.get(k) or "") for k in ("studyType", "area", "institution"))
        )
    for skill in document.get("skills") or []:
        lines.append(
            ", ".join([str(skill.get("name") or ""), *map(str, skill.get("keywords") or [])])
        )
    for interest in document.get("interests") or []:
        lines.append(str(interest.get("name") or ""))
    return "\n".join(line for line in lines if line.strip())


@dataclass
class Census:
    """How many resumes each source offered and how many mapped confidently."""

    offered: Counter[str] = field(default_factory=Counter)
    mapped: Counter[str] = field(default_factory=Counter)
    methods: Counter[str] = field(default_factory=Counter)


@cache
def load() -> tuple[list[Resume], Census]:
    """Every confidently mapped resume (dotin texts parsed to JSON Resume) and the census."""
    from jobtrail.resume.domain.parsing import parse

    census = Census()
    resumes: list[Resume] = []
    for resume_id, text, designations in dotin_texts():
        census.offered["dotin"] += 1
        found = map_dotin(designations)
        if not found:
            continue
        title, mapping = found
        census.mapped["dotin"] += 1
        census.methods[mapping.method] += 1
        document = parse(text).document
        resumes.append(
            Resume(resume_id, "dotin", title, mapping.code, mapping.method, text, document)
        )
    for path in sorted(JSONRESUME.glob("*.json")):
        census.offered["jsonresume-fake"] += 1
        document = json.loads(path.read_text(encoding="utf-8"))
        document.get("basics", {}).pop("image", None)
        found = map_jsonresume(document)
        if not found:
            continue
        title, mapping = found
        census.mapped["jsonresume-fake"] += 1
        census.methods[mapping.method] += 1
        resumes.append(
            Resume(
                f"jrf-{path.stem}",
                "jsonresume-fake",
                title,
                mapping.code,
                mapping.method,
                render(document),
                document,
            )
        )
    return resumes, census
