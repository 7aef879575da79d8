"""Checking a statement someone else wrote ("…三公经费为31.31万元") against the corpus.

Unlike an answer, a claim cites nothing: its sources are the facts of the
reports it names whose subject matches what each figure is said to be about.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .corpus import Corpus, StoredFact, short_names
from .scope import find_scope
from .verify import MISMATCH, Check, Source, check_text, find_figures, names_same

@dataclass
class ClaimResult:
    claim: str
    ok: bool
    checks: list[Check]

    def as_json(self) -> dict:
        return {"claim": self.claim, "ok": self.ok, "figures": [{
            "text": c.figure.text, "value": str(c.figure.value), "unit": c.figure.unit, "status": c.status,
            "expected": None if c.expected is None else str(c.expected),
            "source": c.source.ref if c.source else (c.operands[0].ref if c.operands else None),
            "formula": c.formula} for c in self.checks]}


def _source(fact: StoredFact) -> Source:
    where = f"{fact.doc.name} 第{fact.page}页" if fact.page else fact.doc.name
    what = f"《{fact.table}》{fact.label}｜{fact.column}" if fact.table else fact.source.strip()
    return Source(fact.value, fact.uom, fact.label, fact.measure, ref=f"{where}：{what}")


def _subject_text(claim: str, units: list[str]) -> str:
    """The claim without the unit's names and years, so that figure labels name only the item."""
    for name in sorted({a for u in units for a in short_names(u)}, key=len, reverse=True):
        claim = claim.replace(name, "")
    return re.sub(r"20\d{2}\s*年度?", "", claim)


def check_claim(claim: str, corpus: Corpus) -> ClaimResult:
    scope = find_scope(claim, corpus)
    docs = {d.doc_id for d in scope.docs} if scope.units or scope.years else set(corpus.documents)
    text = _subject_text(claim, scope.units)
    labels = {f.label for f in find_figures(text) if f.label}
    sources = [_source(f) for f in corpus.facts
               if f.doc.doc_id in docs and f.value is not None
               and any(names_same(l, Source(f.value, f.uom, " ".join(f.path[:-1]) + f.label, f.measure))
                       for l in labels)]
    checks = check_text(text, sources)
    return ClaimResult(claim, not any(c.status == MISMATCH for c in checks), checks)
