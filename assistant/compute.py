"""Answers that compute: a prior year backed out, budget left unspent, execution rate, share, growth,
a comparison of two figures, a sum of several.

Each computation is a `Derived` (derive.py) over stored facts that are about the
item asked, and is written with its formula; review.py recomputes the declared
operation from the cited operands before the sentence is shown.
"""
from __future__ import annotations

import re

from .compose import CHANGE, Draft, about, bare, companion, describe, fmt, item_name, money, subject, who, who_en
from .corpus import Corpus, StoredFact
from .derive import derive

_AMOUNT = ("万元", "元", "亿元")


def prior_year(draft: Draft, facts: list[StoredFact], corpus: Corpus) -> bool:
    """The year before a report, backed out of the change it states: 2021 = 31.13 − 27.30."""
    for fact in facts:
        base = fact if fact.measure not in CHANGE else companion(corpus, fact, ("决算数", "预算数", "金额"))
        change = companion(corpus, base, ("增加", "减少")) if base else None
        if base is None or change is None or change.uom != base.uom:
            continue
        up = change.measure == "增加"
        prior = derive("prior_after_rise" if up else "prior_after_fall", base, change)
        if prior is None:
            continue
        draft.derive(prior)
        n, m = draft.cite(base), draft.cite(change)
        year = (base.doc.year or 0) - 1
        # the rate the same sentence states with the change (“减少12927.19万元，下降29.58%”)
        rate = next((o for o in corpus.facts_by_source.get((change.doc.doc_id, change.source), [])
                     if o.uom == "%" and o.value and o.measure in CHANGE), None)
        stated = f"，{'增长' if up else '下降'}{fmt(rate)}[{m}]" if rate is not None else ""
        draft.say(f"语料中没有{year}年的报告；按{who(base.doc)}推算，{year}年{subject(base)}为"
                  f"{money(prior.value, base.uom)}（{prior.formula}：{base.doc.year}年{fmt(base)}[{n}]，"
                  f"比上年{change.measure}{fmt(change)}[{m}]{stated}）。",
                  f"There is no {year} report; from {who_en(base.doc)}, {year}'s {subject(base)} was "
                  f"{money(prior.value, base.uom)} ({prior.formula}: {fmt(base)} in {base.doc.year} [{n}], "
                  f"{'up' if up else 'down'} {fmt(change)} on the year before [{m}]{stated}).", answers=(base,))
        return True
    return False


_COLUMN_YEAR = re.compile(r"(20\d{2})\s*年")


def beside_prior(facts: list[StoredFact], corpus: Corpus) -> tuple[StoredFact, StoredFact] | None:
    """This year's figure and the prior year's printed beside it in the same row (“三公”经费表:
    2025年预算数 › 合计 21.00 ｜ 2026年预算数 › 合计 10.00), for a year no report of the corpus is for."""
    for fact in facts:
        if not fact.table or fact.value is None:
            continue
        year = _COLUMN_YEAR.search(fact.column)
        if not year or int(year.group(1)) != fact.doc.year:
            continue
        want = fact.column.replace(year.group(1), str(fact.doc.year - 1), 1)
        prior = next((o for o in corpus.facts_by_source.get((fact.doc.doc_id, fact.source), [])
                      if o.column == want and o.value is not None and o.uom == fact.uom), None)
        if prior is not None:
            return fact, prior
    return None


def budget_and_actual(ranked: list[StoredFact], terms: tuple[str, ...]) -> tuple[StoredFact | None, StoredFact | None]:
    """The 预算数 and 决算数 of one item, from the same table row or the same sentence.

    An item the question names exactly is preferred over a better-ranked neighbour.
    """
    ranked = sorted(ranked, key=lambda f: item_name(f.label) not in terms)
    for budget in ranked:
        where = budget.column + budget.measure
        if budget.uom == "%" or budget.value is None or "预算" not in where or re.search(r"决算|执行", where):
            continue
        for actual in ranked:
            there = actual.column + actual.measure
            if (actual.label == budget.label and actual.source == budget.source and actual.value is not None
                    and re.search(r"决算|执行数", there) and actual.uom == budget.uom):
                return budget, actual
    return None, None


def _budget_pair(ranked: list[list[StoredFact]], terms: tuple[str, ...], op: str, first: str):
    """The first report's 预算数 and 决算数 of the item, and `op` over them (`first` of the two goes first)."""
    for facts in ranked:
        budget, actual = budget_and_actual(facts, terms)
        if budget and actual:
            derived = derive(op, *((budget, actual) if first == "budget" else (actual, budget)))
            if derived is not None:
                return budget, actual, derived
    return None


def unspent(draft: Draft, ranked: list[list[StoredFact]], terms: tuple[str, ...]) -> bool:
    """Budget left unspent: 预算数 − 决算数 of the same item in the same report."""
    found = _budget_pair(ranked, terms, "difference", first="budget")
    if found is None:
        fact = ranked[0][0]
        n = draft.cite(fact)
        draft.say(f"{who(fact.doc)}中，{describe(fact)}为{fmt(fact)}[{n}]；报告未同时给出同一项目的预算数和决算数，无法计算结余。",
                  f"In {who_en(fact.doc)}, {describe(fact)} is {fmt(fact)} [{n}]; the report does not give both budget "
                  f"and actual for this item, so the unspent amount cannot be computed.", answers=(fact,))
        return True
    budget, actual, left = found
    draft.derive(left)
    n, m = draft.cite(budget), draft.cite(actual)
    draft.say(f"{who(budget.doc)}中，{subject(budget)}预算{fmt(budget)}[{n}]，决算{fmt(actual)}[{m}]，"
              f"未支出{money(left.value, left.unit)}（{left.formula}）。",
              f"In {who_en(budget.doc)}, {subject(budget)} was budgeted at {fmt(budget)} [{n}] and "
              f"{fmt(actual)} was spent [{m}], leaving {money(left.value, left.unit)} unspent ({left.formula}).",
              answers=(budget, actual))
    return True


def execution_rate(draft: Draft, ranked: list[list[StoredFact]], terms: tuple[str, ...]) -> bool:
    """Budget execution rate: 决算数 ÷ 预算数 of the same item, when the report does not state it."""
    found = _budget_pair(ranked, terms, "share", first="actual")
    if found is None:
        return False
    budget, actual, rate = found
    draft.derive(rate)
    n, m = draft.cite(actual), draft.cite(budget)
    draft.say(f"{who(budget.doc)}中，{subject(actual)}决算{fmt(actual)}[{n}]，预算{fmt(budget)}[{m}]，"
              f"执行率{money(rate.value, '%')}（{rate.formula}）。",
              f"In {who_en(budget.doc)}, {subject(actual)}: actual {fmt(actual)} [{n}] against a budget of "
              f"{fmt(budget)} [{m}], an execution rate of {money(rate.value, '%')}.", answers=(budget, actual))
    return True


# “A占B的比重”, and “B里，A占多大比例” where the whole is named first
_SHARE = re.compile(r"([^，,。？?]{2,30}?)[，,]?占(?!比)([^，,。？?]{2,30}?)的?(比重|比例|百分之|多少|比)")
_WHOLE_FIRST = re.compile(r"([^，。？?]{2,30}?)(?:里|中|当中|之中|里面)[，,]?([^，。？?]{2,30}?)占(?:了|据)?(?:多大|多少)?的?"
                          r"(比重|比例|百分之|份额|比)")


def share_parts(query: str) -> tuple[str, str] | None:
    """The part and the whole a share question names, in that order."""
    m = _SHARE.search(query)
    if m and not re.fullmatch(r"(了|据)?(多大|多少|百分之几?)?", m.group(2)):  # “占了百分之多少” names no whole
        return m.group(1), m.group(2)
    whole_first = _WHOLE_FIRST.search(query)
    return (whole_first.group(2), whole_first.group(1)) if whole_first else None


def amount_of(ranked: list[StoredFact], beside: StoredFact | None = None,
              whole: tuple[str, ...] = (), named: str = "") -> StoredFact | None:
    """The best-ranked amount that is a level (not a change, not a 决算's budget column).

    A row whose name the question gives in full (`named`) comes first. A whole (named by the words `whole`) is its
    table's total row when the best row is
    not named so (the row of one unit in a table of units); a part is taken from the table of its whole where that
    table prints the same item, so that a share is of figures printed alike (both in 元).
    """
    levels = [f for f in ranked if f.uom in _AMOUNT and f.value is not None and f.measure not in CHANGE
              and not (f.doc.kind == "决算" and "预算" in f.measure + f.column)]
    if not levels:
        return None
    # a row the question names in full (“一般公共预算拨款支出中…”) is meant, however the rest rank
    asked = _unquoted(named)
    said = [f for f in levels if (name := _unquoted(item_name(f.label))) and name in asked
            and len(name) >= max(4, 0.6 * len(asked))]  # 基本支出 is not all of 财政拨款基本支出
    top = max(said, key=lambda f: len(item_name(f.label))) if said else levels[0]
    if whole and top.table and not any(t in top.label for t in whole):
        total = next((f for f in levels if f.table == top.table and f.column == top.column
                      and re.fullmatch(r"(支出|收入)?(合计|总计)", f.label.replace(" ", ""))), None)
        return total or top
    if beside is not None and beside.table and top.table != beside.table:
        name = item_name(top.label)
        alike = [f for f in levels if f.table == beside.table and f.label != beside.label]
        # the same item in the whole's table, else the best of the part's rows that table prints
        return next((f for f in alike if name and name in f.label), top if said or not alike else alike[0])
    return top


def _unquoted(name: str) -> str:
    return bare(name).replace("的", "")  # “…基金的补助” as a question quotes it


def share(draft: Draft, part: StoredFact, whole: StoredFact) -> bool:
    """A ÷ B from the same report, when the report does not state the share itself."""
    if part is whole or (part.value is not None and whole.value is not None and part.uom == whole.uom
                         and abs(part.value) > abs(whole.value)):
        return False  # a part larger than its whole is a wrong pair, not a share
    ratio = derive("share", part, whole)
    if ratio is None:
        return False
    draft.derive(ratio)
    n, k = draft.cite(part), draft.cite(whole)
    draft.say(f"{who(part.doc)}中，{subject(part)}{fmt(part)}[{n}]，{subject(whole)}{fmt(whole)}[{k}]，前者占后者的"
              f"{money(ratio.value, '%')}（{ratio.formula}）。",
              f"In {who_en(part.doc)}, {subject(part)} is {fmt(part)} [{n}] and {subject(whole)} {fmt(whole)} [{k}]: "
              f"a share of {money(ratio.value, '%')} ({ratio.formula}).")
    return True


def growth_from_change(draft: Draft, fact: StoredFact, corpus: Corpus) -> bool:
    """“增长了百分之几” when the report gives the change in money but not as a rate."""
    base = fact if fact.measure not in CHANGE else companion(corpus, fact, ("决算数", "预算数", "金额"))
    change = fact if fact.measure in ("增加", "减少") else companion(corpus, fact, ("增加", "减少"))
    if base is None or change is None or base.uom != change.uom:
        return False
    up = change.measure == "增加"
    rate = derive("rate_of_rise" if up else "rate_of_fall", base, change)
    if rate is None:
        return False
    draft.derive(rate)
    n, m = draft.cite(base), draft.cite(change)
    draft.say(f"{who(base.doc)}中，{subject(base)}为{fmt(base)}[{n}]，比上年{change.measure}{fmt(change)}[{m}]，"
              f"{'增长' if up else '下降'}{money(rate.value, '%')}（{rate.formula}）。",
              f"In {who_en(base.doc)}, {subject(base)} is {fmt(base)} [{n}], {'up' if up else 'down'} {fmt(change)} "
              f"[{m}] on the year before: {money(rate.value, '%')} ({rate.formula}).", answers=(base,))
    return True


def alike(levels: list[StoredFact], ranked: list[list[StoredFact]]) -> list[StoredFact]:
    """The same item on both sides of a comparison: where the other report holds a figure named as this
    one is (same item, same column or measure; a sentence against a sentence), it is compared, not a
    better-ranked neighbour (a 财政拨款 part of one year against the other year's total). Either side
    may be the one the other is matched to."""
    out = [levels[0]] + [_match(levels[0], c) or f for f, c in zip(levels[1:], ranked[1:])]
    if len(levels) == 2 and _match(levels[0], ranked[1]) is None:
        other = _match(levels[1], ranked[0])
        out = [other, levels[1]] if other is not None else out
    return out


def _match(anchor: StoredFact, candidates: list[StoredFact]) -> StoredFact | None:
    key = (item_name(anchor.label), anchor.column.rsplit(" › ", 1)[-1] or anchor.measure)
    same = next((f for f in candidates if f.uom == anchor.uom and
                 (item_name(f.label), f.column.rsplit(" › ", 1)[-1] or f.measure) == key), None)
    if same is None and not anchor.table:  # a sentence's figure against the other report's sentence
        same = next((f for f in candidates if not f.table and f.uom == anchor.uom and f.measure not in CHANGE
                     and f.year == f.doc.year and (key[0] in f.label or item_name(f.label) in key[0])), None)
    return same


def compare(draft: Draft, facts: list[StoredFact], direction: str = "") -> None:
    """Two figures side by side, their difference and the rise from the earlier to the later."""
    a, b = facts
    diff = derive("difference", a, b) if a.uom == b.uom else None
    if diff is None:
        for f in facts:
            n = draft.cite(f)
            draft.say(f"{who(f.doc)}中，{describe(f)}为{fmt(f)}[{n}]。", f"In {who_en(f.doc)}, {describe(f)} is {fmt(f)} [{n}].",
                      answers=(f,))
        return
    if (b.doc.year or 0) > (a.doc.year or 0):
        a, b = b, a  # later year first, so that growth reads forward in time
        diff = derive("difference", a, b)
    draft.derive(diff)
    n, m = draft.cite(a), draft.cite(b)
    if diff.value == 0:
        draft.say(f"{who(a.doc)}{describe(a)}为{fmt(a)}[{n}]，{who(b.doc)}{describe(b)}为{fmt(b)}[{m}]，两者持平。",
                  f"{who_en(a.doc)}: {describe(a)} {fmt(a)} [{n}]; {who_en(b.doc)}: {describe(b)} {fmt(b)} [{m}]; "
                  f"the two are the same (持平).", answers=(a, b))
        return
    more = diff.value > 0
    if (direction == "up" and not more) or (direction == "down" and more):
        draft.say(f"这个问题的前提不成立：并非{'增加' if direction == 'up' else '减少'}，而是{'增加' if more else '减少'}"
                  f"{money(abs(diff.value), a.uom)}。",
                  f"The premise does not hold: it {'increased' if more else 'decreased'} by "
                  f"{money(abs(diff.value), a.uom)}.")
    years = a.doc.unit == b.doc.unit and a.doc.year and b.doc.year and a.doc.year != b.doc.year
    change = (f"{a.doc.year}年比{b.doc.year}年{'增加' if more else '减少'}" if years  # one unit over two years
              else f"前者比后者{'多' if more else '少'}")
    zh = (f"{who(a.doc)}{describe(a)}为{fmt(a)}[{n}]，{who(b.doc)}{describe(b)}为{fmt(b)}[{m}]；"
          f"{change}{money(abs(diff.value), a.uom)}（{diff.formula}）")
    en = (f"{who_en(a.doc)}: {describe(a)} {fmt(a)} [{n}]; {who_en(b.doc)}: {describe(b)} {fmt(b)} [{m}]; "
          f"the first is {money(abs(diff.value), a.uom)} {'more' if more else 'less'} ({diff.formula})")
    rise = derive("growth", a, b)
    if rise is not None:
        draft.derive(rise)
        zh += f"，{'增长' if more else '下降'}{money(abs(rise.value), '%')}（{rise.formula}）"
        en += f", a change of {money(rise.value, '%')} ({rise.formula})"
    draft.say(zh + "。", en + ".", answers=(a, b))


def total(draft: Draft, facts: list[StoredFact]) -> bool:
    """Several items of one report added up."""
    summed = derive("sum", *facts) if len({f.uom for f in facts}) == 1 else None  # 万元 beside 元 is not added
    if summed is None:
        return False
    draft.derive(summed)
    names = "、".join(f"{subject(f)}{fmt(f)}[{draft.cite(f)}]" for f in facts)
    draft.say(f"{who(facts[0].doc)}中，{names}，合计{money(summed.value, summed.unit)}（{summed.formula}）。",
              f"{who_en(facts[0].doc)}: {names}; in total {money(summed.value, summed.unit)} ({summed.formula}).")
    return True


def about_item(facts: list[StoredFact], terms: tuple[str, ...]) -> list[StoredFact]:
    """Only the facts about the asked item may be computed with (a prior year backed out of them)."""
    return [f for f in facts if about(f, list(terms))]
