"""What a question can ask, declared once: one row per intent, with the words that trigger it.

The plan (plan.py) reads a question against this table and chooses each clause's
operation by intent name; the answer kinds in figures.py, compute.py and quoting.py
answer those operations, and evals/metrics.py counts
by the same names. A new kind of question is a new row here and the function
that answers it — nothing else needs to learn its trigger words.

`passage` intents are answered by quoting the report's words (describe, define,
list, when, yes/no); the others by figures from the fact store.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Intent:
    name: str
    pattern: re.Pattern[str]
    passage: bool = False  # answered by quoting a passage rather than with a figure
    needs: str = ""        # what the answer needs, for the reader of this table


def _intent(name: str, pattern: str, passage: bool = False, needs: str = "") -> Intent:
    return Intent(name, re.compile(pattern), passage, needs)


INTENTS: tuple[Intent, ...] = (
    _intent("personal", r"(局长|主任|书记|厅长|处长|科长|校长|院长|部长|馆长|队长|领导|个人|本人|某人|每人|一个人|人均)"
                        r".{0,8}(工资|收入|薪|待遇|奖金|补贴)"
                        r"|每(个|位|名)[\u4e00-\u9fff]{1,8}?(员|人|师|生|工).{0,6}(发|拿|领|挣|工资|补贴|报酬)",
            needs="nothing: the reports publish no individual's pay, so it is refused as undisclosed"),
    _intent("price", r"学费|收费标准|票价|品牌|型号|合同金额|合同价|中标价|中标金额|单价(是|为)?多少|价格(是|为)?多少|每(台|件|套|张|份|辆)[^，。？?,]{0,6}(多少钱|价格|单价)|"
                     r"多少钱一(台|件|套|张|个|辆)",
            needs="nothing: budgets publish totals, not prices, fees, brands or contract amounts; refused as undisclosed"),
    _intent("premise", r"(为什么|为何|为啥|why|原因).{0,12}(大幅|明显|大量|显著)?(增加|增长|上升|提高|减少|下降|降低)",
            needs="an item and the direction the question asserts, checked before any reason is given"),
    _intent("reason", r"为什么|为何|为啥|咋回事|啥原因|原因|怎么回事|why", needs="an item; the report's own explanation near it"),
    _intent("unspent", r"没花完|未花完|没花掉|未花掉|未使用|剩余|还剩|少花|少支出|节约|没用完|剩下|没有支出|未支出|"
                       r"没有执行|未执行|没执行", needs="the budget and the actual of one item"),
    _intent("execution_rate", r"执行率|完成率|完成.{0,6}(比例|百分)", needs="the budget and the actual of one item"),
    _intent("share", r"占.{0,16}(比例|比重|百分之|多少)", needs="a part and its whole, in one report"),
    _intent("growth", r"增长率|增幅|增长了?百分之|变化率|增长多少|增长幅度|(?:下降|减少|降低)了?百分之|降幅|下降幅度|下降率|减幅", needs="an item in two years, or its stated change"),
    _intent("compare", r"相差|差多少|差额|多多少|少多少|哪个|哪一|谁|比较|对比|更多|更少|更高|更低|高还是低|多还是少|相比|"
                       r"(增加|减少|增长|下降|多|少)了多少|增加还是减少|减少还是增加|增还是减|(变化|变动)了?多少|哪家|哪些单位|谁家|"
                       r"最高|最低|最多|最少", needs="two items, two years or two units"),
    _intent("sum", r"一共|总共|合计|加起来|总和|共计|合起来", needs="two or more items of one report"),
    _intent("each", r"各|分别|和|以及", needs="two or more items, each looked up"),
    # answered with the report's words
    _intent("describe", r"职责|职能|干什么|做什么|负责什么|负责哪些|主要任务|工作任务|基本情况|单位概况|部门概况|简介|"
                        r"是什么单位|是什么机构|什么性质|工作目标|重点工作|主要工作|做了什么|完成得怎|完成情况|"
                        r"怎么开展|开展情况|管理办法|如何管理|归谁|隶属|主管部门|谁领导|谁管理|领导和管理|上级单位|"
                        r"由谁.{0,2}(?:管|领导)|谁来管|是一(?:所|个|家)什么|什么样的(?:学校|单位|机构|部门|组织)", passage=True,
            needs="a section or sentences about the unit's work"),
    _intent("list", r"内设|机构设置|哪些(机构|部门|处室|科室|单位|下属|项目)|下属单位|所属单位|包括哪些|包含哪些|由哪些|"
                    r"几个(处室|科室|机构|单位|部门)|组成", passage=True, needs="the list as the report gives it"),
    _intent("define", r"什么意思|指什么|是指|什么是|含义|定义|名词解释|怎么理解|怎么定义|是什么$|是什么？|是什么\?",
            passage=True, needs="the report's own definition of a term"),
    _intent("when", r"什么时候|何时|哪天|几月|日期|公开时间|发布时间", passage=True, needs="a sentence with the date"),
    _intent("who", r"由谁(?!.{0,2}(?:管|领导))|谁中标|中标单位|中标(的|方|公司|企业)|(施工|承建|设计|监理|中标)单位是|哪家公司|哪个公司|哪(家|个)(公司|企业|单位)?.{0,8}(中标|承接|承建|承办)|供应商是|承办单位|联系人|联系电话|地址|位于哪|在哪儿办公|在哪里办公", passage=True,
            needs="a sentence naming the party"),
    _intent("yes_no", r"有没有|有无|是否有|是否存在|是否安排|是否发生|有.{0,16}吗|安排.{0,16}了吗|要.{0,12}吗|(打算|准备|计划).{0,12}吗", passage=True,
            needs="the figure if there is one (有), else the report's sentence that says there is none (没有)"),
)
BY_NAME = {i.name: i for i in INTENTS}
# a year as a question says it (2026年, 2026年度), never the start of a code (2070205 博物馆)
# nor the start of an amount (2043.58万元)
YEAR_WORDS = re.compile(r"(?<![\d.,])20\d{2}(?!\d|[.,]\d)\s*年?度?")
# The words with which a report gives its reason (“主要原因是…”, “主要是…”): what a reason question is answered by
BECAUSE = re.compile(r"原因|主要是|由于|因为|系因")
REASON = BY_NAME["reason"].pattern

# A question that asks for an amount is a figure question even when it also says 有没有 or 哪些
FIGURE_WORDS = re.compile(r"多少|金额|数额|几(万|元|辆|个|人|次|批)|占比|比例|比重|增长率|增减|变化|相差")


def intents_of(text: str) -> frozenset[str]:
    """The names of every intent whose trigger words occur in `text`."""
    return frozenset(i.name for i in INTENTS if i.pattern.search(text))


def has(text: str, name: str) -> bool:
    return bool(BY_NAME[name].pattern.search(text))


# Asking words of a question about words: what, how, which, where — with no amount asked for
_WORDS_ASKED = re.compile(r"什么|怎么|怎样|如何|哪些|哪里|哪儿|什么地方|哪个单位|介绍|说明了|是怎么")
# (not sum: its 合计 is also part of item names, “合计数”; a sum asked for says 多少)
_FIGURE_INTENTS = frozenset({"premise", "reason", "unspent", "execution_rate", "share", "growth", "compare"})


def is_passage(text: str, intents: frozenset[str]) -> bool:
    """Answered by quoting: a passage intent, or a what/how question, and no amount asked for.

    “有没有…” alone is a passage question whose answer may still be a figure
    (ask.py settles it by the figure when one is held); a reason (为什么) is told
    beside its figure, so it stays with the figures.
    """
    wanted = {i.name for i in INTENTS if i.passage} & intents
    if wanted == {"yes_no"}:
        return True
    figure_intents = intents & _FIGURE_INTENTS
    if wanted - {"yes_no"}:
        figure_intents -= {"compare"}  # its 谁/哪个 also ask who won a bid or which units are included
    if FIGURE_WORDS.search(text) or figure_intents:
        return False
    return bool(wanted) or bool(_WORDS_ASKED.search(text))
