"""PDF reports: prose per page, ruled tables, page numbers kept; image-only pages read by OCR.

Shanghai's 决算 PDFs draw their figures a few points below the line they belong
to, so pdfplumber's default line grouping (3 pt) sets "2336.91" on a line of its
own; grouping within 6 pt puts each figure back into its sentence.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect

from .errors import ReadError
from .normalize import normalize, unspace
from .ocr import read_image, render
from .page import Mark, Page, Ruled, Span
from .report import Report, Table
from .structure import (Line, build_paragraphs, build_table, find_meta, skip_toc,
                        clean_cell, is_amount, table_title, table_unit)

Y_TOLERANCE = 6
# A page's number at its foot (“— 9 —”, “- 9 -”, “9”, “第9页”): a table above it may still go on overleaf
# (OCR reads the dashes around “— 4 —” as 一 as often as not)
_PAGE_FOOTER = re.compile(r"[—－\-–一]*\s*(第\s*)?\d{1,3}\s*(页)?\s*[—－\-–一]*|\d{1,3}\s*/\s*\d{1,3}")
FOOT = 0.85  # a page number is printed below this share of the page's height
MAX_PAGES = 2000


@dataclass
class _RawTable:
    grid: list[list[str | None]]
    spread: set[tuple[int, int]]
    row_pages: list[int]
    title: str
    unit: str
    pages: list[int] = field(default_factory=list)
    ends_page: bool = False
    marks: dict[tuple[int, int], Mark] = field(default_factory=dict)


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _grid(table) -> tuple[list[list[str | None]], set[tuple[int, int]]]:
    """The table's text with every merged cell's text repeated in each grid position it covers.

    pdfplumber gives None for positions covered by a merged cell; spreading the
    text keeps multi-row headers and vertically merged labels attached to every
    column and row they span.
    """
    text = table.extract()
    grid: list[list[str | None]] = [list(r) for r in text]
    spread: set[tuple[int, int]] = set()
    row_tops = [row.bbox[1] for row in table.rows]
    col_lefts = [col.bbox[0] for col in table.columns]
    for r, row in enumerate(table.rows):
        for c, box in enumerate(row.cells):
            if box is None:
                continue
            for r2, top in enumerate(row_tops):
                for c2, left in enumerate(col_lefts):
                    if (box[1] - 0.5 <= top < box[3] - 0.5 and box[0] - 0.5 <= left < box[2] - 0.5
                            and c2 < len(grid[r2]) and grid[r2][c2] is None):
                        grid[r2][c2] = text[r][c]
                        spread.add((r2, c2))
    return grid, spread


def _text_page(page) -> Page:
    """A page's lines and ruled tables from its text layer."""
    try:
        found = page.find_tables()
    except Exception as exc:
        raise ReadError(f"page {page.page_number} could not be read ({type(exc).__name__})") from exc
    boxes = [t.bbox for t in found]
    body = page.filter(lambda o: not _inside(o, boxes)) if boxes else page
    spans = [Span(l["top"], l["bottom"], l["x1"], unspace(normalize(l["text"])))
             for l in body.extract_text_lines(y_tolerance=Y_TOLERANCE, return_chars=False)]
    tables = [Ruled(t.bbox, *_grid(t)) for t in found]
    return Page(spans=spans, tables=tables, chars=len(page.chars))  # a tables-only page has text in its tables alone


def _scanned_page(path: str, index: int, state: dict) -> Page:
    """An image-only page read by OCR; the PDF is opened for rendering once, on the first such page."""
    if "pdfium" not in state:
        import pypdfium2

        state["pdfium"] = pypdfium2.PdfDocument(path)
    return read_image(*render(state["pdfium"], index))


def read_pdf(path: str, display_path: str, progress: Callable[[int, int], None] | None = None) -> Report:
    """The report in a PDF; pages with no text layer are read by OCR (`progress` hears of each)."""
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfplumber wraps pdfminer's many error types in its own
        causes = {type(exc), type(exc.__context__), *(type(a) for a in exc.args)}
        if PDFPasswordIncorrect in causes:
            raise ReadError("encrypted PDF: it needs a password to open") from exc
        raise ReadError(f"corrupt or unreadable PDF ({type(exc.__context__ or exc).__name__})") from exc
    state: dict = {}
    with pdf:
        n_pages = len(pdf.pages)
        if n_pages == 0:
            raise ReadError("the PDF has no pages")
        if n_pages > MAX_PAGES:
            raise ReadError(f"the PDF has {n_pages} pages, over the limit of {MAX_PAGES}")
        lines: list[Line] = []
        raw: list[_RawTable] = []
        chars = 0
        for number, plumbed in enumerate(pdf.pages, start=1):
            page = _text_page(plumbed)
            if not page.chars and plumbed.images:
                page = _scanned_page(path, number - 1, state)
                if progress:
                    progress(number, n_pages)
            chars += page.chars
            spans, found = page.spans, page.tables
            boxes = [t.bbox for t in found]
            right = max((s.x1 for s in spans), default=plumbed.width)
            placed: list[tuple[float, Line]] = []
            for span in spans:
                if any(b[1] - 1 <= span.top and span.bottom <= b[3] + 1 for b in boxes):
                    continue
                placed.append((span.top, Line(text=span.text, page=number, short=span.x1 < right - 24,
                                              score=span.score)))
            for t_index, table in enumerate(found):
                above = [s.text for s in spans if s.bottom <= table.bbox[1] + 1
                         and (t_index == 0 or s.top >= found[t_index - 1].bbox[3] - 1)]
                grid, spread, marks = table.grid, table.spread, table.marks
                title = table_title(above[-4:])
                unit = table_unit(*above[-3:])
                if not title:  # some reports rule the title and 金额单位 lines into the table's frame
                    title, inner_unit, taken = _title_inside(grid)
                    grid, spread, marks = _drop_rows(taken, grid, spread, marks)
                    unit = unit or inner_unit
                if not title and not any(is_amount(clean_cell(c)) for row in grid for c in row if c):
                    # a ruled list with no figures (序号｜单位名称｜备注 of the units a report covers) is text:
                    # it is read where it stands, as the lines of the paragraph that introduces it
                    placed += [(table.bbox[1] + k / 100, Line(text=" ".join(clean_cell(c) for c in row if c),
                                                              page=number, short=True))
                               for k, row in enumerate(table.printed()) if any(row)]
                row_pages = [number] * len(grid)
                prev = raw[-1] if raw else None
                continues = (t_index == 0 and not title and prev is not None and prev.ends_page
                             and prev.pages[-1] == number - 1 and len(grid[0]) <= len(prev.grid[0]))
                if continues:
                    grid = [_widen(row, len(prev.grid[0])) for row in grid]
                    header_len = _repeated_header(prev.grid, grid)
                    offset = len(prev.grid) - header_len
                    prev.spread |= {(r + offset, c) for r, c in spread if r >= header_len}
                    prev.marks |= {(r + offset, c): m for (r, c), m in marks.items() if r >= header_len}
                    prev.grid.extend(grid[header_len:])
                    prev.row_pages.extend(row_pages[header_len:])
                    prev.pages.append(number)
                    target = prev
                else:
                    target = _RawTable(grid, set(spread), row_pages, title, unit, [number], marks=dict(marks))
                    raw.append(target)
                below = [s for s in spans if s.top >= table.bbox[3] - 1]
                target.ends_page = t_index == len(found) - 1 and not any(
                    s.text.strip() and not s.text.startswith("注") and not _PAGE_FOOTER.fullmatch(s.text.strip())
                    for s in below)
            placed.sort(key=lambda p: p[0])
            while placed and placed[-1][0] > FOOT * plumbed.height and _PAGE_FOOTER.fullmatch(placed[-1][1].text.strip()):
                placed.pop()  # the page number: a sentence running overleaf goes on past it
            lines += [line for _, line in placed]
        if "pdfium" in state:
            state["pdfium"].close()
        if chars == 0:
            raise ReadError("no text: the PDF has no text layer and OCR found no legible text on its pages")
        lines = skip_toc(lines)
        first = " ".join(l.text for l in lines[:6])
        meta = find_meta(display_path, first)
        tables: list[Table] = [
            build_table(t.grid, t.title, t.unit, t.pages, row_pages=t.row_pages, spread=t.spread, marks=t.marks)
            for t in raw if any(any(c for c in row) for row in t.grid)
        ]
        # A published table with no figures (政府性基金 … 本表无数据) is still a table the report has.
        return Report(path=display_path, meta=meta, paragraphs=build_paragraphs(lines),
                      tables=[t for t in tables if t.rows or t.title], pages=n_pages)


def _drop_rows(taken: int, grid: list[list[str | None]], spread: set[tuple[int, int]],
               marks: dict[tuple[int, int], Mark]):
    """The grid without its first `taken` rows, positions renumbered.

    A title cell that was merged down the whole table (a frame around it all, whose text is the whole
    page's) is taken off with its row: its copies spread into the rows below are blanked too.
    """
    gone = {c.strip() for row in grid[:taken] for c in row if c and c.strip()}
    kept = [[None if c and c.strip() in gone and (r, k) in spread else c for k, c in enumerate(row)]
            for r, row in enumerate(grid) if r >= taken]
    return (kept, {(r - taken, c) for r, c in spread if r >= taken},
            {(r - taken, c): m for (r, c), m in marks.items() if r >= taken})


def _title_inside(grid: list[list[str | None]]) -> tuple[str, str, int]:
    """A title (“预算07表 政府性基金预算支出表”) and unit line printed in the table's first rows.

    Such a row holds one text spread over the table's width; the rows up to the last
    of them are to be taken off the grid, so that the header starts where the headers do.
    """
    title, unit, taken = "", "", 0
    for r, row in enumerate(grid[:4]):
        texts = {c.strip() for c in row if c and c.strip()}
        if len(texts) > 1:
            # “预算单位：某局 | 单位：万元”: a line of who and in what unit, split over two cells
            if all(re.search(r"[:：]", t) for t in texts) and any(table_unit(t) for t in texts):
                unit = unit or next(table_unit(t) for t in texts if table_unit(t))
                taken = r + 1
                continue
            break
        text = next(iter(texts), "")
        if text and table_title([text]):
            title = table_title([text])
            unit = unit or table_unit(text)  # “…预算表 部门：某办公厅 单位：万元” in one cell
        elif text and table_unit(text):
            unit = table_unit(text)
        elif text:
            break
        taken = r + 1
    if not title:
        return "", "", 0
    return title, unit, taken


def _widen(row: list[str | None], width: int) -> list[str | None]:
    """Fit a continuation row with merged label cells (a lone 合计 line) to the table's width.

    Values are right-aligned under their columns, so the label is spread over
    the columns the row lacks.
    """
    missing = width - len(row)
    return [row[0]] * (missing + 1) + row[1:] if missing > 0 else row


def _repeated_header(prev: list[list[str | None]], grid: list[list[str | None]]) -> int:
    """How many leading rows of a continuation page repeat the first page's header."""
    n = 0
    while n < len(grid) and n < len(prev) and grid[n] == prev[n]:
        n += 1
    return n
