"""Plain-text reports: prose lines, and tables as runs of tab-separated lines.

Reports published as web text (the Sichuan 单位决算) come in UTF-8 or in the
GB18030 family that Chinese Windows tools still write; a BOM is taken at its
word, then UTF-8 (allowing a few stray bytes), then GB18030.
"""
from __future__ import annotations

import codecs
import re

from .errors import ReadError
from .normalize import normalize
from .report import Report, Table
from .structure import Line, build_paragraphs, build_table, find_meta, heading_level, skip_toc, table_title

def decode(data: bytes) -> str:
    """Decode report text, refusing bytes that are no text at all."""
    if not data.strip():
        raise ReadError("the file is empty")
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name)
    if b"\x00" in data[:4096]:
        raise ReadError("binary data, not text (NUL bytes); is the file type right?")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mostly_utf8 = data.decode("utf-8", errors="replace")
    if mostly_utf8.count("\ufffd") <= max(3, len(mostly_utf8) // 200):
        # a UTF-8 report with a few stray bytes (a pasted GBK fragment): keep the UTF-8, mark the rest
        return mostly_utf8
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError("text in an unknown encoding (neither UTF-8 nor GB18030/GBK)") from None


def read_text(data: bytes, display_path: str) -> Report:
    text = normalize(decode(data)).replace("\r\n", "\n").replace("\r", "\n")
    lines = skip_toc([Line(text=l, page=None) for l in _rejoin_figures(text.split("\n"))])
    prose: list[Line] = []
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        if "\t" not in lines[i].text:
            prose.append(lines[i])
            i += 1
            continue
        start = i
        while i < len(lines) and ("\t" in lines[i].text or _wrapped_cell(lines, i)):
            i += 1
        grid = [l.text.split("\t") for l in lines[start:i] if "\t" in l.text]
        before = [l.text for l in lines[max(0, start - 3):start] if l.text.strip()]
        for title, part in _split_titled(grid, table_title(before)):
            table = build_table(part, title, "", [], context=_context(part), merged_headers=False)
            if table.rows:
                tables.append(table)
    if not any(l.text.strip() for l in prose) and not tables:
        raise ReadError("the file has no text")
    meta = find_meta(display_path, " ".join(l.text for l in prose[:8]))
    paragraphs = build_paragraphs(prose)
    return Report(path=display_path, meta=meta, paragraphs=paragraphs, tables=tables, pages=0)


def _rejoin_figures(lines: list[str]) -> list[str]:
    """Join a sentence that web text broke right before its figure ("比2021年增加" / "" / "27.30 万元")."""
    out: list[str] = []
    for line in lines:
        blank_run = 0
        while out and not out[-1].strip() and len(out) > 1:
            blank_run += 1
            out.pop()
        if (out and line[:1].isdigit() and "\t" not in line and "\t" not in out[-1]
                and re.search(r"[\u4e00-\u9fff]$", out[-1].rstrip()) and heading_level(out[-1].strip()) is None):
            out[-1] = out[-1].rstrip() + line
            continue
        out.extend([""] * blank_run)
        out.append(line)
    return out


def _wrapped_cell(lines: list[Line], i: int) -> bool:
    """A line without tabs inside a table is a cell the author wrapped, when a tab row follows."""
    return (bool(lines[i].text.strip()) and i + 1 < len(lines) and "\t" in lines[i + 1].text
            and i > 0 and "\t" in lines[i - 1].text and len(lines[i].text) < 60)


def _split_titled(grid: list[list[str]], title: str) -> list[tuple[str, list[list[str]]]]:
    """Split a run of tab rows where a row holding only a table title starts the next table."""
    parts: list[tuple[str, list[list[str]]]] = [(title, [])]
    for row in grid:
        cells = [c.strip() for c in row if c.strip()]
        if len(cells) == 1 and table_title(cells):
            parts.append((table_title(cells), []))
        else:
            parts[-1][1].append(row)
    return [(t, rows) for t, rows in parts if rows]


def _context(grid: list[list[str]]) -> str:
    """The project a 绩效自评表 is about, from its 项目名称 row."""
    for row in grid[:3]:
        cells = [c.strip() for c in row if c.strip()]
        if cells and cells[0] == "项目名称" and len(cells) > 1:
            return re.sub(r"^\d{10,}-", "", cells[1])
    return ""
