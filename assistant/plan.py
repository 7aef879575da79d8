"""Understanding a question: its words → a typed, frozen `QueryPlan`, before any fact is looked up.

`understand(question, corpus, context)` reads the question against the corpus's
unit names and years and the intent table (intents.py): which units, years and kind
of report it is about (scope.py), what item it asks about, and what is to be done with
it (the operation). Nothing here retrieves or computes; a plan can be tested, and
printed, without a store of facts (tests/test_plan.py).

A question that asks two things (“…是多少？占比多少？”) is one plan with two
clauses; each clause is answered in turn with the plan's scope.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .compose import item_terms
from .corpus import Corpus
from .intents import REASON, YEAR_WORDS, intents_of, is_passage
from .passages import topic_words
from .names import english_units, longest_first, longer_name, named_as, short_names, shortening, shortest_name, unheld_place, without_unit_words
from .scope import Scope, expand, find_scope, is_english, translate
from .verify import dimension, find_figures

MAX_QUESTION = 300

# What a clause asks to be done with the item, in the order the answerer tries them.
OPERATIONS = (
    "undisclosed",     # what no report publishes (one person's pay, a price or fee): refused, saying so
    "passage",         # quote the report's words (describe, list, define, when, who, yes/no)
    "items",           # several items named (A和B): each looked up, summed or compared
    "premise",         # “为什么X大幅增加？”: the asserted direction checked before a reason is given
    "prior_year",      # the year before a report's, backed out of the change it states
    "unspent",         # 预算数 − 决算数 of one item
    "execution_rate",  # 决算数 ÷ 预算数 of one item, where the report does not state it
    "share",           # part ÷ whole, where the report does not state it
    "compare",         # two reports' figures for one item: difference and growth
    "lookup",          # the figure as the report states it
)

_COUNTER = re.compile(r"(?:多少|几)(辆|人次|批次|人|名|台|套)")
# a count of people named by who they are (多少在校学生, 几名职工) is a count in 人
_PEOPLE = re.compile(r"(?:多少|几)(?:个|名|位)?(?:在校)?(?:学生|在校生|员工|职工|教师|老师|医生|护士|干部|工作人员)")
# “名下有没有车辆” asks what the unit holds (a count of 辆), not what it spends on cars
_POSSESSED = re.compile(r"(?:有没有|有无|名下|手里|手上|拥有|共有).{0,6}(?:车辆|公务用车|公务车|公车|机动车|汽车)(?!.{0,4}(?:费|钱|购))")
_SPLIT_ITEMS = re.compile(r"和|与|及|以及|、|加上|还有")
_ASKS = re.compile(r"多少|几|是否|哪|什么|怎样|怎么样|如何|吗|谁|有没有|有无")
# A clause that goes on about what the clause before it named (“…合计是多少？包括哪些科目？”)
# One item named by its examples: “发工资、交社保这些人员经费” is 人员经费
_GATHERED = re.compile(r"(?:这些|这类|等)([\u4e00-\u9fff]{2,10}?)(?:一共|总共|合计|共|是|有|安排|花|支出|多少|$)")
# a project's aims and results (要达到什么目标, 完成得怎样) are the subject's, not the unit's
_OF_SUBJECT = re.compile(r"目标|绩效|完成|效果|用途|用在|用于")
_GOES_ON = re.compile(r"^\s*(包括|包含|是哪|有哪些|具体|主要(是|有|包括)|其中)")
# A row's columns: a clause asking for them alone (“其中项目支出多少？”, “基本支出和项目支出分别是多少？”)
# after a clause that named a row (博物馆, 高等职业教育) asks for that row's columns
COLUMN_WORDS = re.compile(r"基本支出|项目支出|人员经费|公用经费|财政拨款|一般公共预算|政府性基金|国有资本经营预算|财政专户|其他资金|"
                      r"单位资金|事业收入|经营收入|其他收入|上级补助收入|上年结转|合计|小计|其中")
_SET_ASIDE = re.compile(r"除了?[^，,。？?]{2,12}?(?:以外|之外)?(?=[，,])")
_HEAD_TERMS = {"收入", "支出", "总额", "总计", "预算", "决算"}
_UP = re.compile(r"增加|增长|上升|提高")
_DOWN = re.compile(r"减少|下降|降低")


@dataclass(frozen=True)
class Clause:
    """One thing the question asks: its words, the item, the intents and the operation."""

    text: str
    items: tuple[str, ...]     # the words naming the item (“三公经费”), without units, years, question words
    parts: tuple[str, ...]     # several items joined by 和/与/、, each to be looked up
    intents: frozenset[str]
    operation: str             # one of OPERATIONS
    direction: str = ""        # "up" | "down": the change the question asserts (“为什么增加了”)
    counter: str = ""          # 辆, 人, 台 …: a count is asked for, not an amount
    explain: bool = False      # the report's reason is asked for too (为什么, 原因)
    stated: tuple[tuple[Decimal, str], ...] = ()  # amounts the question itself gives (“减少了990万元”)

    def has(self, intent: str) -> bool:
        return intent in self.intents


@dataclass(frozen=True)
class QueryPlan:
    """A question understood: in the reports' terms, scoped, and split into what it asks."""

    question: str
    text: str                  # in the reports' terms: English translated, colloquial words expanded
    english: bool
    scope: Scope
    clauses: tuple[Clause, ...]
    invalid: str = ""          # empty | too_long | no_words: a question that cannot be read
    unit_words: tuple[str, ...] = ()  # how the question names its units (full, short, shortened): no item

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(self.scope.units)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(self.scope.years)

    @property
    def kind(self) -> str:
        return self.scope.kind


def understand(question: str, corpus: Corpus, context: Scope | None = None) -> QueryPlan:
    """The plan for a question, in the conversation `context` (its units, years and item)."""
    q = (question or "").strip()
    english = is_english(q)
    invalid = "empty" if not q else "too_long" if len(q) > MAX_QUESTION else \
        "" if re.search(r"[\u4e00-\u9fffA-Za-z0-9]", q) else "no_words"
    if invalid:
        return QueryPlan(question, q, english, Scope(), (), invalid)
    unheld = ""
    if english:  # the unit by its English name, put back in Chinese so that scope finds it
        units = corpus.units()
        unheld = unheld_place(q, units)
        named = [] if unheld else english_units(q, units)
        q = " ".join([shortest_name(u, units) for u in named] + [translate(without_unit_words(q, named))])
    text = expand(q)
    scope = find_scope(text, corpus, context)
    if unheld:  # “the Nanjing Municipal Audit Bureau” is no audit bureau of the corpus
        scope.units, scope.unknown_unit, scope.docs = [], unheld, []
    # the words that name the units, as the question shortens them too (福州治安支队), name no item
    words = longest_first(scope_words(scope) + [w for u in scope.units for w in (shortening(text, u), named_as(text, u),
                                                                              longer_name(text, u)) if w]
                          + [w for u in scope.units for w in corpus.printed_names.get(u, []) if w in text])
    terms = item_terms(text, words)
    if not terms and scope.item:  # “那2024年呢？” asks the conversation's item again
        q, text = f"{q} {scope.item}", f"{text} {scope.item}"
    scope.item = " ".join(terms) or scope.item
    # each clause in the reports' terms: “开会预算多少钱？打算多少人参加？” asks for 会议费 in its first clause
    clauses = tuple(_clause(c, words, corpus, scope) for c in split_clauses(q))
    return QueryPlan(question, text, english, scope, clauses, unit_words=tuple(words))


def scope_words(scope: Scope) -> list[str]:
    """The units' names and their short forms, longest first: words that name no item."""
    return longest_first([a for u in scope.units for a in short_names(u)] + scope.units)


def _clause(asked: str, words: list[str], corpus: Corpus, scope: Scope) -> Clause:
    """One clause as asked; its item in the reports' terms, its parts split as the question joins them."""
    asked = _SET_ASIDE.sub(" ", asked)  # “除了财政拨款，有没有其他收入” asks about the other income
    text = expand(asked)
    intents = intents_of(text)
    up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
    direction = "up" if up and not down else "down" if down and not up else ""
    counted = _COUNTER.search(text)
    counter = counted.group(1) if counted else "人" if _PEOPLE.search(text) else \
        "辆" if _POSSESSED.search(text) and not re.search(r"买|购", text) else ""
    explain = bool(REASON.search(text))
    # a count in 辆 is of the unit's vehicles, however the report words them (共有车辆0辆, 公务用车2辆)
    vehicles = ["车辆"] if counter == "辆" else []
    text += " 车辆" if vehicles and "车辆" not in text else ""
    if intents & {"personal", "price"}:
        return Clause(text, tuple(item_terms(text, words)), (), intents, "undisclosed", direction, "", explain)
    if is_passage(text, intents):
        return Clause(text, tuple(dict.fromkeys(item_terms(text, words) + vehicles)), (), intents, "passage", direction,
                      counter, explain)
    gathered = _GATHERED.search(asked)
    if gathered and item_terms(gathered.group(1), []):
        # the examples are not looked up: the item they are examples of is (scope is already known)
        text = expand(asked[gathered.start(1):])
        parts = [gathered.group(1)]
    else:
        parts = split_items(asked, words, corpus.joined_labels)  # each part is expanded when it is looked up
    terms = item_terms(text, words)
    if not terms:
        text, terms = default_item(text)
    terms = list(dict.fromkeys(terms + vehicles))
    if len(parts) > 1 and intents & {"sum", "compare", "each"}:
        operation = "items"
    elif "premise" in intents:
        operation = "premise"
    elif scope.prior_year:
        operation = "prior_year"
    elif "unspent" in intents or ("compare" in intents and "预算" in text and "决算" in text):
        operation = "unspent"
    elif "execution_rate" in intents:
        operation = "execution_rate"
    elif "share" in intents:
        operation = "share"
    elif intents & {"compare", "growth"}:
        operation = "compare"
    else:
        operation = "lookup"
    return Clause(text, tuple(terms), tuple(parts), intents, operation, direction,
                  counter, explain, stated_amounts(asked))


def stated_amounts(text: str) -> tuple[tuple[Decimal, str], ...]:
    """The amounts of money a question states (“比2024年减少了990万元”): the figure it is about."""
    return tuple((f.value, f.unit) for f in find_figures(text) if dimension(f.unit) == "money" and f.value)


def default_item(text: str) -> tuple[str, list[str]]:
    """A question that names no item (“2024年花了多少钱”) asks for the report's totals."""
    if re.search(r"收入|进账|拿到", text):
        return text + " 本年收入合计", ["本年收入合计"]
    if re.search(r"预算总额|总预算|预算.{0,2}(?:一共|总共)", text):  # the whole budget: what it totals, in and out
        return text + " 收入总计 收支总计 收入合计", ["收入总计", "收支总计", "收入合计"]
    if re.search(r"预算|执行|没有支出|未支出", text):
        return text + " 一般公共预算财政拨款支出", ["一般公共预算财政拨款支出"]
    return text + " 本年支出合计", ["本年支出合计"]


def split_clauses(text: str) -> list[str]:
    """A question that asks two things (“…是多少？其中服务采购多少？”) as two clauses.

    A later clause that names no item of its own (“占比多少？”) asks about the
    item of the clause before it.
    """
    pieces = [p for p in re.split(r"[，,？?；;]", text) if p.strip()]
    asking = [p for p in pieces if _ASKS.search(p)]
    if len(asking) < 2 or REASON.search(text):
        return [text]
    lead = text[:text.find(asking[0])]
    clauses = [lead + asking[0]]
    for previous, clause in zip(asking, asking[1:]):
        # a clause about words (“要达到什么目标？”) is about the subject the clause before it named
        # (one with a topic of its own, “内部设了哪些部门？”, asks about the unit, not about that subject)
        words_asked = is_passage(clause, intents_of(clause))
        own = (item_terms(clause, []) and not _GOES_ON.match(clause) and not words_asked
               and not (_columns_only(clause) and _names_row(previous))) \
            or (words_asked and bool(topic_words(clause)) and not _OF_SUBJECT.search(clause)) \
            or ("yes_no" in intents_of(clause) and bool(item_terms(expand(clause), [])))  # 今年打算买新车吗
        clauses.append(lead + (clause if own else re.sub(_ASKS, "", previous) + clause))
    return clauses


def _columns_only(clause: str) -> bool:
    return bool(COLUMN_WORDS.search(clause)) and not item_terms(COLUMN_WORDS.sub(" ", clause), [])


def _names_row(clause: str) -> bool:
    return bool(set(item_terms(COLUMN_WORDS.sub(" ", clause), [])) - _HEAD_TERMS)


def split_items(text: str, words: list[str], joined: list[str]) -> list[str]:
    """Items joined by 和/与/、 (办公费和印刷费), each with enough words to look it up.

    Names that contain 和 themselves (社会保障和就业支出, 年初结转和结余) are not split.
    """
    for w in longest_first(words):
        text = text.replace(w, " ")
    text = YEAR_WORDS.sub(" ", text)
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
    if len(parts) > 1 and _names_row(parts[0]) and _columns_only(parts[-1]):
        # “高等职业教育支出基本支出和项目支出”: the columns asked are each the row's
        row = COLUMN_WORDS.sub(" ", parts[0])
        parts = [parts[0]] + [row + p if _columns_only(p) else p for p in parts[1:]]
    return parts


__all__ = ["COLUMN_WORDS", "Clause", "QueryPlan", "OPERATIONS", "understand"]
