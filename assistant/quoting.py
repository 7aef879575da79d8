"""Answers in the report's own words: a passage quoted, a table's rows listed, 有/没有 settled.

A question about words (主要职责, 内设机构, 名词解释, 有没有…) is answered by the
sentences that answer it (passages.py finds and trims them); 有没有… is settled by
the figure when the reports hold one (有, with the figure; 没有 when it is 0), and by
the report's words otherwise.
"""
from __future__ import annotations

import re

from . import refusals
from .compose import COUNTERS, Draft, best_docs, item_name, pick, table_named, who, who_en
from .corpus import Corpus, StoredFact
from .figures import lookup
from .passages import NEGATION, Passage, PassageRetriever, best_passage, key_terms, names_item, question_terms, says_none
from .plan import Clause
from .retrieve import Retriever
from .scope import Scope
from .verify import dimension, find_figures, to_base

NEAREST = 2  # passages named when a question is refused for want of the item
CANDIDATES = 16  # chunks whose sentences are weighed: the answering sentence is often in a chunk ranked below 8th


def answer(draft: Draft, clause: Clause, scope: Scope, words: list[str], retriever: Retriever,
           corpus: Corpus) -> None:
    query, intents = clause.text, clause.intents
    if "yes_no" in intents and _yes_no(draft, clause, scope, words, retriever, corpus):
        return
    if "list" in intents and list_rows(draft, query, scope, corpus):
        return
    doc_ids = {d.doc_id for d in scope.docs}
    nodes = PassageRetriever(retriever, doc_ids, intents, k=CANDIDATES).retrieve(query)
    found = best_passage(nodes, corpus, query, words, intents)
    if found is None:
        nearest = [corpus.chunk_index[n.node.node_id] for n in nodes[:NEAREST]]
        return refusals.item(draft, question_terms(query, words), scope, corpus, nearest)
    n = draft.cite_sentence(found.doc, found.text, found.page, found.section)
    lead = ""
    if "yes_no" in intents:
        figures = find_figures(found.text)
        amounts = [f.value for f in figures if dimension(f.unit) == "money"]
        key = key_terms(question_terms(query, words))
        # “…及 0 个下属单位”: a count of none of the very thing asked about
        none_of = any(f.value == 0 and _named_after(found.text, f.end, key) for f in figures)
        no = NEGATION.search(found.text) or (amounts and not any(amounts)) or none_of
        lead = "没有。" if no else "有。"
    draft.say(f"{lead}{who(found.doc)}写道：“{found.text}”[{n}]",
              f"{'No. ' if lead == '没有。' else 'Yes. ' if lead else ''}{who_en(found.doc)} states: "
              f"“{found.text}” [{n}]")


def _yes_no(draft: Draft, clause: Clause, scope: Scope, words: list[str], retriever: Retriever,
            corpus: Corpus) -> bool:
    """有没有…, settled by the figure for the item (有 when it is not 0) and by the report's words that
    there is none (“本单位无政府性基金预算收支”); both are shown, and where they disagree, the answer says so
    — real reports print a 三公 table with figures beside a note that the unit has none."""
    fact = _item_figure(clause, scope, retriever, corpus)
    none = _none_said(clause, scope, words, retriever, corpus)
    if fact is None and none is None:
        return False
    if fact is not None:
        money = dimension(fact.uom) == "money"
        draft.say("有。" if fact.value else "没有（金额为0）。" if money else "没有。",
                  "Yes." if fact.value else "No (the amount is 0)." if money else "No.")
        lookup(draft, fact, clause.text, corpus)
        said = _in_words(fact, corpus) if fact.table and fact.value else None
        if said is not None:  # 有, then the sentence that says so
            n = draft.cite(said)
            draft.say(f"报告写道：“{said.source}”[{n}]", f"The report states: “{said.source}” [{n}]")
    if none is not None:
        n = draft.cite_sentence(none.doc, none.text, none.page, none.section)
        if fact is None:
            draft.say(f"没有。{who(none.doc)}写道：“{none.text}”[{n}]", f"No. {who_en(none.doc)} states: “{none.text}” [{n}]")
        elif fact.value:
            draft.say(f"但报告另一处写道：“{none.text}”[{n}]，与上面的数字不一致，请以原表为准核对。",
                      f"But the report also states: “{none.text}” [{n}], which disagrees with the figure above.")
        else:
            draft.say(f"报告写道：“{none.text}”[{n}]", f"The report states: “{none.text}” [{n}]")
    return True


def _in_words(fact: StoredFact, corpus: Corpus) -> StoredFact | None:
    """The report's sentence that states a table cell's amount for the same item (“因公出国(境)费839万元”)."""
    # the item is the row's, or the column's where the row is only the table's 合计 (the one-line 三公 table)
    name = item_name(fact.label)
    names = [name] if name not in ("合计", "总计", "小计") else [fact.column.rsplit(" › ", 1)[-1]]
    for other in corpus.facts_by_doc[fact.doc.doc_id]:
        if not other.table and other.value and other.uom and dimension(other.uom) == dimension(fact.uom) \
                and to_base(other.value, other.uom) == to_base(fact.value, fact.uom) and names_item(other.source, names):
            return other
    return None


def _none_said(clause: Clause, scope: Scope, words: list[str], retriever: Retriever, corpus: Corpus) -> Passage | None:
    """The report's sentence that there is none of the item (“本单位无当年政府性基金预算收支，并已公开空表”)."""
    key = key_terms(question_terms(clause.text, words))
    if not key or clause.counter:
        return None
    nodes = PassageRetriever(retriever, {d.doc_id for d in scope.docs}, clause.intents,
                             k=CANDIDATES).retrieve(clause.text)
    return best_passage(nodes, corpus, clause.text, words, clause.intents, must=lambda s: says_none(s, key))


def _item_figure(clause: Clause, scope: Scope, retriever: Retriever, corpus: Corpus) -> StoredFact | None:
    """The figure for the item of a 有没有… question, where the reports hold one (a count, for 有没有车辆)."""
    terms = list(clause.items)
    per_doc = pick(retriever, clause.text, scope, terms) if terms else {}
    if clause.counter:  # “有没有车辆” is answered by the count the unit holds
        per_doc = {d: kept for d, v in per_doc.items() for kept in [[x for x in v if x[0].uom in COUNTERS[clause.counter]]]
                   if kept}
    docs = best_docs(per_doc, limit=1)
    fact = per_doc[docs[0]][0][0] if docs else None
    # a count is of what the question names, in any words; a count in 辆 is of vehicles, whatever it calls them
    named = terms + ["车"] if clause.counter == "辆" else terms if clause.counter else key_terms(terms)
    if fact is not None and not fact.table and dimension(fact.uom) != "money" and fact.span:
        # “9个机关行政处室及0个下属单位”: the count of the thing asked is the one printed before its name
        counts = [f for f in corpus.facts_by_source.get((fact.doc.doc_id, fact.source), [])
                  if f.span and _named_after(f.source, f.span[1], named)]
        fact = counts[0] if counts else fact
    if fact is None or fact.value is None or fact.uom == "%" or not names_item(fact.text, named):
        return None
    return fact


def _named_after(text: str, end: int, terms: list[str]) -> bool:
    """The text names one of the terms right after a figure ending at `end` (“0 个下属单位”): a count of that."""
    return any(t in text[end:end + len(t) + 2] for t in terms)


def list_rows(draft: Draft, query: str, scope: Scope, corpus: Corpus) -> bool:
    """“预算07表包括哪些科目？”: the rows of the table the question names, in the report's order."""
    named = [(doc, title) for doc in scope.docs for title in doc.tables if table_named(title, query)]
    # the longest title named is the table meant: 支出决算表 is also inside “三公”经费支出决算表
    for doc, title in sorted(named, key=lambda dt: -len(dt[1]))[:1]:
        rows = [f for f in corpus.facts_by_doc[doc.doc_id] if f.table == title]
        labels = list(dict.fromkeys(f.label for f in rows if not re.fullmatch(r"(支出|收入)?(合计|总计|小计)", f.label)))
        if not labels:  # a one-line table (the “三公” table) lists its items in its columns
            labels = list(dict.fromkeys(f.column.replace(" › ", "") for f in rows))
        if not labels:
            return False
        listed = "；".join(labels[:20]) + ("……" if len(labels) > 20 else "")
        n = draft.cite_sentence(doc, listed, rows[0].page, title)
        draft.say(f"{who(doc)}《{title}》列出：{listed}[{n}]", f"{who_en(doc)}, 《{title}》, lists: {listed} [{n}]")
        return True
    return False
