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
         "广州市统计局2026年度部门预算.pdf", "烟台市教育局2026年度部门预算.pdf", "珠海市政府投资交通市政项目工务中心2026年度部门预算.pdf",
         "湖州市退役军人事务局2026年度部门预算.pdf", "上海科技大学附属学校2026年度单位预算.pdf", "无锡市发展和改革委员会2025年度部门预算.pdf",
         "福州市仓山生态环境局2026年度单位预算.pdf", "烟台市大数据局2026年度部门预算.pdf"]


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


def test_a_row_asked_without_a_source_of_money_is_its_total(assistant):
    """珠海's project row prints 总计 4,237.00 and 一般公共预算 0.00 (the money is 政府性基金): the question's 预算
    names no source, so the total answers, not the 0.00 its word matches."""
    answer = assistant.ask("珠海工务中心2026年给黄杨泵站到缯坑水库第二条原水管工程安排了多少预算？")
    assert "4237.00万元" in answer.text and "为0.00万元" not in answer.text, answer.text


def test_a_subordinate_units_row_answers_for_it_and_a_later_part_names_its_column(assistant):
    """A unit of the department (湖州's 休养所, 无锡's 价格监测认定中心) is answered by its row of the totals table;
    “其中其他收入有多少” is that row's 其他收入, not the department's (283.30)."""
    answer = assistant.ask("湖州市军队离休退休干部休养所2026年预算一共多少？其中其他收入有多少？")
    assert "3011.95万元" in answer.text and "253.30万元" in answer.text and "283.30" not in answer.text, answer.text
    answer = assistant.ask("无锡发改委下属的价格监测认定中心，2025年预算是多少？")
    assert "541.82万元" in answer.text, answer.text


def test_what_kind_of_body_and_who_runs_it_is_quoted_from_its_opening_lines(assistant):
    answer = assistant.ask("上海科技大学附属学校是一所什么样的学校？由谁来管？")
    assert not answer.refused and "十二年制学校" in answer.text and "共同领导和管理" in answer.text, answer.text
    assert "名词解释" not in answer.text  # the quote stops where the next part of the report begins


def test_a_three_public_item_is_read_where_it_is_whole_and_a_second_yes_no_part_asks_its_own_item(assistant):
    """仓山's 基本支出 table prints 公务用车运行维护费 2.00 (the basic part); its “三公” table and text 公务用车运行费
    16.00, the whole. “今年打算买新车吗” is about buying, answered by 购置费 0.00, not about running costs."""
    answer = assistant.ask("仓山环境局2026年养车要花多少？今年打算买新车吗？")
    assert "16.00 万元" in answer.text and "为2.00万元" not in answer.text, answer.text
    assert "没有（金额为0）" in answer.text and "公务用车购置费 0.00 万元" in answer.text, answer.text


def test_a_share_of_the_whole_years_spending_and_a_fall_in_percent_are_computed(assistant):
    answer = assistant.ask("烟台大数据局2026年的政务基础设施运行维护资金占全年支出预算的比例是多少？")
    assert "79.96%" in answer.text and any(f.status == "recomputed" for f in answer.figures), answer.text

