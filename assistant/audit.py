"""The internal consistency of one 决算 report: pure functions over a `Report`.

A published report states most figures twice — once in the nine standard tables
and again in the prose of the 情况说明 — and many of them are sums, shares or
growth rates of others. Each check below recomputes one such relation and
reports where the report contradicts itself, with the figures a finance officer
needs to find the place. Every figure is printed rounded to its last digit, so a
relation only fails when it fails beyond that rounding: (n+1) half-units for a
sum of n figures; a percentage may be one unit off in its last printed digit
(publishers truncate as often as they round). Differences inside that allowance
are dropped unless asked for, so real errors do not drown in 0.01s.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Iterator

from assistant.verify import Figure, find_figures, to_base
from ingest.read import read_report
from ingest.report import Cell, Report, Row, Table

HUNDRED = Decimal(100)
NUM = r"\d[\d,]*(?:\.\d+)?"
MONEY_UNITS = ("万元", "元", "亿元")
STANDARD_TABLES = (
    "收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表",
    "一般公共预算财政拨款支出决算表", "一般公共预算财政拨款基本支出决算表", "财政拨款“三公”经费支出决算表",
    "政府性基金预算财政拨款收入支出决算表", "国有资本经营预算财政拨款收入支出决算表",
)
GENERAL = "一般公共预算财政拨款支出决算表"
BASIC = "一般公共预算财政拨款基本支出决算表"
SANGONG = "财政拨款“三公”经费支出决算表"
TOTAL_COLUMNS = ("合计", "本年收入合计", "本年支出合计")
PERSONNEL_CLASSES = ("301", "303")   # 工资福利支出, 对个人和家庭的补助


@dataclass
class Finding:
    kind: str            # total | hierarchy | basic_plus_project | personnel_plus_public | sangong_subtotal |
    #                      prose_vs_table | share | growth | unreadable | missing_table
    pages: list[int]     # PDF pages involved (empty for text reports)
    figures: list[str]   # the figures involved as printed, without thousands separators
    difference: str      # printed − expected as a Decimal string, "" where not numeric
    within_rounding: bool
    description: str     # Chinese, for a finance officer: what, where, expected vs printed

    def as_json(self) -> dict:
        return asdict(self)


def audit_report(report: Report, *, rounding: bool = False) -> list[Finding]:
    """Every inconsistency in the report; with `rounding`, also differences within rounding."""
    checks = [prose_findings(report), label_findings(report), unreadable_findings(report)]
    if report.meta.kind == "决算":   # the table checks know the layout of the nine standard 决算 tables only
        checks += [table_findings(report), missing_table_findings(report)]
    found = [f for check in checks for f in check
             if not f.within_rounding or (rounding and Decimal(f.difference or 0) != 0)]
    return sorted(found, key=lambda f: (min(f.pages) if f.pages else 0, f.kind))


def audit_path(path: Path, *, rounding: bool = False) -> list[Finding]:
    """Read a report file and audit it; raises ReadError when the file cannot be read."""
    return audit_report(read_report(path, path.name), rounding=rounding)


# ── numbers ──────────────────────────────────────────────────────────────────

def half_unit(value: Decimal) -> Decimal:
    """Half a unit of the last printed digit; a bare 0 (a blank cell, "0万元") is exact."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or (value == 0 and exponent == 0):
        return Decimal(0)
    return Decimal(1).scaleb(exponent) / 2


def last_unit(text: str) -> Decimal:
    """One unit of the last digit printed in `text` ("71.73%" → 0.01, "749%" → 1)."""
    m = re.search(r"\.(\d+)", text)
    return Decimal(1).scaleb(-len(m.group(1))) if m else Decimal(1)


def number(text: str) -> Decimal:
    """A printed number (“2,946.25”) as Decimal."""
    return Decimal(text.replace(",", ""))


def show(value: Decimal) -> str:
    """An amount as a finance officer reads it: thousands separated, digits as printed."""
    return f"{value:,}"


def amount(cell: Cell | None) -> Decimal | None:
    """A cell as money: a blank or missing cell is 0, an unreadable or non-numeric one unknown."""
    if cell is None or not cell.text.strip() or cell.text.strip() in ("-", "—", "/"):
        return Decimal(0)
    if cell.unreadable or cell.value is None:
        return None
    return cell.value


def sum_finding(kind: str, pages: list[int | None], printed: Decimal, parts: list[Decimal],
                description: str) -> Finding:
    """Compare a printed total with the sum of its printed parts, allowing their rounding."""
    expected = sum(parts, Decimal(0))
    allowance = half_unit(printed) + sum((half_unit(p) for p in parts), Decimal(0))
    difference = printed - expected
    return Finding(kind, sorted({p for p in pages if p}), [str(printed)] + [str(p) for p in parts],
                   str(difference), abs(difference) <= allowance,
                   description.format(expected=show(expected), printed=show(printed), diff=show(difference)))


def ratio_range(numerator: Decimal, denominator: Decimal) -> tuple[Decimal, Decimal] | None:
    """The percentage numerator ÷ denominator can be, given both were rounded as printed."""
    hn, hd = half_unit(numerator), half_unit(denominator)
    if denominator - hd <= 0:
        return None
    corners = [n / d * HUNDRED for n in (numerator - hn, numerator + hn) for d in (denominator - hd, denominator + hd)]
    return min(corners), max(corners)


def rate_gap(rate_text: str, bounds: tuple[Decimal, Decimal]) -> Decimal:
    """How far a printed rate is from every value its inputs allow, rounded to the rate's own digits (0: agrees)."""
    rate, unit = number(rate_text.rstrip("%")), last_unit(rate_text)
    low, high = (b.quantize(unit, ROUND_HALF_UP) for b in bounds)
    return max(low - rate, rate - high, Decimal(0))


def verdict(rate_text: str, bounds: tuple[Decimal, Decimal]) -> str:
    """How a stated rate compares with the computed one, in the words of a finding."""
    return f"所写{rate_text}差在末位舍入以内" if rate_fits(rate_text, bounds) else f"与所写{rate_text}不符"


def rate_fits(rate_text: str, bounds: tuple[Decimal, Decimal]) -> bool:
    """A rate one unit off in its last digit is rounding (publishers truncate as often as they round)."""
    return rate_gap(rate_text, bounds) <= last_unit(rate_text)


# ── tables ───────────────────────────────────────────────────────────────────

def norm(text: str) -> str:
    """Titles and labels compared without spaces and quotes: 财政拨款三公经费 = 财政拨款“三公”经费."""
    return re.sub(r"[\s“”\"'‘’]", "", text)


def find_table(report: Report, title: str) -> Table | None:
    return next((t for t in report.tables if norm(t.title) == norm(title)), None)


def row_name(row: Row) -> str:
    """A summary row's own name, without the enumeration (“一、”) the 总表 put before items."""
    return norm(re.sub(r"^[一二三四五六七八九十]+、", "", row.path[-1] if row.path else row.label))


def find_row(table: Table, name: str) -> Row | None:
    return next((r for r in table.rows if not r.code and row_name(r) == name), None)


def first_value(row: Row, column: str | None) -> tuple[str, Cell] | None:
    """The named cell of a row, or its first cell with text when no column is named."""
    if column is not None:
        return (column, row.cells[column]) if column in row.cells else None
    return next(((c, cell) for c, cell in row.cells.items() if cell.text.strip()), None)


def coded(table: Table) -> list[Row]:
    """Rows carrying a 类/款/项 code (3, 5 or 7 digits), the ones that sum up a hierarchy."""
    return [r for r in table.rows if re.fullmatch(r"\d{3}(\d{2}){0,2}", r.code)]


def table_findings(report: Report) -> Iterator[Finding]:
    """Each standard table against its own totals, and the 基本支出 table against the 一般公共预算 table."""
    for table in report.tables:
        yield from hierarchy_findings(table)
        yield from column_total_findings(table)
        yield from row_total_findings(table)
        if norm(table.title) in (norm("收入支出决算总表"), norm("财政拨款收入支出决算总表")):
            yield from summary_findings(table)
        if norm(table.title) == norm(SANGONG):
            yield from sangong_findings(table)
    yield from personnel_findings(report)


def money_columns(table: Table) -> list[str]:
    """Columns of amounts; rates, weights and scores do not add up."""
    return [c for c in table.columns if not re.search(r"率|比例|权重|得分|指标|单位|原因", c)]


def hierarchy_findings(table: Table) -> Iterator[Finding]:
    """类 = Σ款 and 款 = Σ项: a parent code against the codes two digits longer that extend it."""
    rows = coded(table)
    for parent in rows:
        children = [r for r in rows if len(r.code) == len(parent.code) + 2 and r.code.startswith(parent.code)]
        if not children:
            continue
        level = "类" if len(parent.code) == 3 else "款"
        for column in money_columns(table):
            total, parts = amount(parent.cells.get(column)), [amount(c.cells.get(column)) for c in children]
            if total is None or None in parts or column not in parent.cells:
                continue
            yield sum_finding("hierarchy", [parent.page] + [c.page for c in children], total, parts,
                              f"{table.title}“{parent.label}”（{level}，{column}）为{{printed}}，"
                              f"其下{len(children)}个{'款' if level == '类' else '项'}合计{{expected}}，相差{{diff}}。")


def column_total_findings(table: Table) -> Iterator[Finding]:
    """The 合计 row against the sum of the 类 rows, column by column."""
    total_row = find_row(table, "合计")
    classes = [r for r in coded(table) if len(r.code) == 3]
    if total_row is None or not classes:
        return
    for column in money_columns(table):
        total, parts = amount(total_row.cells.get(column)), [amount(r.cells.get(column)) for r in classes]
        if total is None or None in parts or column not in total_row.cells:
            continue
        yield sum_finding("total", [total_row.page] + [r.page for r in classes], total, parts,
                          f"{table.title}合计行“{column}”为{{printed}}，各类合计{{expected}}，相差{{diff}}。")


def row_groups(table: Table) -> list[tuple[str, list[str]]]:
    """Columns that are a total of their sibling columns: 合计 = 基本支出 + 项目支出, 支出 › 合计 = Σ 支出 › …"""
    groups: dict[str, list[str]] = {}
    for column in money_columns(table):
        groups.setdefault(column.rpartition(" › ")[0], []).append(column)
    out = []
    for columns in groups.values():
        totals = [c for c in columns if c.rpartition(" › ")[2] in TOTAL_COLUMNS]
        parts = [c for c in columns if c not in totals and "其中" not in c]
        if len(totals) == 1 and len(parts) >= 2:
            out.append((totals[0], parts))
    return out


def row_total_findings(table: Table) -> Iterator[Finding]:
    for total_column, part_columns in row_groups(table):
        names = [c.rpartition(" › ")[2] for c in part_columns]
        kind = "basic_plus_project" if "基本支出" in names and "项目支出" in names else "total"
        for row in table.rows:
            total, parts = amount(row.cells.get(total_column)), [amount(row.cells.get(c)) for c in part_columns]
            if total is None or None in parts or total_column not in row.cells:
                continue
            shown = "+".join(n for n, p in zip(names, parts) if p)
            yield sum_finding(kind, [row.page], total, parts,
                              f"{table.title}“{row.label}”行{total_column}为{{printed}}，"
                              f"{shown or '各栏'}合计{{expected}}，相差{{diff}}。")


def summary_findings(table: Table) -> Iterator[Finding]:
    """In the two 总表: 本年合计 = Σ items above it, and 总计 = 本年合计 + 结转结余 rows below it."""
    sides = {}
    for column in table.columns:
        sides.setdefault(column.partition(" › ")[0], column)
    for side, column in sides.items():
        rows = [r for r in table.rows if column in r.cells]
        names = [row_name(r) for r in rows]
        year_total = next((i for i, n in enumerate(names) if re.fullmatch(r"本年(收入|支出)合计", n)), None)
        grand = next((i for i, n in enumerate(names) if n == "总计"), None)
        if year_total is None:
            continue
        items = rows[:year_total]
        values = [amount(r.cells[column]) for r in items]
        printed = amount(rows[year_total].cells[column])
        if printed is not None and None not in values:
            yield sum_finding("total", [rows[year_total].page] + [r.page for r in items], printed,
                              [v for v in values if v],
                              f"{table.title}{side}方“{names[year_total]}”为{{printed}}，各项合计{{expected}}，相差{{diff}}。")
        if grand is None or grand < year_total:
            continue
        carried = [r for r in rows[year_total + 1:grand] if not re.match(r"^[一二三四五六七八九十]+、", r.path[-1])]
        parts = [printed] + [amount(r.cells[column]) for r in carried]
        total = amount(rows[grand].cells[column])
        if total is not None and None not in parts:
            labels = "+".join([names[year_total]] + [row_name(r) for r in carried])
            yield sum_finding("total", [rows[grand].page, rows[year_total].page], total, [p for p in parts if p],
                              f"{table.title}{side}方总计为{{printed}}，{labels}为{{expected}}，相差{{diff}}。")


SANGONG_ITEMS = {
    "合计": lambda name, first: first == "合计",
    "因公出国（境）费": lambda name, first: "因公出国" in name,
    "公务用车购置及运行费小计": lambda name, first: name == "小计",
    "公务用车购置费": lambda name, first: "购置费" in name or name.endswith("购置"),
    "公务用车运行费": lambda name, first: "运行" in name and "购置" not in name,
    "公务接待费": lambda name, first: "公务接待" in name,
}


def sangong_column(table: Table, item: str, measure: str) -> str | None:
    for column in table.columns:
        parts = column.split(" › ")
        if len(parts) >= 2 and parts[-1] == measure and SANGONG_ITEMS[item](parts[-2], parts[0]):
            return column
    return None


def sangong_findings(table: Table) -> Iterator[Finding]:
    """公务用车购置费 + 运行费 = 小计; 因公出国 + 公务用车小计 + 公务接待 = 合计, for 预算数 and 决算数."""
    sums = [("公务用车购置及运行费小计", ["公务用车购置费", "公务用车运行费"]),
            ("合计", ["因公出国（境）费", "公务用车购置及运行费小计", "公务接待费"])]
    for row in table.rows:
        for measure in ("预算数", "决算数"):
            for total_item, part_items in sums:
                columns = [sangong_column(table, i, measure) for i in [total_item] + part_items]
                if None in columns:
                    continue
                values = [amount(row.cells.get(c)) for c in columns]
                if None in values:
                    continue
                yield sum_finding("sangong_subtotal", [row.page], values[0], values[1:],
                                  f"{table.title}{measure}：{total_item}为{{printed}}，"
                                  f"{'+'.join(part_items)}为{{expected}}，相差{{diff}}。")


def row_amount(row: Row | None) -> Decimal | None:
    """The one printed figure of a summary row such as 人员经费合计; None when absent or unreadable."""
    found = first_value(row, None) if row is not None else None
    return amount(found[1]) if found else None


def personnel_findings(report: Report) -> Iterator[Finding]:
    """人员经费 = 301 + 303, 公用经费 = the other classes, and 人员 + 公用 = 基本支出 of the 一般公共预算 table."""
    basic = find_table(report, BASIC)
    if basic is None or not basic.columns:
        return
    people, office = find_row(basic, "人员经费合计"), find_row(basic, "公用经费合计")
    p, o = row_amount(people), row_amount(office)
    if p is None or o is None:
        return
    classes = [r for r in coded(basic) if len(r.code) == 3]
    groups = ((people, p, [r for r in classes if r.code in PERSONNEL_CLASSES], "工资福利支出+对个人和家庭的补助"),
              (office, o, [r for r in classes if r.code not in PERSONNEL_CLASSES], "其余各类"))
    for row, printed, parts, what in groups:
        values = [amount(r.cells.get(basic.columns[0])) for r in parts]
        if parts and None not in values:
            yield sum_finding("personnel_plus_public", [row.page] + [r.page for r in parts], printed,
                              [v for v in values if v],
                              f"{basic.title}“{row.label}”为{{printed}}，{what}为{{expected}}，相差{{diff}}。")
    general = find_table(report, GENERAL)
    total = find_row(general, "合计") if general else None
    printed = amount(total.cells["基本支出"]) if total and "基本支出" in total.cells else None
    if printed is not None:
        yield sum_finding("personnel_plus_public", [total.page, people.page], printed, [p, o],
                          f"{GENERAL}合计行基本支出为{{printed}}，{basic.title}人员经费合计+公用经费合计为"
                          f"{{expected}}，相差{{diff}}。")


# ── prose ────────────────────────────────────────────────────────────────────

@dataclass
class Passage:
    """Consecutive paragraphs of one section, joined so a sentence broken across lines reads whole."""

    text: str
    section: tuple[str, ...]
    marks: list[tuple[int, int | None]]   # (offset where a paragraph starts, its page)

    def page(self, offset: int) -> int | None:
        return [p for start, p in self.marks if start <= offset][-1]

    @property
    def title(self) -> str:
        title = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[、）)]\s*", "", self.section[-1]) if self.section else ""
        return title.rstrip("。")


_ITEM = re.compile(r"^\s*(\d{1,2}\s*[、.．]|[（(][一二三四五六七八九十]+[）)])")
_STOP = re.compile(r"[。！？；;]")


def passages(report: Report) -> list[Passage]:
    """Join paragraph continuations; a numbered item (“3、…”) starts its own passage."""
    out: list[Passage] = []
    for paragraph in report.paragraphs:
        text = paragraph.text.strip()
        if paragraph.heading or not text:
            continue
        last = out[-1] if out else None
        if last is None or last.section != paragraph.section or _ITEM.match(text):
            out.append(Passage(text, paragraph.section, [(0, paragraph.page)]))
        else:
            last.marks.append((len(last.text), paragraph.page))
            last.text += text
    return out


def sentence_start(text: str, offset: int) -> int:
    """Where the sentence holding `offset` starts; “；” ends a sentence too, as list items are separated by it."""
    stops = [m.end() for m in _STOP.finditer(text, 0, offset)]
    return stops[-1] if stops else 0


def clause(text: str, offset: int) -> str:
    """What the clause ending at `offset` names, without years, spaces and a trailing 为/是."""
    raw = re.split(r"[，,。；;：:]", text[:offset])[-1]
    raw = re.sub(r"\d{4}\s*年度?|\s", "", raw)
    return re.sub(r"(为|是|达到?|共计)$", "", raw)


def money(passage: Passage) -> list[Figure]:
    """The amounts a passage states (万元, 元, 亿元), percentages and counts left out."""
    return [f for f in find_figures(passage.text) if f.unit in MONEY_UNITS]


@dataclass(frozen=True)
class Anchor:
    """A prose subject that a standard table also prints: where to look it up."""

    pattern: str
    table: str
    row: str
    column: str | None = None   # None: the row's first printed cell


ANCHORS = (
    Anchor(r"财政拨款收入支出总计$", "财政拨款收入支出决算总表", "总计"),
    Anchor(r"(?<!财政拨款)收入支出总计$", "收入支出决算总表", "总计"),
    Anchor(r"^本年收入合计$", "收入支出决算总表", "本年收入合计"),
    Anchor(r"^本年支出合计$", "收入支出决算总表", "本年支出合计"),
    Anchor(r"^财政拨款收入$", "收入决算表", "合计", "财政拨款收入"),
    Anchor(r"^其他收入$", "收入决算表", "合计", "其他收入"),
    Anchor(r"^基本支出$", "支出决算表", "合计", "基本支出"),
    Anchor(r"^项目支出$", "支出决算表", "合计", "项目支出"),
    Anchor(r"^一般公共预算财政拨款支出$", GENERAL, "合计", "合计"),
    Anchor(r"^一般公共预算财政拨款基本支出$", GENERAL, "合计", "基本支出"),
    Anchor(r"^人员经费$", BASIC, "人员经费合计"),
    Anchor(r"^公用经费$", BASIC, "公用经费合计"),
)
_CLASS = re.compile(r"^(?P<name>[^（(]+)[（(]类[）)]$")
_PATH = re.compile(r"(?P<lei>[^、（(）)。：:]+)[（(]类[）)](?P<kuan>[^（(）)]+)[（(]款[）)](?P<xiang>[^（(）)]+)[（(]项[）)]")


@dataclass
class Printed:
    """A table figure a prose figure is checked against."""

    value: Decimal
    where: str            # 支出决算表“合计”行基本支出
    page: int | None


def anchor(name: str) -> Anchor | None:
    """The standard table figure a prose subject names, by the first pattern (most specific first) it matches."""
    return next((a for a in ANCHORS if re.search(a.pattern, name)), None)


def in_wan(value: Decimal, unit: str) -> Decimal:
    """Money in 万元, the unit the prose of every 决算 speaks in; a table without a unit is taken as 万元."""
    return to_base(value, unit or "万元") / to_base(Decimal(1), "万元")


def lookup(report: Report, table_title: str, row: Row | str | None, column: str | None) -> Printed | None:
    """A table figure in 万元; a table printed without any rows reads as all zero (“本表无数据”)."""
    table = find_table(report, table_title)
    if table is None:
        return None
    if not table.rows:
        return Printed(Decimal(0), f"{table.title}（表内无数据）", table.pages[0] if table.pages else None)
    row = find_row(table, row) if isinstance(row, str) else row
    found = first_value(row, column) if row is not None else None
    if found is None or amount(found[1]) is None:
        return None
    shown = found[0] if column else ""
    return Printed(in_wan(amount(found[1]), table.unit), f"{table.title}“{row.label}”{shown}", row.page)


def table_figure(report: Report, passage: Passage, figure: Figure) -> Printed | None:
    """The table figure for the same subject as a prose figure, if a standard table prints one."""
    name = clause(passage.text, figure.start)
    if figure.direction or re.search(r"比|较|相比|增加|减少", name):
        return None
    found = anchor(name)
    if found:
        return lookup(report, found.table, found.row, found.column)
    general = find_table(report, GENERAL)
    m = _CLASS.match(name)
    if m and general:
        row = next((r for r in coded(general) if len(r.code) == 3 and norm(r.path[0]) == norm(m["name"])), None)
        return lookup(report, GENERAL, row, "合计") if row else None
    path = _PATH.search(passage.text[:figure.start])
    if path and re.fullmatch(r"(支出)?决算(数)?", name) and general:
        want = tuple(norm(re.sub(r"^\d+[、.．]", "", path[k])) for k in ("lei", "kuan", "xiang"))
        row = next((r for r in coded(general) if len(r.code) == 7 and tuple(map(norm, r.path)) == want), None)
        return lookup(report, GENERAL, row, "合计") if row else None
    if "三公" in "".join(passage.section):
        return sangong_figure(report, passage, figure, name)
    return None


SANGONG_SUBJECTS = (
    (r"公务用车购置及运行(维护)?费", "公务用车购置及运行费小计"),
    (r"公务用车购置(支出|费)", "公务用车购置费"),
    (r"公务用车运行(维护)?(费|支出)", "公务用车运行费"),
    (r"因公出国[（(]境[）)]费", "因公出国（境）费"),
    (r"公务接待费", "公务接待费"),
    (r"三公", "合计"),
)


def sangong_figure(report: Report, passage: Passage, figure: Figure, name: str) -> Printed | None:
    """A “三公” figure: its subject from its clause, or from the sentence when the clause is only 决算为."""
    subject = next((item for pattern, item in SANGONG_SUBJECTS if re.search(pattern, name)), None)
    if subject is None and re.fullmatch(r"(支出)?(决算|预算)(数)?", name):
        start = sentence_start(passage.text, figure.start)
        for earlier in reversed(re.split(r"[，,：:]", passage.text[start:figure.start])[:-1]):
            subject = next((item for pattern, item in SANGONG_SUBJECTS if re.search(pattern, earlier)), None)
            if subject:
                break
    if subject is None:
        return None
    table = find_table(report, SANGONG)
    if table is None:
        return None
    measure = "预算数" if "预算" in name and "决算" not in name else "决算数"
    if not table.rows:
        empty = lookup(report, SANGONG, None, None)
        return Printed(empty.value, f"{empty.where}{subject}{measure}", empty.page)
    column = sangong_column(table, subject, measure)
    row = find_row(table, "合计") or table.rows[0]
    return lookup(report, SANGONG, row, column) if column else None


def prose_findings(report: Report) -> Iterator[Finding]:
    """The 情况说明 against the tables and against itself: amounts, sums, shares, rates and directions."""
    parts = passages(report)
    for passage in parts:
        yield from prose_table_findings(report, passage)
        yield from prose_sum_findings(passage)
        yield from share_findings(report, parts, passage)
        yield from completion_findings(passage)
        yield from growth_findings(report, passage)
        yield from direction_findings(passage)


def prose_table_findings(report: Report, passage: Passage) -> Iterator[Finding]:
    """A prose amount against the table figure with the same subject."""
    for figure in money(passage):
        printed = table_figure(report, passage, figure)
        if printed is None:
            continue
        stated = in_wan(figure.value, figure.unit)
        difference = stated - printed.value
        page = passage.page(figure.start)
        text = passage.text[sentence_start(passage.text, figure.start):figure.end].strip()
        yield Finding("prose_vs_table", sorted({p for p in (page, printed.page) if p}),
                      [str(figure.value), str(printed.value)], str(difference),
                      abs(difference) <= half_unit(stated) + half_unit(printed.value),
                      f"“{passage.title}”（第{page}页）写“{text}”，但{printed.where}（第{printed.page}页）为"
                      f"{show(printed.value)}万元，相差{show(difference)}万元。")


PROSE_SUMS = (
    ("basic_plus_project", "本年支出合计", ("基本支出", "项目支出")),
    ("personnel_plus_public", "一般公共预算财政拨款基本支出", ("人员经费", "公用经费")),
)


def prose_sum_findings(passage: Passage) -> Iterator[Finding]:
    """本年支出合计 = 基本 + 项目 and 基本支出 = 人员 + 公用, as the prose itself states them."""
    named = {}
    for figure in money(passage):
        named.setdefault(clause(passage.text, figure.start), figure)
    for kind, total_name, part_names in PROSE_SUMS:
        total, parts = named.get(total_name), [named.get(n) for n in part_names]
        if total is None or None in parts:
            continue
        yield sum_finding(kind, [passage.page(total.start)], total.value, [p.value for p in parts],
                          f"“{passage.title}”写{total_name}{{printed}}万元，而{'+'.join(part_names)}为{{expected}}万元，"
                          f"相差{{diff}}万元。")


_SHARE = re.compile(rf"占(?P<name>[^，,。；;%\d]{{0,20}}?)的?(比重|比例)?为?\s*(?P<rate>{NUM}\s*%)")


def share_findings(report: Report, parts: list[Passage], passage: Passage) -> Iterator[Finding]:
    """“X万元，占R%”: X ÷ the list head (“…万元，其中：”) or ÷ the named base (“占本年支出合计的”)."""
    figures = money(passage)
    for m in _SHARE.finditer(passage.text):
        start = sentence_start(passage.text, m.start())
        items = [f for f in figures if start <= f.start < m.start()]
        if not items:
            continue
        item, name = items[-1], m["name"].strip()
        base = named_base(report, parts, name) if name else list_head(passage, figures, item)
        if base is None or base[0] == 0:
            continue
        bounds = ratio_range(item.value, base[0])
        rate = re.sub(r"\s", "", m["rate"])
        if bounds is None or rate_gap(rate, bounds) == 0:
            continue
        expected = (item.value / base[0] * HUNDRED).quantize(last_unit(rate))
        page = passage.page(m.start())
        subject = clause(passage.text, item.start)
        yield Finding("share", [page] if page else [], [str(item.value), str(base[0]), rate, f"{expected}%"],
                      str(number(rate.rstrip("%")) - expected), rate_fits(rate, bounds),
                      f"“{passage.title}”（第{page}页）写“{subject}{item.text}，占{name}{rate}”："
                      f"{show(item.value)}÷{base[1]}{show(base[0])}={expected}%，{verdict(rate, bounds)}。")


def list_head(passage: Passage, figures: list[Figure], item: Figure) -> tuple[Decimal, str] | None:
    """The total a list of shares is taken of: the first amount followed by 其中/主要用于/：before the item."""
    for figure in figures:
        if figure.start >= item.start:
            return None
        if re.search(r"其中|主要用于|[：:]", passage.text[figure.end:item.start]):
            return figure.value, clause(passage.text, figure.start)
    return None


def named_base(report: Report, parts: list[Passage], name: str) -> tuple[Decimal, str] | None:
    """A base named in words: its amount stated in the prose, else the table that prints it."""
    pattern = re.compile(re.escape(name) + rf"(为|是)?\s*(?P<v>{NUM})\s*万元")
    for passage in parts:
        m = pattern.search(re.sub(r"\s+(?=\d)", "", passage.text))
        if m:
            return number(m["v"]), name
    found = anchor(name)
    printed = lookup(report, found.table, found.row, found.column) if found else None
    return (printed.value, name) if printed else None


_BUDGET = re.compile(rf"(?P<which>年初|全年|调整后)?预算(数)?(为|是)?\s*(?P<v>{NUM})\s*万元")
_ACTUAL = re.compile(rf"决算(数)?(为|是)?\s*(?P<v>{NUM})\s*万元")
_COMPLETION = re.compile(rf"完成(?P<which>年初|全年|调整后)?预算(数)?的?\s*(?P<rate>{NUM}\s*%)")


def completion_findings(passage: Passage) -> Iterator[Finding]:
    """“完成年初预算的R%” against 决算 ÷ the budget of that name stated in the same sentence."""
    text = passage.text
    for m in _COMPLETION.finditer(text):
        start = sentence_start(text, m.start())
        if not _BUDGET.search(text, start, m.start()):   # “…支出决算为0.88万元。完成年初预算的100.00%。”
            start = sentence_start(text, max(start - 1, 0))
        budgets = list(_BUDGET.finditer(text, start, m.start()))
        actuals = list(_ACTUAL.finditer(text, start, m.start()))
        if not budgets or not actuals:
            continue
        named = [b for b in budgets if b["which"] == m["which"]] if m["which"] else budgets
        if not named:
            continue
        budget, actual = number(named[-1]["v"]), number(actuals[-1]["v"])
        rate = re.sub(r"\s", "", m["rate"])
        bounds = ratio_range(actual, budget)
        if (bounds and rate_gap(rate, bounds) == 0) or (bounds is None and actual == 0):
            continue
        page = passage.page(m.start())
        label = f"{m['which'] or ''}预算"
        others = [b for b in budgets if b is not named[-1] and (r := ratio_range(actual, number(b["v"])))
                  and rate_fits(rate, r)]
        if bounds is None:
            why = f"{label}为{named[-1]['v']}万元，完成率无从计算"
            expected = ""
        else:
            value = (actual / budget * HUNDRED).quantize(last_unit(rate))
            why = f"{show(actual)}÷{show(budget)}={value}%"
            expected = str(number(rate.rstrip("%")) - value)
        hint = "".join(f"；{rate}实为{show(actual)}÷{b['which'] or ''}预算{b['v']}" for b in others[:1])
        yield Finding("share", [page] if page else [], [named[-1]["v"]] + [b["v"] for b in others[:1]]
                      + [actuals[-1]["v"], rate], expected, bool(bounds) and rate_fits(rate, bounds),
                      f"“{passage.title}”（第{page}页）写支出决算{actuals[-1]['v']}万元、“完成{label}的{rate}”："
                      f"{why}{hint}，{verdict(rate, bounds) if bounds else f'比率的基数与所称“{label}”不符'}。")


_GROWTH = re.compile(rf"(?P<verb>增加|减少|增长|下降|上升|降低|节约)了?\s*(?P<change>{NUM})\s*万元[，,]\s*"
                     rf"(?P<verb2>增长|下降|上升|降低)(?:[（(][^）)]{{0,6}}[）)])?\s*(?P<rate>{NUM}\s*%)")


def growth_findings(report: Report, passage: Passage) -> Iterator[Finding]:
    """“增加C万元，增长R%” against C ÷ (current ∓ C), current being the amount the sentence is about."""
    text, figures = passage.text, money(passage)
    for m in _GROWTH.finditer(text):   # the current amount may close the sentence before: “总计0万元。与上年相比…”
        start = sentence_start(text, max(sentence_start(text, m.start()) - 1, 0))
        current = [f for f in figures if start <= f.start < m.start() and not f.direction
                   and not re.search(r"比|较|增加|减少", clause(text, f.start))]
        if not current:
            continue
        now, change = current[-1], number(m["change"])
        down = m["verb"] in ("减少", "下降", "降低", "节约")
        prior = now.value + change if down else now.value - change
        bounds = ratio_range(change, prior) if prior > 0 else None
        rate = re.sub(r"\s", "", m["rate"])
        if bounds is None or rate_gap(rate, bounds) == 0:
            continue
        expected = (change / prior * HUNDRED).quantize(last_unit(rate))
        page = passage.page(m.start())
        printed = table_figure(report, passage, now)
        hint = ""
        if printed and printed.value != now.value:
            with_table = ratio_range(change, printed.value + change if down else printed.value - change)
            if with_table and rate_fits(rate, with_table):
                hint = f"；按{printed.where}{show(printed.value)}计算则为{rate}，与所写相符"
        yield Finding("growth", [page] if page else [], [str(now.value), str(change), rate],
                      str(number(rate.rstrip("%")) - expected), rate_fits(rate, bounds),
                      f"“{passage.title}”（第{page}页）写当年数{show(now.value)}万元、{m['verb']}{m['change']}万元、"
                      f"{m['verb2']}{rate}：上年应为{show(prior)}万元，增减率应为{expected}%，{verdict(rate, bounds)}{hint}。")


_DIRECTION = re.compile(r"决算数?(?P<rel>大于|小于|等于|高于|低于|超过|与|同)(?P<which>全年|年初|调整后)?预算数?"
                        r"(?P<tail>基本持平|持平|相等|一致)?")
RELATIONS = {"大于": ">", "高于": ">", "超过": ">", "小于": "<", "低于": "<", "等于": "="}


def direction_findings(passage: Passage) -> Iterator[Finding]:
    """“决算数大于/小于/等于/与…持平预算数” against the 预算 and 决算 amounts stated before it."""
    text, since = passage.text, 0
    for m in _DIRECTION.finditer(text):
        relation = RELATIONS.get(m["rel"]) or ("≈" if m["tail"] else None)
        window = (since, m.start())
        since = m.end()
        budgets = [b for b in _BUDGET.finditer(text, *window) if not m["which"] or b["which"] == m["which"]]
        actuals = list(_ACTUAL.finditer(text, *window))
        if relation is None or not budgets or not actuals:
            continue
        budget, actual = number(budgets[-1]["v"]), number(actuals[-1]["v"])
        holds = {">": actual > budget, "<": actual < budget, "=": actual == budget,
                 "≈": abs(actual - budget) <= (budget * Decimal("0.01") if m["tail"] == "基本持平" else 0)}[relation]
        if holds:
            continue
        truth = "大于" if actual > budget else "小于" if actual < budget else "等于"
        page = passage.page(m.start())
        items = list(_PATH.finditer(text, 0, m.start()))
        subject = re.sub(r"^\d+[、.．]\s*", "", items[-1].group(0)) if items else passage.title
        yield Finding("growth", [page] if page else [], [budgets[-1]["v"], actuals[-1]["v"]], str(actual - budget),
                      False, f"“{subject}”（第{page}页）{budgets[-1]['which'] or ''}预算{budgets[-1]['v']}万元、"
                             f"支出决算{actuals[-1]['v']}万元，决算{truth}预算，但文字写“{m.group(0)}”。")


# ── labels: years and unit names ─────────────────────────────────────────────

_AS_OF = re.compile(r"截至\s*(?P<y>20\d{2})\s*年\s*12\s*月")
_PLACEHOLDER = re.compile(r"(?:[XxＸｘ×*＊]{2,}|某某)(局|委|办|部|厅|院|所|站|中心|街道|镇|单位)")


def label_findings(report: Report) -> Iterator[Finding]:
    """A “20xx年度部门决算” or 截至 date naming another year than the report's, and a placeholder unit name.

    A 决算 counts its assets at the end of its own year, a 预算 at the end of the year before.
    """
    year, kind, seen = report.meta.year, report.meta.kind, set()
    unit = re.sub(r"^[\x00-\x7f]+", "", report.meta.unit)
    texts = [(p.text, p.page) for p in report.paragraphs] + [(t.title, t.pages[0] if t.pages else None)
                                                             for t in report.tables]
    dated = [(re.compile(rf"(?P<y>20\d{{2}})\s*年度?\s*(部门|单位){kind}"), year, "年度标注"),
             (_AS_OF, year if kind == "决算" else year - 1, "截至日期")] if year and kind else []
    for text, page in texts:
        flat = re.sub(r"\s+", " ", text)
        for pattern, expected, what in dated:
            for m in pattern.finditer(flat):
                if int(m["y"]) != expected and (page, m.group(0)) not in seen:
                    seen.add((page, m.group(0)))
                    yield Finding("prose_vs_table", [page] if page else [], [m["y"], str(expected)], "", False,
                                  f"第{page}页“{quote(flat, m)}”写{m['y']}年，而本报告为{year}年度{kind}：{what}错误，"
                                  f"应为{expected}年。")
        for m in _PLACEHOLDER.finditer(flat):
            if (page, m.group(0)) not in seen:
                seen.add((page, m.group(0)))
                yield Finding("unreadable", [page] if page else [], [], "", False,
                              f"第{page}页“{quote(flat, m)}”中单位名称为占位符“{m.group(0)}”，本报告单位为“{unit}”。")


def quote(text: str, m: re.Match) -> str:
    """The clause around a match, short enough to quote."""
    start = max(text.rfind(c, 0, m.start()) for c in "，。；：") + 1
    ends = [i for i in (text.find(c, m.end()) for c in "，。；") if i >= 0]
    return text[start:min(ends + [len(text)])][:60]


# ── unreadable cells and missing tables ──────────────────────────────────────

def unreadable_findings(report: Report) -> Iterator[Finding]:
    """“#####” cells, with the value the rest of the row implies where it implies one."""
    for table in report.tables:
        by_column: dict[str, list[Row]] = {}
        for row in table.rows:
            for column, cell in row.cells.items():
                if cell.unreadable:
                    by_column.setdefault(column, []).append(row)
        for column, rows in by_column.items():
            figures, inference = implied(report, table, column, rows[0])
            where = f"“{re.sub(r'^[0-9A-Z]+-', '', table.context)}”" if table.context else ""
            names = "、".join(f"“{r.label}”" for r in rows)
            page = rows[0].page
            yield Finding("unreadable", [page] if page else [], figures, "", False,
                          f"{where}{table.title}{names}行的“{column}”单元格显示为“{rows[0].cells[column].text}”，"
                          f"数字无法读取。{inference}")


def performance_columns(table: Table) -> dict[str, str]:
    """The budget columns of a 绩效自评表 by role."""
    roles = {"initial": r"^年初预算", "adjusted": r"^调整后预算", "executed": r"执行数$", "rate": r"执行率$"}
    return {role: c for role, p in roles.items() for c in table.columns[:8] if re.search(p, c)}


def implied(report: Report, table: Table, column: str, row: Row) -> tuple[list[str], str]:
    """What the rest of the report says the unreadable cell holds, as (figures, sentence)."""
    roles = performance_columns(table)
    cells = {role: row.cells.get(c) for role, c in roles.items()}
    if len(roles) == 4 and all(c is not None and c.value is not None for r, c in cells.items() if roles[r] != column):
        figures = [cells[r].text for r in ("adjusted", "executed", "rate") if roles[r] != column]
        executed, rate = cells["executed"], cells["rate"]
        if column == roles["initial"]:
            on_adjusted = ratio_range(executed.value, cells["adjusted"].value)
            if on_adjusted and rate_fits(rate.text, on_adjusted):
                return figures, (f"同行执行率{rate.text}={executed.text}÷调整后预算{cells['adjusted'].text}，执行率按调整后"
                                 f"预算计算，故本行不能确定年初预算。{peer_hint(report, table, cells['adjusted'])}")
            value = (executed.value / rate.value * HUNDRED).quantize(Decimal("0.01"))
            return figures, f"按执行数{executed.text}÷执行率{rate.text}推得年初预算约为{value}。"
        if column == roles["adjusted"] and rate.value:
            value = (executed.value / rate.value * HUNDRED).quantize(Decimal("0.01"))
            return figures, f"按执行数{executed.text}÷执行率{rate.text}推得调整后预算约为{value}。"
    for total_column, part_columns in row_groups(table):
        group = [total_column] + part_columns
        if column in group:
            others = [amount(row.cells.get(c)) for c in group if c != column]
            if None not in others:
                value = others[0] - sum(others[1:], Decimal(0)) if column != total_column else sum(others, Decimal(0))
                return [str(v) for v in others], f"按同行其他栏推得该数为{show(value)}。"
    return [], "报告其他部分不能确定该数。"


def peer_hint(report: Report, table: Table, adjusted: Cell) -> str:
    """The most likely 年初预算 when every other table of the kind has 年初预算 = 调整后预算 — a hint, not a proof."""
    same = []
    for other in report.tables:
        roles = performance_columns(other)
        if other is table or other.title != table.title or not other.rows or len(roles) < 2:
            continue
        initial, later = (other.rows[0].cells.get(roles.get(k, "")) for k in ("initial", "adjusted"))
        if initial is not None and later is not None and None not in (initial.value, later.value):
            same.append(initial.value == later.value)
    if same and all(same):
        return f"其余{len(same)}张同类表年初预算均等于调整后预算，最可能为{adjusted.text}，但无法从文件确证。"
    return ""


def missing_table_findings(report: Report) -> Iterator[Finding]:
    """A standard 决算 table absent from a report that prints most of the others.

    The reader drops the 目录, so the list is the nine tables every 部门决算 prints; a
    report printing fewer than half of them (an excerpt, a text-only 单位决算) is not judged.
    """
    present = {norm(t.title): t for t in report.tables}
    if sum(norm(n) in present for n in STANDARD_TABLES) <= len(STANDARD_TABLES) // 2:
        return
    for i, name in enumerate(STANDARD_TABLES):
        if norm(name) in present:
            continue
        before = next((present[norm(n)] for n in reversed(STANDARD_TABLES[:i]) if norm(n) in present), None)
        after = next((present[norm(n)] for n in STANDARD_TABLES[i + 1:] if norm(n) in present), None)
        page = after.pages[0] if after and after.pages else before.pages[-1] if before and before.pages else None
        shown = f"{before.pages[0]}–{before.pages[-1]}" if before and len(before.pages) > 1 else \
            "".join(map(str, before.pages)) if before else ""
        context = (f"{before.title}（第{shown}页）之后直接是" if before else "") + \
                  (f"{after.title}（第{page}页）" if after else "")
        yield Finding("missing_table", [page] if page else [], [], "", False,
                      f"标准决算表“{name}”（第{i + 1}张）在报告中缺失：{context}，相关数字无法核对。")
