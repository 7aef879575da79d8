"""The chat in a real browser (Debian's Chromium driven by Playwright), as a person uses it.

Asks real questions over the whole bundled corpus, checks figures carry their
status and sources, that refusals look like refusals, that no HTML or script
from a question or a report runs, that the page asks nothing of any other
origin, and that staff can log in, upload a report and have it answered.
Screenshots of each step go to test-output/screenshots/.
"""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .corpus import REPORTS, ROOT, SICHUAN
from .test_api import STAFF_PASSWORD, STAFF_USER, running_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "test-output" / "screenshots"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">${window.__xss=1}'
NEW_UNIT = "四川省就业示范中心"
ANSWER_S = 60_000

@pytest.fixture(scope="module")
def site(corpus_store, tmp_path_factory) -> Iterator[str]:
    """The app over a copy of the corpus store, so that uploads here leave the shared store alone."""
    store = tmp_path_factory.mktemp("web") / "store"
    shutil.copytree(corpus_store, store)
    with running_app(store, log=store.parent / "app.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium (scripts/test.sh installs it)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site):
    """A fresh page on the chat; afterwards, asserts it asked nothing of any origin but the app's."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(site + "/", wait_until="load")
    page.wait_for_selector("#jq-question textarea")
    yield page
    outside = [u for u in requests if not u.startswith((site, "data:", "blob:"))]
    assert not outside, f"requests to other origins: {outside}"
    assert not dialogs, f"a script opened dialogs: {dialogs}"
    context.close()


def ask(page, question: str) -> object:
    """Type a question, send it, wait for the final (not streaming) answer; return the last turn."""
    done = page.locator(".jq-turn:not(.jq-pending)").count()
    page.fill("#jq-question textarea", question)
    page.click("#jq-send")
    page.wait_for_function(f"document.querySelectorAll('.jq-turn:not(.jq-pending)').length > {done}",
                           timeout=ANSWER_S)
    return page.locator(".jq-turn").last


def shot(page, name: str) -> None:
    """A full-page screenshot, with lazily loaded page images loaded first so that they show."""
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager'; })")
    page.wait_for_function("[...document.images].every(img => img.complete)", timeout=ANSWER_S)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def assert_no_script_ran(page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"


WATCH_STREAM = """() => {
  window.__streamed = false;
  new MutationObserver(() => {
    const partial = document.querySelector('.jq-pending .jq-a .jq-text');
    if (partial && partial.innerText.includes('31.13')) window.__streamed = true;
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_answer_streams_then_shows_figure_status_and_highlighted_source(page):
    page.evaluate(WATCH_STREAM)
    turn = ask(page, "四川省农民工服务中心2022年三公经费是多少？")
    assert page.evaluate("window.__streamed"), "the answer was not shown progressively"
    answer = turn.locator(".jq-a")
    assert "31.13" in answer.inner_text()
    assert "✓已核实" in answer.locator(".jq-badge.jq-ok").first.inner_text()
    source = turn.locator(".jq-src").first
    assert source.locator("mark").first.inner_text().startswith("31.13")
    head = source.locator(".jq-src-head").inner_text()
    assert "四川省农民工服务中心" in head and "2022" in head
    turn.locator("a.jq-cite").first.click()
    assert source.is_visible()
    shot(page, "01-answer-with-source")
    follow = ask(page, "那公务接待费呢？")
    assert "四川省农民工服务中心" in follow.locator(".jq-a").inner_text()
    assert "四川省农民工服务中心" in page.locator(".jq-scope").inner_text()
    assert turn.locator(".jq-src mark").first.is_visible(), "the first answer's sources vanished"
    shot(page, "02-follow-up-keeps-scope")


def test_pdf_source_shows_the_page_with_the_figure_boxed(page, site):
    turn = ask(page, "普陀区财政局2024年办公费和印刷费一共多少？")
    text = turn.locator(".jq-a").inner_text()
    assert "28.82" in text and "∑重新计算" in text
    image = turn.locator(".jq-page img").first
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(),
                           timeout=ANSWER_S)
    assert "第16页" in turn.locator(".jq-src-head").first.inner_text()
    shot(page, "03-recomputed-with-pdf-page")


def test_filters_scope_the_conversation(page):
    for box, value in (("单位", "上海市普陀区财政局"), ("年度", "2024")):
        field = page.get_by_label(box, exact=True)
        field.click()
        page.get_by_role("option", name=value, exact=True).click()
    turn = ask(page, "印刷费是多少？")
    assert "上海市普陀区财政局" in turn.inner_text() and "7.61" in turn.inner_text()
    shot(page, "04-filters")


def test_refusal_is_distinct_and_says_what_is_available(page):
    turn = ask(page, "北京市教育局2022年三公经费是多少？")
    refusal = turn.locator(".jq-refused")
    assert refusal.is_visible() and "无法回答" in refusal.inner_text()
    assert "四川省农民工服务中心" in refusal.inner_text()
    shot(page, "05-refusal")


def test_html_in_a_question_is_shown_not_run(page):
    turn = ask(page, f"{XSS}三公经费是多少？")
    assert XSS in turn.locator(".jq-q").inner_text()
    assert turn.locator(".jq-q img, .jq-q script").count() == 0
    assert_no_script_ran(page)
    shot(page, "06-question-with-html")


def test_example_questions_come_from_the_corpus_and_ask_themselves(page):
    example = page.locator("#jq-examples button").filter(has_text="是多少").first
    question = example.inner_text()
    assert re.search(r"20\d\d年", question)
    example.click()
    page.wait_for_selector(".jq-turn:not(.jq-pending) .jq-a", timeout=ANSWER_S)
    assert question in page.locator(".jq-q").last.inner_text()
    assert "语料" in page.locator(".jq-corpus").inner_text()


def test_english_toggle_relabels(page):
    ask(page, "四川省农民工服务中心2022年三公经费是多少？")
    page.get_by_label("English").check()
    page.wait_for_function("document.querySelector('#jq-send').innerText.includes('Ask')")
    assert "✓ verified" in page.locator(".jq-badge.jq-ok").first.inner_text()
    shot(page, "07-english")


def report_with_html(tmp_path: Path) -> Path:
    """A real report under a new unit's name, with markup slipped into the cited sentence."""
    text = SICHUAN.read_text(encoding="utf-8").replace("四川省农民工服务中心", NEW_UNIT)
    text = re.sub(r"(“三公”经费财政拨款支出决算为31\.13万元)", r"\1" + XSS, text, count=1)
    path = tmp_path / f"{NEW_UNIT}2022年度单位决算.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_staff_upload_is_answered_and_its_markup_stays_inert(browser, site, page, tmp_path):
    staff = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN").new_page()
    requests: list[str] = []
    staff.on("request", lambda r: requests.append(r.url))
    staff.goto(site + "/staff/", wait_until="load")
    staff.locator("input[type=password]").wait_for()
    shot(staff, "08-staff-login")
    staff.locator("input[type=text], input:not([type])").first.fill(STAFF_USER)
    staff.fill("input[type=password]", STAFF_PASSWORD)
    staff.keyboard.press("Enter")
    staff.wait_for_selector("#jq-upload", timeout=ANSWER_S)
    shot(staff, "09-staff-logged-in")
    report = report_with_html(tmp_path)
    broken = tmp_path / "损坏的报告.pdf"
    broken.write_text("这不是PDF", encoding="utf-8")
    staff.set_input_files("#jq-upload input[type=file]", [report, broken])
    for name in (report.stem, broken.stem):  # the list shows a name and its extension apart
        staff.locator("#jq-upload").get_by_text(name).wait_for(timeout=ANSWER_S)
    staff.click("#jq-ingest")
    staff.wait_for_selector("#jq-results table", timeout=180_000)
    results = staff.locator("#jq-results").inner_text()
    assert "added" in results and NEW_UNIT in results, results
    assert "失败 failed" in results and "not a PDF" in results, results
    shot(staff, "10-staff-upload-result")

    turn = ask(page, f"{NEW_UNIT}2022年三公经费是多少？")
    assert "31.13" in turn.locator(".jq-a").inner_text()
    assert XSS.split("${")[0] in turn.locator(".jq-src").first.inner_text()
    assert turn.locator(".jq-src img:not(.jq-page img), .jq-src script").count() == 0
    assert_no_script_ran(page)
    shot(page, "11-uploaded-report-answered")

    staff.get_by_role("tab", name="报告 Reports").click()
    staff.locator("#jq-doc input").click()
    staff.get_by_role("option", name=re.compile(NEW_UNIT)).click()
    staff.click("#jq-audit")
    staff.wait_for_selector("#jq-outcome h3", timeout=180_000)
    assert NEW_UNIT in staff.locator("#jq-outcome").inner_text()
    shot(staff, "12-staff-audit")
    staff.get_by_label("确认移除 Confirm removal").check()
    staff.click("#jq-remove")
    staff.wait_for_function("document.querySelector('#jq-outcome').innerText.includes('已移除')", timeout=ANSWER_S)
    shot(staff, "13-staff-removed")
    gone = ask(page, f"{NEW_UNIT}2022年三公经费是多少？")
    assert gone.locator(".jq-refused").count() == 1
    assert all(u.startswith((site, "data:", "blob:")) for u in requests), requests
    staff.context.close()


# ---------------------------------------------------------------- the markup itself, without a browser

def test_markup_escapes_everything_from_reports_and_users():
    from decimal import Decimal

    from assistant.answer import Answer, Citation, ShownFigure
    from web.render import Turn, conversation_html

    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    citation = Citation(1, f"{evil}.pdf", evil, 2024, 3, "", evil, evil, "决算数", f"办公费 84.62 {evil}", ["84.62"])
    figures = [ShownFigure("84.62万元", Decimal("84.62"), "万元", "sourced", 1),
               ShownFigure("90.00万元", Decimal("90"), "万元", "recomputed", 1, formula=f"1 + {evil}"),
               ShownFigure("5.00万元", Decimal("5"), "万元", "mismatch", 1, expected=Decimal("4"))]
    answer = Answer(evil, f"{evil}为84.62万元[1]，合计90.00万元[2]。（已撤回含错误数字“5.00万元”的句子）",
                    citations=[citation], figures=figures)
    html = conversation_html([Turn(evil, answer)], "zh", lambda c: f"/page/abc/3.png?hl={evil}")
    assert "<img src=x" not in html and "<script>" not in html and 'onerror="' not in html
    assert html.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") >= 6
    assert '<mark>84.62</mark>' in html
    assert "✓已核实" in html and "∑重新计算" in html and "✗已撤回" in html
    assert 'href="#src-0-1"' in html and 'href="#src-0-2"' not in html  # [2] cites nothing: not a link


def test_page_locator_finds_the_words_before_a_figure():
    from web.pages import locator

    assert locator("1、因公出国（境）费支出 0.00 万元。", "", ["0.00万元"]) == (["0.00"], "因公出国（境）费支出")
    assert locator("30201 办公费｜决算数：1,084.62", "30201 办公费", ["1,084.62"]) == (["1,084.62"], "办公费")


def test_examples_name_each_unit_unambiguously():
    from web.public import corpus_line, example_questions

    holdings = {"上海市普陀区财政局": [(2024, "决算"), (2025, "预算")], "上海市财政局": [(2025, "预算")],
                "四川省农民工服务中心": [(2022, "决算")]}
    questions = example_questions(holdings)
    assert "普陀区财政局2025年预算安排的三公经费是多少？" in questions
    assert "农民工服务中心2022年三公经费是多少？" in questions
    assert corpus_line(holdings, 5, "zh") == "语料：3 个单位 × 3 个年度（2022–2025）× 2 类报告（决算、预算），共 5 份"


def test_a_quoted_passage_is_boxed_where_it_is_printed():
    """A passage has no figure to box: the end of its first clause marks it on the page."""
    import pdfplumber

    from web.pages import find_box, locator

    text = "上海市普陀区司法局设12个内设机构，包括：办公室、政治处、依法治区工作科、社区矫正科。"
    numbers, words = locator(text, "", [])
    assert numbers == [] and words == "个内设机构"
    with pdfplumber.open(REPORTS / "budgets" / "shanghai" / "上海市普陀区司法局2026年单位预算.pdf") as pdf:
        box = find_box(pdf.pages[3], numbers, words)
    assert box is not None and box.top > 100  # the passage, not the page's running title
