"""From a question to a verified, cited `Answer` — the whole path, top to bottom.

1. clean the question (empty, too long, English → the reports' terms, colloquial words → terms);
2. scope it: which units, years and kind of report (决算/预算) it is about;
3. pick the facts it asks for from the fact store, per document in scope;
4. write the answer (lookup, prior year, difference, sum, share, unspent budget, reason,
   false premise), each sentence cited — or refuse and say what the corpus holds;
5. optionally let an LLM rewrite it from the same facts (llm.py);
6. verify every figure against the cited facts; withdraw sentences with wrong figures.
"""
from __future__ import annotations

import re
import time
from decimal import Decimal
from pathlib import Path

from .answer import Answer, ShownFigure
from .compose import (CHANGE, Draft, about, table_named, best_docs, companion, describe, fmt, item_name, item_terms, money,
                      pick, reason_sentences, subject, who, who_en)
from .corpus import Corpus, StoredChunk, StoredFact
from .intents import REASON, has, intents_of, is_passage
from .passages import NEGATION, PassageRetriever, best_passage, key_terms, question_terms
from .names import english_units, short_names, shortest_name, without_unit_words
from .retrieve import Retriever, tokens
from .scope import Scope, expand, find_scope, is_english, translate
from .verify import MISMATCH, RECOMPUTED, SOURCED, UNVERIFIABLE, check_text, find_figures, to_base

MAX_QUESTION = 300
NEAREST = 2  # passages named when a question is refused for want of the item
_COUNTERS = {"辆": ("辆",), "人次": ("人次", "人"), "批次": ("批次", "批", "次"), "人": ("人", "人次", "名"),
             "名": ("人", "名"), "台": ("台", "套"), "套": ("台", "套")}
_COUNTER = re.compile(r"(?:多少|几)(辆|人次|批次|人|名|台|套)")
_SPLIT_ITEMS = re.compile(r"和|与|及|以及|、|加上|还有")


class Assistant:
    """Holds the corpus and models; `ask` is the one entry point from question to answer."""

    def __init__(self, store_dir: Path, embedder=None, llm=None):
        from ingest.embed import Embedder

        self.corpus = Corpus(store_dir)
        self.embedder = embedder or Embedder()
        self.retriever = Retriever(self.corpus, self.embedder)
        self.llm = llm

    def warm(self) -> None:
        """Load the e5 model and open the vector index before the first question.

        Both load lazily, so that commands that never search stay fast; a serving
        process calls this so that its first refused question does not pay for them
        (1.5 s at 100× the bundled corpus, where an answer otherwise takes about 20 ms).
        """
        self.retriever.chunks("预热", set(self.corpus.documents), k=1)

    def reload(self) -> None:
        self.corpus.reload()
        self.retriever.refresh()

    def ask(self, question: str, context: Scope | None = None) -> Answer:
        started = time.perf_counter()
        timings: dict[str, float] = {}
        q = (question or "").strip()
        english = is_english(q)
        polite = _polite_refusal(q, english)
        if polite:
            answer = Answer(question=question, text=polite, refused=True)
        else:
            if english:  # the unit by its English name, put back in Chinese so that scope finds it
                units = self.corpus.units()
                named = english_units(q, units)
                zh = " ".join([shortest_name(u, units) for u in named] + [translate(without_unit_words(q, named))])
            query = expand(zh if english else q)
            scope = find_scope(query, self.corpus, context)
            words = [a for u in scope.units for a in short_names(u)]
            terms = item_terms(query, sorted(words + scope.units, key=len, reverse=True))
            if not terms and scope.item:  # “那2024年呢？” asks the conversation's item again
                query = f"{query} {scope.item}"
            scope.item = " ".join(terms) or scope.item
            timings["scope"] = _ms(started)
            draft = Draft(self.corpus, english)
            for k, clause in enumerate(_clauses(query)):
                said = len(draft.sentences)
                self._compose(draft, clause, scope)
                if draft.refused and k > 0:  # a later part that cannot be answered does not undo the first
                    del draft.sentences[said:]
                    draft.refused = False
                if draft.refused:
                    break
            timings["compose"] = _ms(started) - timings["scope"]
            if self.llm is not None and not draft.refused:
                draft = self.llm.rewrite(q, draft)
                timings["llm"] = _ms(started) - timings["scope"] - timings["compose"]
            answer = _verified(question, draft)
            answer.scope = {"units": scope.units, "years": scope.years, "kind": scope.kind, "item": scope.item}
        answer.timings_ms = timings | {"total": _ms(started)}
        return answer

    # ------------------------------------------------------------ composing

    def _compose(self, draft: Draft, query: str, scope: Scope) -> None:
        corpus = self.corpus
        if scope.unknown_unit and not scope.units:
            return _refuse_unit(draft, scope.unknown_unit, corpus)
        if not scope.docs:
            return _refuse_scope(draft, scope, corpus)
        words = [a for u in scope.units for a in short_names(u)] + [u for u in scope.units]
        intents = intents_of(query)
        if is_passage(query, intents):
            return self._passage(draft, query, scope, words, intents)
        terms = item_terms(query, sorted(words, key=len, reverse=True))
        if not terms:
            query, terms = _default_item(query)
        parts = _parts(query, words, self.corpus.joined_labels)
        if len(parts) > 1 and (has(query, "sum") or has(query, "compare") or has(query, "each")):
            return self._items(draft, query, scope, parts, words)
        per_doc = pick(self.retriever, query, scope, terms)
        docs = best_docs(per_doc)
        if not docs:
            asked = " ".join(terms)  # the item alone: the unit's name and the year would match every passage
            nearest = [h.chunk for h in self.retriever.chunks(asked, {d.doc_id for d in scope.docs}, k=NEAREST)
                       if h.corroborated]
            return _refuse_item(draft, terms, scope, corpus, nearest)
        facts = [per_doc[d][0][0] for d in docs]
        counted = _COUNTER.search(query)
        if counted:  # “多少人”, “几辆车” ask for a count: an amount, or a count of something else, is not the answer
            wanted, docs_asked = _COUNTERS[counted.group(1)], docs
            facts = [next((f for f, _ in per_doc[d] if f.uom in wanted), None) for d in docs]
            docs = [d for d, f in zip(docs, facts) if f is not None]
            facts = [f for f in facts if f is not None]
            if not facts and re.search(r"多少钱|金额|经费|(预算|花|安排|支出)了?多少|万元", query):
                facts = [per_doc[d][0][0] for d in docs_asked]  # the amount asked beside the count is answered
                docs = docs_asked
            elif not facts:
                return _refuse_item(draft, terms + [f"数量（{counted.group(1)}）"], scope, corpus)
        missing = _missing_table(query, scope)
        if missing:
            return _refuse_table(draft, missing, scope)
        if has(query, "premise") or _contradicts(query, facts[0], corpus):
            return _premise(draft, query, facts[0], corpus)
        if scope.prior_year:  # only a figure about the asked item may be backed out for it
            return _prior_year(draft, [f for d in docs for f, _ in per_doc[d][:12] if about(f, terms)], corpus, scope)
        if has(query, "unspent") or (has(query, "compare") and "预算" in query and "决算" in query):
            return _unspent(draft, per_doc, docs, terms)
        if has(query, "execution_rate") and (facts[0].uom != "%" or item_name(facts[0].label) not in terms):
            if _rate(draft, per_doc, docs, terms):
                return
        if has(query, "share") and _share(draft, query, facts[0], self, scope, words):
            return

        if len(facts) == 2 and (has(query, "compare") or has(query, "growth")):
            levels = [next((f for f, _ in per_doc[d] if f.measure not in CHANGE and f.uom != "%"), per_doc[d][0][0])
                      for d in docs]
            return _compare(draft, _alike(levels, [per_doc[d] for d in docs]), growth=has(query, "growth"), query=query)
        if has(query, "growth") and len(facts) == 1 and _growth_from_change(draft, facts[0], corpus):
            return
        for fact in facts:
            _lookup(draft, fact, query, corpus)
        if len(facts) > 2 and has(query, "compare"):
            _extremes(draft, facts)
        if len(facts) > 1 and not scope.units:
            draft.say(f"问题未指明单位，以上列出语料中有此数据的{len(facts)}份报告。",
                      f"The question names no unit, so each of the {len(facts)} reports that has this figure is listed.")
        if REASON.search(query):
            _reasons(draft, facts[0], corpus, query)

    def _passage(self, draft: Draft, query: str, scope: Scope, words: list[str], intents: frozenset[str]) -> None:
        """A question about words (主要职责, 内设机构, 名词解释, 有没有…): quote the sentences that answer.

        有没有… is settled by the figure when the reports hold one (有, with the
        figure; 没有 when it is 0), and by the report's words otherwise.
        """
        if "yes_no" in intents:
            terms = item_terms(query, sorted(words, key=len, reverse=True))
            per_doc = pick(self.retriever, query, scope, terms) if terms else {}
            docs = best_docs(per_doc, limit=1)
            fact = per_doc[docs[0]][0][0] if docs else None
            if fact is not None and fact.value is not None and fact.uom != "%" \
                    and any(t in fact.text for t in key_terms(terms)):
                draft.say("有。" if fact.value else "没有（金额为0）。", "Yes." if fact.value else "No (the amount is 0).")
                _lookup(draft, fact, query, self.corpus)
                if not fact.value:  # and the report's own words that there is none, where it says so
                    nodes = PassageRetriever(self.retriever, {fact.doc.doc_id}, intents).retrieve(query)
                    found = best_passage(nodes, self.corpus, query, words, intents)
                    if found is not None and NEGATION.search(found.text):
                        n = draft.cite_sentence(found.doc, found.text, found.page, found.section)
                        draft.say(f"报告写道：“{found.text}”[{n}]", f"The report states: “{found.text}” [{n}]")
                return
        if "list" in intents and _list_rows(draft, query, scope, self.corpus):
            return
        doc_ids = {d.doc_id for d in scope.docs}
        nodes = PassageRetriever(self.retriever, doc_ids, intents).retrieve(query)
        found = best_passage(nodes, self.corpus, query, words, intents)
        if found is None:
            nearest = [self.corpus.chunk_index[n.node.node_id] for n in nodes[:NEAREST]]
            return _refuse_item(draft, question_terms(query, words), scope, self.corpus, nearest)
        n = draft.cite_sentence(found.doc, found.text, found.page, found.section)
        lead = ""
        if "yes_no" in intents:
            amounts = [f.value for f in find_figures(found.text) if f.unit in ("万元", "元", "亿元")]
            no = NEGATION.search(found.text) or (amounts and not any(amounts))
            lead = "没有。" if no else "有。"
        draft.say(f"{lead}{who(found.doc)}写道：“{found.text}”[{n}]",
                  f"{'No. ' if lead == '没有。' else 'Yes. ' if lead else ''}{who_en(found.doc)} states: "
                  f"“{found.text}” [{n}]")

    def _items(self, draft: Draft, query: str, scope: Scope, parts: list[str], words: list[str]) -> None:
        """Several items named (A和B): look each up, then sum or compare them."""
        picked: list[StoredFact] = []
        asked = " ".join(re.findall(r"占比|占|比例|比重|预算|决算|执行率|完成|增长|增加|减少|下降|人次|批次|辆", query))
        for part in parts:
            terms = item_terms(part, words) or item_terms(expand(part), words)
            per_doc = pick(self.retriever, f"{part} {asked}", scope, terms)
            docs = best_docs(per_doc, limit=1)
            if not docs:
                return _refuse_item(draft, terms, scope, self.corpus)
            picked.append(per_doc[docs[0]][0][0])
        if not (has(query, "sum") or has(query, "compare")):
            for fact in picked:
                _lookup(draft, fact, query, self.corpus)
            return
        if has(query, "sum"):
            total = sum((f.value for f in picked), Decimal(0))
            unit = picked[0].uom
            names = "、".join(f"{subject(f)}{fmt(f)}[{draft.cite(f)}]" for f in picked)
            formula = " + ".join(str(f.value) for f in picked)
            draft.say(f"{who(picked[0].doc)}中，{names}，合计{money(total, unit)}（{formula}）。",
                      f"{who_en(picked[0].doc)}: {names}; in total {money(total, unit)} ({formula}).")
        else:
            _compare(draft, picked[:2], growth=has(query, "growth"))


# ---------------------------------------------------------------- answer kinds

def _alike(levels: list[StoredFact], ranked: list[list[tuple[StoredFact, float]]]) -> list[StoredFact]:
    """The same item on both sides of a comparison: where the second report holds a figure named as the
    first one is (same item, same column or measure), it is compared, not a better-ranked neighbour
    (a 财政拨款 part of one year against the other year's total)."""
    first = levels[0]
    key = (item_name(first.label), first.column.rsplit(" › ", 1)[-1] or first.measure)
    out = [first]
    for fact, candidates in zip(levels[1:], ranked[1:]):
        same = next((f for f, _ in candidates if f.uom == first.uom and
                     (item_name(f.label), f.column.rsplit(" › ", 1)[-1] or f.measure) == key), None)
        out.append(same or fact)
    return out


def _list_rows(draft: Draft, query: str, scope: Scope, corpus: Corpus) -> bool:
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


def _lookup(draft: Draft, fact: StoredFact, query: str, corpus: Corpus) -> None:
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
    if not fact.table:
        draft.say(f"{who(doc)}写道：“{fact.source.strip()}”[{n}]",
                  f"{who_en(doc)} states: “{fact.source.strip()}” [{n}]")
    else:
        draft.say(f"{who(doc)}中，{describe(fact)}为{fmt(fact)}[{n}]。",
                  f"In {who_en(doc)}, {describe(fact)} is {fmt(fact)} [{n}].")
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
        if other is fact or other.value is None or other.label != fact.label:
            continue
        leaf = other.column.rsplit(" › ", 1)[-1]
        if any(t in query for t in tokens(leaf) if len(t) >= 2 and t not in ("预算", "决算", "支出")) \
                or (len(leaf) >= 3 and leaf in query):
            out.append(other)
    return out[:3]


def _extremes(draft: Draft, facts: list[StoredFact]) -> None:
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


def _reasons(draft: Draft, fact: StoredFact, corpus: Corpus, question: str = "") -> None:
    found = reason_sentences(corpus, fact.doc, fact, question)
    if not found:
        draft.say("报告未说明原因。", "The report gives no reason.")
        return
    for sentence, page, section in found:
        n = draft.cite_sentence(fact.doc, sentence, page, section)
        draft.say(f"报告给出的原因：“{sentence}”[{n}]", f"The reason the report gives: “{sentence}” [{n}]")


def _contradicts(query: str, fact: StoredFact, corpus: Corpus) -> bool:
    """The question asserts a direction (“比上年减少了多少”) that the report's figure contradicts."""
    asks_up = bool(re.search(r"增加|增长|上升|提高", query))
    asks_down = bool(re.search(r"减少|下降|降低", query))
    if asks_up == asks_down:
        return False
    change = fact if fact.measure in CHANGE else companion(corpus, fact, CHANGE)
    if change is None:
        return False
    went_up = change.measure in ("增加", "增长率")
    return went_up != asks_up


def _premise(draft: Draft, query: str, fact: StoredFact, corpus: Corpus) -> None:
    """“为什么X大幅增加？” — check the premise against the figures before explaining anything."""
    asks_up = bool(re.search(r"增加|增长|上升|提高", query))
    change = companion(corpus, fact, CHANGE) if fact.measure not in CHANGE else fact
    base = fact if fact.measure not in CHANGE else companion(corpus, fact, ("决算数", "预算数", "金额"))
    n = draft.cite(base or fact)
    shown = base or fact
    if shown.value == 0:
        draft.say(f"这个问题的前提不成立：{who(shown.doc)}中，{describe(shown)}为{fmt(shown)}[{n}]，并没有"
                  f"{'增加' if asks_up else '减少'}。",
                  f"The premise does not hold: in {who_en(shown.doc)}, {describe(shown)} is {fmt(shown)} [{n}]; "
                  f"it did not {'increase' if asks_up else 'decrease'}.")
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
                  f"In {who_en(shown.doc)}, {describe(shown)} is {fmt(shown)} [{n}], a change of {fmt(change)} [{m}].")
    else:
        draft.say(f"{who(shown.doc)}中，{describe(shown)}为{fmt(shown)}[{n}]；报告未给出与上年的比较。",
                  f"In {who_en(shown.doc)}, {describe(shown)} is {fmt(shown)} [{n}]; the report gives no comparison "
                  f"with the year before.")
    _reasons(draft, shown, corpus, query)


def _prior_year(draft: Draft, facts: list[StoredFact], corpus: Corpus, scope: Scope) -> None:
    """The year before a report, backed out of the change it states: 2021 = 31.13 − 27.30."""
    for fact in facts:
        base = fact if fact.measure not in CHANGE else companion(corpus, fact, ("决算数", "预算数", "金额"))
        change = companion(corpus, base, ("增加", "减少")) if base else None
        if base is None or change is None or base.value is None or change.value is None or change.uom != base.uom:
            continue
        up = change.measure == "增加"
        prior = base.value - change.value if up else base.value + change.value
        n, m = draft.cite(base), draft.cite(change)
        year = (base.doc.year or 0) - 1
        op = "−" if up else "+"
        draft.say(f"语料中没有{year}年的报告；按{who(base.doc)}推算，{year}年{subject(base)}为"
                  f"{money(prior, base.uom)}（{base.value} {op} {change.value}：{base.doc.year}年{fmt(base)}[{n}]，"
                  f"比上年{change.measure}{fmt(change)}[{m}]）。",
                  f"There is no {year} report; from {who_en(base.doc)}, {year}'s {subject(base)} was "
                  f"{money(prior, base.uom)} ({base.value} {op} {change.value}: {fmt(base)} in {base.doc.year} [{n}], "
                  f"{'up' if up else 'down'} {fmt(change)} on the year before [{m}]).")
        return
    _refuse_scope(draft, scope, corpus, reason="报告没有给出可推算上年数的增减额")


def _unspent(draft: Draft, per_doc: dict, docs: list[str], terms: list[str]) -> None:
    """Budget left unspent: 预算数 − 决算数 of the same item in the same report."""
    for doc_id in docs:
        budget, actual = _budget_and_actual([f for f, _ in per_doc[doc_id]], terms)
        if budget and actual:
            left = budget.value - actual.value
            n, m = draft.cite(budget), draft.cite(actual)
            draft.say(f"{who(budget.doc)}中，{subject(budget)}预算{fmt(budget)}[{n}]，决算{fmt(actual)}[{m}]，"
                      f"未支出{money(left, budget.uom)}（{budget.value} − {actual.value}）。",
                      f"In {who_en(budget.doc)}, {subject(budget)} was budgeted at {fmt(budget)} [{n}] and "
                      f"{fmt(actual)} was spent [{m}], leaving {money(left, budget.uom)} unspent "
                      f"({budget.value} − {actual.value}).")
            return
    fact = per_doc[docs[0]][0][0]
    n = draft.cite(fact)
    draft.say(f"{who(fact.doc)}中，{describe(fact)}为{fmt(fact)}[{n}]；报告未同时给出同一项目的预算数和决算数，无法计算结余。",
              f"In {who_en(fact.doc)}, {describe(fact)} is {fmt(fact)} [{n}]; the report does not give both budget "
              f"and actual for this item, so the unspent amount cannot be computed.")


def _share(draft: Draft, query: str, fact: StoredFact, assistant: "Assistant", scope: Scope,
           words: list[str]) -> bool:
    """“A占B的比重”: A ÷ B from the same report when the report does not state the share itself."""
    # “…的补助，占全部支出预算的比重” names the part in the clause before the 占
    m = re.search(r"([^，。？?]{2,30}?)[，,]?占([^，。？?]{2,30}?)的?(比重|比例|百分之|多少|比)", query)
    whole_first = re.search(r"([^，。？?]{2,30}?)(?:里|中|当中|之中|里面)[，,]?([^，。？?]{2,30}?)占(?:了|据)?(?:多大|多少)?的?"
                            r"(比重|比例|百分之|份额)", query)
    if m and not re.fullmatch(r"(了|据)?(多大|多少)?", m.group(2)):
        parts = (m.group(1), m.group(2))
    elif whole_first:  # “三公经费里，因公出国费占了多大比例”: the whole is named first
        parts = (whole_first.group(2), whole_first.group(1))
    else:
        return False
    picked = []
    for part in parts:
        part = expand(part)  # “全部支出” is the report's 支出合计
        terms = item_terms(part, words) or [t for t in re.findall(r"[\u4e00-\u9fff]{2,}", part) if t not in words]
        if not terms:
            return False
        per_doc = pick(assistant.retriever, part, scope, terms)
        ranked = per_doc.get(fact.doc.doc_id, [])
        amount = next((f for f, _ in ranked if f.uom in ("万元", "元", "亿元") and f.value is not None
                       and f.measure not in CHANGE
                       and not (f.doc.kind == "决算" and "预算" in f.measure + f.column)), None)
        if amount is None:
            return False
        picked.append(amount)
    a, b = picked
    if not b.value or a is b:
        return False
    n, k = draft.cite(a), draft.cite(b)
    share = to_base(a.value, a.uom) / to_base(b.value, b.uom) * 100  # 万元 against 元 is a matter of units
    draft.say(f"{who(a.doc)}中，{subject(a)}{fmt(a)}[{n}]，{subject(b)}{fmt(b)}[{k}]，前者占后者的"
              f"{money(share, '%')}（{a.value} ÷ {b.value}）。",
              f"In {who_en(a.doc)}, {subject(a)} is {fmt(a)} [{n}] and {subject(b)} {fmt(b)} [{k}]: a share of "
              f"{money(share, '%')} ({a.value} ÷ {b.value}).")
    return True


def _rate(draft: Draft, per_doc: dict, docs: list[str], terms: list[str]) -> bool:
    """Budget execution rate: 决算数 ÷ 预算数 of the same item, when the report does not state it."""
    for doc_id in docs:
        budget, actual = _budget_and_actual([f for f, _ in per_doc[doc_id]], terms)
        if budget and actual and budget.value:
            rate = actual.value / budget.value * 100
            n, m = draft.cite(actual), draft.cite(budget)
            draft.say(f"{who(budget.doc)}中，{subject(actual)}决算{fmt(actual)}[{n}]，预算{fmt(budget)}[{m}]，"
                      f"执行率{money(rate, '%')}（{actual.value} ÷ {budget.value}）。",
                      f"In {who_en(budget.doc)}, {subject(actual)}: actual {fmt(actual)} [{n}] against a budget of "
                      f"{fmt(budget)} [{m}], an execution rate of {money(rate, '%')}.")
            return True
    return False


def _budget_and_actual(ranked: list[StoredFact], terms: list[str]) -> tuple[StoredFact | None, StoredFact | None]:
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


def _growth_from_change(draft: Draft, fact: StoredFact, corpus: Corpus) -> bool:
    """“增长了百分之几” when the report gives the change in money but not as a rate."""
    base = fact if fact.measure not in CHANGE else companion(corpus, fact, ("决算数", "预算数", "金额"))
    change = fact if fact.measure in ("增加", "减少") else companion(corpus, fact, ("增加", "减少"))
    if base is None or change is None or base.value is None or change.value is None or base.uom != change.uom:
        return False
    up = change.measure == "增加"
    prior = base.value - change.value if up else base.value + change.value
    if not prior:
        return False
    rate = change.value / prior * 100
    n, m = draft.cite(base), draft.cite(change)
    op = "−" if up else "+"
    draft.say(f"{who(base.doc)}中，{subject(base)}为{fmt(base)}[{n}]，比上年{change.measure}{fmt(change)}[{m}]，"
              f"{'增长' if up else '下降'}{money(rate, '%')}（{change.value} ÷ ({base.value} {op} {change.value})）。",
              f"In {who_en(base.doc)}, {subject(base)} is {fmt(base)} [{n}], {'up' if up else 'down'} {fmt(change)} "
              f"[{m}] on the year before: {money(rate, '%')} ({change.value} ÷ ({base.value} {op} {change.value})).")
    return True


_TABLE_MENTION = re.compile(r"([\u4e00-\u9fff“”]{4,30}?(?:决算表|预算表|总表|明细表))")


def _missing_table(query: str, scope: Scope) -> str:
    """A table the question names that none of the reports in scope publishes."""
    m = _TABLE_MENTION.search(query)
    if not m:
        return ""
    name = re.sub(r"^(.*?20\d{2})?年?度?", "", m.group(1))
    held = {t for d in scope.docs for t in d.tables}
    core = name.replace("“", "").replace("”", "")
    return "" if any(core in t.replace("“", "").replace("”", "") or t in core for t in held) else name


def _refuse_table(draft: Draft, name: str, scope: Scope) -> None:
    draft.refused = True
    held = "、".join(sorted({t for d in scope.docs for t in d.tables})[:10]) or "（无表格）"
    where = "、".join(who(d) for d in scope.docs[:3])
    draft.say(f"{where}没有公开《{name}》，无法回答。该报告公开的表格有：{held}。",
              f"{where} does not publish 《{name}》, so this cannot be answered. Its tables: {held}.")


def _compare(draft: Draft, facts: list[StoredFact], growth: bool, query: str = "") -> None:
    a, b = facts
    if a.value is None or b.value is None or a.uom != b.uom:
        for f in facts:
            n = draft.cite(f)
            draft.say(f"{who(f.doc)}中，{describe(f)}为{fmt(f)}[{n}]。", f"In {who_en(f.doc)}, {describe(f)} is {fmt(f)} [{n}].")
        return
    if (b.doc.year or 0) > (a.doc.year or 0):
        a, b = b, a  # later year first, so that growth reads forward in time
    n, m = draft.cite(a), draft.cite(b)
    diff = a.value - b.value
    if diff == 0:
        draft.say(f"{who(a.doc)}{describe(a)}为{fmt(a)}[{n}]，{who(b.doc)}{describe(b)}为{fmt(b)}[{m}]，两者持平。",
                  f"{who_en(a.doc)}: {describe(a)} {fmt(a)} [{n}]; {who_en(b.doc)}: {describe(b)} {fmt(b)} [{m}]; "
                  f"the two are the same (持平).")
        return
    more = "多" if diff >= 0 else "少"
    asserted_up = bool(re.search(r"增加|增长|上升|提高", query)) and not re.search(r"减少|下降", query)
    asserted_down = bool(re.search(r"减少|下降|降低", query)) and not re.search(r"增加|增长", query)
    if (asserted_up and diff < 0) or (asserted_down and diff > 0):
        draft.say(f"这个问题的前提不成立：并非{'增加' if asserted_up else '减少'}，而是{'减少' if diff < 0 else '增加'}"
                  f"{money(abs(diff), a.uom)}。",
                  f"The premise does not hold: it {'decreased' if diff < 0 else 'increased'} by "
                  f"{money(abs(diff), a.uom)}.")
    text_a = f"{who(a.doc)}{describe(a)}为{fmt(a)}[{n}]"
    text_b = f"{who(b.doc)}{describe(b)}为{fmt(b)}[{m}]"
    zh = f"{text_a}，{text_b}；前者比后者{more}{money(abs(diff), a.uom)}（{a.value} − {b.value}）"
    en = (f"{who_en(a.doc)}: {describe(a)} {fmt(a)} [{n}]; {who_en(b.doc)}: {describe(b)} {fmt(b)} [{m}]; "
          f"the first is {money(abs(diff), a.uom)} {'more' if diff >= 0 else 'less'} ({a.value} − {b.value})")
    if b.value and a.uom != "%":
        rate = diff / b.value * 100
        zh += f"，{'增长' if diff >= 0 else '下降'}{money(abs(rate), '%')}（({a.value} − {b.value}) ÷ {b.value}）"
        en += f", a change of {money(rate, '%')} (({a.value} − {b.value}) ÷ {b.value})"
    draft.say(zh + "。", en + ".")
    del growth


# ---------------------------------------------------------------- refusals

def _refuse_unit(draft: Draft, name: str, corpus: Corpus) -> None:
    draft.refused = True
    units = "、".join(corpus.units())
    draft.say(f"语料中没有“{name}”的报告，无法回答。现有单位：{units}。",
              f"The corpus has no report from “{name}”, so this cannot be answered. Units available: {units}.")


def _refuse_scope(draft: Draft, scope: Scope, corpus: Corpus, reason: str = "") -> None:
    draft.refused = True
    holdings = corpus.holdings()
    units = scope.units or list(holdings)
    held = "；".join(f"{u}：" + "、".join(f"{y}年{k}" for y, k in holdings.get(u, [])) for u in units[:8])
    asked = "、".join(f"{y}年" for y in scope.years) + (scope.kind or "")
    why = reason or f"语料中没有{'、'.join(scope.units) or '任何单位'}{asked}的报告"
    draft.say(f"无法回答：{why}。语料中有：{held}。",
              f"This cannot be answered: the corpus has no {asked or 'matching'} report for "
              f"{', '.join(scope.units) or 'any unit'}. It holds: {held}.")


def _refuse_item(draft: Draft, terms: list[str], scope: Scope, corpus: Corpus,
                 nearest: list[StoredChunk] = ()) -> None:
    """Refuse, and say what the reports hold: their tables, and the passages closest to the question.

    The closest passages come from hybrid retrieval (BM25 + e5): no fact names the
    item, but a passage that both rankings put near the top is likely what a
    differently worded question was after, so the user knows where to look or what
    to ask. A passage only the dense ranking found is not named: e5 ranks some
    passage first for any question at all.
    """
    draft.refused = True
    docs = scope.docs[:3]
    tables = sorted({f.table for d in docs for f in corpus.facts_by_doc[d.doc_id] if f.table})[:8]
    what = "、".join(terms) or "所问项目"
    where = "、".join(who(d) for d in docs)
    draft.say(f"在{where}中没有找到关于“{what}”的数据，无法回答。这些报告包含：{'、'.join(tables)}等。",
              f"No figure about “{what}” was found in {where}, so this cannot be answered. These reports "
              f"contain: {', '.join(tables)}.")
    if nearest:
        places = "；".join(dict.fromkeys(_place(c) for c in nearest))
        draft.say(f"与问题最接近的内容：{places}。", f"The passages closest to the question: {places}.")


def _place(chunk: StoredChunk) -> str:
    """Where a chunk is, in the words a reader of the report would use."""
    page = f"（第{chunk.page}页）" if chunk.page else ""
    if chunk.table:
        return f"{who(chunk.doc)}《{chunk.table}》{page}"
    section = chunk.section.rsplit(" › ", 1)[-1]
    return f"{who(chunk.doc)}“{section}”{page}" if section else f"{who(chunk.doc)}说明部分{page}"


def _polite_refusal(q: str, english: bool) -> str:
    if not q:
        return "请输入一个关于决算或预算的问题，例如“2022年四川省农民工服务中心三公经费是多少？”"
    if len(q) > MAX_QUESTION:
        return (f"问题太长（{len(q)}字，上限{MAX_QUESTION}字）。请把问题缩短为一句话，例如“规划和自然资源局2024年办公费是多少？”"
                if not english else f"The question is too long ({len(q)} characters, limit {MAX_QUESTION}).")
    if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", q):
        return "没有看懂这个问题。请用文字提问，例如“财政局2024年本年收入合计是多少？”"
    return ""


def _default_item(query: str) -> tuple[str, list[str]]:
    """A question that names no item ("2024年花了多少钱") asks for the report's totals."""
    if re.search(r"收入|进账|拿到", query):
        return query + " 本年收入合计", ["本年收入合计"]
    if re.search(r"预算|执行|没有支出|未支出", query):
        return query + " 一般公共预算财政拨款支出", ["一般公共预算财政拨款支出"]
    return query + " 本年支出合计", ["本年支出合计"]


_ASKS = re.compile(r"多少|几|是否|哪|什么|怎样|怎么样|如何|吗")


# A clause that goes on about what the clause before it named (“…合计是多少？包括哪些科目？”)
_GOES_ON = re.compile(r"^\s*(包括|包含|是哪|有哪些|具体|主要(是|有|包括))")


def _clauses(query: str) -> list[str]:
    """A question that asks two things (“…是多少？其中服务采购多少？”) as two questions.

    A later clause that names no item of its own (“占比多少？”) asks about the
    item of the clause before it.
    """
    pieces = [p for p in re.split(r"[，,？?；;]", query) if p.strip()]
    asking = [p for p in pieces if _ASKS.search(p)]
    if len(asking) < 2 or REASON.search(query):
        return [query]
    lead = query[:query.find(asking[0])]
    clauses = [lead + asking[0]]
    for previous, clause in zip(asking, asking[1:]):
        # a clause about words (“要达到什么目标？”) is about the subject the clause before it named
        own = item_terms(clause, []) and not _GOES_ON.match(clause) and not is_passage(clause, intents_of(clause))
        clauses.append(lead + (clause if own else re.sub(_ASKS, "", previous) + clause))
    return clauses


def _parts(query: str, words: list[str], joined: list[str]) -> list[str]:
    """Items joined by 和/与/、 (办公费和印刷费), each with enough words to look it up.

    Names that contain 和 themselves (社会保障和就业支出, 年初结转和结余) are not split.
    """
    text = query
    for w in sorted(words, key=len, reverse=True):
        text = text.replace(w, " ")
    text = re.sub(r"20\d{2}\s*年?度?", " ", text)
    # “人员经费比公用经费多多少” compares two items; “比上年”, “比2025年” compare years, not items
    text = re.sub(r"比(?!上|去|前|较|20\d{2}|年初|例|重|率)(?=[^，。？?]{1,20}?(多|少|高|低))", "、", text)
    kept = [name for name in joined if name in text]
    for k, name in enumerate(kept):
        text = text.replace(name, f"§{k}§")
    parts = []
    for p in _SPLIT_ITEMS.split(text):
        for k, name in enumerate(kept):
            p = p.replace(f"§{k}§", name)
        if item_terms(p, []):
            parts.append(p)
    return parts


# ---------------------------------------------------------------- verification

def _verified(question: str, draft: Draft) -> Answer:
    """Check every figure of the draft; withdraw each sentence with a figure no cited source supports.

    A contradicted figure is reported with the value its source gives; one no
    source speaks to is reported as unverifiable. Neither is shown as if true.
    """
    names = sorted({a for c in draft.citations for a in short_names(c.unit)}, key=len, reverse=True)
    kept, withdrawn, shown = [], [], []
    for sentence in draft.sentences:
        checks = check_text(_without(sentence, names), draft.sources)
        bad = [c for c in checks if c.status in (MISMATCH, UNVERIFIABLE)]
        if bad:
            withdrawn.append(sentence)
        else:
            kept.append(sentence)
        for c in bad or checks:
            citation = c.source.citation if c.source else (c.operands[0].citation if c.operands else None)
            shown.append(ShownFigure(c.figure.text, c.figure.value, c.figure.unit, c.status, citation,
                                     c.formula, c.expected))
    text = "".join(kept)
    for f in shown:
        if f.status == MISMATCH:
            text += f"（已撤回含错误数字“{f.text}”的句子；来源[{f.citation}]给出的是{f.expected}。）"
        elif f.status == UNVERIFIABLE:
            text += f"（已撤回含无法核实的数字“{f.text}”的句子。）"
    refused = draft.refused or not kept
    if not kept and not draft.refused:
        text = "无法给出经核实的回答：草稿中的数字没有引用来源支持，已撤回。" + text
    return Answer(question=question, text=text, refused=refused, citations=draft.citations,
                  figures=shown, withdrawn=withdrawn)


def _without(sentence: str, names: list[str]) -> str:
    """The sentence without unit names, so that a figure's label names only its item (“三公经费”)."""
    for name in names:
        sentence = sentence.replace(name, "")
    return sentence


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


__all__ = ["Assistant", "SOURCED", "RECOMPUTED", "MISMATCH", "UNVERIFIABLE"]
