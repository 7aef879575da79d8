"""From a question to a verified, cited `Answer` — the whole path, top to bottom.

1. understand (plan.py): the question in the reports' terms, its scope (units, years,
   kind), and for each clause the item asked and the operation (intents.py names them);
2. resolve: the facts about the item, per report in scope (compose.pick), or the
   passage that answers a question about words (quoting.py);
3. compute and write (figures.py, compute.py): a lookup, a prior year, a difference,
   a sum, a share, a rate, budget unspent, a premise checked, a reason quoted — each
   sentence cited, each computed figure a typed `Derived` — or refuse and say what
   the corpus holds (refusals.py);
4. optionally let an LLM rewrite it from the same sources (llm.py);
5. review (review.py): every figure traced to its cited source or recomputed by its
   declared operation, every answer figure about the item asked; sentences that fail
   are withdrawn.

A new kind of question is a row in intents.py, an operation in plan.py, and the
function that answers it here.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

from . import compute, quoting, refusals
from .answer import Answer
from .compose import CHANGE, COUNTERS, MEASURE_WORDS, Draft, about, best_docs, item_name, item_terms, pick, report_of, row_total, total_of_row
from .corpus import Corpus, StoredFact
from .figures import contradicts, extremes, lookup, premise, reasons, stated
from .intents import YEAR_WORDS
from .names import longest_first
from .plan import COLUMN_WORDS, Clause, understand
from .retrieve import Retriever
from .review import reviewed
from .scope import Scope, expand
from .verify import MISMATCH, RECOMPUTED, SOURCED, UNVERIFIABLE

_AMOUNT_ASKED = re.compile(r"多少钱|金额|经费|(预算|花|安排|支出)了?多少|万元")
# “会议费和培训费比上年各减少多少” compares each item with its year before, not the items with each other
_AGAINST_PRIOR = re.compile(r"上年|去年|上一年|前一年")
_ITEM_WORDS = re.compile(r"占比|占|比例|比重|预算|决算|执行率|完成|增长|增加|减少|下降|人次|批次|辆")


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
        plan = understand(question, self.corpus, context)
        timings["plan"] = _ms(started)
        if plan.invalid:
            answer = Answer(question=question, text=refusals.polite(plan.invalid, len(plan.text), plan.english),
                            refused=True, refusal=plan.invalid)
        else:
            draft = Draft(self.corpus, plan.english)
            for k, clause in enumerate(plan.clauses):
                said = len(draft.sentences)
                self._answer(draft, clause, plan.scope, list(plan.unit_words))
                if draft.refused and k > 0:  # a later part that cannot be answered does not undo the first
                    del draft.sentences[said:]
                    draft.answers = {i: a for i, a in draft.answers.items() if i < said}
                    draft.refused, draft.refusal = False, ""
                if draft.refused:
                    break
            timings["compose"] = _ms(started) - timings["plan"]
            if self.llm is not None and not draft.refused:
                draft = self.llm.rewrite(question.strip(), draft)
                timings["llm"] = _ms(started) - timings["plan"] - timings["compose"]
            answer = reviewed(question, draft)
            scope = plan.scope
            answer.scope = {"units": scope.units, "years": scope.years, "kind": scope.kind, "item": scope.item}
        answer.timings_ms = timings | {"total": _ms(started)}
        return answer

    # ------------------------------------------------------------ one clause: resolve, compute, write

    def _answer(self, draft: Draft, clause: Clause, scope: Scope, words: list[str]) -> None:
        corpus = self.corpus
        if scope.unknown_unit and not scope.units:
            return refusals.unit(draft, scope.unknown_unit, corpus)
        if not scope.docs:
            return refusals.scope(draft, scope, corpus)
        if clause.operation == "passage" and scope.years and not scope.at_year_end \
                and not any(d.year in scope.years for d in scope.docs):
            return refusals.scope(draft, scope, corpus)  # words are quoted from the year asked, never another's
        earlier, draft.items = draft.items, clause.items
        if clause.operation == "undisclosed":
            return refusals.undisclosed(draft, scope, price="price" in clause.intents)
        if clause.operation == "passage":
            return quoting.answer(draft, clause, scope, words, self.retriever, corpus)
        if clause.operation == "items":
            return self._items(draft, clause, scope, words)
        terms = list(clause.items)
        per_doc = pick(self.retriever, clause.text, scope, terms)
        docs = best_docs(per_doc)
        if len(scope.units) > 1:  # each unit the question names answers for itself, however it scores
            best: dict[str, str] = {}  # unit → its best-scoring report
            for d, ranked in per_doc.items():
                unit = corpus.documents[d].unit
                if unit not in best or ranked[0][1] > per_doc[best[unit]][0][1]:
                    best[unit] = d
            docs += [best[u] for u in scope.units if u in best and best[u] not in docs]
        if clause.stated and (clause.explain or not docs):  # “减少了990万元，原因是什么”: the figure names the item
            found = stated(corpus, [d.doc_id for d in scope.docs], clause.stated,
                           [f for d in docs for f, _ in per_doc[d]])
            if found is not None:
                per_doc = {found.doc.doc_id: [(found, 1.0)]}
                docs = [found.doc.doc_id]
        if not docs and clause.explain:  # a reason asked about an item no figure names: the report's words
            return quoting.answer(draft, clause, scope, words, self.retriever, corpus)
        if not docs:
            asked = " ".join(terms)  # the item alone: the unit's name and the year would match every passage
            nearest = [h.chunk for h in self.retriever.chunks(asked, {d.doc_id for d in scope.docs},
                                                              k=quoting.NEAREST) if h.corroborated]
            return refusals.item(draft, terms, scope, corpus, nearest)
        if clause.intents & {"compare", "growth"}:  # two years or two units, each however many files it has
            for year in scope.years if len(scope.years) > 1 else ():  # each year named answers, however it scores
                held = [d for d in per_doc if corpus.documents[d].year == year]
                if held and not any(corpus.documents[d].year == year for d in docs):
                    docs.append(max(held, key=lambda d: per_doc[d][0][1]))
            per_doc, docs = _by_report(per_doc, docs, corpus)
        if clause.operation == "lookup" and draft.answers:
            per_doc = _not_yet_given(per_doc, draft, clause, earlier)
        facts = [row_total(per_doc[d][0][0], corpus, clause.text) for d in docs]
        if clause.counter:  # “多少人”, “几辆车” ask for a count: an amount, or a count of something else, is not it
            counted = _counted(clause, per_doc, docs)
            if counted is None:
                return refusals.item(draft, terms + [f"数量（{clause.counter}）"], scope, corpus)
            docs, facts = counted
        missing = refusals.missing_table(clause.text, scope)
        if missing:
            return refusals.table(draft, missing, scope)
        if clause.operation == "premise" or contradicts(clause.direction, facts[0], corpus):
            return premise(draft, clause.direction, clause.text, facts[0], corpus)
        if clause.operation == "prior_year":  # only a figure about the asked item may be backed out for it
            candidates = compute.about_item([f for d in docs for f, _ in per_doc[d][:12]], clause.items)
            beside = compute.beside_prior(candidates, corpus) if clause.intents & {"compare", "growth"} else None
            if beside is not None:  # “和2025年比”: the row prints the year before beside this one
                return compute.compare(draft, list(beside), clause.direction)
            if not compute.prior_year(draft, candidates, corpus):
                refusals.scope(draft, scope, corpus, reason="报告没有给出可推算上年数的增减额", code="no_prior")
            return
        ranked = [[f for f, _ in per_doc[d]] for d in docs]
        if clause.operation == "unspent":
            compute.unspent(draft, ranked, clause.items)
            return
        if clause.has("execution_rate") and (facts[0].uom != "%" or item_name(facts[0].label) not in terms) \
                and compute.execution_rate(draft, ranked, clause.items):
            return
        if clause.has("share") and self._share(draft, clause, facts[0], scope, words):
            return
        # one year of one unit: its narrative and tables files, or its 部门 and 单位 reports, are never two years
        one_report = len({report_of(f.doc)[:3] for f in facts}) == 1
        if len(facts) == 2 and not one_report and clause.intents & {"compare", "growth"}:
            # each side's level, about the item itself (“三公”经费, not the 因公出国 figure of a sentence naming it)
            levels = [next((f for f in r if f.measure not in CHANGE and f.uom != "%" and about(f, list(clause.items))),
                           next((f for f in r if f.measure not in CHANGE and f.uom != "%"), r[0])) for r in ranked]
            return compute.compare(draft, compute.alike(levels, ranked), clause.direction)
        if clause.has("growth") and len(facts) == 1 and compute.growth_from_change(draft, facts[0], corpus):
            return
        if one_report and clause.intents & {"compare", "growth"} and facts[0].measure not in CHANGE:
            # “比上年增加了多少” of one report is the change it states in words beside the same level
            level = facts[0]
            stated_change = next((f for d in docs for f, _ in per_doc[d][:12] if f.measure in CHANGE and not f.table
                                  and any(o.value == level.value and o.uom == level.uom
                                          for o in corpus.facts_by_source[(f.doc.doc_id, f.source)])), None)
            facts = [stated_change] if stated_change is not None else facts
        for fact in facts:
            lookup(draft, fact, clause.text, corpus)
        if len(facts) > 2 and clause.has("compare"):
            extremes(draft, facts)
        if len(facts) > 1 and not scope.units:
            draft.say(f"问题未指明单位，以上列出语料中有此数据的{len(facts)}份报告。",
                      f"The question names no unit, so each of the {len(facts)} reports that has this figure is listed.")
        if clause.explain:
            reasons(draft, facts[0], corpus, clause.text)

    def _items(self, draft: Draft, clause: Clause, scope: Scope, words: list[str]) -> None:
        """Several items named (A和B): look each up, then sum or compare them."""
        picked: list[StoredFact] = []
        asked = " ".join(_ITEM_WORDS.findall(clause.text))
        for part in clause.parts:
            part = expand(part)  # “开会和培训” are 会议费 and 培训费
            terms = item_terms(part, words)
            per_doc = pick(self.retriever, f"{part} {asked}", scope, terms)
            docs = best_docs(per_doc, limit=1)
            if not docs:
                return refusals.item(draft, terms, scope, self.corpus)
            picked.append(per_doc[docs[0]][0][0])
        if clause.has("sum") and compute.total(draft, picked):
            return
        if clause.has("compare") and not clause.has("sum") and not _AGAINST_PRIOR.search(clause.text):
            return compute.compare(draft, picked[:2])  # (each against its own year before: each is looked up)
        for fact in picked:
            lookup(draft, fact, clause.text, self.corpus)

    def _share(self, draft: Draft, clause: Clause, fact: StoredFact, scope: Scope, words: list[str]) -> bool:
        """“A占B的比重”: the part and the whole, each the best amount for its words in the same report."""
        parts = compute.share_parts(clause.text)
        if parts is None:
            return False
        ranked = {}
        for part in parts:
            part = expand(part)  # “全部支出” is the report's 支出合计
            terms = item_terms(part, words) or [t for t in re.findall(r"[\u4e00-\u9fff]{2,}", part) if t not in words]
            if not terms:
                return False
            found = pick(self.retriever, part, scope, terms)  # in the report's files, its narrative and its tables
            same = [x for d, v in found.items() if report_of(self.corpus.documents[d]) == report_of(fact.doc) for x in v]
            ranked[part] = (terms, [f for f, _ in sorted(same, key=lambda x: -x[1])])
        (part_terms, part_facts), (whole_terms, whole_facts) = ranked.values()
        if all(MEASURE_WORDS.fullmatch(t) for t in whole_terms) and any("预算" in t for t in whole_terms):
            # “行政运行的决算数占年初预算的百分之几” is the item's own budget: an execution rate
            return compute.execution_rate(draft, [part_facts], tuple(part_terms))
        whole = compute.amount_of(whole_facts, whole=tuple(whole_terms), named=_bare_name(parts[1], words))
        part = compute.amount_of(part_facts, beside=whole, named=_bare_name(parts[0], words))
        if whole is None and part is not None and part.table:  # “项目支出占支出预算总额”: its row's total
            whole = total_of_row(part, self.corpus)
        return whole is not None and part is not None and compute.share(draft, part, whole)


def _counted(clause: Clause, per_doc: dict, docs: list[str]) -> tuple[list[str], list[StoredFact]] | None:
    """The count asked for in each report (辆, 人 …); the amount, where an amount is asked beside it."""
    wanted = COUNTERS[clause.counter]

    def counts(f: StoredFact) -> bool:  # some reports count their cars in 台 (“共有车辆7台”)
        return f.uom in wanted or (clause.counter == "辆" and f.uom == "台" and "车" in f.label)

    facts = [next((f for f, _ in per_doc[d] if counts(f)), None) for d in docs]
    kept = [d for d, f in zip(docs, facts) if f is not None]
    if kept:
        return kept, [f for f in facts if f is not None]
    if _AMOUNT_ASKED.search(clause.text):
        return docs, [per_doc[d][0][0] for d in docs]
    return None


def _not_yet_given(per_doc: dict, draft: Draft, clause: Clause, earlier: tuple[str, ...]) -> dict:
    """A later part of a question asks for what the earlier parts did not give: a figure not yet shown, named
    by the words the earlier part did not use (“…收入总计, and how much of it is carried over” asks for
    上年结转), or the column it names in the row given (“…一共多少？其中其他收入有多少？”)."""
    shown = {(f.doc.doc_id, f.label, f.value) for given, _ in draft.answers.values() for f in given}
    fresh = [t for t in clause.items if t not in earlier]
    columns = [c for c in COLUMN_WORDS.findall(clause.text) if c not in ("合计", "小计", "其中")]

    def fit(fact: StoredFact) -> float:
        return (2.0 if any(c in fact.column for c in columns) else 1.0) * \
               (2.0 if any(t in fact.text for t in fresh) else 1.0)
    return {d: sorted(kept, key=lambda x: -x[1] * fit(x[0]))
            for d, v in per_doc.items()
            for kept in [[x for x in v if (d, x[0].label, x[0].value) not in shown] or v]}


def _by_report(per_doc: dict, docs: list[str], corpus: Corpus) -> tuple[dict, list[str]]:
    """The files of one report (its narrative and its tables) ranked as one, under its best-scoring file."""
    groups: dict[tuple, list[str]] = {}
    for d in docs:
        groups.setdefault(report_of(corpus.documents[d]), []).append(d)
    for d in per_doc:  # a file of the report that ranked below the others still holds its tables
        if d not in docs and report_of(corpus.documents[d]) in groups:
            groups[report_of(corpus.documents[d])].append(d)
    if all(len(g) == 1 for g in groups.values()):
        return per_doc, docs
    merged = dict(per_doc)
    for group in groups.values():
        merged[group[0]] = sorted((x for d in group for x in per_doc[d]), key=lambda x: -x[1])
    return merged, [group[0] for group in groups.values()]


def _bare_name(part: str, words: list[str]) -> str:
    """A share's part or whole as the question words it, without the unit or the year (amount_of drops quotes)."""
    for word in longest_first(words):
        part = part.replace(word, "")
    return YEAR_WORDS.sub("", part)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


__all__ = ["Assistant", "SOURCED", "RECOMPUTED", "MISMATCH", "UNVERIFIABLE"]
