"""The line classifier: which lines of a work or education section open an entry.

A linear-chain CRF over the section's logical lines, labels ENTRY (a line of an entry's
header: title, employer, school, degree or dates) and BODY (prose, duties, anything else),
trained by `python -m evaluation.training.resume_parser` on the dotin training CVs and on
synthetic resumes. It reads the words a line starts and ends with, its length, dates,
separators, O*NET title words, organisation and school words, what the rules make of it,
its neighbours, and its style where extraction kept it (size, bold, capitals, indentation).
The rules keep the last word on bullets and dated lines: the model only turns an undated
line the rules took for a header into prose when it is sure (`BODY_ABOVE`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jobtrail.resume.domain import lexicon
from jobtrail.resume.domain.crf import CrfModel
from jobtrail.resume.domain.dates import find_dates
from jobtrail.resume.domain.fields import MODELS, title_words
from jobtrail.resume.domain.lines import Line

MODEL = MODELS / "lines.crfsuite"
# An undated line the rules call a header is prose when the model gives BODY more than this.
BODY_ABOVE = 0.95

_MODEL = CrfModel(MODEL)
_WORDS = re.compile(r"[^\W\d_][\w'&.+#-]*")


def use_model(path: Path | None) -> None:
    """Classify with another model file, or with none (rules alone)."""
    _MODEL.use(path)


def _tagger() -> Any:
    return _MODEL.tagger()


def features(lines: Sequence[Line], kinds: Sequence[str]) -> list[list[str]]:
    """The features of each line (crfsuite attribute strings)."""
    counts, heads = title_words()
    own = [_own(line, kind, counts, heads) for line, kind in zip(lines, kinds, strict=True)]
    result = []
    for index, feats in enumerate(own):
        row = list(feats)
        for offset in (-1, 1):
            other = index + offset
            if 0 <= other < len(own):
                row += [f"{offset:+d}:{feat}" for feat in own[other] if feat.startswith("k=")]
            else:
                row.append(f"{offset:+d}:edge")
        result.append(row)
    return result


def body_probabilities(lines: Sequence[Line], kinds: Sequence[str]) -> list[float] | None:
    """P(BODY) for each line, or None without a model."""
    tagger = _tagger()
    if tagger is None or not lines:
        return None
    # Bullets are the rules' to judge: the model sees the other lines, in order.
    chosen = [index for index, line in enumerate(lines) if not line.bullet]
    chances = [1.0] * len(lines)
    if not chosen:
        return chances
    tagger.set(features([lines[i] for i in chosen], [kinds[i] for i in chosen]))
    for position, index in enumerate(chosen):
        chances[index] = tagger.marginal("BODY", position)
    return chances


def _own(line: Line, kind: str, counts: dict[str, int], heads: frozenset[str]) -> list[str]:
    text = line.text
    words = _WORDS.findall(text)
    lower = [word.lower() for word in words]
    feats = [f"k={kind}", f"n={min(len(text.split()), 16) // 2}"]
    if lower:
        feats += [f"first={lower[0]}", f"last={lower[-1]}", f"suf1={lower[0][-2:]}"]
        capitalised = sum(word[:1].isupper() for word in words) / len(words)
        feats.append(f"caps_share={round(capitalised * 4)}")
    letters = [char for char in text if char.isalpha()]
    if letters and not any(char.islower() for char in letters):
        feats.append("all_caps")
    if text and text[-1] in ".:;,!?":
        feats.append(f"ends={text[-1]}")
    if dates := find_dates(text):
        feats.append("dated")
        feats.append(f"date_share={round((dates.span[1] - dates.span[0]) / len(text) * 4)}")
    if any(sep in text for sep in ("|", " – ", " — ", " - ", "\t", "   ")):
        feats.append("separator")
    if "," in text:
        feats.append("comma")
    if any(word in heads for word in lower):
        feats.append("onet_head")
    if sum(counts.get(word, 0) >= 20 for word in lower) >= max(1, len(lower) // 2):
        feats.append("mostly_title_words")
    if any(word in lexicon.ORGANISATION_WORDS for word in lower):
        feats.append("org_word")
    if lexicon.is_school(text):
        feats.append("school")
    if lexicon.degree(text):
        feats.append("degree")
    if line.gap_before:
        feats.append("gap_before")
    if line.indent:
        feats.append("indented")
    if line.style is not None:
        if line.style.bold:
            feats.append("bold")
        if line.style.size >= 1.1:
            feats.append("larger")
        if line.style.x0 > 8:
            feats.append("style_indented")
    return feats
