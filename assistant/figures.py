"""Figures as the reports state them: a cell or a sentence, its twin in the other half of the report,
the other cells of its row the question names, and the report's own reasons.

Each function writes cited sentences to a `Draft`; the facts a sentence gives as
the answer are passed as `answers`, so review.py can check they are about the item asked.
"""
from __future__ import annotations

import re
from decimal import Decimal

from .compose import CHANGE, Draft, companion, describe, fmt, reason_sentences, subject, who, who_en
from .corpus import Corpus, StoredFact
from .retrieve import tokens
from .verify import dimension, to_base

def stated(corpus: Corpus, doc_ids: list[str], amounts: tuple[tuple[Decimal, str], ...],
           ranked: list[StoredFact]) -> StoredFact | None:
    """The fact that carries an amount the question states (“减少了990万元”), in the reports in scope.

    Whatever words the question uses for the item, the figure it quotes names it: the
    best-ranked fact with that value, else the first in the report's order, prose before tables.
    """
    def equal(fact: StoredFact) -> bool:
        return fact.value is not None and dimension(fact.uom) == "money" and any(
            abs(to_base(fact.value, fact.uom) - to_base(v, u)) <= to_base(Decimal("0.005"), "万元") for v, u in amounts)
    found = next((f for f in ranked if equal(f)), None)
    if found is None:
        found = min((f for d in doc_ids for f in corpus.facts_by_doc.get(d, []) if equal(f)),
                    key=lambda f: (bool(f.table), f.id), default=None)
    return found


def lookup(draft: Draft, fact: StoredFact, query: str, corpus: Corpus) -> None:
    """A figure as the report states it: the table cell, and the prose sentence that says it in words.

    A prose figure is quoted in its whole sentence, which usually carries the
    share and the change asked about with it; where prose and table disagree,
    both are shown and the disagreement said.
    """
    n = draft.cite(fact)
    doc = fact.doc
    if fact.unreadable:
        draft.say(f"{who(doc)}中，{describe(fact)}在报告中印为“#####”，无法读取[{n}]。",
                  f"In {who_en(doc)}, {describe(fact)} is printed as “#####” and cannot be read [{n}].")
        return
    if not fact.table and not fact.column:  # a sentence; a cell of an untitled table is named like any cell
        draft.say(f"{who(doc)}写道：“{fact.source.strip()}”[{n}]",
                  f"{who_en(doc)} states: “{fact.source.strip()}” [{n}]", answers=(fact,))
    else:
        draft.say(f"{who(doc)}中，{describe(fact)}为{fmt(fact)}[{n}]。",
                  f"In {who_en(doc)}, {describe(fact)} is {fmt(fact)} [{n}].", answers=(fact,))
        for other in _row_cells_asked(corpus, fact, query):
            draft.say(f"同一行「{other.column.replace(' › ', '')}」为{fmt(other)}[{n}]。",
                      f"In the same row, {other.column} is {fmt(other)} [{n}].")
    twin, agrees = _twin(corpus, fact)
    if twin is None:
        return
    m = draft.cite(twin)
    if agrees and fact.table:
        draft.say(f"报告说明部分写道：“{twin.source.strip()}”[{m}]",
                  f"The report's text says: “{twin.source.strip()}” [{m}]")
    elif not agrees:
        shown = f"“{twin.source.strip()}”" if not twin.table else f"{describe(twin)}为{fmt(twin)}"
        draft.say(f"注意：报告{'表格' if twin.table else '说明部分'}另有{shown}[{m}]，与上述数字不一致"
                  f"（相差{abs(fact.value - twin.value)}{fact.uom}）。",
                  f"Note: the report's {'table' if twin.table else 'text'} gives {fmt(twin)} [{m}] instead, "
                  f"which disagrees by {abs(fact.value - twin.value)}{fact.uom}.")


def _row_cells_asked(corpus: Corpus, fact: StoredFact, query: str) -> list[StoredFact]:
    """Other cells of the same table row whose column the question names (“执行数和执行率”)."""
    out = []
    for other in corpus.facts_by_source.get((fact.doc.doc_id, fact.source), []):
        if other is fact or other.value is None or other.label != fact.label or other.column == fact.column:
            continue
        leaf = other.column.rsplit(" › ", 1)[-1]
        if any(t in query for t in tokens(leaf) if len(t) >= 2 and t not in ("预算", "决算", "支出")) \
                or (len(leaf) >= 3 and leaf in query):
            out.append(other)
    return out[:3]


def extremes(draft: Draft, facts: list[StoredFact]) -> None:
    ranked = sorted((f for f in facts if f.value is not None), key=lambda f: -f.value)
    if len(ranked) > 1:
        top, low = ranked[0], ranked[-1]
        draft.say(f"其中最多的是{who(top.doc)}（{fmt(top)}），最少的是{who(low.doc)}（{fmt(low)}）。",
                  f"The largest is {who_en(top.doc)} ({fmt(top)}); the smallest {who_en(low.doc)} ({fmt(low)}).")


def _twin(corpus: Corpus, fact: StoredFact) -> tuple[StoredFact | None, bool]:
    """The same figure stated in the other half of the report (prose ↔ table), and whether they agree."""
    name = subject(fact).removesuffix("合计")
    if len(name) < 2 or fact.value is None:
        return None, True
    same_doc = corpus.facts_by_doc[fact.doc.doc_id]
    for other in same_doc:
        if (bool(other.table) != bool(fact.table)
                and other.value == fact.value and other.uom == fact.uom and name[:4] in other.source):
            return other, True
    if fact.uom == "%":
        return None, True
    for other in same_doc:
        other_name = subject(other).removesuffix("合计")
        if other.table:  # 《财政拨款收入支出决算总表》「总计」 is the prose's 财政拨款收入支出总计
            titled = re.sub(r"(决算|预算)?(总)?表.*$", "", other.table) + other_name
            other_name = titled if titled == name else other_name
        if (bool(other.table) != bool(fact.table)
                and other.value is not None and other.uom == fact.uom and other_name == name
                and other.measure not in CHANGE and "预算" not in other.measure + other.column
                and "上年" not in other.measure + other.column and other.value != fact.value):
            return other, False
    return None, True


def reasons(draft: Draft, fact: StoredFact, corpus: Corpus, question: str = "") -> None:
    found = reason_sentences(corpus, fact.doc, fact, question)
    if not found:
        draft.say("报告未说明原因。", "The report gives no reason.")
        return
    for sentence, page, section in found:
        n = draft.cite_sentence(fact.doc, sentence, page, section)
        draft.say(f"报告给出的原因：“{sentence}”[{n}]", f"The reason the report gives: “{sentence}” [{n}]")


def contradicts(direction: str, fact: StoredFact, corpus: Corpus) -> bool:
    """The question asserts a direction (“比上年减少了多少”) that the report's figure contradicts."""
    if not direction:
        return False
    asks_up = direction == "up"
    change = fact if fact.measure in CHANGE else companion(corpus, fact, CHANGE)
    if change is None:
        return False
    went_up = change.measure in ("增加", "增长率")
    return went_up != asks_up


def premise(draft: Draft, direction: str, query: str, fact: StoredFact, corpus: Corpus) -> None:
    """“为什么X大幅增加？” — check the premise against the figures before explaining anything."""
    asks_up = direction != "down"
    change = companion(corpus, fact, CHANGE) if fact.measure not in CHANGE else fact
    base = fact if fact.measure not in CHANGE else companion(corpus, fact, ("决算数", "预算数", "金额"))
    n = draft.cite(base or fact)
    shown = base or fact
    if shown.value == 0 and asks_up:  # nothing cannot have grown; it may well have fallen to nothing
        draft.say(f"这个问题的前提不成立：{who(shown.doc)}中，{describe(shown)}为{fmt(shown)}[{n}]，并没有"
                  f"增加。",
                  f"The premise does not hold: in {who_en(shown.doc)}, {describe(shown)} is {fmt(shown)} [{n}]; "
                  f"it did not increase.")
        return
    if change is not None and change.value is not None:
        m = draft.cite(change)
        went_up = change.measure in ("增加", "增长率")
        if went_up != asks_up:
            draft.say(f"这个问题的前提不成立：{who(change.doc)}中，{subject(change)}实际{change.measure}"
                      f"{fmt(change)}[{m}]，当年为{fmt(shown)}[{n}]。",
                      f"The premise does not hold: in {who_en(change.doc)}, {subject(change)} actually "
                      f"{'increased' if went_up else 'decreased'} by {fmt(change)} [{m}], to {fmt(shown)} [{n}].")
            return
        draft.say(f"{who(shown.doc)}中，{describe(shown)}为{fmt(shown)}[{n}]，{change.measure}{fmt(change)}[{m}]。",
                  f"In {who_en(shown.doc)}, {describe(shown)} is {fmt(shown)} [{n}], a change of {fmt(change)} [{m}].",
                  answers=(shown,))
    else:
        draft.say(f"{who(shown.doc)}中，{describe(shown)}为{fmt(shown)}[{n}]；报告未给出与上年的比较。",
                  f"In {who_en(shown.doc)}, {describe(shown)} is {fmt(shown)} [{n}]; the report gives no comparison "
                  f"with the year before.", answers=(shown,))
    reasons(draft, shown, corpus, query)
