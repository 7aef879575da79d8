"""One entry point from a file to a `Report`, whatever its type.

The type is taken from the file's first bytes where they say it, so a PDF
renamed .txt is still read as a PDF and a text file named .pdf is refused with a
reason rather than handed to the wrong parser.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .docx import read_docx
from .errors import ReadError
from .pdf import read_pdf
from .report import Report
from .sheet import read_csv, read_xlsx
from .text import read_text

MAX_BYTES = 50 * 1024 * 1024
SUPPORTED = (".pdf", ".txt", ".text", ".csv", ".xlsx", ".xlsm", ".docx")


def read_report(path: Path, display_path: str, progress: Callable[[int, int], None] | None = None) -> Report:
    """Read one file, raising ReadError with a reason a person can act on.

    `progress(page, pages)` hears of each PDF page read by OCR, the slow step."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(f"unsupported file type '{suffix or '(none)'}'; supported: {', '.join(SUPPORTED)}")
    size = path.stat().st_size
    if size == 0:
        raise ReadError("the file is empty")
    if size > MAX_BYTES:
        raise ReadError(f"the file is {size / 2**20:.0f} MB, over the limit of {MAX_BYTES // 2**20} MB")
    head = path.open("rb").read(8)
    if head.startswith(b"%PDF"):
        return read_pdf(str(path), display_path, progress)
    if suffix == ".pdf":
        raise ReadError("not a PDF (the file does not start with %PDF); corrupt or misnamed")
    data = path.read_bytes()
    if suffix in (".xlsx", ".xlsm"):
        if not head.startswith(b"PK"):
            raise ReadError("not an XLSX workbook (no zip signature); corrupt or misnamed")
        return read_xlsx(data, display_path)
    if suffix == ".docx":
        if not head.startswith(b"PK"):
            raise ReadError("not a DOCX document (no zip signature); corrupt or misnamed")
        return read_docx(data, display_path)
    if suffix == ".csv":
        return read_csv(data, display_path)
    return read_text(data, display_path)
