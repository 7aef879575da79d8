"""The default answerer: picks the facts a question asks for and writes a short cited answer.

No language model is involved. Figures come from the fact store; derived figures
(differences, sums, shares, growth, a prior year backed out of a stated change,
budget left unspent) are computed in Decimal with their formula shown; reasons
are quoted in the report's own words. Every sentence carries its citation [n].
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .answer import Citation
from .corpus import Corpus, Document, StoredFact
from .derive import Derived
from .intents import BECAUSE, REASON, YEAR_WORDS
from .names import longest_first, short_names
from .retrieve import Retriever, tokens
from .scope import Scope
from .verify import Source, find_figures

GENERIC = set("支出 费用 经费 金额 决算 预算 决算数 预算数 年度 财政 拨款 资金 数 费 合计 本年 多少 情况 用于 主要 "
              "相差 比较 增长 增加 减少 下降 占比 比例 原因 为什么 为何 上年 去年 结余 完成 一共 总共 分别 哪个 谁 更 "
              "万元 元 亿元 报告 公开 部门 单位 年 是 多 少 了 和 与 及 大幅 明显 大量 显著 具体 详细 请问 告诉 根据 推算 按照 "
              "相比 变化 变动 各是 分别 分别是 各 是多少 哪个 最多 最少 花掉 没有 更高 更低 更多 更少 最高 最低 高 低 "
              "全年 年初 调整 调整后 哪一年 一年 还是 到底 究竟 打算 准备 计划 的话 听说 据说 汇总 市级 本级 区级 大约 大概 左右 约 约为 部门预算 单位预算 部门决算 单位决算 今年 当年 本年度 中有 其中 当中 来自 现在 目前 怎么样 怎样 如何 怎么 多大 有没有 有无 安排 "
              "参加 参与 出席 要花 花了 需要 为啥 啥 咋 要买 哪家 谁家 哪一家 多多 各有 总额 预算总额 总预算 跟上 跟 比是 增是 是增 是减 减是 增减 还是减".split())
CHANGE = ("增加", "减少", "增长率", "下降率")
PERCENT_WORDS = re.compile(r"占|比例|比重|百分|%|率")
CHANGE_WORDS = re.compile(r"增|减|变化|变动|上年|去年|比上|同比|较上|下降|上升|[比较]20\d{2}|多了|少了")
_OWNED = re.compile(r"有几|有多少|共有|拥有|保有|实有|名下|手里|手上")
# The units a count asked for may be printed in (“多少人” is answered by 人, 人次 or 名)
COUNTERS = {"辆": ("辆",), "人次": ("人次", "人"), "批次": ("批次", "批", "次"), "人": ("人", "人次", "名"),
             "名": ("人", "名"), "台": ("台", "套"), "套": ("台", "套")}

_TOTAL = re.compile(r"合计|总计|总额|小计")
# a column of where the money comes from or of which year (总计, 财政拨款 › 一般公共预算, 2026年预算数), not of an item
_SOURCE_COLUMN = re.compile(r"总计|合计|小计|金额|预算数?|决算数?|财政拨款|财政专户|拨款|一般公共|政府性基金|国有资本经营|"
                            r"其他资金|单位资金|本年|年初|全年|调整后?|\d{4}年?|[数年度›\s（）()]")
# “少了三成多”, “增加了一半”: how much, in words, not what
_PROPORTION = re.compile(r"[一二两三四五六七八九十几]成多?|一半|翻番|翻倍|百分之?几?|百分点|[一二三四五六七八九十]分之[一二三四五六七八九十]")
# An item named by its head alone (“收入增加了多少”) is the whole, not a part named with a qualifier
_HEADS = {"收入", "支出", "收支", "总收入", "总支出", "收入总额", "支出总额"}
# a 科目 code the question gives (“博物馆”（2070205）, 30201): the row printed with it is the one asked
_CODE_ASKED = re.compile(r"(?<![\d.,])([123]\d{2}(?:\d{2}){0,2})(?![\d.,%万元亿台辆人个次年])")
# a table of several items (“三公”经费、会议费、培训费支出表): its 合计 is no one item's total
_SEVERAL = re.compile(r"[^\d]、|[和及](?!运行|维护)")
# Items with a table of their own: the 三公 items are budgeted in basic and project spending alike, and only
# the 三公 table gives them whole (公务接待费 185,000元 in a 基本支出 table, 28.50万元 in the 三公 table)
HOME_TABLES = ((re.compile(r"三公|因公出国|公务接待|公务用车"), "三公"), (re.compile(r"会议费"), "会议费"),
               (re.compile(r"培训费"), "培训费"))
# words that ask for the item as one part of spending, so that its home table is not the one meant
_PART_OF_SPENDING = re.compile(r"基本支出|项目支出|经济分类|人员经费|公用经费")
_QUALIFIED = re.compile(r"财政拨款|一般公共预算|政府性基金|国有资本|基本|项目|事业|经营|其他|上级|附属|专户|上年|结转")


# The code a table is numbered by, before its name: 预算07表, 公开05表, 公开表5, 表一, 表9, 附表3 —
# or after it, in brackets, as the reader keeps it: 收入总表（预算表2）, 收入预算总表（公开表二）
TABLE_CODE = re.compile(r"^(?:(?:预算|公开|部门|单位)?\d{1,2}表|(?:公开)?表[一二三四五六七八九十\d]{1,3}|附表\d{1,2})")
_CODE_AFTER = re.compile(r"[（(]((?:预算|公开|部门|单位)?\d{1,2}表|(?:公开|预算)?表[一二三四五六七八九十\d]{1,3})[)）]$")


def bare(text: str) -> str:
    """A title without the quotes, brackets and spaces that reports and people print differently."""
    return re.sub(r"[“”\"《》〈〉\s]", "", text)


def table_named(table: str, query: str) -> bool:
    """The question names this table: by its title (with or without its year), by its name
    without its code, or by its code alone (“预算07表”, “表9”; 表1 is not 表10)."""
    core = bare(re.sub(r"^20\d{2}年?(部门|单位)?", "", table))
    query = bare(query)
    if len(core) >= 4 and core in query:
        return True
    code = TABLE_CODE.match(core) or _CODE_AFTER.search(core)
    if not code:
        return False
    name = core[code.end():] if code.start() == 0 else core[:code.start()]
    printed = code.group(1) if code.lastindex else code.group(0)
    return (len(name) >= 4 and name in query) or bool(re.search(rf"{re.escape(printed)}(?![\d一二三四五六七八九十])", query))


def item_name(label: str) -> str:
    """The item a label names: “30201 办公费” → 办公费; “住房保障支出（类）…住房公积金（项）” → 住房公积金."""
    label = re.sub(r"^\d{3,}\s*", "", label)
    parts = [p for p in re.split(r"[（(][类款项][）)]", label) if p.strip()]
    return parts[-1].strip() if len(parts) > 1 else label
# Words that ask for a kind of figure (a rate, a share, a budget), not for an item
MEASURE_WORDS = re.compile(r"(完成|执行)?(预算|决算)?(数|额)?|百分比?|比例|比重|占比|执行率|完成率|增幅|增长率|下降率|"
                           r"变化|变动|数量|年初预算|调整预算|全年预算|完成预算|预算数|决算数|金额|部分|多少钱")
COUNT_WORDS = re.compile(r"几|多少辆|多少个|数量|批次|人次|多少人|多少台|多少项")


@dataclass
class Draft:
    """An answer being written: sentences, the citations they use, and the facts behind them."""

    corpus: Corpus
    english: bool
    sentences: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    keys: dict[tuple, int] = field(default_factory=dict)
    refused: bool = False
    refusal: str = ""                 # why it was refused: a code of refusals.REASONS
    items: tuple[str, ...] = ()       # the item the clause being answered asks about
    derived: list[Derived] = field(default_factory=list)
    # sentence index → (the facts it gives as the answer, the item they must be about)
    answers: dict[int, tuple[tuple[StoredFact, ...], tuple[str, ...]]] = field(default_factory=dict)

    def number(self, fact: StoredFact) -> int:
        """The [n] a fact is cited as, 0 when it is not cited."""
        return self.keys.get(_key(fact), 0)

    def cite(self, fact: StoredFact) -> int:
        key = _key(fact)
        if key not in self.keys:
            n = len(self.citations) + 1
            self.keys[key] = n
            self.citations.append(Citation(
                n=n, document=fact.doc.name, unit=fact.doc.unit, year=fact.doc.year, page=fact.page,
                section=fact.section, table=fact.table, row=fact.label if fact.table else "",
                column=fact.column, text=fact.source, highlight=[], ocr=fact.ocr, box=fact.box))
            for other in self.corpus.facts_by_source.get((fact.doc.doc_id, fact.source), []):
                if other.value is not None:
                    self.sources.append(Source(other.value, other.uom, other.label, other.measure,
                                               ref=describe(other), citation=n))
            # the cited text is its own source for every figure printed in it (a row's long text cells too)
            for figure in find_figures(fact.source + fact.column):
                    self.sources.append(Source(figure.value, figure.unit, figure.label, figure.measure,
                                               ref=f"「{fact.source[:30]}…」", citation=n))
        n = self.keys[key]
        shown = fmt(fact)
        if fact.table and fact.value is not None:
            shown = next((c for c in [str(fact.value), f"{fact.value:,}"] if c in fact.source), str(fact.value))
        if shown not in self.citations[n - 1].highlight:
            self.citations[n - 1].highlight.append(shown)
        return n

    def cite_sentence(self, doc: Document, sentence: str, page: int | None, section: str) -> int:
        key = (doc.doc_id, sentence, page)
        if key not in self.keys:
            n = len(self.citations) + 1
            self.keys[key] = n
            self.citations.append(Citation(n=n, document=doc.name, unit=doc.unit, year=doc.year, page=page,
                                           section=section, table="", row="", column="", text=sentence))
            # a quoted sentence is its own source: each figure in it is traced to these words
            for figure in find_figures(sentence):
                self.sources.append(Source(figure.value, figure.unit, figure.label,
                                           ref=f"「{sentence[:30]}…」", citation=n))
        return self.keys[key]

    def derive(self, derived: Derived) -> Derived:
        """Cite a computed figure's operands and keep it, so that review recomputes its declared operation."""
        for fact in derived.operands:
            self.cite(fact)
        self.derived.append(derived)
        return derived

    def say(self, zh: str, en: str, answers: tuple[StoredFact, ...] = ()) -> None:
        """Add a sentence, unless it only repeats a quotation already given (two parts of one question
        often lead to the same sentence of the report).

        `answers` are the facts the sentence gives as the answer to the clause's item:
        review withdraws the sentence if they are about something else.
        """
        sentence = en if self.english else zh
        quoted = _QUOTATION.search(sentence)
        if sentence in self.sentences or (quoted and any(quoted.group(0) in s for s in self.sentences)):
            return
        if answers:
            self.answers[len(self.sentences)] = (answers, self.items)
        self.sentences.append(sentence)

    def refuse(self, reason: str, zh: str, en: str) -> None:
        self.refused, self.refusal = True, reason
        self.say(zh, en)


def _key(fact: StoredFact) -> tuple:
    """A fact's source as cited: its document, its sentence or row, its page."""
    return fact.doc.doc_id, fact.source, fact.page


_QUOTATION = re.compile(r"“[^”]{8,}”\s?\[\d+\]")


def fmt(fact: StoredFact) -> str:
    return f"{fact.value}{fact.uom}" if fact.value is not None else "（无法读取）"


def money(value: Decimal, unit: str) -> str:
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP)}{unit}"


def subject(fact: StoredFact) -> str:
    label = re.sub(r"^\d{3,}\s*", "", fact.label)
    if fact.table and label in ("合计", "总额", "小计"):
        label = f"{fact.path[0]}{label}" if len(fact.path) > 1 else f"{fact.table}{label}"
    return label


def describe(fact: StoredFact) -> str:
    """A fact named as a person would read it: 《表》「行」「列」 or the prose subject and measure."""
    if fact.table:
        column = fact.column.replace(" › ", "")
        if fact.label == "合计" and len(fact.path) == 1:  # a one-row table such as the “三公” table
            return f"《{fact.table}》中「{column}」"
        return f"《{fact.table}》中「{subject(fact)}」的「{column}」"
    measure = {"决算数": "", "预算数": "预算", "金额": "", "数量": "数量", "比例": "比例"}.get(fact.measure, fact.measure)
    return f"{fact.label}{measure}"


def who(doc: Document) -> str:
    return f"{doc.unit}{doc.year or ''}{'年' if doc.year else ''}{doc.scope}{doc.kind}"


def who_en(doc: Document) -> str:
    kind = {"决算": "final accounts", "预算": "budget"}.get(doc.kind, "report")
    return f"{doc.unit} ({doc.year} {kind})"


# ---------------------------------------------------------------- picking facts

def item_terms(query: str, scope_words: list[str]) -> list[str]:
    """The words that name what is asked about, without units, years and question words."""
    text = query
    for word in scope_words:
        text = text.replace(word, " ")
    text = YEAR_WORDS.sub(" ", text)
    return [t for t in tokens(text) if t not in GENERIC and len(t) >= 2 and not re.fullmatch(r"[\d.]+", t)
            and not _PROPORTION.fullmatch(t)]


def about(fact: StoredFact, terms: list[str], clause: bool = True) -> bool:
    """The figure itself is about one of the asked items, not merely its sentence.

    A table cell is about its row and column; a prose figure about the clause it
    stands in (“…，三公经费支出0.39万元，比上年减少0.15万元”), so the 财政拨款支出 of
    a sentence that also names the 三公经费 is not taken for them.
    """
    terms = [t for t in terms if not MEASURE_WORDS.fullmatch(t)]
    if not terms:
        return True
    if fact.table:
        where = " ".join([*fact.path, fact.label, fact.column, fact.table])
    elif not clause:  # a quoted sentence answers about whatever it names
        where = fact.source + fact.label
    else:
        start = fact.span[0] if fact.span else len(fact.source)
        where = re.split(r"[，。；,;]", fact.source[:start])[-1] + fact.label
    return any(t in where for t in terms)


def weight(fact: StoredFact, query: str) -> float:
    """How well the kind of figure fits what the question asks (amount, share, change, count, budget)."""
    w = 1.0
    asks_percent = bool(PERCENT_WORDS.search(query))
    asks_change = bool(CHANGE_WORDS.search(query))
    asks_budget = "预算" in query and not re.search(r"完成|执行", query)
    measure = f"{fact.measure} {fact.column}"
    if fact.unreadable or fact.value is None:
        return 0.05
    if fact.uom == "%":
        w *= 1.6 if asks_percent else 0.15
        if "完成" in fact.measure or "执行率" in measure:
            w *= 1.5 if re.search(r"完成|执行", query) else 0.5
    elif fact.measure in CHANGE:
        w *= 1.6 if asks_change else 0.25
    elif fact.uom in ("万元", "元", "亿元"):
        if asks_percent and not asks_change:
            w *= 0.6
        if "预算" in measure and "决算" not in measure:
            w *= 1.5 if asks_budget else (0.5 if fact.doc.kind == "决算" else 1.0)
        elif asks_budget and fact.doc.kind == "决算":
            w *= 0.6
        if "上年" in measure or fact.year != fact.doc.year:
            w *= 1.3 if asks_change or "上年" in query else 0.4
        elif asks_change and not fact.table:
            w *= 1.2  # a change is said in words beside its figure (“…，比上年增加…”)
    else:
        w *= 1.8 if COUNT_WORDS.search(query) else 0.3
    for scoped in ("财政拨款", "一般公共预算", "政府性基金", "国有资本经营"):
        if scoped in fact.table and scoped not in query:
            w *= 0.8  # the general table answers a general question
    if fact.table:
        w *= 1.1
        if re.search(r"权重|得分|指标值", fact.column):
            w *= 0.2
        # a 科目 asked for as spending (博物馆 支出预算) is read in a table of spending, not of income
        for asked, other in (("支出", "收入"), ("收入", "支出")):
            if asked in query and other not in query and other in fact.table and asked not in fact.table \
                    and "收支" not in fact.table:
                w *= 0.5
    return w


def pick(retriever: Retriever, query: str, scope: Scope, terms: list[str]) -> dict[str, list[tuple[StoredFact, float]]]:
    """Ranked facts per document, keeping only facts that name every item term the question uses."""
    doc_ids = {d.doc_id for d in scope.docs}
    # the units' names rank the facts that repeat them (“某局2026年度…培训费预算支出”) above the row asked
    # for (“（1）一般公共预算拨款收入”); the scope already keeps to their reports
    searched = query
    for name in longest_first([n for u in scope.units for n in short_names(u)] + scope.units):
        searched = searched.replace(name, " ")
    ranked = retriever.facts(searched if searched.strip() else query, doc_ids)
    if searched != query:  # a sentence that names the unit is still the unit's own summary: half as much again
        named = dict((f.id, s) for f, s in retriever.facts(query, doc_ids))
        ranked = sorted(((f, s + 0.5 * named.get(f.id, 0.0)) for f, s in ranked), key=lambda x: -x[1])
    quoted = [bare(q) for q in re.findall(r"[“\"]([^”\"]{4,40})[”\"]", query) if not q.startswith("三公")]
    codes = set(_CODE_ASKED.findall(query))
    per_doc: dict[str, list[tuple[StoredFact, float]]] = {}
    # the words jieba splits a name into (政府, 基金 of 政府性基金) are not more of the item than the name:
    # a fact with the name covers it, one with only some of its pieces half of it (服务 for 服务类)
    whole_terms = [t for t in terms if not any(t != u and t in u for u in terms)]
    pieces = {w: [t for t in terms if t != w and t in w] for w in whole_terms}
    # a body inside the unit (某某指挥中心) is asked about only in the facts that name it
    within = scope.mentioned if scope.mentioned and scope.mentioned in query else ""
    homes = [table for items, table in HOME_TABLES if any(items.search(t) for t in terms)]
    for fact, score in ranked:
        if within and within not in re.sub(r"\s+", "", " ".join([fact.text, fact.source, fact.section])):
            continue
        text = fact.text.replace(fact.doc.unit, " ")  # a row named for the unit (政务服务和数据管理局) is not 服务
        if terms and not any(t in text for t in terms):
            continue
        covered = sum(1.0 if w in text else 0.5 * sum(t in text for t in pieces[w]) / len(pieces[w])
                      if pieces[w] else 0.0 for w in whole_terms)
        label = item_name(fact.label)
        exact = (3.0 if label in terms and len(label) >= 3 else 2.0 if len(label) >= 5 and label in query
                 else 1.5 if any(t in label for t in terms) else 1.0)
        if _OWNED.search(query) and _OWNED.search(fact.source):
            exact *= 2.0  # “有几辆车” asks what the unit holds, not what it bought
        if fact.table and _TOTAL.search(query) and re.fullmatch(r"(支出|收入)?(合计|总计|小计)", label):
            exact *= 2.5  # “基本支出合计” is the table's 合计 row under 基本支出
        elif fact.table and terms and not any(t in " ".join([*fact.path, fact.label, fact.section]) for t in terms) \
                and any(t in fact.column for t in terms):
            # the item is a column (人员经费 of a 基本支出表): asked for as a whole, it is the total row's cell
            exact *= 2.0 if re.fullmatch(r"(支出|收入)?(合计|总计)", label.replace(" ", "")) else 0.7
        elif fact.table and terms and not any(t in " ".join([*fact.path, fact.label, fact.section, fact.column])
                                              for t in terms) and all(t in fact.table for t in terms) \
                and not _SOURCE_COLUMN.sub("", fact.column) and not _SEVERAL.search(fact.table):
            # the item is the table's subject (基本支出预算表, rows by unit): asked as a whole, it is the total row
            exact *= 2.5 if re.fullmatch(r"(支出|收入)?(合计|总计)", label.replace(" ", "")) else 0.5
        if terms and set(terms) <= _HEADS and not CHANGE_WORDS.search(query):
            leaf = fact.column.rsplit(" › ", 1)[-1]
            part = _QUALIFIED.search(label) or _QUALIFIED.search(leaf)
            whole = not part and (bool(re.search(r"合计|总计|总额", label + fact.measure))
                                  or re.sub(r"预算|决算", "", label).endswith(tuple(_HEADS)))
            exact *= 2.0 if whole else 0.5 if part else 1.0
        if quoted and any(q in bare(" ".join([*fact.path, fact.label, fact.table, fact.source])) for q in quoted):
            exact *= 3.0  # a name the question quotes (“知创大厦…建设费用”) is the row it asks for
        # (not for a reason: the change it explains is told in prose)
        code = re.match(r"\d{3,7}(?!\d)", fact.label) if codes and fact.table and not REASON.search(query) else None
        if code:
            exact *= 3.0 if code.group(0) in codes else 0.5 if len(code.group(0)) in map(len, codes) else 1.0
        if fact.table and table_named(fact.table, query):
            exact *= 1.5
        elif fact.table and homes and not any(h in fact.table for h in homes) and not _PART_OF_SPENDING.search(query):
            exact *= 0.4
        if fact.table and not any(t in fact.label for t in terms) and \
                any(n in fact.label for n in short_names(fact.doc.unit) + [fact.doc.unit] if len(n) >= 3):
            exact *= 0.4  # a row of a table of units (某局（本级）) is the unit's every item, not the one asked
        if fact.table and fact.section and any(len(t) >= 3 and t in fact.section for t in terms):
            exact *= 2.0  # the 绩效自评表 of the project the question names
        if REASON.search(query) and not fact.table:
            exact *= 1.5  # a reason is told in prose, next to the figure it explains
        s = score * weight(fact, query) * exact * (0.5 + covered / max(len(whole_terms), 1))
        per_doc.setdefault(fact.doc.doc_id, []).append((fact, s))
    for doc_id in per_doc:
        per_doc[doc_id].sort(key=lambda x: -x[1])
    return per_doc


# Where money comes from: a column headed by one source alone (一般公共预算 › 2, 单位资金) holds a part of its row
_FUNDING = re.compile(r"财政拨款|一般公共预算|政府性基金|国有资本|财政专户|单位资金|其他资金|事业收入|经营收入|上年结转|其他收入|"
                      r"上级补助|附属单位")
_FUNDING_HEAD = re.compile(rf"^(?:[一二三四五六七八九十\d]+[、.．])?(?:{_FUNDING.pattern})"
                           r"(?:预算|拨款|资金|收入|管理资金|结余|上缴收入|补助收入)*\d*$")


def row_total(fact: StoredFact, corpus: Corpus, query: str) -> StoredFact:
    """A row asked for without naming where its money comes from is its total (总计 4,237.00), not the cell of
    one source that the question's 预算 happens to match (财政拨款 › 一般公共预算 0.00)."""
    if not fact.table or _FUNDING.search(query) or not any(_FUNDING_HEAD.match(h.strip())
                                                           for h in fact.column.split(" › ")):
        return fact
    return total_of_row(fact, corpus) or fact


def total_of_row(fact: StoredFact, corpus: Corpus) -> StoredFact | None:
    """The cell of a table row that totals it (总计 › 1, or 支出预算 › 合计 beside 支出预算 › 基本支出)."""
    def heads(column: str) -> list[str]:
        return [h.strip() for h in column.split(" › ") if not h.strip().isdigit()]
    own = heads(fact.column)
    totals = [o for o in corpus.facts_by_source.get((fact.doc.doc_id, fact.source), [])
              if o is not fact and o.label == fact.label and o.value is not None and o.uom == fact.uom
              and (h := heads(o.column)) and h[-1] in ("总计", "合计") and (len(h) == 1 or h[:-1] == own[:-1])]
    return min(totals, key=lambda o: len(heads(o.column)), default=None)  # the row's grand total first


def report_of(doc: Document) -> tuple:
    """A report published as two files (its narrative and its tables, 情况说明 / 报表) is one report to the
    user: what the two files hold is never compared as if it were two years' or two units'."""
    return doc.unit, doc.year, doc.kind, doc.scope or "部门"  # a file that names no scope is a department's


def best_docs(per_doc: dict[str, list[tuple[StoredFact, float]]], limit: int = 6) -> list[str]:
    """Documents whose best fact scores close to the overall best: those that 'have the figure'."""
    if not per_doc:
        return []
    top = max(v[0][1] for v in per_doc.values())
    docs = [d for d, v in per_doc.items() if v[0][1] >= 0.4 * top]
    return sorted(docs, key=lambda d: -per_doc[d][0][1])[:limit]


def companion(corpus: Corpus, fact: StoredFact, measures: tuple[str, ...]) -> StoredFact | None:
    """Another fact about the same thing in the same document, e.g. the 增加 that goes with a 决算数.

    The same sentence is searched first ("…支出决算为0.39万元，…比上年减少0.15万元"),
    then facts with the same label elsewhere in the report.
    """
    in_sentence = [o for o in corpus.facts_by_source.get((fact.doc.doc_id, fact.source), [])
                   if o is not fact and o.measure in measures and o.uom in ("万元", "元", "亿元", fact.uom)]
    if in_sentence:
        return next((o for o in in_sentence if o.label == fact.label), in_sentence[0])
    same_doc = [f for f in corpus.facts_by_doc[fact.doc.doc_id] if f.measure in measures
                and f.label == fact.label and f.value is not None]
    same_doc.sort(key=lambda f: measures.index(f.measure))
    return same_doc[0] if same_doc else None


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[\s\d.，。、；：:“”（）()%？?]", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)} - {"原因", "主要", "为什", "什么", "么增"}


def reason_sentences(corpus: Corpus, doc: Document, fact: StoredFact, question: str = "",
                     limit: int = 2) -> list[tuple[str, int | None, str]]:
    """The report's own explanation ("主要原因……") nearest to the figure asked about.

    First the sentences right after the figure's own sentence; else sentences
    with 原因 near the figure's subject anywhere in the report.
    """
    label_terms = [t for t in tokens(subject(fact)) if len(t) >= 2 and t not in GENERIC] or [subject(fact)]
    asked = _bigrams(question)
    found = []
    for chunk in corpus.chunks_by_doc[doc.doc_id]:
        if chunk.kind != "prose":
            continue
        body = chunk.text.split("\n", 1)[-1]
        sentences = re.split(r"(?<=[。；])", body)
        near = next((i for i, s in enumerate(sentences) if fact.source.strip()[-20:] in s), None) \
            if not fact.table else None
        for i, sentence in enumerate(sentences):
            if not BECAUSE.search(sentence):
                continue
            window = "".join(sentences[max(0, i - 2):i + 1])
            score = sum(t in window for t in label_terms) + 0.5 * len(asked & _bigrams(window))
            if near is not None and 0 <= i - near <= 2:
                score += 8 - 2 * (i - near)  # the explanation that follows the figure
            following = sentences[i + 1].strip() if i + 1 < len(sentences) else ""
            if following and len(following) < 60 and not re.match(r"^\d|^[一二三四五六七八九十]+、", following):
                sentence = sentence + following  # “…合理支出。较上一年度减少了培训费支出等。”
            if score:
                found.append((score, sentence.strip(), chunk.page, chunk.section))
    found.sort(key=lambda x: -x[0])
    out, seen = [], set()
    for _, s, page, section in found:
        if s not in seen:
            seen.add(s)
            out.append((s, page, section))
    return out[:limit]
