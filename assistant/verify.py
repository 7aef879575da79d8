"""Every figure in a text, checked against the facts of its cited sources. Pure functions, no I/O.

A figure is **sourced** when a cited fact has the same value (after unit
conversion, within the rounding of the figure as displayed), **recomputed** when
a formula over cited facts gives it (sum, difference, share, growth, completion,
prior-year back-calculation), a **mismatch** when a cited fact about the same
thing says otherwise, and **unverifiable** when no source speaks to it.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ingest.facts import FIGURE, clause_measure_label

SOURCED, RECOMPUTED, MISMATCH, UNVERIFIABLE = "sourced", "recomputed", "mismatch", "unverifiable"

_MONEY = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
              "十": 10}
# Chinese numerals count only before units of things ("一辆", "两批次"); "八项规定" is a name.
_CN_FIGURE = re.compile(r"(?<![一二两三四五六七八九十\d])([一二两三四五六七八九十]{1,3})\s*(辆|批次|人次|台|个|家)")
_UP = re.compile(r"(增加|增长|上升|提高|多)了?\s*$")
_DOWN = re.compile(r"(减少|下降|降低|节约|少|缩减)了?\s*$")
MAX_PAIR_FACTS = 60


@dataclass(frozen=True)
class Source:
    """A fact as the verifier needs it: value, unit, what it is about, and how to cite it."""

    value: Decimal
    uom: str
    label: str
    measure: str = ""
    ref: str = ""           # how to name it to a person: "[1] 三公经费 决算数 31.13万元"
    citation: int = 0       # the [n] it is cited as, 0 when not cited in the text
    year: int | None = None # the year the figure is for


@dataclass
class Figure:
    text: str
    value: Decimal
    unit: str
    start: int
    end: int
    direction: str = ""     # up | down | "" — from 增加/减少 … just before the figure
    label: str = ""         # what the clause says the figure is about
    measure: str = ""       # 决算数, 预算数, 增加, 占比 … as the clause announces it
    year: int | None = None # a year the clause names for the figure (2021年…为3.83万元)

    @property
    def dimension(self) -> str:
        return dimension(self.unit)


@dataclass
class Check:
    figure: Figure
    status: str
    expected: Decimal | None = None
    source: Source | None = None
    formula: str = ""
    operands: list[Source] = field(default_factory=list)


def dimension(unit: str) -> str:
    if unit in _MONEY:
        return "money"
    if unit in ("%", "百分点"):
        return unit
    return f"count:{unit}"


def to_base(value: Decimal, unit: str) -> Decimal:
    return value * _MONEY.get(unit, Decimal(1))


def _decimals(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m.group(1)) if m else 0


def half_unit(figure: Figure) -> Decimal:
    """Half a unit of the figure's last printed digit, in base units (元 for money)."""
    step = Decimal(1).scaleb(-_decimals(figure.text.split(figure.unit)[0]))
    return to_base(step / 2, figure.unit)


def find_figures(text: str) -> list[Figure]:
    """Arabic figures with a unit (万元, %, 个, 人次 …) and Chinese counts (一辆, 两批次)."""
    figures = []
    for m in FIGURE.finditer(text):
        unit = "万元" if m.group(3) == "万" else m.group(3).replace("（套）", "(套)")
        number = (m.group(1) + (m.group(2) or "")).replace(",", "")
        figures.append(_figure(text, m.group(0), Decimal(number), unit, m.start(), m.end()))
    for m in _CN_FIGURE.finditer(text):
        value = _cn_number(m.group(1))
        if value is not None:
            figures.append(_figure(text, m.group(0), Decimal(value), m.group(2), m.start(), m.end()))
    figures.sort(key=lambda f: f.start)
    subject, previous_end = "", 0
    for f in figures:  # "…支出31.13万元，增长713.15%": the growth is about the same subject
        if re.search(r"[。！？\n]", text[previous_end:f.start]):
            subject = ""
        subject = f.label = f.label or subject
        previous_end = f.end
    return figures


def _figure(text: str, shown: str, value: Decimal, unit: str, start: int, end: int) -> Figure:
    before = text[max(0, start - 12):start]
    direction = "up" if _UP.search(before) else "down" if _DOWN.search(before) else ""
    if value and text[max(0, start - 1):start] in ("-", "−"):
        value, direction = -value, direction or "down"
    measure, label = clause_measure_label(text[:start], unit)
    clause = re.split(r"[，,；;。：:]", text[:start])[-1]
    year = re.search(r"(?<![比与较同])(20\d{2})\s*年", clause)
    return Figure(text=shown, value=value, unit=unit, start=start, end=end, direction=direction,
                  label=label, measure=measure, year=int(year.group(1)) if year else None)


def _cn_number(text: str) -> int | None:
    if text == "十":
        return 10
    if len(text) == 1:
        return _CN_DIGITS.get(text)
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1], 0)
    if len(text) == 2 and text[1] == "十":
        return _CN_DIGITS[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return _CN_DIGITS[text[0]] * 10 + _CN_DIGITS[text[2]]
    return None


def _direction_of(source: Source) -> str:
    if re.search(r"增加|增长|上升", source.measure):
        return "up"
    if re.search(r"减少|下降|降低", source.measure):
        return "down"
    return ""


def _close(figure: Figure, value: Decimal, unit: str) -> bool:
    if dimension(unit) != figure.dimension:
        return False
    return abs(to_base(abs(figure.value), figure.unit) - to_base(abs(value), unit)) <= half_unit(figure)


_BINARY = [
    ("{a} − {b}", lambda a, b: a - b, False),
    ("{a} ÷ {b} × 100%", lambda a, b: a / b * 100, True),
    ("({a} − {b}) ÷ {b} × 100%", lambda a, b: (a - b) / b * 100, True),
    ("{a} ÷ ({b} + {a}) × 100%", lambda a, b: a / (a + b) * 100, True),
    ("{a} ÷ ({b} − {a}) × 100%", lambda a, b: a / (b - a) * 100, True),
]


@dataclass
class Formula:
    """A formula over sourced facts, with the range its value can take given their rounding."""

    text: str
    value: Decimal
    low: Decimal
    high: Decimal
    unit: str
    operands: list[Source]


def _half(source: Source) -> Decimal:
    exponent = source.value.as_tuple().exponent
    return to_base(Decimal(1).scaleb(int(exponent)) / 2, source.uom) if isinstance(exponent, int) else Decimal(0)


def formulas_over(sources: list[Source]) -> list[Formula]:
    """Every formula the verifier tries over the cited money facts."""
    money = [s for s in sources if dimension(s.uom) == "money"][:MAX_PAIR_FACTS]
    out = []
    for a, b in itertools.permutations(money, 2):
        av, bv = to_base(a.value, a.uom), to_base(b.value, b.uom)
        ea, eb = _half(a), _half(b)
        scale = _MONEY[a.uom]
        for template, fn, percent in _BINARY:
            try:
                value = fn(av, bv)
                corners = [fn(x, y) for x in (av - ea, av + ea) for y in (bv - eb, bv + eb)]
            except (ArithmeticError, ValueError):
                continue
            unit = "%" if percent else a.uom
            div = Decimal(1) if percent else scale
            out.append(Formula(template.format(a=_num(a), b=_num(b)), value / div, min(corners) / div,
                               max(corners) / div, unit, [a, b]))
    by_unit: dict[str, list[Source]] = {}
    for s in money:
        by_unit.setdefault(s.uom, []).append(s)
    for unit, group in list(by_unit.items()) + [("", [])]:
        pairs = list(itertools.combinations(group, 2)) + ([tuple(group)] if len(group) > 2 else [])
        for combo in pairs:
            total = sum((s.value for s in combo), Decimal(0))
            slack = sum((_half(s) for s in combo), Decimal(0)) / _MONEY[unit]
            out.append(Formula(" + ".join(_num(s) for s in combo), total, total - slack, total + slack,
                               unit, list(combo)))
    return out


def _num(source: Source) -> str:
    return f"{source.value}{source.uom}"


def check_figure(figure: Figure, sources: list[Source], formulas=None, strict: bool = False) -> Check:
    """Decide the status of one figure against the facts its text cites.

    `strict` (claims written by others) lets a source about the same thing in the
    same year contradict a figure before any formula may explain it; an answer's
    own derived figures (a prior year backed out of a change) are tried against
    formulas first.
    """
    same = [s for s in sources if _close(figure, s.value, s.uom)]
    if same:
        directed = [s for s in same if _direction_of(s)]
        agreeing = [s for s in directed if _direction_of(s) == figure.direction] if figure.direction else same
        if figure.direction and not agreeing and directed:
            return Check(figure, MISMATCH, expected=directed[0].value, source=directed[0],
                         formula=f"方向不符：来源为{directed[0].measure}")
        agreeing = agreeing or same
        best = max(agreeing, key=lambda s: label_similarity(figure.label, s.label + s.measure))
        return Check(figure, SOURCED, source=best)
    contradicted = _contradicting(figure, sources)
    if strict and contradicted:
        return contradicted
    for f in formulas if formulas is not None else formulas_over(sources):
        if f.value == 0 and figure.value != 0:
            continue  # a difference of equal figures is no evidence for anything
        if f.unit != "%" and dimension(f.unit) != figure.dimension or (f.unit == "%") != (figure.unit == "%"):
            continue
        shown = to_base(abs(figure.value), figure.unit)
        margin = half_unit(figure)
        low, high = sorted((abs(to_base(f.low, f.unit)), abs(to_base(f.high, f.unit))))
        if f.low < 0 < f.high:
            low = Decimal(0)
        if low - margin <= shown <= high + margin:
            return Check(figure, RECOMPUTED, expected=f.value.quantize(Decimal("0.01")), formula=f.text,
                         operands=f.operands)
    return contradicted or Check(figure, UNVERIFIABLE)


def _contradicting(figure: Figure, sources: list[Source]) -> Check | None:
    """A mismatch against the source that speaks to the same item, kind and year, if there is one."""
    about = [s for s in sources if dimension(s.uom) == figure.dimension and _same_kind(figure, s)
             and names_same(figure.label, s) and (not figure.year or not s.year or figure.year == s.year)]
    if not about or not figure.label:
        return None
    best = max(about, key=lambda s: label_similarity(figure.label, s.label + s.measure))
    return Check(figure, MISMATCH, expected=best.value, source=best)


def _same_kind(figure: Figure, source: Source) -> bool:
    """Whether a source speaks to the same kind of figure: a change to a change, a budget to a budget."""
    if bool(figure.direction) != bool(_direction_of(source)):
        return False
    def budget(m: str) -> bool:
        return "预算" in m and not re.search(r"决算|完成|执行", m)

    return budget(figure.measure) == budget(source.measure) or figure.measure in ("", "金额")


def check_text(text: str, sources: list[Source], strict: bool = False) -> list[Check]:
    formulas = formulas_over(sources)
    return [check_figure(f, sources, formulas, strict) for f in find_figures(text)]


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[\s“”\"'（）()《》、，。：:；;0-9.%]", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def names_same(label: str, source: Source) -> bool:
    """Whether a figure's label and a source name the same thing, either containing the other."""
    name = re.sub(r"^\d{3,}\s*", "", source.label)
    return (label_similarity(label, source.label + source.measure) >= 0.6
            or (len(name) >= 3 and label_similarity(name, label) >= 0.9))


def label_similarity(claim: str, fact: str) -> float:
    """How much of what a claim names is named by a fact (bigram containment, 0..1)."""
    a, b = _bigrams(claim), _bigrams(fact)
    return len(a & b) / len(a) if a else 0.0
