"""Answers on reports of other provinces (../shared/corpus/more), ingested as a user would upload them.

These are layouts the bundled corpus does not have: a 上海 college's 单位预算, a 西安 report whose totals
table prints four blocks side by side, a 上海 bureau's 单位预算 that words its cars as 共有车辆, a 广州 bureau
whose 基本支出 table has a row per unit, a 烟台 bureau whose “三公” table prints last year's budget beside this one's.
"""
from __future__ import annotations

import pytest

from .corpus import MORE

pytestmark = pytest.mark.skipif(not MORE.exists(), reason="../shared/corpus/more is not beside this checkout")

FILES = ["上海交通职业技术学院2026年度单位预算.pdf", "西安市行政审批服务局2025年度部门预算.pdf", "上海市审计局2026年度单位预算.pdf",
         "广州市统计局2026年度部门预算.pdf", "烟台市教育局2026年度部门预算.pdf"]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, embedder):
    from assistant.ask import Assistant
    from ingest.pipeline import ingest
    from ingest.store import Store

    store_dir = tmp_path_factory.mktemp("more_store")
    store = Store(store_dir)
    summary = ingest([MORE / f for f in FILES], store, embedder)
    store.close()
    assert summary.documents == len(FILES) and not summary.failed
    return Assistant(store_dir, embedder)


def test_a_fall_to_nothing_is_explained_not_denied(assistant):
    """“为什么减少了” about an item now 0 (公务用车购置费 0.00万元, 比2025年预算减少24.00万元): the premise holds."""
    answer = assistant.ask("上海交通职业技术学院2026年的公务用车购置费为什么比2025年预算减少了？")
    assert "前提不成立" not in answer.text and "无公务车购置需求" in answer.text, answer.text


def test_the_words_that_there_is_none_settle_a_yes_no(assistant):
    answer = assistant.ask("西安市行政审批服务局2025年有没有政府性基金预算收支？")
    assert answer.text.startswith("没有") and "无当年政府性基金预算收支" in answer.text, answer.text
    answer = assistant.ask("上海交通职业技术学院2026年有没有政府性基金预算拨款支出？")
    assert answer.text.startswith("没有") and "政府性基金拨款支出预算为0" in answer.text, answer.text


def test_cars_held_are_counted_under_any_name(assistant):
    answer = assistant.ask("上海市审计局有没有公务车？")
    assert answer.text.startswith("没有") and "共有车辆0辆" in answer.text, answer.text


def test_the_part_of_a_share_is_the_total_of_the_table_named_for_it(assistant):
    """基本支出 is the subject of 部门预算基本支出预算表 (a row per unit): its 合计 row, not one unit's row."""
    answer = assistant.ask("广州市统计局2026年的基本支出占本年支出合计的比例是多少？")
    assert "8401.67" in answer.text and "88.59%" in answer.text, answer.text


def test_a_year_the_corpus_lacks_is_read_from_the_column_printed_beside_this_years(assistant):
    """烟台's “三公” table prints 2025年预算数 (21.00) beside 2026年预算数 (10.00); no 2025 report is held."""
    answer = assistant.ask("烟台市教育局2026年“三公”经费预算和2025年比，少了多少？")
    assert "11.00万元" in answer.text and "21.00万元" in answer.text and not answer.refused, answer.text


def test_a_unit_list_is_quoted_for_what_a_departments_budget_includes(assistant):
    answer = assistant.ask("烟台市教育局的部门预算包括哪些单位？")
    assert "烟台市市级机关幼儿园" in answer.text and "烟台幼儿师范高等专科学校" in answer.text, answer.text
