"""The field tagger: which words of an entry's header are the employer, title, place or date.

A linear-chain CRF (python-crfsuite) over the tokens of an entry's header lines, trained by
`python -m evaluation.training.resume_parser` on the dotin training CVs and on synthetic
headers; the model and the word lists it uses ship in `models/`. Features come from the
words (case, shape, O*NET title words, organisation and school words, months, years), from
their place in the line and the header, and from the line's style where extraction kept it
(size relative to the body, bold, capitals, indentation). Without the model file the parser
falls back to its word-list rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jobtrail.resume.domain import lexicon
from jobtrail.resume.domain.crf import CrfModel
from jobtrail.resume.domain.dates import MONTHS, find_dates
from jobtrail.resume.domain.lines import Style

MODELS = Path(__file__).resolve().parents[1] / "models"
MODEL = MODELS / "fields.crfsuite"
TITLE_WORDS = MODELS / "onet_title_words.txt"
PLACES = MODELS / "places.txt"
LABELS = ("TITLE", "EMP", "LOC", "DATE", "INST", "DEG", "O")

_TOKEN = re.compile(r"[\w.&'+#-]*\w[\w&'+#]*|[^\w\s]")
_SEPARATORS = frozenset(",|-–—·•:;()/@")


@dataclass(frozen=True)
class Token:
    """A word or separator of a header line, with its place in the header."""

    text: str
    line: int
    start: int
    end: int


@dataclass(frozen=True)
class Tagged:
    """A token's most likely label and the probability of each label."""

    token: Token
    label: str
    marginals: dict[str, float]


@cache
def title_words() -> tuple[dict[str, int], frozenset[str]]:
    """O*NET title words with how many titles use them, and the words titles end with."""
    counts: dict[str, int] = {}
    heads: set[str] = set()
    if TITLE_WORDS.exists():
        for row in TITLE_WORDS.read_text(encoding="utf-8").splitlines():
            word, count, head = row.split("\t")
            counts[word] = int(count)
            if head == "1":
                heads.add(word)
    return counts, frozenset(heads)


@cache
def known_places() -> frozenset[str]:
    """Lower-case place names seen in the training data's locations (cities, regions)."""
    if not PLACES.exists():
        return frozenset()
    return frozenset(PLACES.read_text(encoding="utf-8").split("\n")) - {""}


_MODEL = CrfModel(MODEL)


def use_model(path: Path | None) -> None:
    """Tag with another model file, or with none (rules alone): for training and evaluation."""
    _MODEL.use(path)


def _tagger() -> Any:
    return _MODEL.tagger()


def available() -> bool:
    """Is the shipped model there to use?"""
    return _tagger() is not None


def tokens(lines: Sequence[str]) -> list[Token]:
    """The words and separators of the header's lines."""
    return [
        Token(match.group(), number, match.start(), match.end())
        for number, line in enumerate(lines)
        for match in _TOKEN.finditer(line)
    ]


def features(
    lines: Sequence[str], found: list[Token], styles: Sequence[Style | None] = ()
) -> list[list[str]]:
    """The features of each token (crfsuite's attribute strings)."""
    counts, heads = title_words()
    places = known_places()
    dated = [_date_mask(line) for line in lines]
    result: list[list[str]] = []
    for index, token in enumerate(found):
        word = token.text
        lower = word.lower()
        line = lines[token.line]
        style = styles[token.line] if token.line < len(styles) else None
        feats = [
            "bias",
            f"w={lower}",
            f"shape={_shape(word)}",
            f"suf3={lower[-3:]}",
            f"line={min(token.line, 3)}",
            f"lines={min(len(lines), 4)}",
        ]
        if word in _SEPARATORS:
            feats.append("sep")
        if any(dated[token.line][token.start : token.end]):
            feats.append("in_date")
        if lower in MONTHS:
            feats.append("month")
        title_count = counts.get(lower, 0)
        if title_count:
            feats.append(f"onet={min(title_count.bit_length(), 8)}")
        if lower in heads:
            feats.append("onet_head")
        if lower in lexicon.ORGANISATION_WORDS:
            feats.append("org_word")
        if lower in places:
            feats.append("place")
        if lower in lexicon.SCHOOL_WORDS:
            feats.append("school_word")
        if lower in lexicon.TITLE_WORDS:
            feats.append("title_word")
        if lexicon.DEGREE.match(word) and len(word) > 1:
            feats.append("degree")
        line_tokens = [t for t in found if t.line == token.line]
        position = line_tokens.index(token)
        if position == 0:
            feats.append("first_in_line")
        if position == len(line_tokens) - 1:
            feats.append("last_in_line")
        letters = [char for char in line if char.isalpha()]
        if letters and not any(char.islower() for char in letters):
            feats.append("line_caps")
        if style is not None:
            if style.bold:
                feats.append("bold")
            if style.size >= 1.1:
                feats.append("larger")
            if style.x0 > 8:
                feats.append("indented")
        for offset in (-2, -1, 1, 2):
            other = index + offset
            if 0 <= other < len(found) and found[other].line == token.line:
                feats.append(f"w{offset:+d}={found[other].text.lower()}")
            elif 0 <= other < len(found):
                feats.append(f"w{offset:+d}=<br>")
        result.append(feats)
    return result


def tag(lines: Sequence[str], styles: Sequence[Style | None] = ()) -> list[Tagged]:
    """Label every token of the header lines, with the marginal probability of each label."""
    tagger = _tagger()
    found = tokens(lines)
    if tagger is None or not found:
        return []
    tagger.set(features(lines, found, styles))
    best = tagger.tag()
    labels = tagger.labels()
    return [
        Tagged(
            token,
            label,
            {name: tagger.marginal(name, index) for name in labels},
        )
        for index, (token, label) in enumerate(zip(found, best, strict=True))
    ]


def _shape(word: str) -> str:
    shape = re.sub(r"[A-Z]+", "X", re.sub(r"[a-z]+", "x", re.sub(r"\d+", "d", word)))
    return shape[:4]


def _date_mask(line: str) -> list[bool]:
    mask = [False] * len(line)
    if dates := find_dates(line):
        mask[dates.span[0] : dates.span[1]] = [True] * (dates.span[1] - dates.span[0])
    return mask
