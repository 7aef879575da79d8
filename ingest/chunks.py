"""Retrieval chunks that still say what they are about when read alone.

Prose chunks never cross a section boundary or a page break, and start with the report and the
innermost heading (the full section path stays in the chunk's `section`; in the
text it was a third of a prose chunk's tokens). A table becomes chunks of
consecutive rows under the table title, its unit and one line of column
headers; each row is one line with its label first, so "84.62" is never found without "办公费". Rows are grouped rather
than chunked one by one because embedding is most of the cost of ingestion: a
chunk per row repeated the heading and the headers on every row (1.7× the
tokens of the page text) in texts too short to batch well. For the same reason
a row names its 类/款 ancestry only when the chunk does not already show it, and
columns empty in every row (经营收入 of an office) are left out.
"""
from __future__ import annotations

import re

from .report import Chunk, Meta, Paragraph, Report, Row, Table

MAX_CHARS = 480
# Names how `embedding_text` makes a chunk's vector; stored vectors made another way are not reused.
EMBEDDING_RECIPE = "e5-small; table chunks without figures"
_FIGURE_CELL = re.compile(r"(?<=｜)[-−–]?[\d,.]+%?(?=｜|$)", re.M)


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
        prefix = f"{head}{group[0].section[-1]}\n" if section else f"{head}\n"
        body = ""
        page = group[0].page
        for p in group:
            for piece in _split_long(p.text, MAX_CHARS):
                # a chunk stays on one page, so that a quoted sentence cites the page it is printed on
                if body and (len(body) + len(piece) > MAX_CHARS or p.page != page):
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
    prefix = f"{head}{table.title}{unit}\n{about}"
    page = table.pages[0] if table.pages else None
    if not table.rows:
        return [Chunk(text=f"{prefix}（本表无数据）", kind="table", page=page, section=table.context,
                      table=table.title)]
    columns = [c for c in table.columns if any(c in r.cells and r.cells[c].text for r in table.rows)]
    prefix += "项目｜" + "｜".join(columns) + "\n"
    chunks: list[Chunk] = []
    group: list[tuple[str, Row]] = []

    def flush() -> None:
        if group:
            labels = group[0][1].label + (f" … {group[-1][1].label}" if len(group) > 1 else "")
            chunks.append(Chunk(text=prefix + "\n".join(line for line, _ in group), kind="table",
                                page=group[0][1].page, section=table.context, table=table.title, row=labels))
            group.clear()

    def line(row: Row, shown: set[str]) -> str:
        ancestry = [p for p in row.path[:-1] if p not in shown]
        label = " › ".join([*ancestry, row.label])
        return label + "｜" + "｜".join(row.cells[c].text if c in row.cells else "" for c in columns)

    for row in table.rows:
        shown = {p for _, r in group for p in r.path}
        text = line(row, shown)
        if group and (sum(len(g) + 1 for g, _ in group) + len(text) > MAX_CHARS or row.page != group[0][1].page):
            flush()
            text = line(row, set())
        group.append((text, row))
    flush()
    return chunks


def embedding_text(chunk: Chunk) -> str:
    """What a chunk's vector is computed from: a table chunk without its figures.

    e5 places "2,946.25" nowhere useful, and table figures were a fifth of the
    tokens embedded. The figures stay in the chunk's text, which BM25 and the
    answer read, and in the fact store.
    """
    if chunk.kind != "table":
        return chunk.text
    stripped = _FIGURE_CELL.sub("", chunk.text)
    return re.sub(r"｜+$", "", re.sub(r"｜{2,}", "｜", stripped), flags=re.M)


def report_chunks(report: Report) -> list[Chunk]:
    return prose_chunks(report) + [c for t in report.tables for c in table_chunks(report, t)]
