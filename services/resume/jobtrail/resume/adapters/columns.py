"""A page's words put in reading order: rows by baseline, columns one after the other.

Words come with their box, baseline, font size and weight (pdf.py reads them with PDFium).
Words sharing a baseline make a row. A page whose rows leave a vertical gutter free is read
as a left column, then a right one, between the rows that cross the gutter (a name or a
heading across the page stays where it is). A gutter is only taken for one when both sides
hold real text: a right-hand run of dates or places beside entry titles, or the values of
a label/value list, sits on the rows of the left side and is read with them, as one line
with a tab, so "Engineer<tab>2019 - 2021" keeps its dates.

Within a column a wide gap inside a row becomes a tab; a bullet's wrapped lines, and a word
hyphenated across lines, are joined back into one line. Each line carries its geometry and
style as a `StyledLine`, and whether a blank line (a vertical gap, a new column) precedes it.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from jobtrail.resume.domain.layout import Region, StyledLine

# Two words are on one row when their baselines differ by less than this share of the
# larger font size (superscripts sit about a third of an em higher).
ROW_TOLERANCE = 0.4
# Inside a row, a gap wider than this many ems is a tab stop (right-aligned dates, places).
TAB_GAP = 1.1
# About the width of a space, in ems: gaps are written as that many spaces (up to four).
SPACE_WIDTH = 0.25
# A vertical gap between two lines wider than this share of the font size starts a new
# paragraph (a blank line in the text), where pypdf's layout mode printed one.
PARAGRAPH_GAP = 0.95
# A gutter: at least this many ems wide (and MIN_GUTTER points), with text on both sides.
GUTTER_EMS = 0.8
MIN_GUTTER = 6.0
# Where a gutter may lie, as shares of the text's width from its left edge.
GUTTER_SPAN = (0.12, 0.88)
# Rows crossing the gutter (full-width name, contact line, headings): at most this share.
MAX_CROSSING = 0.35
# Each column has at least this many rows and this share of the page's letters.
MIN_COLUMN_ROWS = 3
MIN_COLUMN_SHARE = 0.06
# A side whose rows mostly sit on rows of the other side may belong to them: dates, places,
# the values of a label/value list. From PAIRED_DATES on, it does when its rows are mostly
# dates, or spread out (one beside each entry title); from PAIRED on, also unless it is a
# left-aligned column of its own beside a longer one (two columns on one grid of lines).
PAIRED = 0.8
PAIRED_DATES = 0.5
# Two columns on one grid of lines still differ: the longer one has rows of its own.
MIN_UNPAIRED = 0.2
# A column narrower than this share of the other one is a sidebar.
SIDEBAR_SHARE = 0.6
# A line in a font this much larger than the page's body text is a name or title: above
# the other column's first line, it is read before both columns.
BIG_FONT = 1.25

BULLETS = "•●▪■◦‣∙○◆►▶➢➤✓✔❖➔→*–-"
_BULLET = re.compile(rf"[{re.escape(BULLETS)}]$")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b|\b(?:present|current|now|heute|today)\b", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Word:
    """A run of glyphs without a space, in points from the page's top-left corner.

    `soft_hyphen`: the word ends in a soft hyphen, shown only where a line breaks a word.
    """

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    base: float
    size: float
    bold: bool = False
    soft_hyphen: bool = False


@dataclass(frozen=True)
class Row:
    """Words sharing a baseline, left to right."""

    words: tuple[Word, ...]

    @property
    def base(self) -> float:
        return self.words[0].base

    @property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def text(self) -> str:
        return _joined(self.words)


@dataclass(frozen=True)
class Placed:
    """A line in reading order, and whether a blank line comes before it."""

    line: StyledLine
    paragraph: bool


def rows_of(words: Iterable[Word]) -> list[Row]:
    """Words grouped into rows by baseline, rows from the top of the page down."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.base, w.x0)):
        if rows:
            first = rows[-1][0]
            if abs(word.base - first.base) <= ROW_TOLERANCE * max(word.size, first.size):
                rows[-1].append(word)
                continue
        rows.append([word])
    return [Row(tuple(_deduplicated(sorted(row, key=lambda w: w.x0)))) for row in rows]


def read_page(rows: Sequence[Row], page: int) -> list[Placed]:
    """The page's rows as lines in reading order: full-width rows in place, columns in turn."""
    if not rows:
        return []
    body_size = _body_size(rows)
    split = _gutter(rows, body_size)
    if split is None:
        return _column_lines([list(row.words) for row in rows], page, 0, "body", body_size)
    placed: list[Placed] = []
    regions = _regions(rows, split)
    across: list[list[Word]] = []  # consecutive full-width rows, read as one block
    for band in _bands(rows, split, body_size, _extent(rows)):
        if isinstance(band, Row):
            across.append(list(band.words))
            continue
        if across:
            placed += _column_lines(across, page, 0, "body", body_size)
            across = []
        for column, part in enumerate(band):
            if part:
                placed += _column_lines(part, page, column, regions[column], body_size)
    if across:
        placed += _column_lines(across, page, 0, "body", body_size)
    return placed


def text_of(placed: Sequence[Placed]) -> str:
    """The lines as text, a blank line before each paragraph."""
    parts: list[str] = []
    for item in placed:
        if parts:
            parts.append("\n\n" if item.paragraph else "\n")
        parts.append(item.line.text)
    return "".join(parts)


# Columns ----------------------------------------------------------------------------------


def _gutter(rows: Sequence[Row], body_size: float) -> float | None:
    """The x where a vertical gutter splits the page into two columns, if one does."""
    left = min(row.x0 for row in rows)
    right = max(row.x1 for row in rows)
    width = right - left
    if width < 100 or len(rows) < 2 * MIN_COLUMN_ROWS:
        return None
    # How many rows cover each point across the text: a gutter is a run covered by fewest.
    cover = np.zeros(int(width) + 2, dtype=np.int32)
    for row in rows:
        for word in row.words:
            cover[int(word.x0 - left) : int(word.x1 - left) + 1] += 1
    low, high = int(width * GUTTER_SPAN[0]), int(width * GUTTER_SPAN[1])
    window = cover[low:high].tolist()
    least = min(window)
    wide = max(MIN_GUTTER, GUTTER_EMS * body_size)
    # The fewest rows crossing that leave a wide enough run free: the gutter.
    for allowed in range(least, int(MAX_CROSSING * len(rows)) + 1):
        run = _widest_run(window, allowed)
        if run is not None and run[1] - run[0] >= wide:
            split = left + low + (run[0] + run[1]) / 2
            return split if _two_columns(rows, split) else None
    return None


def _widest_run(values: list[int], allowed: int) -> tuple[int, int] | None:
    """The widest run of positions whose value is at most `allowed`."""
    best: tuple[int, int] | None = None
    start: int | None = None
    for x, value in enumerate([*values, allowed + 1]):
        if value <= allowed and start is None:
            start = x
        elif value > allowed and start is not None:
            if best is None or x - start > best[1] - best[0]:
                best = (start, x)
            start = None
    return best


def _two_columns(rows: Sequence[Row], split: float) -> bool:
    """Both sides of the gutter hold text of their own, not the other side's dates."""
    sides: tuple[list[Row], list[Row]] = ([], [])
    letters = [0, 0]
    for row in rows:
        if _crosses(row, split):
            continue
        for side in (0, 1):
            words = [word for word in row.words if _side(word, split) == side]
            if words:
                sides[side].append(Row(tuple(words)))
                letters[side] += sum(len(_LETTER.findall(word.text)) for word in words)
    total = sum(letters) or 1
    if min(len(side) for side in sides) < MIN_COLUMN_ROWS:
        return False
    if min(letters) / total < MIN_COLUMN_SHARE:
        return False
    minor, major = sorted(sides, key=len)
    share = _paired(minor, major)
    if share < PAIRED_DATES:
        return True
    # Rows side by side: two columns set on one grid of lines (same font and leading), or
    # a side that belongs to the other's rows (dates, places, values beside labels).
    dates = sum(bool(_YEAR.search(row.text)) for row in minor) / len(minor)
    if dates >= 0.5 or not _dense(minor):
        return False
    if share < PAIRED:
        return True
    return len(minor) >= 6 and _aligned(minor) and _paired(major, minor) <= 1 - MIN_UNPAIRED


def _paired(rows: Sequence[Row], others: Sequence[Row]) -> float:
    """The share of `rows` on the baseline of one of `others`."""
    bases = [row.base for row in others]
    return sum(any(abs(row.base - base) <= 1.0 for base in bases) for row in rows) / len(rows)


def _aligned(rows: Sequence[Row]) -> bool:
    """Most rows start at one x: a left-aligned column, not right-aligned dates or places."""
    starts = Counter(round(row.x0 / 2) for row in rows)
    return starts.most_common(1)[0][1] >= 0.6 * len(rows)


def _dense(rows: Sequence[Row]) -> bool:
    """Most rows follow the one above at about one line's distance, as a column's lines do."""
    steps = [b.top - a.bottom for a, b in itertools.pairwise(rows)]
    size = statistics.median(word.size for row in rows for word in row.words)
    return sum(step <= 1.5 * size for step in steps) >= 0.5 * len(steps)


def _side(word: Word, split: float) -> int | None:
    if word.x1 <= split:
        return 0
    if word.x0 >= split:
        return 1
    return None


def _crosses(row: Row, split: float) -> bool:
    return any(_side(word, split) is None for word in row.words)


def _regions(rows: Sequence[Row], split: float) -> tuple[Region, Region]:
    """A column much narrower than the other is a sidebar."""
    spans: list[float] = []
    for side in (0, 1):
        words = [w for row in rows if not _crosses(row, split) for w in row.words]
        words = [w for w in words if _side(w, split) == side]
        spans.append(max(w.x1 for w in words) - min(w.x0 for w in words) if words else 0.0)
    if spans[0] < SIDEBAR_SHARE * spans[1]:
        return "sidebar", "body"
    if spans[1] < SIDEBAR_SHARE * spans[0]:
        return "body", "sidebar"
    return "body", "body"


Band = Row | tuple[list[list[Word]], list[list[Word]]]


def _bands(
    rows: Sequence[Row], split: float, body_size: float, extent: tuple[float, float]
) -> list[Band]:
    """Runs of two-column rows between the rows that cross the gutter, in page order."""
    bands: list[Band] = []
    left: list[list[Word]] = []
    right: list[list[Word]] = []
    for row in rows:
        if _crosses(row, split):
            bands += _lead(left, right, body_size, extent)
            bands.append(row)
            left, right = [], []
            continue
        for side, target in ((0, left), (1, right)):
            words = [word for word in row.words if _side(word, split) == side]
            if words:
                target.append(words)
    return bands + _lead(left, right, body_size, extent)


def _lead(
    left: list[list[Word]],
    right: list[list[Word]],
    body_size: float,
    extent: tuple[float, float],
) -> list[Band]:
    """The two columns, after the rows above both of them that belong to the whole page:
    a name in big letters, or lines centred on the page, above the other column's top."""
    if not left and not right:
        return []
    lead: list[Row] = []
    for this, other in ((left, right), (right, left)):
        first = min((words[0].top for words in other), default=float("inf"))
        while this and max(w.bottom for w in this[0]) <= first:
            if not (_big(this[0], body_size) or _centred(this[0], extent)):
                break
            lead.append(Row(tuple(this.pop(0))))
    return [*sorted(lead, key=lambda row: row.top), (left, right)]


def _centred(words: Sequence[Word], extent: tuple[float, float]) -> bool:
    """Centred on the page's text, not starting at its left edge."""
    left, right = extent
    middle = (words[0].x0 + words[-1].x1) / 2
    return words[0].x0 > left + 20 and abs(middle - (left + right) / 2) < 0.05 * (right - left)


def _extent(rows: Sequence[Row]) -> tuple[float, float]:
    return min(row.x0 for row in rows), max(row.x1 for row in rows)


def _big(words: Sequence[Word], body_size: float) -> bool:
    return max(word.size for word in words) >= BIG_FONT * body_size


def _body_size(rows: Sequence[Row]) -> float:
    """The font size most letters on the page are set in."""
    sizes: Counter[float] = Counter()
    for row in rows:
        for word in row.words:
            sizes[round(word.size, 1)] += len(word.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


# Lines ------------------------------------------------------------------------------------


def _column_lines(
    rows: Sequence[Sequence[Word]], page: int, column: int, region: Region, body_size: float
) -> list[Placed]:
    """One column's rows as lines: a bullet's wrapped lines and hyphenated words joined."""
    lines: list[tuple[list[Word], str, bool]] = []  # words, text, starts a paragraph
    bullet_text_x: float | None = None
    for row in rows:
        words = list(row)
        if lines and _continues(lines[-1][0], words, bullet_text_x):
            before, text, paragraph = lines[-1]
            lines[-1] = ([*before, *words], _join(text, before[-1], words), paragraph)
            continue
        bullet = len(words) > 1 and _BULLET.match(words[0].text)
        bullet_text_x = words[1].x0 if bullet else None
        paragraph = not lines or _gap(lines[-1][0], words) > PARAGRAPH_GAP * _size(
            lines[-1][0], words, body_size
        )
        lines.append((words, _joined(words), paragraph))
    return [
        Placed(_styled(words, text, page, column, region), paragraph)
        for words, text, paragraph in lines
    ]


def _continues(above: list[Word], words: list[Word], bullet_text_x: float | None) -> bool:
    """The row is the wrapped rest of the line above: a bullet's text or a hyphenated word."""
    last_row = [word for word in above if word.base == above[-1].base]
    if _gap(last_row, words) > PARAGRAPH_GAP * above[-1].size or _BULLET.match(words[0].text):
        return False
    tolerance = 0.3 * words[0].size
    if bullet_text_x is not None and abs(words[0].x0 - bullet_text_x) <= tolerance:
        return True
    return _hyphenated(above[-1]) and words[0].text[:1].islower()


def _hyphenated(word: Word) -> bool:
    return len(word.text) > 2 and word.text.endswith("-") and word.text[-2].isalpha()


def _join(text: str, last: Word, words: Sequence[Word]) -> str:
    """A line and its wrapped rest; a hyphen breaking a word across them goes if it is soft."""
    if _hyphenated(last):
        return (text[:-1] if last.soft_hyphen else text) + _joined(words)
    return text + " " + _joined(words)


def _gap(previous: Sequence[Word], words: Sequence[Word]) -> float:
    return min(word.top for word in words) - max(word.bottom for word in previous)


def _size(previous: Sequence[Word], words: Sequence[Word], body_size: float) -> float:
    return min(_dominant_size(previous), _dominant_size(words), body_size * 1.5)


def _styled(words: Sequence[Word], text: str, page: int, column: int, region: Region) -> StyledLine:
    # Bold is the leading text's weight: "Engineer<tab>2019 - 2021" with a bold title is bold.
    lead = list(words)
    for index, (before, word) in enumerate(itertools.pairwise(words)):
        if word.x0 - before.x1 >= TAB_GAP * max(min(before.size, word.size), 1.0):
            lead = list(words[: index + 1])
            break
    letters = sum(len(word.text) for word in lead) or 1
    bold = sum(len(word.text) for word in lead if word.bold)
    return StyledLine(
        text=text,
        page=page,
        x0=round(words[0].x0, 1),
        x1=round(max(word.x1 for word in words), 1),
        top=round(min(word.top for word in words), 1),
        bottom=round(max(word.bottom for word in words), 1),
        size=_dominant_size(words),
        bold=bold * 2 > letters,
        column=column,
        region=region,
    )


def _dominant_size(words: Sequence[Word]) -> float:
    sizes: Counter[float] = Counter()
    for word in words:
        sizes[round(word.size, 1)] += len(word.text)
    return sizes.most_common(1)[0][0]


def _joined(words: Sequence[Word]) -> str:
    """Words with the gaps between them: a wide one as a tab, others as about as many spaces
    as fit in them (up to four), so "US  ·  email" keeps its double spaces, as pypdf's
    layout text did."""
    parts = [words[0].text]
    for before, word in itertools.pairwise(words):
        gap = word.x0 - before.x1
        em = max(min(before.size, word.size), 1.0)
        if gap >= TAB_GAP * em:
            parts.append("\t")
        else:
            parts.append(" " * min(4, max(1, round(gap / (SPACE_WIDTH * em)))))
        parts.append(word.text)
    return "".join(parts)


def _deduplicated(words: Sequence[Word]) -> list[Word]:
    """Words drawn twice at one place (fake bold, shadows) once."""
    kept: list[Word] = []
    for word in words:
        if kept and word.text == kept[-1].text and abs(word.x0 - kept[-1].x0) < 1.0:
            continue
        kept.append(word)
    return kept
