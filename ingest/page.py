"""One page as a reader sees it, whether from a PDF's text layer or from OCR of its image.

`pdf.py` turns a page into these and does everything after (titles, tables
running overleaf, paragraphs) once for both, so a scanned page is structured
exactly like a printed one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points


@dataclass(frozen=True)
class Mark:
    """Where a recognised text sits on the page and how sure the recogniser was of it."""

    score: float
    box: Box


@dataclass
class Span:
    """A line of text outside the page's tables."""

    top: float
    bottom: float
    x1: float
    text: str
    score: float | None = None  # OCR confidence; None for a text layer


@dataclass
class Ruled:
    """A ruled table: its grid with each merged cell's text repeated in every position it covers."""

    bbox: Box
    grid: list[list[str | None]]
    spread: set[tuple[int, int]] = field(default_factory=set)  # positions that only repeat a merged cell
    marks: dict[tuple[int, int], Mark] = field(default_factory=dict)  # OCR cells: confidence and box

    def printed(self) -> list[list[str | None]]:
        """The rows as printed: a merged cell's text once, at its first position."""
        return [[None if (r, c) in self.spread else text for c, text in enumerate(row)]
                for r, row in enumerate(self.grid)]


@dataclass
class Page:
    spans: list[Span]
    tables: list[Ruled]
    chars: int                 # characters read, by the text layer or by OCR
    ocr: bool = False
