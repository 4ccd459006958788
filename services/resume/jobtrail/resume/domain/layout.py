"""What extraction keeps of a document's look: each line's place on the page and its style.

PDF, DOCX and OCR extraction all produce `StyledLine`s in reading order; the parser uses
their geometry and style (size, bold, indentation, caps) as signals for headings and entries.
For PDF and DOCX, the lines are the non-blank lines of the extracted text, one for one and
in the same order (a wrapped bullet joined back is one line).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Region = Literal["body", "sidebar", "header", "footer"]


@dataclass(frozen=True)
class StyledLine:
    """One physical line of the document, in reading order.

    Coordinates are in points from the page's top-left corner (0 where unknown, as in
    plain text). `column` counts the page's text columns from the left; `size` is the
    line's dominant font size (0 where unknown). `bold` is the weight of the line's leading
    text (a bold title before its dates is a bold line). DOCX lines have no page (0) and no
    vertical position; their x0 is the paragraph's indent plus the table cell's offset.
    `all_caps`: shown in capitals by formatting (Word's "All caps"), whatever the letters.
    """

    text: str
    page: int = 0
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    bold: bool = False
    column: int = 0
    region: Region = "body"
    all_caps: bool = False

    @property
    def caps(self) -> bool:
        """Shown in capitals: written so (at least two letters, none lower-case) or formatted so."""
        letters = [c for c in self.text if c.isalpha()]
        if len(letters) < 2:
            return False
        return self.all_caps or not any(c.islower() for c in letters)
