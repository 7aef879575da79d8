"""The answering path on the real bundled corpus: question → plan, computed figures → review.

The plan tests read only the corpus's unit names and years; the review tests take
real facts from the store and check that a figure about another item, or a
computed figure whose declared operation does not give it, is not shown.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from assistant.compose import Draft, describe, fmt, who
from assistant.corpus import Corpus
from assistant.derive import derive, recompute
from assistant.plan import OPERATIONS, understand
from assistant.review import reviewed


@pytest.fixture(scope="module")
def corpus(corpus_store) -> Corpus:
    return Corpus(corpus_store)


@pytest.fixture(scope="module")
def assistant(corpus_store, embedder):
    from assistant.ask import Assistant

    return Assistant(corpus_store, embedder)


@pytest.mark.parametrize("question, operation, item, direction", [
    ("规划和自然资源局2024年办公费是多少？", "lookup", "办公费", ""),
    ("规划和自然资源局2024年“三公”经费为什么大幅增加？", "premise", "三公", "up"),
    ("社会工作部2024年全年预算中有多少没有支出？", "unspent", "", ""),
    ("财政局2024年办公费、印刷费和邮电费一共多少？", "items", "办公费", ""),
    ("万里街道2025年公用经费占基本支出的比例是多少？", "share", "公用经费", ""),
    ("万里街道2025年的机关运行经费比2023年增加还是减少了？", "compare", "机关运行经费", ""),
    ("规划和自然资源局2023年三公经费是多少？", "prior_year", "三公", ""),
    ("财政局2024年三公经费预算执行率是多少？", "execution_rate", "三公", ""),
    ("规划和自然资源局的主要职责是什么？", "passage", "", ""),
    ("财政局局长一年的工资是多少？", "undisclosed", "", ""),
    # a unit no report is from still gets a plan: it is refused when answered
    ("南京市审计局2026年公务接待费是多少？", "lookup", "公务接待费", ""),
])
def test_a_question_is_planned_before_anything_is_looked_up(corpus, question, operation, item, direction):
    plan = understand(question, corpus)
    clause = plan.clauses[0]
    assert clause.operation == operation and clause.operation in OPERATIONS
    assert not item or any(len(t) >= 2 and t in item for t in clause.items)
    assert clause.direction == direction
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.clauses = ()  # the plan is what was understood; answering does not rewrite it


def test_a_colloquial_clause_is_put_in_the_reports_terms_on_its_own(corpus):
    plan = understand("普陀区财政局2024年开会花了多少钱？出差呢？", corpus)
    assert "会议费" in plan.clauses[0].items


def test_an_english_question_about_a_place_the_corpus_lacks_names_no_unit(corpus):
    plan = understand("What is the 2026 official reception budget of the Nanjing Municipal Audit Bureau?", corpus)
    assert plan.units == () and plan.scope.unknown_unit.startswith("Nanjing")


def _fact(corpus: Corpus, doc_word: str, label: str, column_word: str = ""):
    return next(f for f in corpus.facts if doc_word in f.doc.name and f.label.split()[-1] == label and f.table
                and column_word in f.column and f.value is not None)


def test_a_figure_about_another_item_is_withdrawn_even_when_it_is_traced(corpus):
    """The issue-12 case: asked for 三公经费, a correct 财政拨款 figure is not an answer."""
    fact = _fact(corpus, "规划和自然资源局2024", "办公费")
    draft = Draft(corpus, english=False)
    draft.items = ("“三公”经费",)
    n = draft.cite(fact)
    draft.say(f"{who(fact.doc)}中，{describe(fact)}为{fmt(fact)}[{n}]。", "", answers=(fact,))
    answer = reviewed("规划和自然资源局2024年三公经费是多少？", draft)
    assert answer.refused and answer.refusal == "not_about" and fmt(fact) not in answer.text.split("（已撤回")[0]
    draft.items = ("办公费",)
    draft.answers = {0: ((fact,), draft.items)}
    assert not reviewed("规划和自然资源局2024年办公费是多少？", draft).refused


def test_a_computed_figure_is_checked_by_its_declared_operation(corpus):
    parts = [_fact(corpus, "财政局2024年度部门决算", label) for label in ("办公费", "印刷费", "邮电费")]
    summed = derive("sum", *parts)
    assert summed.value == sum(f.value for f in parts) and recompute("sum", parts) == summed.value
    draft = Draft(corpus, english=False)
    draft.derive(summed)
    draft.say(f"合计{summed.value}万元（{summed.formula}）。", "")
    answer = reviewed("三项合计多少？", draft)
    figure = next(f for f in answer.figures if f.value == summed.value)
    assert figure.status == "recomputed" and figure.formula == summed.formula_in_units

    wrong = dataclasses.replace(summed, value=summed.value + Decimal("1"))  # a value its operation does not give
    draft = Draft(corpus, english=False)
    draft.derive(wrong)
    draft.say(f"合计{wrong.value}万元。", "")
    assert reviewed("三项合计多少？", draft).refused


def test_no_operation_mixes_an_amount_with_a_count(corpus):
    amount = _fact(corpus, "规划和自然资源局2024", "办公费")
    count = next(f for f in corpus.facts if f.uom == "辆" and f.value)
    assert derive("sum", amount, count) is None and derive("share", amount, count) is None


def test_an_amount_the_question_states_names_the_item_it_asks_the_reason_for(assistant, corpus):
    """“比2024年减少了990万元，原因是什么”: the fact carrying 990万元 is the item, whatever the question calls it."""
    question = "上海市财政局2025年单位预算比2024年减少了990万元，原因是什么？"
    plan = understand(question, corpus)
    assert plan.clauses[0].stated == ((Decimal("990"), "万元"),)
    answer = assistant.ask(question)
    assert not answer.refused
    stated = [f for f in answer.figures if f.value == Decimal("990") and f.status == "sourced"]
    assert stated, answer.text
    assert "原因" in answer.text and "注册会计师" in answer.text


def test_a_unit_named_by_a_longer_form_of_its_name_is_that_unit(corpus):
    """江苏省人大常委会办公厅 is the held 江苏省人大办公厅 in full: not a unit the corpus lacks."""
    plan = understand("江苏省人大常委会办公厅2017年人大立法是多少？", corpus)
    assert plan.units == ("江苏省人大办公厅",)
    assert not {"江苏", "常委会", "办公厅"} & set(plan.clauses[0].items)  # the long name names no item


def test_a_body_inside_a_held_report_is_asked_about_in_that_report(corpus):
    """徐州铁路运输法院 publishes no report, but the 高级人民法院's report names it: asked there, as the item."""
    plan = understand("徐州铁路运输法院2018年的预算是多少？", corpus)
    assert plan.units == ("江苏省高级人民法院",) and not plan.scope.unknown_unit
    assert plan.scope.mentioned == "铁路运输法院" or plan.scope.mentioned == "徐州铁路运输法院"


def test_digits_of_a_code_and_a_row_of_this_year_are_no_year(corpus):
    """2010105 (a 科目 code) holds 2010 but names no year; 上年结转结余 is a row of this year's report."""
    assert understand("科目2010105人大立法2017年多少", corpus).years == (2017,)
    plan = understand("普陀区财政局2025年上年结转结余有多少？", corpus)
    assert plan.years == (2025,) and not plan.scope.prior_year


def test_having_cars_is_settled_by_the_count_held_not_by_what_cars_cost(assistant, corpus):
    """“名下有没有车辆” asks for the vehicles the unit holds (共有车辆0辆), not its car running costs."""
    plan = understand("上海市财政局名下有没有车辆？", corpus)
    assert plan.clauses[0].counter == "辆"
    answer = assistant.ask("上海市财政局名下有没有车辆？")
    assert answer.text.startswith("没有"), answer.text
    assert any(f.unit == "辆" and f.value == 0 and f.status == "sourced" for f in answer.figures)


@pytest.mark.parametrize("question, unit", [
    ("How much did the Jiangsu High People's Court budget for training in 2018?", "江苏省高级人民法院"),
    ("What was the Jiangsu People's Procuratorate's 2019 budget?", "江苏省人民检察院"),
])
def test_a_court_and_a_procuratorate_are_named_in_english_by_their_type(corpus, question, unit):
    assert understand(question, corpus).units == (unit,)


def test_a_unit_is_found_by_the_name_its_reports_are_published_under(corpus):
    """江苏省人大办公厅 publishes as 江苏省人大常委会: “省人大常委会办公厅” and “江苏省人大常委会” are that unit."""
    for question in ("省人大常委会办公厅2019年政府采购预算总额是多少？", "江苏省人大常委会下面设了哪些机构？"):
        plan = understand(question, corpus)
        assert plan.units == ("江苏省人大办公厅",) and not plan.scope.unknown_unit, question


def test_a_wrong_figure_from_the_new_resolvers_is_caught_like_any_other(corpus):
    """The fact a stated amount finds (990万元) and the count a yes/no settles on (共有车辆0辆) are cited and
    reviewed as every figure is: a sentence that misstates either is withdrawn, the true one is kept."""
    from assistant.figures import stated

    docs = [d.doc_id for d in corpus.documents.values() if d.unit == "上海市财政局"]
    change = stated(corpus, docs, ((Decimal("990"), "万元"),), [])
    cars = next(f for d in docs for f in corpus.facts_by_doc[d] if f.uom == "辆" and "共有车辆" in f.source)
    # the sentence a 有 is followed by (quoting._in_words) is a prose fact, cited and reviewed the same way
    abroad = next(f for d in corpus.documents.values() if d.unit == "上海市普陀区人民政府办公室"
                  for f in corpus.facts_by_doc[d.doc_id] if not f.table and f.value == Decimal("839"))
    # the total a row's cell is answered or shared with (compose.total_of_row: 万里街道2025's 支出预算 › 合计)
    from assistant.compose import total_of_row

    project = next(f for d in corpus.documents.values() if d.unit == "上海市普陀区万里街道办事处" and d.year == 2025
                   for f in corpus.facts_by_doc[d.doc_id] if f.table and f.value == Decimal("88425805"))
    total = total_of_row(project, corpus)
    assert total is not None and total.value == Decimal("189767551")
    for fact, wrong in ((change, "980万元"), (cars, "2辆"), (abroad, "893万元"), (total, "189767515元")):
        assert fact is not None
        for shown, kept in ((fmt(fact), True), (wrong, False)):
            draft = Draft(corpus, english=False)
            n = draft.cite(fact)
            draft.say(f"{who(fact.doc)}中，{describe(fact)}为{shown}[{n}]。", "")
            answer = reviewed("上海市财政局2025年？", draft)
            assert answer.refused != kept, (shown, answer.text)


def test_yes_no_weighs_the_figure_and_the_words_that_there_is_none(assistant):
    """有没有… is settled by the report's words that there is none, and by the figure where there is one;
    where the two disagree (a 三公 table with figures over a note that the table is empty), both are shown."""
    none = assistant.ask("中共上海市普陀区委社会工作部2024年有没有政府性基金预算财政拨款支出？")
    assert none.text.startswith("没有") and "无政府性基金预算财政拨款收入和支出" in none.text, none.text
    both = assistant.ask("万里街道2024年有没有三公经费预算？")
    assert both.text.startswith("有") and "不一致" in both.text and "本表为空表" in both.text, both.text
    assert any(f.value == Decimal("47.91") and f.status == "sourced" for f in both.figures)
    yes = assistant.ask("普陀区政府办公室2025年部门预算有没有安排因公出国（境）费？")  # 有, then the sentence
    assert yes.text.startswith("有") and "（一）因公出国（境）费839万元" in yes.text, yes.text


def test_official_cars_are_counted_however_the_report_words_them(assistant):
    """“有没有公务车” is answered by the vehicles held (共有车辆0辆), not by what running them costs."""
    answer = assistant.ask("上海市财政局有没有公务车？")
    assert answer.text.startswith("没有"), answer.text
    assert any(f.unit == "辆" and f.value == 0 and f.status == "sourced" for f in answer.figures)


@pytest.mark.parametrize("question, code", [
    ("普陀区社会福利院每张床位每月收费标准是多少？", "undisclosed"),  # a fee: budgets publish totals
    ("普陀区财政局2025年信息化项目由哪家公司中标？", "no_item"),  # no sentence names a winning bidder
    ("上海市财政局2025年政府采购服务预算1665.53万元,具体是向哪些公司采购的、每家合同金额多少?", "undisclosed"),
])
def test_what_no_report_publishes_is_refused_not_answered_with_a_nearby_figure(assistant, question, code):
    answer = assistant.ask(question)
    assert answer.refused and answer.refusal == code, answer.text


@pytest.mark.parametrize("question, shown", [
    # a quoted item's 决算 (“预决算信息公开评估”) does not make the question one about a 决算
    ("普陀区财政局2025年项目经费里的“预决算信息公开评估”具体做什么?", "形成评估报告"),
    # a table named with a word more than its title (部门预算收入预算总表 for 部门收入预算总表) is still found
    ("上海市普陀区商务委员会2025年部门预算收入预算总表中,“其他支持中小企业发展和管理支出”(2150899)是多少?", "293810000"),
    # “买了一辆公务车花了多少钱” asks what the purchase cost, not a price
    ("省农民工服务中心2022年买了一辆公务车,花了多少钱?", "23.90"),
    # an ASCII comma before the part (“基本支出中,人员经费占…”) does not make the whole part of the part
    ("2019年江苏省人大常委会办公厅财政拨款基本支出中,人员经费占基本支出的比重是多少?", "82.37%"),
    ("In the 2025 departmental budget of the Putuo District Commission of Commerce, how many projects reported "
     "performance targets?", "25个"),
])
def test_wordings_of_batch_eleven_reach_the_figure(assistant, question, shown):
    answer = assistant.ask(question)
    assert not answer.refused and shown in answer.text, answer.text


def test_a_later_clause_asking_only_how_much_it_changed_is_about_the_item_before(corpus):
    """“…预算多少？比上年增加了多少、增长百分之几？”: 百分之几 is a measure, not an item; the change is the 购置费's."""
    plan = understand("万里街道2024年公务用车购置费预算多少？比上年增加了多少、增长百分之几？", corpus)
    assert len(plan.clauses) == 2 and "购置费" in plan.clauses[1].items, plan.clauses
    assert not any("百分" in t for c in plan.clauses for t in c.items)


def test_a_clause_asking_only_for_columns_is_about_the_row_the_clause_before_named(assistant, corpus):
    """“其他自然资源事务支出（2200199）…？其中项目支出多少？”: the code is no year, and 项目支出 is that row's."""
    question = "普陀区规划和自然资源局2024年其他自然资源事务支出（2200199）是多少？其中项目支出多少？"
    plan = understand(question, corpus)
    assert plan.years == (2024,) and len(plan.clauses) == 2
    assert "自然资源" in " ".join(plan.clauses[1].items) and "2200199" in plan.clauses[1].text, plan.clauses
    answer = assistant.ask(question)
    assert "「其他自然资源事务支出」的「项目支出」为45.00万元" in answer.text, answer.text
    plan = understand("万里街道2025年基本支出和项目支出分别是多少？", corpus)  # no row named: the totals
    assert not any("万里" in i for c in plan.clauses for i in c.items)


def test_a_share_asked_whole_first_names_its_whole():
    """“基本支出里，人员经费占了百分之多少”: 了百分之 is how much is asked, not the whole."""
    from assistant.compute import share_parts

    assert share_parts("某局2026年财政拨款基本支出里，人员经费占了百分之多少？") == ("人员经费", "某局2026年财政拨款基本支出")
    assert share_parts("人员经费占基本支出的百分之多少") == ("人员经费", "基本支出")
    assert share_parts("公用经费占了多少") is None


@pytest.mark.parametrize("question, shown, not_shown", [
    # 省政协 is 江苏省政协办公厅 (not the six units' reports that have a 公务接待费), and its 三公 total is given
    ("省政协2018年请客吃饭、接待来人的钱预算了多少？", "412.50 万元", "问题未指明单位"),
    # a row of a table that prints its title with its department and unit in one cell is named with its unit
    ("2017年江苏省委办公厅一般公共预算基本支出预算表中，差旅费安排了多少？", "360.00万元", "金额：360.00”"),
    # two years of a report published as a narrative and a tables file: each year's 三公 total, compared once
    ("江苏省委办公厅2019年的“三公”经费预算跟2017年比，是多了还是少了？差多少？", "减少1.00万元", "两者持平"),
    # “比上年多了多少” of one report, in two files, is the change it states, not the two files compared
    ("省政协2018年出国出境的钱安排了多少?比上年多了多少?", "增加30 万元", "两者持平"),
    # “部门预算总额” names no item: the whole budget; 2017's report names neither 部门 nor 单位 and is still 2017's
    ("省人大常委会办公厅2019年的部门预算总额比2017年多了多少？增长了百分之几？", "增加4681.30万元", "政府采购"),
    # a unit's 部门 and 单位 budgets of one year are not two years: the change is the one the report states
    ("普陀区司法局2026年收入预算一共多少钱？比2025年预算多了多少？", "增加793.14万元", "下降9.68%"),
    # what the question sets aside (除了财政拨款) is not what it asks about
    ("省政协办公厅2017年除了财政拨款，有没有其他收入？有的话是多少？", "80 万元", "9,066.79万元"),
    # batch 16: a share whose whole no row is named for (支出预算总额) is of its part's row total
    ("万里街道2025年部门预算里，项目支出占支出预算总额的比例是多少？", "46.60%", "问题未指明单位"),
    # “跟上年比” names no item: the change of the item before, its rate computed from the stated change
    ("省高院2018年的单位预留机动经费预算是多少？跟上年比增加了多少、增长百分之几？", "增长1681.14%", "问题未指明单位"),
])
def test_wordings_of_batches_fourteen_to_sixteen_reach_the_figure(assistant, question, shown, not_shown):
    answer = assistant.ask(question)
    assert not answer.refused and shown in answer.text and not_shown not in answer.text, answer.text
