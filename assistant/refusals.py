"""Refusals: why a question cannot be answered, as a code, and what the corpus holds instead.

Every refusal names what is missing (the unit, the year, the table or the item)
and what the reports in scope do hold, so the user knows what to ask. The code
(`Answer.refusal`) lets the web chat, the CLI and the evaluation tell kinds of
refusal apart without reading the sentence.
"""
from __future__ import annotations

import re

from .compose import Draft, who
from .corpus import Corpus, StoredChunk
from .names import longest_first, short_names
from .plan import MAX_QUESTION
from .scope import Scope

REASONS = {
    "empty": "no question was asked",
    "too_long": "the question is longer than MAX_QUESTION characters",
    "no_words": "the question has no words to read",
    "no_unit": "the corpus holds no report from the unit named",
    "no_report": "the corpus holds no report for the units, years or kind asked",
    "no_table": "the reports in scope do not publish the table named",
    "undisclosed": "the reports publish no such figure (one person's pay, a price, a fee)",
    "no_item": "no figure or passage in scope is about the item asked",
    "no_prior": "the report states no change from which the year before could be backed out",
    "not_about": "the figures found are about another item than the one asked",
    "unverified": "no figure of the draft is supported by its cited sources",
}


def polite(code: str, length: int, english: bool) -> str:
    """The message for a question that cannot be read at all."""
    if code == "empty":
        return "请输入一个关于决算或预算的问题，例如“2022年四川省农民工服务中心三公经费是多少？”"
    if code == "too_long":
        return (f"问题太长（{length}字，上限{MAX_QUESTION}字）。请把问题缩短为一句话，例如“规划和自然资源局2024年办公费是多少？”"
                if not english else f"The question is too long ({length} characters, limit {MAX_QUESTION}).")
    return "没有看懂这个问题。请用文字提问，例如“财政局2024年本年收入合计是多少？”"


def unit(draft: Draft, name: str, corpus: Corpus) -> None:
    units = "、".join(corpus.units())
    draft.refuse("no_unit", f"语料中没有“{name}”的报告，无法回答。现有单位：{units}。",
                 f"The corpus has no report from “{name}”, so this cannot be answered. Units available: {units}.")


def scope(draft: Draft, asked: Scope, corpus: Corpus, reason: str = "", code: str = "no_report") -> None:
    holdings = corpus.holdings()
    units = asked.units or list(holdings)
    held = "；".join(f"{u}：" + "、".join(f"{y}年{k}" for y, k in holdings.get(u, [])) for u in units[:8])
    years = "、".join(f"{y}年" for y in asked.years) + (asked.kind or "")
    why = reason or f"语料中没有{'、'.join(asked.units) or '任何单位'}{years}的报告"
    draft.refuse(code, f"无法回答：{why}。语料中有：{held}。",
                 f"This cannot be answered: the corpus has no {years or 'matching'} report for "
                 f"{', '.join(asked.units) or 'any unit'}. It holds: {held}.")


_TABLE_MENTION = re.compile(r"([\u4e00-\u9fff“”]{4,30}?(?:决算表|预算表|总表|明细表))")


def undisclosed(draft: Draft, asked: Scope, price: bool = False) -> None:
    where = "、".join(who(d) for d in asked.docs[:3]) or "语料中的报告"
    if price:
        draft.refuse("undisclosed", f"{where}不公布价格、收费标准、单价、品牌或合同金额：部门预算和决算只公布各项收支的"
                                    f"合计数，无法回答一件东西、一项收费或一份合同多少钱。可以问相应的支出或收入合计。",
                     f"{where} publish no prices, fees, unit costs, brands or contract amounts: budgets and final "
                     f"accounts give only totals of income and spending. Ask for the total instead.")
        return
    draft.refuse("undisclosed", f"{where}不公开个人的工资收入：部门预算和决算只公布单位的工资福利支出、人员经费等合计数，"
                                f"无法回答某位领导或职工本人的工资。可以问单位的“工资福利支出”或“人员经费”。",
                 f"{where} do not publish any individual's pay: budgets and final accounts give only the unit's "
                 f"totals (工资福利支出, 人员经费). Ask for those instead.")


def missing_table(query: str, asked: Scope) -> str:
    """A table the question names that none of the reports in scope publishes."""
    m = _TABLE_MENTION.search(query)
    if not m or any(d.untitled_tables for d in asked.docs):
        return ""  # a table printed without a title may well be the one named
    name = re.sub(r"^(.*?20\d{2})?年?度?", "", m.group(1))
    held = {_table_core(t, asked.units) for d in asked.docs for t in d.tables}
    core = _table_core(name, asked.units)
    return "" if any(core in t or t in core for t in held if t) else name


def _table_core(title: str, units: list[str]) -> str:
    """A table's name as compared with the one a question gives: without its year, the unit's name, and the
    words people add or leave out (《省委办公厅财政拨款基本支出预算表》, 《部门预算收入预算总表》 for 部门收入预算总表)."""
    title = re.sub(r"[“”\"]", "", title)
    for name in longest_first([n for u in units for n in short_names(u)] + list(units)):
        title = title.replace(name, "")
    title = re.sub(r"^.*的", "", title)  # “湖州退役军人局的项目支出预算表” names the 项目支出预算表
    return re.sub(r"^.*?20\d{2}年?度?|部门|单位|本级|预算|决算", "", title)


def table(draft: Draft, name: str, asked: Scope) -> None:
    held = "、".join(sorted({t for d in asked.docs for t in d.tables})[:10]) or "（无表格）"
    where = "、".join(who(d) for d in asked.docs[:3])
    draft.refuse("no_table", f"{where}没有公开《{name}》，无法回答。该报告公开的表格有：{held}。",
                 f"{where} does not publish 《{name}》, so this cannot be answered. Its tables: {held}.")


def item(draft: Draft, terms: list[str] | tuple[str, ...], asked: Scope, corpus: Corpus,
         nearest: list[StoredChunk] = ()) -> None:
    """Refuse, and say what the reports hold: their tables, and the passages closest to the question.

    The closest passages come from hybrid retrieval (BM25 + e5): no fact names the
    item, but a passage that both rankings put near the top is likely what a
    differently worded question was after, so the user knows where to look or what
    to ask. A passage only the dense ranking found is not named: e5 ranks some
    passage first for any question at all.
    """
    docs = asked.docs[:3]
    tables = sorted({f.table for d in docs for f in corpus.facts_by_doc[d.doc_id] if f.table})[:8]
    what = "、".join(terms) or "所问项目"
    where = "、".join(who(d) for d in docs)
    draft.refuse("no_item", f"在{where}中没有找到关于“{what}”的数据，无法回答。这些报告包含：{'、'.join(tables)}等。",
                 f"No figure about “{what}” was found in {where}, so this cannot be answered. These reports "
                 f"contain: {', '.join(tables)}.")
    if nearest:
        places = "；".join(dict.fromkeys(place(c) for c in nearest))
        draft.say(f"与问题最接近的内容：{places}。", f"The passages closest to the question: {places}.")


def place(chunk: StoredChunk) -> str:
    """Where a chunk is, in the words a reader of the report would use."""
    page = f"（第{chunk.page}页）" if chunk.page else ""
    if chunk.table:
        return f"{who(chunk.doc)}《{chunk.table}》{page}"
    section = chunk.section.rsplit(" › ", 1)[-1]
    return f"{who(chunk.doc)}“{section}”{page}" if section else f"{who(chunk.doc)}说明部分{page}"
