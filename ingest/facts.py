"""Every number a report states, as a `Fact` that can be cited and checked.

Table cells carry their row label and column header. Prose figures get their
subject from the clause before them ("公务用车购置支出 23.90 万元") or, when the
clause is only a verb ("增长713.15%"), from the first figure of the sentence.
"""
from __future__ import annotations

import re
from decimal import Decimal

from .report import Fact, Paragraph, Report, Table

UNITS = r"万元|亿元|元|百分点|%|个|辆|人次|批次|台\(套\)|台（套）|台|人|名(?![称单词义录额])|项|次|家|场|万"
FIGURE = re.compile(rf"(?<![\d.,])(\d{{1,3}}(?:,\d{{3}})+|\d+)(\.\d+)?\s*({UNITS})")
_CLAUSE_BREAK = re.compile(r"[，,；;。：:]")
_GENERIC = {"支出", "金额", "收入", "资金", "合计", "共计", "其中"}
_YEAR = re.compile(r"(20\d{2})\s*年")

# Words before a figure that say what kind of figure it is, most specific first.
_MEASURES = [
    (re.compile(r"(完成|占)(年初|全年|调整后?)?预算(数)?的?$|执行率为?$|完成率为?$"), "完成率"),
    (re.compile(r"占[^，。；]{0,20}?的?(比重|比例)?为?$"), "占比"),
    (re.compile(r"(增加|增长|上升|提高|多支出)了?$"), "增加"),
    (re.compile(r"(减少|下降|降低|节约|少支出|缩减)了?$"), "减少"),
    (re.compile(r"预算(数|安排)?为?$"), "预算数"),
    (re.compile(r"决算(数)?为?$"), "决算数"),
]
_VERB_TAIL = re.compile(r"(支出决算|决算|预算数|预算|执行数)?(数)?(为|是|达到?|共计|约)?$")
_LEAD = re.compile(r"^(其中|主要用于|包括|具体|此外|另外|全年|本年|本年度|当年)[:：]?")


_UNIT_WORDS = {"万元", "元", "亿元", "%", "个", "辆", "人次", "批次", "台", "人", "项", "次", "家", "场", "万个",
               "万条", "条", "天", "小时", "年", "场次", "万人"}


def table_facts(report: Report, table: Table) -> list[Fact]:
    facts = []
    carried = ""  # a row label that names a unit (“专项资金情况（万元） 资金总额：”) sets it for the rows after it
    for row in table.rows:
        named = _LABEL_UNIT.search(" ".join(row.path) + row.label)
        carried = named.group(1) if named else carried
        shown = "；".join(f"{col}：{cell.text}" for col, cell in row.cells.items() if cell.text)
        source = f"{row.label}｜{shown}"
        # a 绩效 indicator row prints its own unit (度量单位) for its 指标值 and 完成值
        own_unit = next((c.text for col, c in row.cells.items() if "度量单位" in col and c.text in _UNIT_WORDS), "")
        for column, cell in row.cells.items():
            if not cell.text or (cell.value is None and not cell.unreadable):
                continue
            if _LINE_NUMBER.search(column.rsplit(" › ", 1)[-1]):
                continue  # 行次 27 numbers the line, 科目编码 50201 codes it: neither is an amount
            uom = "%" if cell.percent else _column_unit(column, table.unit)
            if own_unit and re.search(r"指标值|完成值", column):
                uom = own_unit
            elif not uom and carried and not cell.percent:
                uom = carried
            path = ((table.context,) if table.context else ()) + row.path
            start = source.find(f"{column}：{cell.text}") + len(column) + 1
            facts.append(Fact(label=row.label, path=path, measure=column, value=cell.value, uom=uom,
                              page=row.page, source=source, table=table.title, column=column,
                              section=table.context, year=table.year or report.meta.year,
                              span=(start, start + len(cell.text)), unreadable=cell.unreadable,
                              ocr=cell.ocr, box=cell.box))
    return facts


_LABEL_UNIT = re.compile(r"[（(](万元|元|亿元)[）)]")

# Columns that number the lines of a table (收入行次, 栏次, 序号) or code them (政府经济科目编码, 功能科目代码)
_LINE_NUMBER = re.compile(r"行次|栏次|^序号$|^编号$|编码$|代码$")


def _column_unit(column: str, table_unit: str) -> str:
    m = re.search(r"[（(](万元|元|亿元|%)[）)]", column)
    if m:
        return m.group(1)
    if re.search(r"率|比例|占比", column):
        return "%"
    if re.search(r"指标|权重|得分|分值|完成值|度量单位|指标性质|原因|分析|说明|备注|第\d+列", column):
        return ""
    return table_unit


def prose_facts(report: Report, paragraph: Paragraph) -> list[Fact]:
    """Figures with a unit in one paragraph, each with the sentence it stands in."""
    facts: list[Fact] = []
    text = paragraph.text
    unit = report.meta.unit
    sentences = _sentences(text)
    topic = _topic(sentences)
    for sentence_start, sentence in sentences:
        head = re.split(r"[：:]", sentence, maxsplit=1)[0] if re.search(r"[：:]", sentence[:80]) else ""
        head = "" if FIGURE.search(head) else head
        lead = _measure_and_label(head, "万元", "")[1] if head else ""
        lead = lead or topic
        subject = lead
        # a figure whose sentence does not name its item is cited with the item's sentence before it
        source = text[:sentence_start + len(sentence)] if topic and sentence_start and \
            sentence_start + len(sentence) <= 400 else sentence
        offset = len(source) - len(sentence)
        for m in FIGURE.finditer(sentence):
            number = (m.group(1) + (m.group(2) or "")).replace(",", "")
            uom = "万元" if m.group(3) == "万" else m.group(3)
            before = sentence[:m.start()]
            clause = _CLAUSE_BREAK.split(before)[-1].replace(unit, "").strip() if unit else \
                _CLAUSE_BREAK.split(before)[-1].strip()
            measure, label = _measure_and_label(clause, uom, report.meta.kind)
            if label in _GENERIC:
                label = lead or subject or label
            if label and (not subject or measure not in ("增加", "减少", "增长率", "下降率", "完成率", "占比")):
                subject = label
            label = label or subject or clause
            year = report.meta.year
            ym = _YEAR.search(clause)
            if ym and not re.search(r"(与|比|较)\s*" + ym.group(1), clause):
                year = int(ym.group(1))
            facts.append(Fact(label=label, path=(label,), measure=measure, value=Decimal(number), uom=uom,
                              page=paragraph.page, source=source,
                              section=" › ".join(paragraph.section), year=year,
                              span=(offset + m.start(), offset + m.end()), ocr=paragraph.ocr))
    return facts


def _topic(sentences: list[tuple[int, str]]) -> str:
    """The item a numbered paragraph is about: “1、社会保障和就业支出（类）…（项）。” without a figure."""
    if not sentences:
        return ""
    first = sentences[0][1]
    if re.match(r"^\s*(\d+|[一二三四五六七八九十]+)[、.．]", first) and not FIGURE.search(first) and len(first) <= 80:
        return re.sub(r"^\s*(\d+|[一二三四五六七八九十]+)[、.．]\s*", "", first).rstrip("。 ")
    return ""


def _sentences(text: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for m in re.finditer(r"[。！？；]", text):
        out.append((start, text[start:m.end()]))
        start = m.end()
    if text[start:].strip():
        out.append((start, text[start:]))
    return out


_LISTED = re.compile(rf"\d\s*(?:{UNITS})、")


def _measure_and_label(clause: str, uom: str, kind: str) -> tuple[str, str]:
    """What the figure measures, and the subject the clause names, if any."""
    listed = list(_LISTED.finditer(clause))
    if listed:  # “部级领导干部用车0辆、主要领导干部用车0辆”: each item after the previous figure
        clause = clause[listed[-1].end():]
    measure = ""
    for pattern, name in _MEASURES:
        if pattern.search(clause):
            measure = name
            break
    if measure in ("增加", "减少") and uom == "%":
        measure = "增长率" if measure == "增加" else "下降率"
    if not measure:
        measure = "比例" if uom in ("%", "百分点") else "数量" if uom not in ("万元", "亿元", "元") else (
            "决算数" if kind == "决算" else "预算数" if kind == "预算" else "金额")
    label = re.sub(r"^\s*度", "", _YEAR.sub("", clause).strip())
    label = re.sub(r"^(与|比|较)?(上年|上年度|去年)?(相比)?", "", label)
    label = _LEAD.sub("", label.strip())
    for pattern, _ in _MEASURES:
        label = pattern.sub("", label)
    for _ in range(2):  # stripping one tail can expose another: “…决算数比 度”
        label = re.sub(r"(决算数|预算数|决算|预算)?(比|较)(上年|上年度|去年)?$", "", label.strip(" 度*各"))
        label = _VERB_TAIL.sub("", label).strip(" 度*各")
    label = re.sub(r"^(\d+|[一二三四五六七八九十]+)[、.．]\s*", "", label)
    label = re.sub(r"^主要(变动)?原因(是|为)?", "", label).strip(" *")
    label = re.sub(r"(年初|全年|调整后)(预算)?$", "", label)
    return measure, label if len(label) >= 2 else ""


def clause_measure_label(before: str, uom: str) -> tuple[str, str]:
    """What kind of figure the clause ending at it announces, and what it is about ("" if only a verb)."""
    clause = _CLAUSE_BREAK.split(before)[-1].strip()
    return _measure_and_label(clause, uom, "")


def report_facts(report: Report) -> list[Fact]:
    facts = [f for t in report.tables for f in table_facts(report, t)]
    facts += [f for p in report.paragraphs if not p.heading for f in prose_facts(report, p)]
    return facts
