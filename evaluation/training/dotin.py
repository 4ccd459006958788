"""The dotin resume NER CVs: text with labelled spans, and the train/dev split used here.

Only the 310 training CVs are read (`545_cvs_train_v2.zip`); the 50-CV set-aside test zip
is the evaluation's and is never opened here. Every fifth CV by number is held out as the
dev split on which the parser's components are chosen and its confidences calibrated.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from evaluation.parsing.dotin import unescape_bytes
from jobtrail.resume.domain.plaintext import unflatten

DATA = Path(__file__).resolve().parents[1] / "data" / "dotin"
TRAIN_ZIP = DATA / "545_cvs_train_v2.zip"
_LABEL = re.compile(r'<label type="(?P<type>[^"]+)">(?P<text>.*?)</label>', re.S)
_TAG = re.compile(r"</?(?:cv|label)[^>]*>|<\?xml[^>]*\?>")


@dataclass(frozen=True)
class Span:
    """A labelled piece of a CV's text."""

    start: int
    end: int
    type: str
    text: str


@dataclass(frozen=True)
class Cv:
    """One CV: its number, plain text and labelled spans."""

    number: int
    text: str
    spans: tuple[Span, ...]

    def values(self, type_: str) -> list[str]:
        """The texts labelled `type_`, in order."""
        return [span.text for span in self.spans if span.type == type_]


def read(xml: str, number: int) -> Cv:
    """The plain text of a CV and its spans, with offsets into that text."""
    text: list[str] = []
    spans: list[Span] = []
    length = 0
    position = 0
    body = xml.split("<cv>", 1)[-1].rsplit("</cv>", 1)[0]
    body = unescape_bytes(body)  # corpus preprocessing: literal UTF-8 byte escapes decoded
    body = unflatten(body.strip().strip('"'))  # the one-line CVs get their lines back
    for match in _LABEL.finditer(body):
        before = unescape(_TAG.sub("", body[position : match.start()]))
        inner = unescape(_TAG.sub("", match["text"]))
        text.append(before)
        length += len(before)
        spans.append(Span(length, length + len(inner), match["type"], inner))
        text.append(inner)
        length += len(inner)
        position = match.end()
    text.append(unescape(_TAG.sub("", body[position:])))
    return Cv(number, "".join(text), tuple(spans))


def cvs(split: str) -> Iterator[Cv]:
    """The training CVs of `split`: "train" (4 in 5) or "dev" (every fifth by number)."""
    with zipfile.ZipFile(TRAIN_ZIP) as archive:
        names = sorted(
            (name for name in archive.namelist() if name.endswith(".xml")),
            key=lambda name: int(Path(name).stem),
        )
        for name in names:
            number = int(Path(name).stem)
            if (number % 5 == 0) != (split == "dev"):
                continue
            xml = archive.read(name).decode("utf-8")
            yield read(xml, number)
