"""What extraction keeps of a document's look: each line's place on the page and its style.

PDF, DOCX and OCR extraction all produce `StyledLine`s in reading order; the parser uses
their geometry and style (size, bold, indentation, caps) as signals for headings and entries.
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
    line's dominant font size (0 where unknown).
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

    @property
    def caps(self) -> bool:
        """Written in capitals (at least two letters, none lower-case)."""
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and not any(c.islower() for c in letters)
