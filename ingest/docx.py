"""Word reports: paragraphs in order, and each table as printed.

Only the document's own text is read; external links and embedded objects are
never followed.
"""
from __future__ import annotations

import io
import zipfile

from .errors import ReadError
from .normalize import normalize
from .report import Report
from .structure import Line, build_paragraphs, build_table, find_meta, skip_toc, table_title, table_unit

MAX_UNPACKED = 200 * 1024 * 1024


def read_docx(data: bytes, display_path: str) -> Report:
    import docx
    from docx.oxml.ns import qn

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
                raise ReadError("the document unpacks to over 200 MB (a zip bomb?); refused")
        document = docx.Document(io.BytesIO(data))
    except ReadError:
        raise
    except Exception as exc:  # python-docx raises several types for broken archives
        raise ReadError(f"corrupt or unreadable Word document ({type(exc).__name__})") from exc
    lines: list[Line] = []
    tables = []
    recent: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            text = normalize("".join(t.text or "" for t in block.iter(qn("w:t"))))
            lines.append(Line(text=text, page=None))
            if text.strip():
                recent.append(text)
        elif block.tag == qn("w:tbl"):
            grid = []
            for tr in block.iter(qn("w:tr")):
                grid.append([normalize("".join(t.text or "" for t in tc.iter(qn("w:t"))))
                             for tc in tr.iter(qn("w:tc"))])
            table = build_table(grid, table_title(recent[-3:]), table_unit(*recent[-2:]), [])
            if table.rows:
                tables.append(table)
    lines = skip_toc(lines)
    if not any(l.text.strip() for l in lines) and not tables:
        raise ReadError("the document has no text")
    meta = find_meta(display_path, " ".join(l.text for l in lines[:8]))
    return Report(path=display_path, meta=meta, paragraphs=build_paragraphs(lines), tables=tables, pages=0)
