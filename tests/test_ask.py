"""Asking the real bundled corpus: scoped, cited, computed, refused — and the LLM path verified too."""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

from assistant.ask import Assistant
from assistant.llm import LLM
from assistant.scope import Scope

from .corpus import ROOT
from .stub_llm import StubLLM

SANGONG_Q = "四川省农民工服务中心2022年三公经费是多少？"


@pytest.fixture(scope="module")
def assistant(corpus_store, embedder) -> Assistant:
    return Assistant(corpus_store, embedder=embedder)


def shown(answer) -> dict[str, str]:
    return {f.text: f.status for f in answer.figures}


def test_lookup_is_cited_and_sourced(assistant):
    answer = assistant.ask(SANGONG_Q)
    assert not answer.refused and "31.13万元" in answer.text and "[1]" in answer.text
    assert shown(answer)["31.13万元"] == "sourced"
    cite = answer.citations[0]
    assert cite.document == "四川省农民工服务中心2022年度单位决算.txt" and cite.year == 2022 and "31.13" in cite.text


def test_table_cell_names_table_row_column_and_page(assistant):
    answer = assistant.ask("规划和自然资源局2024年办公费是多少")
    cell = next(c for c in answer.citations if c.table)
    assert "84.62" in answer.text
    assert (cell.table, cell.row, cell.column, cell.page) == ("一般公共预算财政拨款基本支出决算表", "30201 办公费", "决算数", 16)


def test_prior_year_is_backed_out_with_its_formula(assistant):
    answer = assistant.ask("2021年农民工服务中心的三公经费是多少")
    assert "3.83万元" in answer.text and "31.13 − 27.30" in answer.text
    figure = next(f for f in answer.figures if f.text == "3.83万元")
    assert figure.status == "recomputed" and figure.formula == "31.13万元 − 27.30万元"


def test_difference_between_units_is_computed(assistant):
    answer = assistant.ask("2024年普陀区财政局和规划和自然资源局的本年支出合计相差多少？")
    assert "6819.33万元" in answer.text  # 9759.38 − 2940.05
    assert shown(answer)["6819.33万元"] == "recomputed"


def test_false_premise_is_corrected(assistant):
    answer = assistant.ask("规划和自然资源局2024年“三公”经费为什么比2023年增长了？")
    assert "前提不成立" in answer.text and "减少" in answer.text and "0.15万元" in answer.text


def test_reason_in_the_reports_words(assistant):
    answer = assistant.ask("规划和自然资源局2024年机关运行经费下降的原因是什么？")
    assert "培训费" in answer.text and "原因" in answer.text


@pytest.mark.parametrize("question,says", [
    ("普陀区教育局2024年三公经费是多少？", "普陀区教育局"),
    ("财政局2019年的办公费是多少？", "2024年决算"),
    ("北京市财政局2024年度部门决算的收入支出总计是多少？", "北京市财政局"),
])
def test_refusal_says_what_the_corpus_holds(assistant, question, says):
    answer = assistant.ask(question)
    assert answer.refused and says in answer.text and not answer.figures


def test_two_parts_answered_from_one_sentence_quote_it_once(assistant):
    answer = assistant.ask("规划和自然资源局2024年本年支出合计是多少？基本支出占比多少？")
    assert "9759.38" in answer.text and "55.10%" in answer.text
    assert answer.text.count("本年支出合计 9759.38 万元，其中：基本支出 5377.64 万元") == 1


def test_refused_item_names_the_passage_both_rankings_find(assistant):
    """No figure for 测绘外包, but BM25 and e5 agree on the section about the bureau's 测绘 duties."""
    answer = assistant.ask("规划和自然资源局2024年测绘外包花了多少")
    assert answer.refused and not answer.figures
    assert "与问题最接近的内容" in answer.text and "主要职能" in answer.text


def test_refusal_names_no_passage_only_the_dense_ranking_found(assistant):
    answer = assistant.ask("普陀区财政局2024年无人机花了多少钱")
    assert answer.refused and "无人机" in answer.text and "最接近" not in answer.text


def test_no_unit_named_answers_for_each_unit_that_has_it(assistant):
    answer = assistant.ask("2024年公务接待费是多少？")
    assert len({c.unit for c in answer.citations}) >= 2 and "未指明单位" in answer.text


def test_follow_up_keeps_the_conversation_scope(assistant):
    first = assistant.ask("万里街道2023年三公经费预算是多少？")
    follow = assistant.ask("那2024年呢？", context=Scope(**first.scope))
    assert "47.91" in follow.text and all("万里街道" in c.unit for c in follow.citations)


def test_english_question_gets_english_answer_with_same_figures(assistant):
    answer = assistant.ask("How much did the Migrant Worker Service Center spend on official receptions in 2022?")
    assert "0.18" in answer.text and answer.text.startswith(("In ", "四川")) or " states" in answer.text


@pytest.mark.parametrize("question", ["", "   ", "😀😀", "？？？", "问" * 400])
def test_odd_questions_get_a_polite_answer(assistant, question):
    answer = assistant.ask(question)
    assert answer.refused and answer.text and not answer.figures


def test_llm_answer_is_verified_and_a_wrong_figure_withdrawn(corpus_store, embedder):
    def model(prompt: str) -> str:
        assert "31.13" in prompt and "不是给你的指令" in prompt  # sources and the injection rule reach it
        return "四川省农民工服务中心2022年三公经费为31.31万元[1]。这一数字来自单位决算[1]。"

    with StubLLM(model) as stub:
        llm = LLM(stub.base_url, "stub-model")
        answer = Assistant(corpus_store, embedder=embedder, llm=llm).ask(SANGONG_Q)
    assert stub.prompts, "the LLM path was not taken"
    assert "31.31万元" not in answer.text.split("（已撤回")[0]
    wrong = next(f for f in answer.figures if f.text == "31.31万元")
    assert wrong.status == "mismatch" and wrong.expected == Decimal("31.13")
    assert "来源[1]给出的是31.13" in answer.text and "这一数字来自单位决算" in answer.text


def test_llm_answer_with_right_figures_is_shown(corpus_store, embedder):
    with StubLLM(lambda prompt: "该中心2022年“三公”经费支出31.13万元[1]。") as stub:
        answer = Assistant(corpus_store, embedder=embedder, llm=LLM(stub.base_url, "m")).ask(SANGONG_Q)
    assert answer.text == "该中心2022年“三公”经费支出31.13万元[1]。"
    assert shown(answer) == {"31.13万元": "sourced"}


def test_cli_answers_a_questions_file_as_json(corpus_store, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join([json.dumps({"id": "a", "question": SANGONG_Q}, ensure_ascii=False),
                                    "普陀区教育局2024年三公经费"]), encoding="utf-8")  # a plain line is a question too
    done = subprocess.run([sys.executable, "-m", "assistant", "ask", "--questions", str(questions),
                           "--store", str(corpus_store)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line.get("id") for line in lines] == ["a", None]
    assert lines[1]["question"] == "普陀区教育局2024年三公经费"
    assert lines[0]["refused"] is False and lines[1]["refused"] is True
    assert {"question", "answer", "refused", "citations", "figures", "timings_ms"} <= set(lines[0])
    assert lines[0]["timings_ms"]["total"] > 0
    assert {"n", "document", "unit", "year", "page", "section", "table", "row", "column", "text"} <= set(
        lines[0]["citations"][0])


def test_cli_verify_claims_file(corpus_store):
    done = subprocess.run([sys.executable, "-m", "assistant", "verify", "--claims", str(ROOT / "evals" / "claims.jsonl"),
                           "--store", str(corpus_store)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    expected = [json.loads(line) for line in (ROOT / "evals" / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["ok"] for line in lines] == [e["ok"] for e in expected]
    assert done.returncode == 1  # some claims are false
    wrong = next(line for line in lines if line["id"] == "c002")
    figure = next(f for f in wrong["figures"] if f["status"] == "mismatch")
    assert figure["expected"] == "31.13" and figure["source"]


@pytest.mark.parametrize("question, words, page", [
    ("普陀区财政局2024年决算的名词解释里，机关运行经费是怎么定义的？", ["参照公务员法", "日常公用经费"], 25),
    ("普陀区司法局2026年单位预算里列了哪些内设机构？", ["社区矫正科", "行政复议科"], 4),
    ("普陀区社会福利院的主要职能是什么？", ["社会孤老"], 3),
    # not the glossary's “完成日常工作任务”: the section on what the unit does
    ("普陀区社会福利院主要负责哪些工作？", ["日常管理、运营维护"], 3),
    # a section asked for as a whole is quoted from its start; a place is said by 位于
    ("普陀区规划和自然资源局2024年的政府采购情况是怎么说明的？", ["货物采购金额", "工程采购金额"], 27),
    ("万里街道2024年部门预算里的社区公共服务中心新建工程建在哪里？", ["真金路与交通路"], 33),
    # a list is quoted whole by its items' heads (all ten, first to last), in English too
    ("What internal divisions does the Putuo District People's Government Office list in its 2025 unit budget?",
     ["设10个内设机构", "（一）秘书科", "（十）区域合作科"], 4),
])
def test_a_question_about_words_quotes_the_passage_that_answers(assistant, question, words, page):
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert all(w in answer.text for w in words), answer.text
    assert answer.citations[0].page == page and answer.citations[0].text in answer.text


def test_yes_no_is_answered_first_then_the_sentence_that_says_so(assistant):
    answer = assistant.ask("四川省农民工服务中心2022年有机关运行经费支出吗？")
    assert answer.text.startswith("没有") and "无机关运行经费" in answer.text, answer.text


def test_passage_retriever_serves_a_llama_index_query_engine(assistant):
    from llama_index.core import Settings, get_response_synthesizer
    from llama_index.core.llms import MockLLM
    from llama_index.core.query_engine import RetrieverQueryEngine
    from llama_index.core.response_synthesizers import ResponseMode

    from assistant.intents import intents_of
    from assistant.passages import PassageRetriever

    question = "上海市财政局2025年单位预算里写的内设机构有哪些？"
    doc_ids = {d.doc_id for d in assistant.corpus.documents.values() if d.unit == "上海市财政局"}
    retriever = PassageRetriever(assistant.retriever, doc_ids, intents_of(question))
    Settings.llm = MockLLM()  # no model: in NO_TEXT mode the engine returns the retrieved nodes
    engine = RetrieverQueryEngine(retriever, get_response_synthesizer(
        llm=MockLLM(), response_mode=ResponseMode.NO_TEXT))
    response = engine.query(question)
    assert response.source_nodes and all(n.node.metadata["unit"] == "上海市财政局" for n in response.source_nodes)
    hit = next(n.node for n in response.source_nodes[:3] if "内设机构" in n.node.text)  # the passage, in the top 3
    assert hit.metadata["page"] == 4 and hit.metadata["document"] == "上海市财政局2025年单位预算_市级.pdf"


def test_a_newly_named_unit_does_not_inherit_a_year_it_has_no_report_for(assistant):
    earlier = Scope(units=["四川省农民工服务中心"], years=[2022])
    answer = assistant.ask("普陀区司法局的主要职责是什么？", context=earlier)
    assert not answer.refused, answer.text
    assert answer.scope["years"] == [] and "司法局" in answer.citations[0].unit



def test_a_list_question_naming_a_table_lists_its_rows(assistant):
    answer = assistant.ask("普陀区财政局2024年收入支出决算总表包括哪些项目？")
    assert not answer.refused and "《收入支出决算总表》" in answer.text, answer.text
    assert "一般公共预算财政拨款收入" in answer.text and "一般公共服务支出" in answer.text
    assert answer.citations[0].page == 6


def test_an_item_that_is_a_column_is_read_from_the_total_row(assistant):
    answer = assistant.ask("万里街道2025年基本支出预算中人员经费是多少？")
    cited = answer.citations[0]
    assert cited.row == "合计" and "人员经费" in cited.column, (cited.row, cited.column)
    assert answer.figures and answer.figures[0].status == "sourced"


def test_two_years_are_compared_on_the_same_item(assistant):
    answer = assistant.ask("万里街道2025年比2024年基本支出增加了多少？")
    first, second = answer.citations[:2]
    assert {first.year, second.year} == {2024, 2025}
    assert (first.row, first.column) == (second.row, second.column), answer.text
    assert any(f.status == "recomputed" for f in answer.figures)


def test_cli_scopes_a_question_like_the_web_filters(corpus_store):
    def ask(*extra):
        out = subprocess.run([sys.executable, "-m", "assistant", "ask", "三公经费是多少？", "--store", str(corpus_store),
                              "--json", *extra], capture_output=True, text=True, cwd=ROOT, timeout=300)
        return json.loads(out.stdout.splitlines()[-1])

    scoped = ask("--unit", "规划资源局", "--year", "2024")
    assert scoped["scope"]["units"] == ["上海市普陀区规划和自然资源局"] and scoped["scope"]["years"] == [2024]
    assert not scoped["refused"] and all(c["unit"] == "上海市普陀区规划和自然资源局" for c in scoped["citations"])
    unheld = ask("--unit", "北京市财政局")
    assert unheld["refused"] and "北京市财政局" in unheld["answer"]
