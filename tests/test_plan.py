"""Question understanding without a store: unit names, English names, intents, figure or passage.

The units are real ones, printed as the reports in ../shared/corpus/more/ print them; none
of them is named anywhere in the code, so these tests show the rules are general.
"""
from __future__ import annotations

import re

import pytest

from assistant.compose import table_named
from assistant.intents import intents_of, is_passage
from assistant.names import abbreviated_units, english_units, named_as, short_names
from assistant.scope import translate

UNITS = [
    "上海市审计局", "苏州市审计局", "西安市审计局", "上海交通职业技术学院", "上海科技大学附属学校",
    "无锡市发展和改革委员会", "深圳市人民政府口岸办公室", "深圳市规划和自然资源局宝安管理局",
    "上海市普陀区规划和自然资源局", "中共上海市普陀区委社会工作部", "无锡市教育局（本级）", "长春市信访局（本级）",
    "杭州市司法局", "福州市医疗保障局", "中共重庆市委宣传部", "重庆市水利局", "上海市普陀区万里街道办事处",
    "上海市普陀区财政局", "上海市财政局",
]


@pytest.mark.parametrize("unit, name", [
    ("无锡市教育局（本级）", "无锡市教育局"), ("长春市信访局（本级）", "信访局"),
    ("西安市行政审批服务局（汇总）", "西安市行政审批服务局"), ("无锡市发展和改革委员会", "无锡市发展和改革委"),
    # a provincial organ's office publishes the organ's budget, and is asked by the organ's name
    ("江苏省政协办公厅", "省政协"), ("江苏省人大常委会办公厅", "省人大"), ("江苏省人大办公厅", "江苏省人大"),
])
def test_a_qualifier_or_a_long_ending_is_not_needed_to_name_a_unit(unit, name):
    assert name in short_names(unit)


@pytest.mark.parametrize("question, unit", [
    ("无锡市发改委2025年一般公共预算拨款收入是多少？", "无锡市发展和改革委员会"),
    ("深圳口岸办2026年机关运行经费是多少？", "深圳市人民政府口岸办公室"),
    ("宝安管理局2026年收入总计是多少？", "深圳市规划和自然资源局宝安管理局"),
    ("交通职院现在有几辆车？", "上海交通职业技术学院"),
    ("上海科大附校2026年财政拨款收入是多少？", "上海科技大学附属学校"),
    ("规划资源局2024年的主要职能是什么？", "上海市普陀区规划和自然资源局"),
    ("普陀区社会工作部是做什么的？", "中共上海市普陀区委社会工作部"),
])
def test_a_shortened_name_finds_its_unit(question, unit):
    assert abbreviated_units(question, UNITS) == [unit]


def test_a_place_before_a_common_shortening_picks_its_unit():
    # 规自局 shortens both 规划和自然资源局 names; 宝安 before it is one unit's only
    assert abbreviated_units("宝安规自局今年是不是要买新车？", UNITS) == ["深圳市规划和自然资源局宝安管理局"]


@pytest.mark.parametrize("question", ["2024年三公经费是多少？", "返乡入乡创业项目推介活动发现了什么问题？",
                                      "西安市人工影响天气办公室是什么时候改名的？"])
def test_words_that_are_not_a_unit_name_find_none(question):
    # a unit's ending alone (办公室) is no shortening of it: 长沙…综合协调办公室 is not meant
    assert abbreviated_units(question, UNITS + ["长沙职业教育基地综合协调办公室"]) == []


@pytest.mark.parametrize("question, units", [
    ("What is the 2026 budget for official receptions of the Shanghai Audit Bureau?", ["上海市审计局"]),
    ("How much did the Suzhou audit bureau budget for 2026?", ["苏州市审计局"]),
    ("What does the Hangzhou Justice Bureau spend on training?", ["杭州市司法局"]),
    ("Fuzhou Healthcare Security Bureau: total budget in 2026?", ["福州市医疗保障局"]),
    ("What are the duties of the Chongqing Water Resources Bureau?", ["重庆市水利局"]),
    ("What does the Chongqing Publicity Department do?", ["中共重庆市委宣传部"]),
    ("Wanli Subdistrict Office budget for 2025", ["上海市普陀区万里街道办事处"]),
    ("Putuo District Finance Bureau revenue in 2024", ["上海市普陀区财政局"]),
])
def test_english_names_come_from_pinyin_and_unit_words(question, units):
    assert english_units(question, UNITS) == units


def test_an_english_question_naming_no_unit_of_the_corpus_finds_none():
    assert english_units("What did the Beijing Meteorological Bureau spend in 2026?", UNITS) == []


@pytest.mark.parametrize("question, passage", [
    ("上海市审计局的主要职责是什么？", True),
    ("无锡市教育局内设哪些机构？", True),
    ("名词解释里机关运行经费是怎么定义的？", True),
    ("这份决算是什么时候公开的？", True),
    ("苏州市审计局2026年有没有政府性基金预算支出？", True),
    ("政府采购情况是怎么说明的？", True),
    ("上海市审计局2026年三公经费是多少？", False),
    ("机关运行经费比上年增加了多少？", False),
    ("人员经费占基本支出的比例是多少？", False),
    ("为什么公务接待费减少了？", False),
    ("上海科技大学附属学校是一所什么样的学校？由谁来管？", True),
])
def test_a_question_about_words_is_told_from_a_question_about_figures(question, passage):
    assert is_passage(question, intents_of(question)) is passage


@pytest.mark.parametrize("question, intent", [
    ("2026年财政拨款收入比2025年增长了百分之几？", "growth"),
    ("因公出国（境）费占三公经费的比例是多少？", "share"),
    ("办公费和印刷费一共多少？", "sum"),
    ("预算执行率是多少？", "execution_rate"),
    ("年初预算有多少没花完？", "unspent"),
    ("为什么机关运行经费大幅增加？", "premise"),
    ("内设哪些处室？", "list"),
])
def test_each_intent_is_read_from_its_own_words(question, intent):
    assert intent in intents_of(question)


@pytest.mark.parametrize("title, question, named", [
    ("预算07表政府性基金预算支出表", "预算07表（政府性基金预算支出表）的合计数是多少？", True),
    ("预算07表政府性基金预算支出表", "预算07表包括哪些科目？", True),
    ("表9政府性基金预算支出情况表", "表9合计是多少？", True),
    ("表1收支总表", "表10的合计是多少？", False),
    ("财政拨款三公经费支出决算表", "《财政拨款“三公”经费支出决算表》里有什么？", True),
    ("2025年部门支出预算总表", "支出预算总表中基本支出是多少？", True),
    ("收入决算表", "支出决算表里有什么？", False),
    ("收入总表（预算表2）", "预算表2的合计是多少？", True), ("收入总表（预算表2）", "预算表12的合计是多少？", False),
    ("收入预算总表（公开表二）", "收入预算总表里收入总计是多少？", True),
])
def test_a_table_is_named_by_its_title_its_name_or_its_code(title, question, named):
    assert table_named(title, question) is named


@pytest.mark.parametrize("question, passage", [
    ("What are the main responsibilities of the bureau?", True),
    ("What internal departments does the bureau have?", True),
    ("What does 'operating costs' mean?", True),
    ("Does the bureau have any government fund budget spending in 2025?", True),
    ("What is the 2025 budget for official receptions?", False),
    ("How much did the bureau spend on travel in 2024?", False),
])
def test_an_english_question_about_words_is_told_from_one_about_figures(question, passage):
    text = translate(question)
    assert is_passage(text, intents_of(text)) is passage, text
    assert not re.search(r"[a-z]{2,}", text)  # untranslated words are not taken for items


@pytest.mark.parametrize("question, words", [
    ("How much is set aside for meetings and for training, and by how much did each fall?", "会议费和培训费"),
    ("What is the total budget, and how much of it is carried over from previous years?", "上年结转"),
    ("How large is the government procurement budget, and how much of it is for services?", "服务"),
])
def test_english_words_the_reports_print_are_put_in_their_terms(question, words):
    assert words in translate(question)


def test_revenue_and_expenditure_in_english_is_one_item():
    # “revenue and expenditure” is one item (收入、支出预算总计), not two to be looked up one by one
    assert "和" not in translate("What is the total revenue and expenditure budget?")


@pytest.mark.parametrize("question, unit, words", [
    ("宝安规划和自然资源管理局今年要买新车吗？", "深圳市规划和自然资源局宝安管理局", "宝安规划和自然资源管理局"),
    ("西安市人社局到底养了多少人？", "西安市人力资源和社会保障局", "西安市人社局"),
    # two units joined by 和: the second's name does not start with the first's 局 and the 和
    ("苏州审计局和苏州自然资源规划局，谁的公务接待费预算更多？", "苏州市自然资源和规划局（本级）", "苏州自然资源规划局"),
])
def test_the_words_a_question_names_its_unit_by_are_found_in_any_order(question, unit, words):
    # they name the unit, so none of them (宝安, 规划, 人社) is taken for the item asked
    assert named_as(question, unit) == words



def test_names_come_in_one_order_whatever_the_hash_seed():
    """Names of one length were listed in set order, so which short name an English question was put back
    into Chinese with (and so its answer) changed between runs; they are ordered by length, then by name."""
    for unit in ("上海市普陀区人民政府办公室", "江苏省人民检察院", "深圳市规划和自然资源局宝安管理局"):
        names = short_names(unit)
        assert names == sorted(set(names), key=lambda n: (-len(n), n))
