"""Scanned reports: pages with no text layer are read by OCR and their tables rebuilt from the ruling.

The scans are made here from real report pages (rendered to images, saved as an image-only PDF), so
what OCR reads can be checked cell by cell against what the text layer of the same page says; the
one real scan in the corpus (北京市政务服务和数据管理局's 情况说明, 8 image pages) is ingested and asked.
"""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.ocr import csv_figures, scanned_copy, table_figures

from .corpus import MORE, REPORTS

FINANCE = REPORTS / "final-accounts" / "上海市普陀区财政局2024年度部门决算.pdf"
JIANGSU = REPORTS / "budgets" / "jiangsu" / "江苏省委办公厅__江苏省委办公厅2017年预算公开表格.pdf"
JIANGSU_CSV = REPORTS / "budgets" / "jiangsu" / "江苏省委办公厅__收支预算总表.csv"
BEIJING = MORE / "北京市政务服务和数据管理局2026年度部门预算（情况说明）.pdf"


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "ocr-cache"
    monkeypatch.setenv("JUESUAN_OCR_CACHE", str(folder))
    return folder


def test_a_scanned_page_gives_the_figures_of_its_text_layer(tmp_path, cache):
    """收入决算表 (35 figures, 类/款/项 codes) and 基本支出决算表 (two blocks side by side): every cell equal."""
    from ingest.facts import report_facts
    from ingest.read import read_report

    pages = [8, 16]
    truth = table_figures(FINANCE)
    scan = scanned_copy(FINANCE, pages, tmp_path / "scan.pdf")
    read = table_figures(scan, pages)
    for page in pages:
        assert len(truth[page]) > 15 and read[page] == truth[page], (page, truth[page] ^ read[page])
    facts = [f for f in report_facts(read_report(scan, scan.name)) if f.column and f.value is not None]
    assert all(f.ocr is not None and 0.5 < f.ocr <= 1 for f in facts)  # provenance: confidence and place
    assert all(f.box and 0 <= f.box[0] < f.box[2] <= 842 and 0 <= f.box[1] < f.box[3] <= 842 for f in facts)
    office = next(f for f in facts if f.label == "30201 办公费")
    assert office.value == Decimal("21.21") and office.page == 2 and office.box[0] > 297  # the right-hand block
    assert len(list(cache.rglob("*.json"))) == 2  # each page recognised once, then read from the cache


def test_a_scanned_jiangsu_summary_table_gives_the_units_own_csv_figures(tmp_path, cache):
    """江苏省委办公厅 2017 收支预算总表, landscape, printed figures touching the rules between cells."""
    from ingest.facts import report_facts
    from ingest.read import read_report

    scan = scanned_copy(JIANGSU, [1], tmp_path / "scan.pdf")
    facts = [f for f in report_facts(read_report(scan, scan.name)) if f.column and f.value is not None]
    expected = csv_figures(JIANGSU_CSV, 2017)
    assert len(expected) == 13 and expected["收入合计"] == Decimal("20849.45")
    assert {v for v in expected.values()} <= {f.value for f in facts}
    by_label = {(f.label, f.value) for f in facts}
    assert ("二、财政专户管理资金", Decimal("147.20")) in by_label and ("1.一般公共预算", Decimal("20702.25")) in by_label
    assert ("八、社会保障和就业支出", Decimal("2000.39")) in by_label


def test_the_page_image_boxes_a_scanned_figure_where_ocr_read_it(tmp_path, cache):
    from PIL import Image

    from web.pages import Box, _render

    scan = scanned_copy(FINANCE, [16], tmp_path / "scan.pdf")
    from ingest.facts import report_facts
    from ingest.read import read_report

    office = next(f for f in report_facts(read_report(scan, scan.name)) if f.label == "30201 办公费")
    png = _render(scan, 1, ["21.21"], "办公费", True, Box(*office.box))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    scale = image.width / 595
    x, y = int((office.box[0] - 3) * scale), int((office.box[1] + office.box[3]) / 2 * scale)
    assert any(image.getpixel((x + dx, y))[0] > 200 and image.getpixel((x + dx, y))[1] < 80 for dx in range(-3, 4))


@pytest.mark.skipif(not BEIJING.exists(), reason="../shared/corpus/more is not beside this checkout")
def test_a_scanned_report_is_ingested_asked_cited_and_marked(tmp_path, cache, embedder):
    """The real scan: 8 image pages of prose, figures in sentences; the answer cites page 7 and says it is a scan."""
    from assistant.ask import Assistant
    from ingest.pipeline import ingest
    from ingest.store import Store

    store = Store(tmp_path / "store")
    pages: list[tuple[int, int]] = []
    summary = ingest([BEIJING], store, embedder, on_page=lambda page, of: pages.append((page, of)))
    store.close()
    assert summary.documents == 1 and not summary.failed and summary.facts > 30
    assert pages == [(n, 8) for n in range(1, 9)]  # each OCR page is reported as it is read
    assistant = Assistant(tmp_path / "store", embedder)
    answer = assistant.ask("北京市政务服务和数据管理局2026年机关运行经费预算是多少？")
    assert "760.36" in answer.text and not answer.refused, answer.text
    cited = [c for c in answer.citations if "760.36" in c.text]
    assert cited and cited[0].page == 7 and cited[0].ocr is not None and "据扫描件识别" in answer.text
    answer = assistant.ask("截至2025年底，北京市政务服务和数据管理局共有多少车辆？")  # counted in 台
    assert "共有车辆7台" in answer.text and not answer.refused, answer.text
    answer = assistant.ask("市政务和数据局2026年基本支出预算是多少？")  # the short name the report gives itself
    assert "38,197.01" in answer.text or "38197.01" in answer.text, answer.text
    answer = assistant.ask("北京市政务服务和数据管理局所属二级单位有哪些？")
    assert "北京市大数据中心" in answer.text and "首都之窗运行管理中心" in answer.text, answer.text


def test_a_scanned_table_is_asked_cited_to_its_cell_and_reconciled(tmp_path, cache, embedder):
    """A 决算 whose tables came as scans: the figure is answered from the scanned cell, with its box, and the
    audit's sums (rows of 类/款/项 and their totals) hold on the OCR figures as on the printed ones."""
    from assistant.ask import Assistant
    from assistant.audit import audit_report
    from ingest.pipeline import ingest
    from ingest.read import read_report
    from ingest.store import Store

    folder = tmp_path / "scans"
    folder.mkdir()
    scan = scanned_copy(FINANCE, [8, 9, 16, 17], folder / FINANCE.name)  # two tables, each running overleaf
    sums = [f for f in audit_report(read_report(scan, scan.name)) if f.kind in ("total", "hierarchy")]
    assert sums == [], [f.description for f in sums]
    store = Store(tmp_path / "store")
    summary = ingest([scan], store, embedder)
    store.close()
    assert summary.documents == 1 and not summary.failed
    assistant = Assistant(tmp_path / "store", embedder)
    answer = assistant.ask("上海市普陀区财政局2024年的办公费是多少？")
    assert "21.21" in answer.text and not answer.refused, answer.text
    cited = next(c for c in answer.citations if c.row == "30201 办公费")
    assert cited.page == 3 and cited.box and cited.box[0] > 297 and "据扫描件识别" in answer.text
    assert any(f.status == "sourced" and f.value == Decimal("21.21") for f in answer.figures)
    # the web's page image: the URL carries the box OCR read the cell in, and the route draws it
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from app import add_page_route
    from web.service import Service

    service = Service(tmp_path / "store", assistant)
    url = service.page_url(cited)
    assert url and "box=" in url
    app = FastAPI()
    add_page_route(app, service)
    reply = TestClient(app).get(url + "&full=1")
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/png"
