"""Text from Word (DOCX) files in reading order, with each line's style.

Read from the document's XML, in document order: body paragraphs, tables (nested ones too),
content controls, text boxes (once: the legacy copy Word keeps in `mc:Fallback` is skipped),
and the page headers and footers. Headers come first, since templates often put the name and
contact line there; footers with contact details follow them, other footers (page numbers,
"Confidential") are left out.

Tables are read as their layout means them. A row of one-line cells is a data row, joined
with " | ". A table whose columns both hold running text (a sidebar beside the main column,
in one or several rows) is read column by column, each cell top to bottom. Anything else is
read row by row, each cell in turn (a heading cell beside its content).

Each line is a `StyledLine`: bold and size resolved from the run, its character style, the
paragraph style and the document defaults; capitals set by formatting; x0 from the
paragraph's indent (or list level) plus the table cell's offset; column for a layout
table's column, and "sidebar" for its narrow one.
"""

from __future__ import annotations

import io
import re
import statistics
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import docx
from docx.opc.part import XmlPart

from jobtrail.resume.adapters.columns import Placed, text_of
from jobtrail.resume.domain import errors
from jobtrail.resume.domain.layout import Region, StyledLine
from jobtrail.resume.domain.plaintext import tidy

__all__ = ["DocxText", "docx_text", "is_docx_zip", "open_zip", "read_docx"]

MAX_UNCOMPRESSED = 50 << 20
MAX_RATIO = 100
# Tiny parts can compress past the ratio without any harm; only big ones can exhaust memory.
RATIO_CHECK_FROM = 1 << 20
# Word's own defaults when neither style nor document says: 10 pt text, lists indented
# half an inch per level.
DEFAULT_SIZE = 10.0
LIST_INDENT = 36.0
# A layout table's column narrower than this share of the widest one is a sidebar.
SIDEBAR_SHARE = 0.6
# A table column holds running text when its cells have, as a median, this many paragraphs
# (a heading cell beside its text, even split over two lines, has fewer).
RUNNING_PARAGRAPHS = 3

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


P, TBL, TR, TC, R, T, SDT, SDT_CONTENT = map(
    _w, ("p", "tbl", "tr", "tc", "r", "t", "sdt", "sdtContent")
)
TXBX = _w("txbxContent")
ALTERNATE = f"{{{_MC}}}AlternateContent"
CHOICE = f"{{{_MC}}}Choice"
# Inline wrappers whose runs are part of the paragraph's text.
_INLINE_WRAPPERS = {_w(tag) for tag in ("ins", "smartTag", "customXml", "fldSimple", "moveTo")}
# Block wrappers whose paragraphs and tables are part of the body.
_BLOCK_WRAPPERS = {_w(tag) for tag in ("customXml", "ins", "moveTo")}
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:(?:page|seite|página|pagina|p\.)\s*)?\d{1,3}"
    r"(?:\s*(?:/|of|von|de|di|sur)\s*\d{1,3})?[-–—\s]*$",
    re.IGNORECASE,
)
_CONTACT = re.compile(r"@|https?://|www\.|linkedin|\+?\d[\d ()./-]{7,}\d", re.IGNORECASE)


@dataclass(frozen=True)
class DocxText:
    """A DOCX's text in reading order and its lines with style."""

    text: str
    lines: tuple[StyledLine, ...]


def is_docx_zip(data: bytes) -> bool:
    """A zip whose parts include word/document.xml; raises UnreadableResume if it is a bomb."""
    archive = open_zip(data)
    return "word/document.xml" in archive.namelist()


def open_zip(data: bytes) -> zipfile.ZipFile:
    """Open the zip and vet its declared sizes before anything is inflated."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise errors.corrupt_docx() from error
    # zipfile stops inflating each member at its declared size, so vetting those is enough.
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED:
        raise errors.docx_zip_bomb()
    if any(_ratio(entry) > MAX_RATIO for entry in entries if entry.file_size >= RATIO_CHECK_FROM):
        raise errors.docx_zip_bomb()
    return archive


def read_docx(data: bytes) -> DocxText:
    """Every paragraph, table, text box, header and footer, in the order a reader sees them."""
    open_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
        placed = _Reader(document).read()
    except Exception as error:  # python-docx and lxml raise many kinds on damaged parts
        raise errors.corrupt_docx() from error
    return DocxText(text_of(placed), tuple(item.line for item in placed))


def docx_text(data: bytes) -> str:
    """The text of `read_docx`."""
    return read_docx(data).text


def _ratio(entry: zipfile.ZipInfo) -> float:
    return entry.file_size / max(entry.compress_size, 1)


# Styles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Look:
    """Character formatting, each None where this level does not set it."""

    size: float | None = None
    bold: bool | None = None
    caps: bool | None = None

    def over(self, below: _Look) -> _Look:
        """This formatting applied over `below`."""
        return _Look(
            self.size if self.size is not None else below.size,
            self.bold if self.bold is not None else below.bold,
            self.caps if self.caps is not None else below.caps,
        )


def _look(rpr: Any) -> _Look:
    """The formatting a w:rPr sets."""
    if rpr is None:
        return _Look()
    size = rpr.find(_w("sz"))
    return _Look(
        float(size.get(_w("val"))) / 2 if size is not None and size.get(_w("val")) else None,
        _toggle(rpr.find(_w("b"))),
        _toggle(rpr.find(_w("caps"))) or _toggle(rpr.find(_w("smallCaps"))),
    )


def _toggle(element: Any) -> bool | None:
    if element is None:
        return None
    return element.get(_w("val"), "true").lower() not in ("0", "false", "off", "none")


class _Styles:
    """Character formatting and indents of the document's styles, base styles included."""

    def __init__(self, document: Any) -> None:
        root = document.styles.element
        self.by_id = {style.get(_w("styleId")): style for style in root.findall(_w("style"))}
        defaults = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        self.default = _look(defaults).over(_Look(DEFAULT_SIZE, False, False))
        self.default_paragraph = next(
            (
                style.get(_w("styleId"))
                for style in root.findall(_w("style"))
                if style.get(_w("type")) == "paragraph"
                and style.get(_w("default"), "0").lower() in ("1", "true", "on")
            ),
            None,
        )
        self._looks: dict[str | None, _Look] = {}
        self._indents: dict[str | None, float | None] = {}
        self._lists: dict[str | None, bool] = {}

    def look(self, style_id: str | None) -> _Look:
        """The formatting a style gives, through its base styles."""
        if style_id not in self._looks:
            style = self.by_id.get(style_id)
            look = _Look()
            if style is not None:
                look = _look(style.find(_w("rPr")))
                based = style.find(_w("basedOn"))
                if based is not None and based.get(_w("val")) != style_id:
                    self._looks[style_id] = look  # a cycle stops here
                    look = look.over(self.look(based.get(_w("val"))))
            self._looks[style_id] = look
        return self._looks[style_id]

    def indent(self, style_id: str | None) -> float | None:
        """The left indent (points) a paragraph style gives, through its base styles."""
        if style_id not in self._indents:
            self._indents[style_id] = None
            style = self.by_id.get(style_id)
            if style is not None:
                found = _indent(style.find(_w("pPr")))
                based = style.find(_w("basedOn"))
                if found is None and based is not None:
                    found = self.indent(based.get(_w("val")))
                self._indents[style_id] = found
        return self._indents[style_id]

    def is_list(self, style_id: str | None) -> bool:
        """The paragraph style numbers or bullets its paragraphs (List Bullet and the like)."""
        if style_id not in self._lists:
            self._lists[style_id] = False
            style = self.by_id.get(style_id)
            if style is not None:
                name = style.find(_w("name"))
                numbered = style.find(f"{_w('pPr')}/{_w('numPr')}") is not None
                listed = name is not None and name.get(_w("val"), "").startswith("List")
                based = style.find(_w("basedOn"))
                inherited = based is not None and self.is_list(based.get(_w("val")))
                self._lists[style_id] = numbered or listed or inherited
        return self._lists[style_id]


class _Numbering:
    """The left indent of each list level, from the numbering definitions."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[tuple[str | None, int], float] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # no lists in the document
            return
        abstract = {item.get(_w("abstractNumId")): item for item in root.findall(_w("abstractNum"))}
        for num in root.findall(_w("num")):
            ref = num.find(_w("abstractNumId"))
            definition = abstract.get(ref.get(_w("val")) if ref is not None else None)
            if definition is None:
                continue
            for level in definition.findall(_w("lvl")):
                indent = _indent(level.find(_w("pPr")))
                if indent is not None:
                    key = (num.get(_w("numId")), int(level.get(_w("ilvl"), "0") or 0))
                    self.levels[key] = indent

    def indent(self, number: str | None, level: int) -> float | None:
        return self.levels.get((number, level))


def _indent(ppr: Any) -> float | None:
    ind = ppr.find(_w("ind")) if ppr is not None else None
    if ind is None:
        return None
    value = ind.get(_w("left")) or ind.get(_w("start"))
    return _twips(value)


def _twips(value: str | None) -> float | None:
    try:
        return float(value) / 20 if value is not None else None
    except ValueError:
        return None


# Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    """Where the lines being read sit: offset of the cell, column, region."""

    x: float = 0.0
    column: int = 0
    region: Region = "body"


@dataclass
class _Line:
    """A line being put together from runs: (text, formatting) pieces."""

    pieces: list[tuple[str, _Look]] = field(default_factory=list)

    def add(self, text: str, look: _Look) -> None:
        if text:
            self.pieces.append((text, look))

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.pieces)


class _Reader:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.styles = _Styles(document)
        self.numbering = _Numbering(document)
        self.placed: list[Placed] = []
        self.blank = True  # the next line starts a paragraph
        self.part: XmlPart = document.part

    def read(self) -> list[Placed]:
        heads = list(self._parts("headerReference"))
        feet = list(self._parts("footerReference"))
        for part in heads:
            self._part(part, "header")
        kept_feet = [part for part in feet if _CONTACT.search(_all_text(part.element))]
        for part in kept_feet:
            self._part(part, "footer")
        self.part = self.document.part
        self.blank = True
        self._blocks(self.document.element.body, _Place())
        return self.placed

    def _parts(self, reference: str) -> Iterator[XmlPart]:
        """Header or footer parts of every section, each once: first page, default, even."""
        seen: set[str] = set()
        order = {"first": 0, "default": 1, "even": 2}
        for section in self.document.element.body.iter(_w("sectPr")):
            refs = sorted(
                section.findall(_w(reference)), key=lambda ref: order.get(ref.get(_w("type")), 3)
            )
            for ref in refs:
                part = self.document.part.related_parts.get(ref.get(f"{{{_R}}}id"))
                if isinstance(part, XmlPart) and str(part.partname) not in seen:
                    seen.add(str(part.partname))
                    yield part

    def _part(self, part: XmlPart, region: Region) -> None:
        self.part = part
        self.blank = True
        before = len(self.placed)
        self._blocks(part.element, _Place(region=region))
        # Page numbers (a PAGE field's last value) say nothing about the person.
        self.placed[before:] = [
            item for item in self.placed[before:] if not _PAGE_NUMBER.match(item.line.text)
        ]
        self.blank = True

    # Blocks -------------------------------------------------------------------------------

    def _blocks(self, container: Any, place: _Place) -> None:
        for child in container:
            tag = child.tag
            if tag == P:
                self._paragraph(child, place)
            elif tag == TBL:
                self._table(child, place)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self._blocks(content, place)
            elif tag == ALTERNATE:
                self._blocks(_choice(child), place)
            elif tag in _BLOCK_WRAPPERS:
                self._blocks(child, place)

    def _paragraph(self, paragraph: Any, place: _Place) -> None:
        ppr = paragraph.find(_w("pPr"))
        style_id = _style_of(ppr, "pStyle") or self.styles.default_paragraph
        base = self.styles.look(style_id).over(self.styles.default)
        mark = _look(ppr.find(_w("rPr")) if ppr is not None else None)
        numbered = ppr is not None and ppr.find(_w("numPr")) is not None
        is_list = numbered or self.styles.is_list(style_id)
        indent = _indent(ppr)
        if indent is None and is_list:
            indent = self.numbering.indent(*self._list_of(ppr, style_id))
        if indent is None:
            indent = self.styles.indent(style_id)
        if indent is None and is_list:
            indent = LIST_INDENT * (1 + _list_level(ppr))
        x = place.x + (indent or 0.0)
        lines = [_Line()]
        boxes: list[Any] = []
        self._inline(paragraph, base, lines, boxes)
        written = [line for line in lines if line.text.strip()]
        if not written:
            self.blank = True
        for number, line in enumerate(written):
            self._emit(line, x, place, bullet=is_list and number == 0, fallback=mark.over(base))
        for box in boxes:
            self.blank = True
            self._blocks(box, place)
            self.blank = True

    def _list_of(self, ppr: Any, style_id: str | None) -> tuple[str | None, int]:
        """The paragraph's list (numbering id) and level, from itself or its style."""
        number = ppr.find(f"{_w('numPr')}/{_w('numId')}") if ppr is not None else None
        if number is not None:
            return number.get(_w("val")), _list_level(ppr)
        style = self.styles.by_id.get(style_id)
        style_ppr = style.find(_w("pPr")) if style is not None else None
        number = style_ppr.find(f"{_w('numPr')}/{_w('numId')}") if style_ppr is not None else None
        level = _list_level(ppr) or _list_level(style_ppr)
        return (number.get(_w("val")) if number is not None else None), level

    def _inline(self, element: Any, base: _Look, lines: list[_Line], boxes: list[Any]) -> None:
        """The runs of a paragraph (or of a wrapper inside it) added to `lines`."""
        for child in element:
            tag = child.tag
            if tag == R:
                self._run(child, base, lines, boxes)
            elif tag == _w("hyperlink"):
                before = len(lines[-1].pieces)
                self._inline(child, base, lines, boxes)
                shown = "".join(text for text, _ in lines[-1].pieces[before:])
                address = self._address(child).removeprefix("mailto:")
                if address and address not in shown:
                    # The address often hides behind a word like "LinkedIn"; keep both.
                    lines[-1].add(f" ({address})", base)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self._inline(content, base, lines, boxes)
            elif tag == ALTERNATE:
                self._inline(_choice(child), base, lines, boxes)
            elif tag in _INLINE_WRAPPERS:
                self._inline(child, base, lines, boxes)

    def _run(self, run: Any, base: _Look, lines: list[_Line], boxes: list[Any]) -> None:
        rpr = run.find(_w("rPr"))
        look = _look(rpr).over(self.styles.look(_style_of(rpr, "rStyle")).over(base))
        for child in run:
            tag = child.tag
            if tag == T:
                lines[-1].add(child.text or "", look)
            elif tag == _w("tab"):
                lines[-1].add("\t", look)
            elif tag in (_w("br"), _w("cr")):
                lines.append(_Line())
            elif tag == _w("noBreakHyphen"):
                lines[-1].add("-", look)
            elif tag == _w("sym"):
                lines[-1].add(_symbol(child), look)
            elif tag in (_w("drawing"), _w("pict"), ALTERNATE, _w("object")):
                boxes.extend(_text_boxes(child))

    def _address(self, hyperlink: Any) -> str:
        rel_id = hyperlink.get(f"{{{_R}}}id")
        if rel_id and rel_id in self.part.rels:
            rel = self.part.rels[rel_id]
            return str(rel.target_ref) if rel.is_external else ""
        return ""

    def _emit(self, line: _Line, x: float, place: _Place, bullet: bool, fallback: _Look) -> None:
        text = tidy(line.text.replace("\u00ad", "")).strip()
        if not text:
            return
        written = [(piece, look) for piece, look in line.pieces if piece.strip()]
        lead = _leading(line.pieces) or written
        letters = sum(len(piece) for piece, _ in lead)
        bold = sum(len(piece) for piece, look in lead if look.bold)
        sizes: dict[float, int] = {}
        for piece, look in written:
            size = look.size or fallback.size or DEFAULT_SIZE
            sizes[size] = sizes.get(size, 0) + len(piece)
        if bullet and not text.startswith("•"):
            text = f"• {text}"
        styled = StyledLine(
            text=text,
            x0=round(x, 1),
            size=max(sizes, key=lambda size: sizes[size]) if sizes else DEFAULT_SIZE,
            bold=bold * 2 > max(letters, 1),
            column=place.column,
            region=place.region,
            all_caps=all(look.caps for _, look in written),
        )
        self._place(styled)

    def _place(self, line: StyledLine) -> None:
        self.placed.append(Placed(line, self.blank and bool(self.placed)))
        self.blank = False

    def _collect(self, cell: Any, place: _Place) -> list[Placed]:
        """The lines of one table cell, read apart from the rest."""
        placed, blank = self.placed, self.blank
        self.placed, self.blank = [], False
        try:
            self._blocks(cell, place)
            return self.placed
        finally:
            self.placed, self.blank = placed, blank

    # Tables -------------------------------------------------------------------------------

    def _table(self, table: Any, place: _Place) -> None:
        widths = [
            _twips(col.get(_w("w"))) or 0.0
            for col in table.findall(f"{_w('tblGrid')}/{_w('gridCol')}")
        ]
        offsets = [sum(widths[:index]) for index in range(len(widths) + 1)]
        rows = [list(_cells(row)) for row in table.findall(TR)]
        rows = [[cell for cell in row if not _merged_away(cell[1])] for row in rows]
        rows = [row for row in rows if any(_all_text(cell).strip() for _, cell in row)]
        if not rows:
            return
        if self._by_columns(rows):
            self._columns(rows, widths, offsets, place)
            self.blank = True
            return
        cells = [
            [
                self._collect(
                    cell, _Place(place.x + _at(offsets, column), place.column, place.region)
                )
                for column, cell in row
            ]
            for row in rows
        ]
        # Rows of one-line cells are data, unless most rows hold more: headings beside text.
        flat = [all(len(placed) <= 1 for placed in row) for row in cells]
        data = sum(flat) * 2 > len(flat)
        for row, one_line in zip(cells, flat, strict=True):
            self._row(row, joined=data and one_line)

    def _by_columns(self, rows: list[list[tuple[int, Any]]]) -> bool:
        """Two or more columns whose cells hold several paragraphs each: the table lays out
        columns of the page (a sidebar beside the main text), not rows of data."""
        columns = {column for row in rows for column, _ in row}
        return sum(_paragraphs(rows, column) >= RUNNING_PARAGRAPHS for column in columns) >= 2

    def _columns(
        self,
        rows: list[list[tuple[int, Any]]],
        widths: list[float],
        offsets: list[float],
        place: _Place,
    ) -> None:
        spans: dict[int, float] = {}
        for row in rows:
            for column, cell in row:
                spans[column] = max(spans.get(column, 0.0), _cell_width(cell, column, widths))
        widest = max(spans.values(), default=0.0)
        for order, column in enumerate(sorted(spans)):
            narrow = 0 < spans[column] < SIDEBAR_SHARE * widest
            region: Region = "sidebar" if narrow and place.region == "body" else place.region
            inner = _Place(place.x + _at(offsets, column), place.column + order, region)
            self.blank = True
            for row in rows:
                for cell_column, cell in row:
                    if cell_column == column:
                        self._blocks(cell, inner)

    def _row(self, cells: list[list[Placed]], joined: bool) -> None:
        """A data row as one line, its cells joined with " | "; any other row cell by cell."""
        lines = [placed[0].line for placed in cells if placed]
        if joined and len(lines) > 1:
            text = " | ".join(line.text for line in lines)
            bold = all(line.bold for line in lines)
            self._place(replace(lines[0], text=text, bold=bold, all_caps=False))
            return
        for placed in cells:
            for number, item in enumerate(placed):
                if number == 0:
                    self._place(item.line)
                else:
                    self.placed.append(item)


# Helpers ----------------------------------------------------------------------------------


def _cells(row: Any) -> Iterator[tuple[int, Any]]:
    """The row's cells with the grid column each starts at."""
    column = 0
    before = row.find(f"{_w('trPr')}/{_w('gridBefore')}")
    if before is not None:
        column = int(before.get(_w("val"), "0") or 0)
    for cell in row:
        if cell.tag == SDT:  # a content control around cells
            content = cell.find(SDT_CONTENT)
            inner = content.findall(TC) if content is not None else []
        elif cell.tag == TC:
            inner = [cell]
        else:
            continue
        for tc in inner:
            yield column, tc
            span = tc.find(f"{_w('tcPr')}/{_w('gridSpan')}")
            column += int(span.get(_w("val"), "1") or 1) if span is not None else 1


def _merged_away(cell: Any) -> bool:
    """A cell continuing a vertical merge: the cell above holds the text."""
    merge = cell.find(f"{_w('tcPr')}/{_w('vMerge')}")
    return merge is not None and merge.get(_w("val"), "continue") == "continue"


def _cell_width(cell: Any, column: int, widths: list[float]) -> float:
    width = cell.find(f"{_w('tcPr')}/{_w('tcW')}")
    if width is not None and width.get(_w("type"), "dxa") == "dxa":
        found = _twips(width.get(_w("w")))
        if found:
            return found
    span = cell.find(f"{_w('tcPr')}/{_w('gridSpan')}")
    count = int(span.get(_w("val"), "1") or 1) if span is not None else 1
    return sum(widths[column : column + count])


def _paragraphs(rows: list[list[tuple[int, Any]]], column: int) -> int:
    """How many non-empty paragraphs the column's cells hold, as a median over its cells."""
    counts = [
        sum(1 for p in cell.iter(P) if "".join(t.text or "" for t in p.iter(T)).strip())
        for row in rows
        for cell_column, cell in row
        if cell_column == column
    ]
    counts = [count for count in counts if count]
    return int(statistics.median(counts)) if counts else 0


def _at(offsets: list[float], column: int) -> float:
    return offsets[min(column, len(offsets) - 1)] if offsets else 0.0


def _choice(alternate: Any) -> Any:
    """The first mc:Choice of an mc:AlternateContent; its mc:Fallback repeats it."""
    choice = alternate.find(CHOICE)
    return choice if choice is not None else []


def _text_boxes(element: Any) -> Iterator[Any]:
    """The outermost w:txbxContent inside a drawing, skipping mc:Fallback copies."""
    for child in element:
        if child.tag == TXBX:
            yield child
        elif child.tag == f"{{{_MC}}}Fallback":
            continue
        else:
            yield from _text_boxes(child)


def _all_text(element: Any) -> str:
    """Every w:t inside, text boxes included, Fallback copies left out."""
    parts: list[str] = []
    for child in element:
        if child.tag == f"{{{_MC}}}Fallback":
            continue
        if child.tag == T:
            parts.append(child.text or "")
        elif child.tag in (P, TR):
            parts.append(_all_text(child) + "\n")
            continue
        else:
            parts.append(_all_text(child))
    return "".join(parts)


def _style_of(properties: Any, tag: str) -> str | None:
    if properties is None:
        return None
    style = properties.find(_w(tag))
    return style.get(_w("val")) if style is not None else None


def _list_level(ppr: Any) -> int:
    level = ppr.find(f"{_w('numPr')}/{_w('ilvl')}") if ppr is not None else None
    try:
        return int(level.get(_w("val"), "0")) if level is not None else 0
    except ValueError:
        return 0


def _symbol(sym: Any) -> str:
    """A w:sym character: Symbol and Wingdings bullets are shown as "•"."""
    code = sym.get(_w("char"), "")
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    return "•" if value >= 0xF000 or value < 0x20 else chr(value)


def _leading(pieces: list[tuple[str, _Look]]) -> list[tuple[str, _Look]]:
    """The text before the first tab, as pieces: a title before its dates."""
    lead: list[tuple[str, _Look]] = []
    for piece, look in pieces:
        head, tab, _ = piece.partition("\t")
        if head.strip():
            lead.append((head.strip(), look))
        if tab and lead:
            break
    return lead
