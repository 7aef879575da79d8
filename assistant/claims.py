"""Checking a statement someone else wrote ("…三公经费为31.31万元") against the corpus.

Unlike an answer, a claim cites nothing: its sources are the facts of the
reports it names whose subject matches what each figure is said to be about.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .corpus import Corpus, StoredFact
from .names import longest_first, short_names
from .scope import find_scope
from .verify import (MISMATCH, SOURCED, UNVERIFIABLE, Check, Source, _same_kind, check_figure, check_text,
                     dimension, find_figures, label_similarity, names_same)

NEAREST = 0.3

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
    # the label keeps the row's ancestry (a 绩效 project, 类/款) so a claim can name the item either way
    label = " ".join(dict.fromkeys([*fact.path[:-1], fact.label]))
    return Source(fact.value, fact.uom, label, fact.measure, ref=f"{where}：{what}", year=fact.year)


def _subject_text(claim: str, units: list[str]) -> str:
    """The claim without the unit's names and years, so that figure labels name only the item."""
    for name in longest_first(a for u in units for a in short_names(u)):
        claim = claim.replace(name, "")
    return re.sub(r"20\d{2}\s*年度?", "", claim)


def check_claim(claim: str, corpus: Corpus) -> ClaimResult:
    scope = find_scope(claim, corpus)
    docs = {d.doc_id for d in scope.docs} if scope.units or scope.years else set(corpus.documents)
    text = _subject_text(claim, scope.units)
    labels = {f.label for f in find_figures(text) if f.label}
    in_scope = [_source(f) for d, facts in corpus.facts_by_doc.items() if d in docs for f in facts if f.value is not None]
    sources = [s for s in in_scope if any(names_same(l, s) or names_same(l, _named(s)) for l in labels)]
    checks = check_text(text, sources, strict=True)
    for k, check in enumerate(checks):
        if check.status == UNVERIFIABLE and check.figure.label:
            checks[k] = _nearest(check, in_scope) or check
    return ClaimResult(claim, not any(c.status == MISMATCH for c in checks), checks)


def _named(source: Source) -> Source:
    """The source under its row's own name only (30201 办公费 → 办公费), for claims that name just that."""
    return Source(source.value, source.uom, source.label.split(" ")[-1], source.measure, source.ref,
                  year=source.year)


def _nearest(check: Check, sources: list[Source]) -> Check | None:
    """A figure no source names closely: the report's figure of the same kind whose name is nearest.

    Only consulted after the figure matched nothing, so a true figure is never
    contradicted by it.
    """
    figure = check.figure
    candidates = [s for s in sources if dimension(s.uom) == figure.dimension and _same_kind(figure, s)
                  and (not figure.year or not s.year or figure.year == s.year)]
    found = check_figure(figure, [s for s in candidates if s.value == figure.value], formulas=[])
    if found.status == SOURCED:  # the report states it under another wording of the name
        return found
    scored = [(label_similarity(figure.label, s.label + s.measure), s) for s in candidates]
    scored = [(score, s) for score, s in scored if score >= NEAREST]
    if not scored:
        return None
    best = max(scored, key=lambda x: x[0])[1]
    return Check(figure, MISMATCH, expected=best.value, source=best)
