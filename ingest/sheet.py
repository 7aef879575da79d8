"""Spreadsheets (XLSX) and CSV files: each sheet is one table under the report's title.

A workbook is a zip archive; before openpyxl inflates it, the declared sizes of
its members are checked, so a zip bomb is refused instead of eating memory.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile

from .errors import ReadError
from .normalize import normalize
from .report import Report, Table
from .structure import build_table, find_meta, table_title, table_unit
from .text import decode

MAX_UNPACKED = 200 * 1024 * 1024
MAX_CELLS = 2_000_000


_DATE = re.compile(r"^(20\d{2})(-\d{2}-\d{2})?$")


def _by_year(name: str, grid: list[list[str]]) -> list[Table]:
    """A sheet with one row per year (2017-01-01, …) becomes one table per year.

    Such extracts (the Jiangsu 收支预算总表 CSVs) put the items across the top;
    each year's row is read as its own two-column table, so every figure keeps
    the year it belongs to.
    """
    header, rows = grid[0], grid[1:]
    tables = []
    for row in rows:
        year = int(_DATE.match(row[0]).group(1))
        pairs = [["项目", "预算数"]] + [[h, v] for h, v in zip(header[1:], row[1:]) if h]
        table = build_table(pairs, f"{name}（{year}年）", "", [])
        table.year = year
        if table.rows:
            tables.append(table)
    return tables


def _report(display_path: str, sheets: list[tuple[str, list[list[str]]]]) -> Report:
    tables: list[Table] = []
    for name, grid in sheets:
        grid = [[normalize(c) for c in row] for row in grid if any(c.strip() for c in row)]
        if not grid:
            continue
        if len(grid) > 1 and all(row and _DATE.match(row[0]) for row in grid[1:]):
            tables += _by_year(name, grid)
            continue
        lead = [" ".join(c for c in row if c) for row in grid[:3]]
        title = table_title(lead) or name
        body = [row for row in grid if " ".join(c for c in row if c) not in lead[:2]
                or len([c for c in row if c]) > 1]
        table = build_table(body, title, table_unit(*lead), [])
        if table.rows:
            tables.append(table)
    if not tables:
        raise ReadError("no table with figures was found in the file")
    meta = find_meta(display_path, " ".join(t.title for t in tables[:2]))
    years = [t.year for t in tables if t.year]
    if years:
        meta.year = max(years)
    return Report(path=display_path, meta=meta, paragraphs=[], tables=tables, pages=0)


def read_csv(data: bytes, display_path: str) -> Report:
    text = decode(data)
    grid = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    return _report(display_path, [(display_path.rsplit("/", 1)[-1].rsplit(".", 1)[0], grid)])


def read_xlsx(data: bytes, display_path: str) -> Report:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
                raise ReadError("the workbook unpacks to over 200 MB (a zip bomb?); refused")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ReadError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReadError(f"corrupt or unreadable workbook ({type(exc).__name__})") from exc
    sheets = []
    cells = 0
    for ws in book.worksheets:
        grid = []
        for row in ws.iter_rows(values_only=True):
            cells += len(row)
            if cells > MAX_CELLS:
                raise ReadError(f"the workbook has over {MAX_CELLS} cells; refused")
            grid.append(["" if v is None else str(v) for v in row])
        sheets.append((ws.title, grid))
    book.close()
    return _report(display_path, sheets)
