"""From the lines and grids a reader found to a `Report`: metadata, sections, tables.

The readers differ in how they find text (PDF pages, tab-separated lines, sheets);
what a 决算 means by its headings and its tables does not, so that lives here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from .normalize import UNREADABLE, normalize, parse_number, squash
from .page import Mark
from .report import Cell, Meta, Paragraph, Row, Table

CN_NUM = "一二三四五六七八九十"
_HEADINGS = [
    re.compile(rf"^第[{CN_NUM}]+部分"),
    re.compile(rf"^[{CN_NUM}]+、"),
    re.compile(rf"^[（(][{CN_NUM}]+[）)]"),
]
_AMOUNT_WITH_UNIT = re.compile(r"\d\s*(万元|亿元|元|%)")
_SENTENCE_END = "。！？；：:;"
_LEADER = re.compile(r"(\.{4,}|…{2,}|·{4,})")
_TOC_TAIL = re.compile(r"[\s.…·]*\d*$")


@dataclass
class Line:
    """A line of text as a reader found it; `short` marks a line that stops before the margin."""

    text: str
    page: int | None
    short: bool = True
    score: float | None = None  # OCR confidence of a line read from a scan


def heading_level(text: str) -> int | None:
    """The section level of a heading line, or None for body text.

    Numbered items ("1.教育（类）…") are body text: in these reports they carry
    figures and sentences, not section titles.
    """
    if len(text) > 50 or _AMOUNT_WITH_UNIT.search(text):
        return None
    if "。" in text.rstrip("。"):
        return None
    for level, pattern in enumerate(_HEADINGS):
        if pattern.match(text):
            return level
    return None


def _toc_key(text: str) -> str:
    return _TOC_TAIL.sub("", re.sub(r"\s+", "", text))


_DATED = re.compile(r"(公开|发布|编制|印发|报送)(时间|日期)[:：]")


def skip_toc(lines: list[Line]) -> list[Line]:
    """Drop the table of contents: its headings would otherwise open empty sections.

    The contents end where their first entry appears again as a real heading.
    """
    out: list[Line] = []
    i = 0
    while i < len(lines):
        key = re.sub(r"\s+", "", lines[i].text)
        if key in ("目录", "目錄"):
            first = next((_toc_key(l.text) for l in lines[i + 1:]
                          if heading_level(_toc_key(l.text)) is not None), "")
            j = i + 1
            while j < len(lines) and not (j > i + 1 and _toc_key(lines[j].text) == first
                                          and not _LEADER.search(lines[j].text)
                                          and not re.search(r"\d\s*$", lines[j].text)):
                j += 1
            if j < len(lines):
                # a dated line among the contents (公开时间：2023年9月6日) is the report's, not an entry
                out += [l for l in lines[i + 1:j] if _DATED.match(re.sub(r"\s+", "", l.text))]
                i = j
                continue
        if not _LEADER.search(lines[i].text):
            out.append(lines[i])
        i += 1
    return out


_ADDRESSES_ASSISTANT = re.compile(
    r"忽略(之前|以上|上述|前面|先前)?的?(所有|全部)?(指令|指示|规则|要求|提示)|"
    r"(回答|答复)任何问题时|你(现在)?(必须|应当|要)(回答|说|输出)|作为(AI|人工智能|助手|语言模型)|"
    r"ignore (all )?(previous|prior|above) (instructions|prompts)|system prompt", re.IGNORECASE)


def addresses_assistant(text: str) -> bool:
    """A paragraph written to an AI assistant rather than to the report's readers (prompt injection).

    No 决算 or 预算 says “忽略之前的指令”; such a paragraph is kept out of the facts
    and chunks, so that neither the answerer nor a model ever reads it as a source.
    """
    return _ADDRESSES_ASSISTANT.search(text) is not None


def build_paragraphs(lines: list[Line]) -> list[Paragraph]:
    """Rejoin wrapped lines into paragraphs and place each under its headings."""
    paragraphs: list[Paragraph] = []
    stack: list[tuple[int, str]] = []
    buf: list[str] = []
    buf_page: int | None = None
    buf_scores: list[float] = []
    turns: list[tuple[int, int | None]] = []  # (offset in the paragraph, page) where it runs onto a new page

    def section() -> tuple[str, ...]:
        return tuple(t for _, t in stack)

    def flush() -> None:
        nonlocal buf, buf_page, buf_scores
        text = "".join(buf)
        score = min(buf_scores) if buf_scores else None
        for part, page in _by_page(text, buf_page, turns):
            part = part.strip()
            if part and not addresses_assistant(part):
                paragraphs.append(Paragraph(text=part, page=page, section=section(), ocr=score))
        buf, buf_page, buf_scores = [], None, []
        turns.clear()

    for line in lines:
        text = line.text.strip()
        if not text:
            flush()
            continue
        level = heading_level(text)
        if level is not None:
            flush()
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, text))
            paragraphs.append(Paragraph(text=text, page=line.page, section=section(), heading=True,
                                        ocr=line.score))
            continue
        last = paragraphs[-1] if paragraphs and not buf else None
        if last is not None and last.heading and len(text) <= 8 and not re.search(r"[\d。，]", text):
            # A heading the PDF wrapped ("…2024 年度部门决算" / "情况说明").
            joined = last.text + text
            stack[-1] = (stack[-1][0], joined)
            last.text, last.section = joined, section()
            continue
        if buf_page is None:
            buf_page = line.page
        elif line.page != (turns[-1][1] if turns else buf_page):
            turns.append((sum(map(len, buf)), line.page))
        buf.append(text)
        if line.score is not None:
            buf_scores.append(line.score)
        item_title = len(buf) == 1 and len(text) <= 60 and re.match(r"^\d+[、.．]", text) is not None \
            and not re.search(r"\d\s*(万元|%)", text)
        # “8、住房保障支出（类）…（项）。” names the item the next sentences give figures for
        if (line.short or text[-1] in _SENTENCE_END) and not item_title:
            flush()
    flush()
    return paragraphs


def _by_page(text: str, page: int | None, turns: list[tuple[int, int | None]]) -> list[tuple[str, int | None]]:
    """A paragraph that runs overleaf, cut where its first sentence on the new page begins: the sentence
    the page break falls in stays whole on the page it starts on, the sentences after it cite their own page."""
    parts: list[tuple[str, int | None]] = []
    start = 0
    for offset, new_page in turns:
        if offset <= start:
            page = new_page
            continue
        end = next((i + 1 for i in range(offset - 1, len(text)) if text[i] in "。！？；;"), len(text))
        if end >= len(text):
            break
        parts.append((text[start:end], page))
        start, page = end, new_page
    parts.append((text[start:], page))
    return parts


# ---------------------------------------------------------------- tables

_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_CODE_PART = re.compile(r"^\d{2}$")
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(万元|亿元|元)")
_UNIT_HEADER = re.compile(r"[（(](万元|亿元|元|万)[）)]")
_TITLE = re.compile(r"(表|明细|情况)([（(][^）)]*[）)])?$")


def table_unit(*texts: str) -> str:
    """The unit line printed above or inside a table, e.g. "单位：万元" or "(万元)"."""
    for text in texts:
        m = _UNIT_LINE.search(text) or _UNIT_HEADER.search(text)
        if m:
            return "万元" if m.group(1) == "万" else m.group(1)
    return ""


def table_title(lines: list[str]) -> str:
    """The nearest line above a table that reads like a table title.

    A title may run over two lines (“…明细表（按支出经济分类科目-不” / “含上年结转）”), share its line with the
    unit it is for (“一般公共预算基本支出预算表 部门：某办公厅 单位：万元”), or carry its code after it
    (“收入预算总表 公开表二”, “收入总表(预算表2)”): the code is kept after the name, in brackets, as most print it.
    """
    for i in range(len(lines) - 1, -1, -1):
        for text in (lines[i], lines[i - 1] + lines[i] if i else ""):
            title = _as_title(text)
            if title:
                return title
    return ""


# a table's code printed after its name: 公开表二, 预算表2, 表6 (in brackets or not)
_CODE_AFTER = re.compile(r"[（(]?((?:公开|预算|部门|单位)?表[一二三四五六七八九十\d]{1,3})[）)]?$")


def _as_title(text: str) -> str:
    t = re.sub(r"\s+", "", text)
    t = re.sub(r"(?:编制|预算)?(?:部门|单位)(?:名称)?[:：].*$", "", t)
    t = _UNIT_LINE.sub("", t).strip()
    code = _CODE_AFTER.search(t)
    if code and code.start() > 0 and _TITLE.search(t[:code.start()]):
        t = f"{t[:code.start()]}（{code.group(1)}）"
    if t and _TITLE.search(t) and not t.startswith("注"):
        return t.replace("“”", "").strip()
    return ""


_LETTER_SPACED = re.compile(r"[\u4e00-\u9fff](?:\s+[\u4e00-\u9fff])+")


def clean_cell(cell: str | None) -> str:
    """A cell's text as one string; a cell set letter-spaced (“合 计”, “项 目”) closed up."""
    text = normalize(squash(cell or ""))
    return re.sub(r"\s+", "", text) if _LETTER_SPACED.fullmatch(text) else text


def is_amount(text: str) -> bool:
    value, percent = parse_number(text)
    return value is not None and (percent or "." in text or "," in text)


def _is_data_row(row: list[str]) -> bool:
    return any(is_amount(c) or UNREADABLE.match(c) for c in row)


def _is_header_row(row: list[str]) -> bool:
    while row and not row[-1]:
        row = row[:-1]
    filled = [c for c in row if c]
    return len(filled) >= max(2, 0.8 * len(row)) and not any(parse_number(c)[0] is not None for c in filled)


def _is_text_line(cells: list[str], r: int, spread: set[tuple[int, int]]) -> bool:
    """A form's line of words, not a header: a label and a sentence spread over the row (年度目标 | 治安10人，…),
    or an indicator with its target (产出指标 | 数量指标 | 聘用人员数量 | ≤10人)."""
    own = list(dict.fromkeys(t for c, t in enumerate(cells) if t and (r, c) not in spread))
    if len(own) == 2 and (len(own[1]) >= 12 or re.search(r"[，。；;]", own[1])):
        return True
    return len(own) >= 2 and bool(re.search(r"[≥≤＞＜>=<]\s*\d", own[-1]))


def _header_paths(rows: list[list[str]], width: int) -> list[str]:
    """Merge multi-row headers column by column, dropping a level shared by every column."""
    levels = [r for r in rows if any(r)]
    if len(levels) > 1:
        levels = [r for r in levels if len({c for c in r}) > 1 or len(r) == 1] or levels
    paths = []
    for c in range(width):
        parts: list[str] = []
        for r in levels:
            t = r[c] if c < len(r) else ""
            if re.search(r"编制(单位|部门)[:：]|^单位[:：]", t):
                continue  # the form's 编制单位/单位 line, printed inside the header grid
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        paths.append(" › ".join(parts))
    return paths


# the header of a column of row names or codes (项目, 科目名称, 类 | 款 | 项, 支出功能分类科目（按大类）), not of
# amounts (项目支出)
_NAMES_HEADER = re.compile(r"^(项目|类|款|项|.{0,14}(科目|名称|编码|代码|分类))([（(][^）)]*[）)])?$")


def _groups(headers: list[str]) -> list[range]:
    """Column groups of tables printed side by side (经济分类 | 决算数 | 经济分类 | 决算数)."""
    if not headers or not re.search(r"项目|科目|编码|名称|分类", headers[0]):
        return [range(len(headers))]
    first = headers[0].rsplit(" › ", 1)[-1]
    leaves = [h.rsplit(" › ", 1)[-1] for h in headers]
    # a block starts where a column of names follows a column of values: 项目 | 预算数 | 支出功能分类科目 | 预算数 | …
    # (or where the first column's header comes again: 类 | 款 | 名称 | 类 | 款 | 名称 | 金额 names a row twice)
    starts = [0] + [c for c in range(1, len(headers)) if leaves[c] == first and leaves[c - 1] != first
                    or _NAMES_HEADER.match(leaves[c]) and not _NAMES_HEADER.match(leaves[c - 1])]
    ends = starts[1:] + [len(headers)]
    return [range(s, e) for s, e in zip(starts, ends)]


def _split_row(cells: list[str]) -> tuple[str, str, list[int]]:
    """Split a row into (code, label, value column indexes).

    Codes come first (208 / 20805 / 2080505, or 201 | 38 | 02 in three cells);
    then the label cells; every later cell may hold a value.
    """
    code_parts: list[str] = []
    i = 0
    while i < len(cells) and not cells[i]:
        i += 1
    while i < len(cells) and (_CODE.match(cells[i]) or (code_parts and _CODE_PART.match(cells[i]))):
        if not (len(cells[i]) >= 3 and cells[i] == "".join(code_parts)):
            code_parts.append(cells[i])  # (a merged code cell spread over 类 | 款 | 项 repeats the whole code)
        i += 1
    if not code_parts and i + 1 < len(cells) and re.fullmatch(r"\d{3,9}", cells[i]) and cells[i + 1] \
            and parse_number(cells[i + 1])[0] is None:
        code_parts, i = [cells[i]], i + 1  # a unit's code before its name (302003 | 无锡市价格监测认定中心)
    labels: list[str] = []
    while i < len(cells) and parse_number(cells[i])[0] is None and not UNREADABLE.match(cells[i]):
        if cells[i] and cells[i] not in ("类", "款", "项") and (not labels or labels[-1] != cells[i]):
            labels.append(cells[i])
        i += 1
    return "".join(code_parts), " ".join(labels), list(range(i, len(cells)))


def build_table(grid: list[list[str | None]], title: str, unit: str, pages: list[int],
                row_pages: list[int | None] | None = None, section: tuple[str, ...] = (),
                context: str = "", merged_headers: bool = True,
                spread: set[tuple[int, int]] = frozenset(),
                marks: dict[tuple[int, int], Mark] | None = None) -> Table:
    """Read a grid of printed cells as its authors meant it.

    With `merged_headers` (ruled PDF tables, whose merged cells were spread over
    the grid) the rows before the first amount are merged into one header path
    per column. Forms typed as text (the 绩效自评表) have no merged cells but
    several header blocks; there every all-text, fully filled row opens a block.
    Values are tied to their row label and column path. `spread` names the
    grid positions that only repeat a merged cell's text: they shape headers
    but are blank in data rows, where a repeated "201 | 201" is not a code.
    `marks` carries a scanned cell's OCR confidence and box into its `Cell`.
    """
    marks = marks or {}
    width = max((len(r) for r in grid), default=0)
    rows = [[clean_cell(c) for c in r] + [""] * (width - len(r)) for r in grid]
    row_pages = row_pages or [pages[0] if pages else None] * len(rows)
    skip = 0
    for cells in rows[:3]:
        distinct = list(dict.fromkeys(c for c in cells if c))
        joined = " ".join(distinct)
        if not distinct or len(distinct) > 3 or not (table_title([joined]) or re.search(r"单位[:：]|部门[:：]", joined)):
            break
        title = title or table_title([joined])
        unit = unit or table_unit(joined)
        skip += 1

    header_rows: list[list[str]] = []
    headers: list[str] = [""] * width
    seen_data = False
    out_rows: list[Row] = []
    names: dict[str, str] = {}
    parent_label = ""
    figures_seen = False  # a row with figures has been read: rows of words after it are a form's text
    for r, cells in enumerate(rows):
        if r < skip:
            continue
        if not merged_headers:
            if _is_header_row(cells):
                headers = _header_paths([cells], width)
                unit = unit or table_unit(*cells)
                continue
        elif not _is_data_row(cells) and not (figures_seen and _is_text_line(cells, r, spread)):
            if not seen_data or _is_header_row(cells):
                if seen_data:
                    header_rows, seen_data = [], False
                header_rows.append(cells)
                headers = _header_paths(header_rows, width)
                unit = unit or table_unit(*cells)
                continue
        seen_data = True
        cells = ["" if (r, c) in spread else t for c, t in enumerate(cells)]
        for group in _groups(headers):
            part = [cells[c] for c in group]
            code, label, value_idx = _split_row(part)
            if not label and not code:
                if not any(part[k] for k in value_idx):
                    continue
                label = "合计"  # a one-row table such as the “三公” table prints no row label
            row_cells: dict[str, Cell] = {}
            for k in value_idx:
                text = part[k]
                column = headers[group[k]] or f"第{group[k] + 1}列"
                mark = marks.get((r, group[k]))
                seen = {"ocr": mark.score, "box": mark.box} if mark else {}
                if UNREADABLE.match(text):
                    row_cells[column] = Cell(text=text, unreadable=True, **seen)
                    continue
                value, percent = parse_number(text)
                row_cells[column] = Cell(text=text, value=value, percent=percent, **seen)
            if code:
                names[code] = label
                path = tuple(names.get(code[:n], "") for n in (3, 5, 7) if n < len(code)) + (label,)
                path = tuple(p for p in path if p)
            elif label.startswith("其中") and parent_label:
                path = (parent_label, label)
            else:
                path = (label,)
            if not label.startswith("其中"):
                parent_label = f"{code} {label}".strip()
            if not any(c.text for c in row_cells.values()):
                # a form's line of words after its figures (年度目标 | 治安10人，工资3406元/人.月…; an indicator and
                # its 指标值 ≤44.47万元) is kept as its label and its text, so that it can be found and quoted
                texts = [t for t in part if t]
                if not (figures_seen and not code and len(texts) >= 2 and len(" ".join(texts[1:])) >= 4):
                    continue
                label, path, row_cells = texts[0], (texts[0],), {"内容": Cell(text=" ".join(texts[1:]))}
            figures_seen = True
            out_rows.append(Row(label=f"{code} {label}".strip(), path=path, cells=row_cells,
                                page=row_pages[r], code=code))
    columns = [h for h in dict.fromkeys(c for row in out_rows for c in row.cells)]
    return Table(title=title, unit=unit, columns=columns, rows=out_rows, pages=pages,
                 section=section, context=context)


# ---------------------------------------------------------------- metadata

_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年?")
_REGION = re.compile(r"^(?:中共)?([^\s]{2,3}?(?:省|自治区|市))([^\s]{2,3}?(?:区|县))?")


def find_meta(path: str, first_text: str) -> Meta:
    """Unit, year and kind from the file name, falling back to the title page."""
    stem = PurePath(path).stem
    unit, _, rest = stem.partition("__") if "__" in stem else ("", "", stem)
    title_text = re.sub(r"\s+", "", first_text)
    m = _YEAR.search(rest) or _YEAR.search(title_text)
    year = int(m.group(1)) if m else None
    if not unit:
        ym = _YEAR.search(rest)
        unit = rest[:ym.start()] if ym else ""
        unit = re.sub(r"^\d+[-_]", "", unit)
    if not unit:
        tm = re.match(r"^(.{4,30}?)(?:20\d{2}|部门|单位)", title_text)
        unit = tm.group(1) if tm else stem
    both = rest + title_text[:200]
    kind = "决算" if "决算" in both else "预算" if "预算" in both else ""
    scope = "部门" if "部门" in rest else "单位" if "单位" in rest else ""
    rm = _REGION.match(unit)
    region = "".join(g for g in rm.groups() if g) if rm else ""
    title = f"{unit}{year or ''}{'年度' if year else ''}{scope}{kind}"
    return Meta(unit=normalize(unit), year=year, kind=kind, scope=scope, region=region, title=title)
