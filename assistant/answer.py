"""What the assistant returns: an answer, its citations, and every figure with its verification."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Citation:
    n: int
    document: str
    unit: str
    year: int | None
    page: int | None
    section: str
    table: str
    row: str
    column: str
    text: str                      # the quoted source: the sentence, or the row as printed
    highlight: list[str] = field(default_factory=list)  # figures to highlight inside `text`
    ocr: float | None = None       # OCR confidence when the source was read from a scan
    box: tuple[float, ...] | None = None  # a scanned cell's place on its page, in points


@dataclass
class ShownFigure:
    text: str
    value: Decimal
    unit: str
    status: str                    # sourced | recomputed | mismatch | unverifiable
    citation: int | None = None
    formula: str = ""
    expected: Decimal | None = None


@dataclass
class Answer:
    question: str
    text: str
    refused: bool = False
    citations: list[Citation] = field(default_factory=list)
    figures: list[ShownFigure] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    scope: dict = field(default_factory=dict)   # unit/year/kind the answer was scoped to, for follow-ups
    withdrawn: list[str] = field(default_factory=list)  # sentences removed because a figure was wrong
    refusal: str = ""              # why it was refused: a code of assistant.refusals.REASONS

    def as_json(self) -> dict:
        return {
            "question": self.question, "answer": self.text, "refused": self.refused,
            "citations": [{"n": c.n, "document": c.document, "unit": c.unit, "year": c.year, "page": c.page,
                           "section": c.section, "table": c.table, "row": c.row, "column": c.column,
                           "text": c.text, "ocr": c.ocr} for c in self.citations],
            "figures": [{"text": f.text, "value": str(f.value), "unit": f.unit, "status": f.status,
                         "citation": f.citation, "formula": f.formula,
                         "expected": None if f.expected is None else str(f.expected)} for f in self.figures],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "scope": self.scope, "withdrawn": self.withdrawn, "refusal": self.refusal,
        }
