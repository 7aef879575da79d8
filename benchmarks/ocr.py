"""How well OCR reads real report tables: scans made from text-layer pages, read back, figures compared.

A page of a bundled report that has a text layer is rendered to an image and
saved as an image-only PDF, so its text must come back through OCR; the facts
read from the scan are then compared with the facts the text layer gives for
the same page: a figure counts as right when its value, row label and column
are all equal. The Jiangsu 收支预算总表 pages are also checked against the
figures in the unit's own 收支预算总表.csv.

    python -m benchmarks.ocr [--json OUT]
"""
from __future__ import annotations

import csv
import os
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from ingest.facts import report_facts
from ingest.ocr import DPI
from ingest.read import read_report

from .common import REPORTS, arguments, table

# (report, 1-based pages): every table page of a district finance bureau's 决算 (portrait, 类/款/项 codes),
# of a district 预算 (amounts in 元), and of a Jiangsu table file (landscape, side-by-side blocks)
PAGES = [
    ("final-accounts/上海市普陀区财政局2024年度部门决算.pdf", list(range(6, 21))),
    ("budgets/shanghai/上海市普陀区司法局2026年部门预算.pdf", list(range(10, 16))),
    ("budgets/jiangsu/江苏省委办公厅__江苏省委办公厅2017年预算公开表格.pdf", list(range(1, 15))),
]
# a Jiangsu table file, its 收支预算总表 page, the CSV of that unit, and the year of the CSV row
JIANGSU = [
    ("budgets/jiangsu/江苏省委办公厅__江苏省委办公厅2017年预算公开表格.pdf", 1,
     "budgets/jiangsu/江苏省委办公厅__收支预算总表.csv", 2017),
    ("budgets/jiangsu/江苏省人大办公厅__江苏省人大常委会办公厅2019年部门预算公开表.pdf", 1,
     "budgets/jiangsu/江苏省人大办公厅__收支预算总表.csv", 2019),
]


def scanned_copy(source: Path, pages: list[int], out: Path, dpi: int = DPI) -> Path:
    """An image-only PDF of `pages` (1-based) of `source`, as a scanner would make it."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(source))
    try:
        images = [doc[p - 1].render(scale=dpi / 72, grayscale=True).to_pil() for p in pages]
    finally:
        doc.close()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out


def table_figures(path: Path, pages: list[int] | None = None) -> dict[int, set[tuple[str, str, Decimal]]]:
    """Per page, the (row label, column, value) of every table figure the reader finds."""
    report = read_report(path, path.name)
    out: dict[int, set[tuple[str, str, Decimal]]] = {}
    for f in report_facts(report):
        if f.column and f.value is not None:  # a table cell (a table may have no title the reader found)
            page = pages[f.page - 1] if pages else f.page
            # labels compared without spaces: a text layer may set “1. 一般公共预算” with one
            out.setdefault(page, set()).add((f.label.replace(" ", ""), f.column.replace(" ", ""), f.value))
    return out


def compare(truth: set, read: set) -> tuple[int, int, int]:
    """(right, missed, wrong): figures equal in value, row and column; text-layer ones not read; read ones not printed."""
    return len(truth & read), len(truth - read), len(read - truth)


def csv_figures(path: Path, year: int) -> dict[str, Decimal]:
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row[""].startswith(str(year)):
                return {k: Decimal(v) for k, v in row.items() if k and v}
    return {}


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    os.environ["JUESUAN_OCR_CACHE"] = tempfile.mkdtemp()  # a cold cache: pages/s is OCR's own speed
    rows, wrongs, results = [], [], {}
    pages_read, seconds = 0, 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, pages in PAGES:
            source = REPORTS / name
            truth = table_figures(source)
            scan = scanned_copy(source, pages, Path(tmp) / "scan.pdf")
            started = time.perf_counter()
            read = table_figures(scan, pages)
            seconds += time.perf_counter() - started
            pages_read += len(pages)
            for page in pages:
                right, missed, wrong = compare(truth.get(page, set()), read.get(page, set()))
                rows.append((f"{Path(name).stem[:18]} p{page}", len(truth.get(page, ())), right, missed, wrong))
                wrongs += [f"{name} p{page}: read {x}" for x in sorted(read.get(page, set()) - truth.get(page, set()))]
                wrongs += [f"{name} p{page}: missed {x}" for x in sorted(truth.get(page, set()) - read.get(page, set()))]
        for name, page, csv_name, year in JIANGSU:
            expected = csv_figures(REPORTS / csv_name, year)
            scan = scanned_copy(REPORTS / name, [page], Path(tmp) / "scan.pdf")
            read_values = {value for figures in table_figures(scan).values() for _, _, value in figures}
            found = sum(v in read_values for v in expected.values())
            rows.append((f"{Path(name).stem[:18]} p{page} vs CSV", len(expected), found, len(expected) - found, None))
            wrongs += [f"{csv_name}: {k} {v} not read" for k, v in expected.items() if v not in read_values]
    total = sum(r[1] for r in rows[:-len(JIANGSU)])
    right = sum(r[2] for r in rows[:-len(JIANGSU)])
    wrong = sum(r[4] for r in rows[:-len(JIANGSU)])
    print(table(f"OCR of rendered report pages at {DPI} dpi (rapidocr PP-OCRv4), against the text layer",
                ["page", "figures", "right", "missed", "wrong"], rows))
    recall, precision = right / total, right / max(right + wrong, 1)
    print(f"\nrecall {recall:.3f}, precision {precision:.3f} over {total} figures; "
          f"{pages_read / seconds:.2f} pages/s ({seconds / pages_read:.1f} s per page, cache cold or warm as found)")
    for line in wrongs:
        print("  " + line)
    results = {"recall": recall, "precision": precision, "figures": total, "pages_per_second": pages_read / seconds,
               "rows": [list(map(str, r)) for r in rows], "differences": wrongs}
    if args.json:
        import json
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
