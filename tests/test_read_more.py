"""Reports of other provinces, read as a user's upload would be: unit, year, kind and tables named right.

One report per table layout of ../shared/corpus/more/ (see its README); the expected values
are printed on the reports themselves.
"""
from __future__ import annotations

import re

import pytest

from ingest.read import read_report

from .corpus import MORE

pytestmark = pytest.mark.skipif(not MORE.exists(), reason="../shared/corpus/more is not beside this checkout")


def _read(name: str):
    return read_report(MORE / name, name)


@pytest.mark.parametrize("name, unit, year, kind, scope", [
    ("北京市气象局2026年度部门预算（报表）.pdf", "北京市气象局", 2026, "预算", "部门"),
    ("无锡市教育局（本级）2026年度单位预算.pdf", "无锡市教育局（本级）", 2026, "预算", "单位"),
    ("宁德市人民政府办公室2024年度部门决算（部门整体绩效自评表）.pdf", "宁德市人民政府办公室", 2024, "决算", "部门"),
    ("长春市信访局（本级）2026年度部门预算.pdf", "长春市信访局（本级）", 2026, "预算", "部门"),
])
def test_unit_year_and_kind_are_read(name, unit, year, kind, scope):
    meta = _read(name).meta
    assert (meta.unit, meta.year, meta.kind, meta.scope) == (unit, year, kind, scope)


def test_titles_ruled_inside_the_table_frame_name_each_table():
    """Beijing prints 预算01表 … 预算13表 and 金额单位 inside each table's frame."""
    report = _read("北京市气象局2026年度部门预算（报表）.pdf")
    codes = [re.match(r"预算(\d\d)表", t.title).group(1) for t in report.tables if re.match(r"预算\d\d表", t.title)]
    assert codes == [f"{n:02d}" for n in range(1, 14)], [t.title for t in report.tables]
    fund = next(t for t in report.tables if t.title.startswith("预算07表"))
    assert fund.title == "预算07表政府性基金预算支出表" and fund.unit == "万元"
    assert not any("预算07表" in c or "金额单位" in c for c in fund.columns)


def test_a_tables_only_pdf_is_read_not_refused_as_a_scan():
    report = _read("北京市政务服务和数据管理局2026年度部门预算（报表）.pdf")
    assert any(t.title.startswith("预算09表") for t in report.tables)



def test_a_table_goes_on_overleaf_past_the_page_number_at_its_foot():
    """Chongqing prints “— 9 —” under each page of a table that continues on the next."""
    report = _read("中共重庆市委宣传部2026年度部门预算.pdf")
    income = next(t for t in report.tables if t.title == "2026年单位收入总体情况表")
    assert income.pages == [9, 10, 11] and income.unit == "万元"
    assert not [t for t in report.tables if any(c.startswith("第") and c.endswith("列") for c in t.columns)]


def test_a_code_column_is_no_amount():
    """西安's tables print 政府经济科目编码 beside each row (50201 差旅费): the code is not 50201元."""
    from ingest.facts import table_facts

    report = _read("西安市审计局2026年度部门预算.pdf")
    facts = [f for t in report.tables for f in table_facts(report, t)]
    assert not [f for f in facts if re.search(r"编码$", f.column.rsplit(" › ", 1)[-1])]
    travel = [f for f in facts if f.label.endswith("差旅费") and f.value == 2800000]
    assert travel, "the row's amounts are still read"


def test_four_tables_side_by_side_give_each_amount_its_own_row_name():
    """西安's 收支总表 prints 收入 | 功能分类 | 部门经济分类 | 政府经济分类, each a 项目 and a 预算数 column:
    an amount is named by the 项目 beside it, not by every name printed along its row."""
    from ingest.facts import table_facts

    report = _read("西安市行政审批服务局2025年度部门预算.pdf")
    total = next(t for t in report.tables if t.title == "部门综合预算财政拨款收支总表")
    facts = table_facts(report, total)
    assert not [f for f in facts if "政府性基金拨款" in f.label and f.value], "a 收入 row named a 支出 amount"
    assert any(f.label == "(6)资本性支出" and f.value == 12385520 for f in facts)
    assert any(f.label == "3、机关资本性支出" and f.value == 12385520 for f in facts)


def test_a_units_code_before_its_name_names_its_row():
    """江苏-layout totals tables list each unit of a department by its code (302003) and name: the row is the
    unit's, not a second 合计 (541.82 was read as 「合计」 of 收入总表)."""
    report = _read("无锡市发展和改革委员会2025年度部门预算.pdf")
    table = next(t for t in report.tables if t.title.endswith("收入总表"))
    row = next(r for r in table.rows if "无锡市价格监测认定中心" in r.label)
    assert row.code == "302003" and str(row.cells["合计"].value) == "541.82"
    assert [r.label for r in table.rows].count("合计") == 1


def test_a_forms_lines_of_words_after_its_figures_are_kept():
    """A 项目支出绩效目标表 prints its 年度目标 and indicators as words below its figures: they are rows of the
    table (so that a question about a project's aims can find them), not a header block that is dropped."""
    report = _read("福州市公安局治安管理支队2026年度单位预算.pdf")
    form = next(t for t in report.tables if 29 in t.pages and any(r.label == "年度目标" for r in t.rows))
    rows = {r.label: r for r in form.rows}
    assert rows["年度目标"].cells["内容"].text.startswith("治安10人，工资3406元/人.月")
    assert "聘用人员数量 ≤10人" in rows["产出指标"].cells["内容"].text
    assert str(rows["财政拨款"].cells[next(iter(rows["财政拨款"].cells))].value) == "44.47"

