"""The data that flows from the readers to the stores.

A reader turns a file into a `Report`: metadata, paragraphs placed in the
section tree, and tables with their headers and cells. `facts.py` and
`chunks.py` derive `Fact`s and `Chunk`s from it; nothing downstream goes back
to the file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Meta:
    """Who published the report, for which year, and what kind it is."""

    unit: str                 # 上海市普陀区财政局
    year: int | None          # the fiscal year the report covers
    kind: str                 # 决算 | 预算 | ""
    scope: str = ""           # 部门 | 单位 | ""
    region: str = ""          # 上海市普陀区, 四川省 …
    title: str = ""


@dataclass
class Paragraph:
    text: str
    page: int | None          # 1-based PDF page; None for text without pages
    section: tuple[str, ...]  # headings from the root, e.g. ("第二部分 …", "一、…")
    heading: bool = False     # the paragraph is itself a section heading
    ocr: float | None = None  # lowest OCR confidence of its lines, when read from a scan


@dataclass
class Cell:
    """One cell as printed. `value` is None unless the text is a readable number."""

    text: str
    value: Decimal | None = None
    percent: bool = False
    unreadable: bool = False  # "#####" and the like: a number was meant but cannot be read
    ocr: float | None = None  # OCR confidence, when the cell was read from a scan
    box: tuple[float, float, float, float] | None = None  # where on the page (x0, top, x1, bottom, points)


@dataclass
class Row:
    label: str                        # 30201 办公费 — code and name as one label
    path: tuple[str, ...]             # 类/款/项 ancestry ending in the label itself
    cells: dict[str, Cell]            # column header path ("预算数 › 公务接待费") → cell
    page: int | None
    code: str = ""


@dataclass
class Table:
    title: str                        # 一般公共预算财政拨款基本支出决算表
    unit: str                         # 万元 | 元 | 亿元 | ""
    columns: list[str]                # header path per value column, multi-row headers merged
    rows: list[Row]
    pages: list[int] = field(default_factory=list)
    section: tuple[str, ...] = ()
    context: str = ""                 # e.g. the 项目名称 of a 绩效自评表
    year: int | None = None           # when a table is for another year than its report


@dataclass
class Report:
    path: str                         # as given relative to the corpus root, for citations
    meta: Meta
    paragraphs: list[Paragraph]
    tables: list[Table]
    pages: int = 0


@dataclass
class Fact:
    """A number the report states, with everything needed to cite it."""

    label: str                        # what the number is about: 办公费, “三公”经费财政拨款支出
    path: tuple[str, ...]             # label ancestry, ending in label
    measure: str                      # 决算数, 预算数, 增长率, 完成率 …
    value: Decimal | None             # None when the cell is unreadable
    uom: str                          # 万元, 元, %, 个, 辆, 人次 …
    page: int | None
    source: str                       # the sentence or the row as printed
    table: str = ""                   # table title when from a table
    column: str = ""
    section: str = ""
    year: int | None = None           # the year the figure is for (prior-year figures differ)
    span: tuple[int, int] | None = None  # character span of the figure inside `source`
    unreadable: bool = False
    ocr: float | None = None          # OCR confidence when read from a scan; None for a text layer
    box: tuple[float, float, float, float] | None = None  # a scanned cell's place on its page


@dataclass
class Chunk:
    """A piece of text for retrieval; `text` already carries its context heading."""

    text: str
    kind: str                         # prose | table
    page: int | None                  # where the chunk starts
    section: str = ""
    table: str = ""
    row: str = ""                     # a table chunk's rows, "first … last"
