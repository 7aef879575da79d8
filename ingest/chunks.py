"""Retrieval chunks that still say what they are about when read alone.

Prose chunks never cross a section boundary and start with the report and the
section path; a table becomes one chunk per row that repeats the table title,
its unit and the column headers, so "84.62" is never found without "办公费".
"""
from __future__ import annotations

import re

from .report import Chunk, Meta, Paragraph, Report, Table

MAX_CHARS = 480


def _heading(meta: Meta) -> str:
    year = f"{meta.year}年" if meta.year else ""
    return f"【{meta.unit} {year}{meta.scope}{meta.kind}】"


def _split_long(text: str, limit: int) -> list[str]:
    """Cut an over-long paragraph at sentence ends, never inside a figure."""
    pieces, current = [], ""
    for sentence in re.split(r"(?<=[。！？；])", text):
        if current and len(current) + len(sentence) > limit:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def prose_chunks(report: Report) -> list[Chunk]:
    head = _heading(report.meta)
    chunks: list[Chunk] = []
    group: list[Paragraph] = []

    def flush() -> None:
        if not group:
            return
        section = " › ".join(group[0].section)
        prefix = f"{head}{section}\n" if section else f"{head}\n"
        body = ""
        page = group[0].page
        for p in group:
            for piece in _split_long(p.text, MAX_CHARS):
                if body and len(body) + len(piece) > MAX_CHARS:
                    chunks.append(Chunk(text=prefix + body, kind="prose", page=page, section=section))
                    body, page = "", p.page
                body += ("\n" if body else "") + piece
        if body:
            chunks.append(Chunk(text=prefix + body, kind="prose", page=page, section=section))
        group.clear()

    for p in report.paragraphs:
        if p.heading:
            flush()
            continue
        if group and group[-1].section != p.section:
            flush()
        group.append(p)
    flush()
    return chunks


def table_chunks(report: Report, table: Table) -> list[Chunk]:
    head = _heading(report.meta)
    unit = f"（单位：{table.unit}）" if table.unit else ""
    about = f"{table.context}\n" if table.context else ""
    if not table.rows:
        return [Chunk(text=f"{head}{table.title}{unit}\n{about}（本表无数据）", kind="row",
                      page=table.pages[0] if table.pages else None, section=table.context,
                      table=table.title)]
    chunks = []
    for row in table.rows:
        cells = "；".join(f"{col}：{cell.text}" for col, cell in row.cells.items() if cell.text)
        path = " › ".join(row.path[:-1])
        label = f"{path} › {row.label}" if path else row.label
        text = f"{head}{table.title}{unit}\n{about}{label}｜{cells}"
        chunks.append(Chunk(text=text, kind="row", page=row.page, section=table.context,
                            table=table.title, row=row.label))
    return chunks


def report_chunks(report: Report) -> list[Chunk]:
    return prose_chunks(report) + [c for t in report.tables for c in table_chunks(report, t)]
