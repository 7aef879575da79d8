"""Which units, years and kinds of report a question is about, before anything is searched.

Also turns the public's words ("买车", "吃饭招待") and English questions into the
terms the reports use, so that lookup and search speak the reports' language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .corpus import Corpus, Document
from .names import QUALIFIER, abbreviated_units, longer_name, mention_core, short_names, shortening

# The public's words → the reports' terms. Order matters: longer phrases first.
COLLOQUIAL = [
    ("买车", "公务用车购置费"), ("购车", "公务用车购置费"), ("车辆购置", "公务用车购置费"),
    ("养车", "公务用车运行维护费"), ("用车", "公务用车购置及运行维护费"),
    ("吃饭", "公务接待费"), ("招待", "公务接待费"), ("请客", "公务接待费"), ("接待", "公务接待费"),
    ("出国", "因公出国（境）费"), ("出境", "因公出国（境）费"),
    ("三公", "“三公”经费"), ("发工资", "工资福利支出"), ("工资福利", "工资福利支出"), ("工资", "工资福利支出"),
    ("养人", "人员经费"), ("几辆车", "公务用车 辆"), ("多少辆", "公务用车 辆"), ("车", "公务用车"),
    ("花了多少", "支出"), ("花了", "支出"), ("花费", "支出"), ("开销", "支出"), ("用了多少", "支出"),
    ("进账", "收入"), ("拿到", "收入"), ("政府给", "财政拨款收入"), ("拨了", "财政拨款"),
    ("水电", "水费 电费"), ("网费", "邮电费"), ("电话费", "邮电费"), ("出差", "差旅费"),
    ("开会", "会议费"), ("培训", "培训费"), ("物业", "物业管理费"),
    ("全部支出", "支出合计"), ("总支出", "支出合计"), ("支出总额", "支出合计"), ("全年支出", "支出合计"), ("支出预算总额", "支出合计"),
    ("全部收入", "收入合计"), ("总收入", "收入合计"), ("收入总额", "收入合计"),
]

# One item printed under two names, by one report or another (公务用车运行费 in a 三公 table, 运行维护费 in a 基本支出 one)
SAME_ITEM = [("公务用车运行维护费", "公务用车运行费"), ("公务用车购置及运行维护费", "公务用车购置及运行费")]

# The public's words that wrap a report's term (买公务用车 is 公务用车购置费, not 公务用车)
_PHRASES = [(r"(买|购买|购置|新购|添置|更新)了?(两|一|几|\d)?(辆|台)?(新的?)?(公务|公)?用?车", "公务用车购置费"),
            (r"养了?多少人|有多少(个|名)?人|多少(名|个)?(工作)?人员|几个人|编制(是)?多少", "人员编制 在职人员")]

ENGLISH = [
    # questions about words, first: their words would otherwise be read as items
    (r"(main |major |key )?(responsibilit(y|ies)|duties|functions|mandate)|what does .{2,60}? do|what is .{2,60}? responsible for",
     " 主要职责是什么 "),
    (r"internal (departments?|divisions?|organs?|bodies|units)|organi[sz]ational structure|how is .{2,60}? organi[sz]ed",
     " 内设哪些机构 "),
    (r"(subordinate|affiliated) units|which units (are|does)|units (included|covered)", " 包括哪些单位 "),
    (r"what does .{2,40}? mean|what is meant by|definition of|define", " 是什么意思 "),
    (r"when was .{2,60}? (published|released|disclosed)", " 什么时候公开 "),
    (r"(office |postal |registered )?address|where is .{2,60}? (located|based)", " 地址在哪里 "),
    (r"(tele)?phone( number)?|contact number", " 联系电话 "),
    (r"^(does|did|is there|are there|has|have)\b", " 有没有 "),
    (r"(at|by) the end of|as of", " 年底 "),
    (r"government(al)? funds?( budget)?", "政府性基金"), (r"state[- ]owned capital( operations?| operating)?( budget)?",
                                                      "国有资本经营"),
    (r"three public (expenses|expenditures?|consumptions?)|three[- ]public", "“三公”经费"),
    (r"official receptions?|hospitality|entertainment", "公务接待费"),
    (r"(official )?vehicle (purchase|acquisition)s?|buy(ing)? (a )?cars?|car purchases?|"
     r"purchas(e|es|ing) (of )?(official )?(vehicles?|cars?)", "公务用车购置费"),
    (r"domestic", "国内"),
    (r"vehicle (operation|operating|maintenance|running)( and maintenance)?( costs?)?", "公务用车运行维护费"),
    (r"official (vehicles?|cars?)", "公务用车"),
    (r"overseas|outbound|going abroad|abroad", "因公出国（境）费"),
    (r"office (expenses?|costs?|supplies)", "办公费"), (r"printing", "印刷费"), (r"travel", "差旅费"),
    (r"meetings?|conferences?", "会议费"), (r"training", "培训费"), (r"property management", "物业管理费"),
    (r"basic expenditures?|basic spending", "基本支出"), (r"project expenditures?|project spending", "项目支出"),
    (r"personnel (expenses?|costs?|funds?)", "人员经费"), (r"public (funds?|expenses?)", "公用经费"),
    (r"(revenue|income) and expenditures?", "收入 支出"),  # one item, named as its reports do (收入、支出预算总计)
    (r"carr(y|ied|ies)[- ]?over|brought forward|(balance|surplus) from (the )?previous years?", "上年结转"),
    (r"total (revenue|income)", "本年收入合计"), (r"(total|overall)( \d{4})? budget", " 预算总额 "), (r"total (expenditure|spending)", "本年支出合计"),
    (r"fiscal appropriations?|government appropriations?", "财政拨款"),
    (r"government procurement", "政府采购"), (r"(the )?operating (costs?|expenses?)", "机关运行经费"),
    (r"salar(y|ies)|wages?", "工资福利支出"), (r"housing provident fund", "住房公积金"),
    (r"performance (targets?|goals?|objectives?)", "绩效目标"), (r"performance (self-)?(evaluations?|assessments?)", "绩效自评"),
    (r"in-service staff|staff (members )?in service|serving staff|employees", "在职人员"),
    (r"retir(ees|ed staff|ed people)", "离退休人员"), (r"law[- ]enforcement vehicles?", "执法执勤用车"),
    (r"fixed assets?", "固定资产"), (r"vehicles? (held|owned)|(own|hold|have) .{0,20}vehicles?", "车辆 辆"),
    (r"(case )?trials?|adjudication", "审判"), (r"procurement", "采购"), (r"projects?", "项目"),
    (r"budget completion|completion rate|percent(age)? of (the )?budget", "完成预算"),
    # a department's report covers its subordinate units; a unit's covers the unit alone
    (r"department(al)? budgets?", "部门预算"), (r"unit budgets?", "单位预算"),
    (r"department(al)? final accounts?", "部门决算"), (r"unit final accounts?", "单位决算"),
    (r"budget(ed)?", "预算"), (r"final accounts?|actual (spending|expenditure)", "决算"),
    (r"share|proportion|percent(age)?", "占比"), (r"increase[sd]?|growth|grow|grew|rise|rose", "增长"),
    (r"decrease[sd]?|decline[sd]?|drop(ped)?|fell|fall", "减少"), (r"why|reasons?|because", "原因"),
    (r"how many (cars|vehicles)", "公务用车 辆"), (r"batch(es)?", "批次"), (r"person[- ]times?|visitors?|people", "人次"),
    (r"how (much|many)", "多少"), (r"what (was|is|were|are)", "多少"), (r"difference|compared? (to|with)|more than|less than", "相差"),
    (r"previous year|last year|prior year", "上年"),
    (r"unspent|left over|remaining", "结余"), (r"each|respectively|separately", "分别"),
    (r"goods", "货物"), (r"services?", "服务"), (r"in total|combined|altogether|sum", "合计"),
    (r"expenditures?|spending|spent|spend|cost", "支出"), (r"revenue|income", "收入"),
]


@dataclass
class Scope:
    units: list[str] = field(default_factory=list)      # full unit names the question names
    unknown_unit: str = ""                               # a unit-like name the corpus does not hold
    years: list[int] = field(default_factory=list)
    kind: str = ""
    prior_year: bool = False                             # 去年/上年: the year before the report's
    at_year_end: bool = False                            # 截至2024年底: read in the next year's report
    item: str = ""                                       # what the conversation is asking about
    mentioned: str = ""                                  # a body named inside the reports in scope, not a unit
    report_scope: str = ""                               # 部门 | 单位 when the question says which report
    docs: list[Document] = field(default_factory=list)   # documents in scope


def is_english(question: str) -> bool:
    letters = sum(c.isascii() and c.isalpha() for c in question)
    cjk = sum("\u4e00" <= c <= "\u9fff" for c in question)
    return letters > 3 * max(cjk, 1)


def translate(question: str) -> str:
    """English question → the reports' Chinese terms (figures, years and unit names kept)."""
    text = question.lower()
    for pattern, term in ENGLISH:
        text = re.sub(rf"\b(?:{pattern})\b", f" {term} ", text)
    text = re.sub(r"\bin (20\d{2})\b|\b(20\d{2})\b", lambda m: f" {m.group(1) or m.group(2)}年 ", text)
    if re.search(r"主要职责是什么|内设哪些机构|包括哪些单位|是什么意思|什么时候公开", text):
        text = text.replace("多少", " ")  # “what are the duties” asks for words, not an amount
    # two report terms joined in English are joined in Chinese (“meetings and for training” → 会议费和培训费)
    text = re.sub(r"([\u4e00-\u9fff）”])\s+(?:and|&)\s+(?:(?:for|on|the|of)\s+)*([\u4e00-\u9fff“])", r"\1和\2", text)
    return re.sub(r"\b[a-z][a-z'-]*\b", " ", text)  # words with no report term are no item


def expand(question: str) -> str:
    """Add the reports' terms for the public's words, keeping the original words too."""
    extra = [term for phrase, term in _PHRASES if re.search(phrase, question) and term not in question]
    rest = question
    for formal in ("公务用车", "公务接待", "因公出国", "工资福利支出", "培训费", "差旅费", "会议费", "物业管理费"):
        rest = rest.replace(formal, " ")  # the report's own term is already there: nothing to translate
    for word, term in COLLOQUIAL:
        if word in rest and term not in question and term not in extra:
            extra.append(term)
            rest = rest.replace(word, " ")
    said = question + " " + " ".join(extra)
    extra += [b for a, b in SAME_ITEM + [(b, a) for a, b in SAME_ITEM] if a in said and b not in said]
    return question + (" " + " ".join(extra) if extra else "")


# A name that looks like a unit's: a place, or a body's ending (项目部 or 返乡 are not units: 部/乡 need a place)
_UNIT_LIKE = re.compile(r"([\u4e00-\u9fff]{2,12}?(?:局|委员会|委|办公室|办公厅|中心|街道|院|厅|馆|支队|大队)"
                        r"|[\u4e00-\u9fff]{2,3}?(?:省|市|区|县)[\u4e00-\u9fff]{2,10}?(?:部|所|站|队|镇|乡))")


# Words a question starts with before the unit it names (“根据某某局…”, “请问某某局…”)
_LEAD = re.compile(r"^(?:请问|请|根据|按照|依据|关于|查询|查一下|查看|看看|我想知道|想了解|想问|问一下|在|据|从)+")


def find_scope(question: str, corpus: Corpus, default: Scope | None = None) -> Scope:
    """Units, years and kind named in the question; unnamed parts inherit the conversation's scope.

    A unit the question newly names does not inherit the conversation's years
    unless it has reports for them.
    """
    scope = Scope()
    aliases: list[tuple[str, str]] = sorted(
        ((alias, unit) for unit in corpus.units()
         for alias in short_names(unit) + corpus.printed_names.get(unit, [])),
        key=lambda x: len(x[0]), reverse=True)
    known = {a for a, _ in aliases}
    rest = question
    for alias, unit in aliases:
        if alias not in rest:
            continue
        other = next((m for n in (2, 3) for m in [re.search(
            rf"([\u4e00-\u9fff]{{{n}}}(?:省|市|区|县)){re.escape(alias)}", rest)] if m), None)
        if other and other.group(0) not in known and other.group(1) not in unit:
            scope.unknown_unit = other.group(0)  # 北京市财政局 is not 上海市普陀区财政局
            rest = rest.replace(other.group(0), " ")
            continue
        for u in [u for a, u in aliases if a == alias]:
            if u not in scope.units:
                scope.units.append(u)
        rest = rest.replace(alias, " ")
    for _ in range(3):  # “深圳口岸办和宝安…管理局”: each shortened name, beside a full one or another shortening
        found = [] if scope.unknown_unit else [u for u in abbreviated_units(rest, corpus.units()) if u not in scope.units]
        if not found:
            break
        scope.units += found
        for u in found:
            rest = rest.replace(shortening(rest, u), " ")
    if not scope.units and not scope.unknown_unit:
        m = _UNIT_LIKE.search(re.sub(r"(20\d{2})年?度?", " ", question))
        name = _LEAD.sub("", m.group(1)) if m else ""
        if len(name) >= 3 and not re.search(r"支出|收入|经费|费|预算|决算|资金", name):
            named = {u: len(QUALIFIER.sub("", u)) for u in corpus.units() if longer_name(question, u)}
            longer = [u for u, n in named.items() if n == max(named.values())]  # the most of its name held
            core = mention_core(name)
            mentioning = [] if longer else corpus.mentioning(core)
            if longer:  # 江苏省人大常委会办公厅 is the held 江苏省人大办公厅, named in full
                scope.units = longer
            elif mentioning:  # 某市急救医疗指挥中心, a unit inside a held report: asked about in that report
                scope.units = sorted({d.unit for d in mentioning})
                scope.mentioned = core
            else:
                scope.unknown_unit = name
    # a year is four digits of their own: 2200509 (a 科目 code) names no year
    asked = {int(y) for y in re.findall(r"(?<![比与较同\d])(?<!相比)(20\d{2})(?!\d)\s*年?", question)}
    compared = {int(y) for y in re.findall(r"(?:[比与较同]|相比)(20\d{2})(?!\d)\s*年?", question)}
    held_years = {d.year for d in corpus.documents.values() if not scope.units or d.unit in scope.units}
    # "比2023年增加" names the year compared with; it is asked about only when its report is held
    scope.years = sorted(asked | {y for y in compared if y in held_years and asked})
    # 上年结转结余 is a row of this year's report, not the year before
    scope.prior_year = bool(re.search(r"(?<![较比与同和跟])(去年|上年|上一年|前一年)(?!结转|结余)", question))
    # a name the question quotes (“预决算信息公开评估”) is an item's, not the kind of report asked for
    unquoted = re.sub(r"“[^”]*”|\"[^\"]*\"", " ", question)
    if "决算" in unquoted:
        scope.kind = "决算"
    elif re.search(r"部门预算|单位预算|预算安排|年度预算|年预算|预算报告|预算公开|预算是多少|预算多少|预算为", unquoted) \
            and not re.search(r"完成|执行|决算|年初预算|全年预算|调整后预算", unquoted):
        scope.kind = "预算"
    scope.report_scope = "部门" if re.search(r"部门(预算|决算)", question) else \
        "单位" if re.search(r"单位(预算|决算)", question) else ""
    if default:
        scope.item = default.item
        named = bool(scope.units) and set(scope.units) != set(default.units)
        scope.units = scope.units or ([] if scope.unknown_unit else list(default.units))
        held = {d.year for d in corpus.documents.values() if d.unit in scope.units}
        scope.years = scope.years or [y for y in default.years if not named or y in held]
        scope.kind = scope.kind or default.kind
    scope.docs = _docs(corpus, scope)
    if scope.kind == "预算" and not scope.docs or (scope.kind == "预算" and scope.years and not any(
            d.year in scope.years for d in scope.docs)):
        # a 决算 states the year's 预算 too ("年初预算为…"): ask it when there is no 预算 report
        scope.kind = ""
        scope.docs = _docs(corpus, scope)
    if scope.years:
        in_year = [d for d in scope.docs if d.year in scope.years]
        # a prior-year figure is answered from the next year's report (back-calculated)
        next_year = [d for d in scope.docs if d.year and d.year - 1 in scope.years]
        held = {d.year for d in scope.docs}
        # the state at a year's end (截至2024年底) is printed in the next year's report: looked up, not backed out
        scope.at_year_end = bool(re.search(r"年底|年末|末|截至|截止|end of|as of", question))
        if any(y not in held and y + 1 in held for y in scope.years) and not scope.at_year_end:
            scope.prior_year = True
        scope.docs = in_year or next_year
        if scope.prior_year and next_year and not in_year:
            scope.docs = next_year
    return scope


def _docs(corpus: Corpus, scope: Scope) -> list[Document]:
    docs = [d for d in corpus.documents.values()
            if (not scope.units or d.unit in scope.units) and (not scope.kind or d.kind == scope.kind)]
    # “部门预算” picks the department's report where a unit also publishes a 单位预算; a year whose report
    # names neither (江苏 2017 预算公开) is still that year's report
    named = {(d.unit, d.year) for d in docs if d.scope == scope.report_scope}
    return [d for d in docs if d.scope == scope.report_scope or (not d.scope and (d.unit, d.year) not in named)] \
        or docs if scope.report_scope else docs
