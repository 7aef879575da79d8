"""The public chat: questions in, streamed answers with badged figures and their sources out.

Nothing here can change the corpus: the page has no upload, removal or audit,
and the only documented API endpoint is `ask`, which returns an answer as JSON.
"""
from __future__ import annotations

import time
from collections.abc import Iterator

import gradio as gr

from assistant.names import short_names
from assistant.scope import Scope

from .labels import LANGS, label
from .render import Turn, conversation_html, esc, streamed_prefixes
from .service import Service

STREAM_PAUSE_S = 0.03
CHAT_CONCURRENCY = 8    # answers are milliseconds of locked work; the rest is streaming pauses, which overlap
MAX_EXAMPLES = 6
KIND_CHOICES = ("决算", "预算")
EXAMPLE_ITEM = "三公经费"   # in every report, in prose and in its own table: a question that always finds its figure

# Citation markers jump to their source: open the panel it is in, scroll to it, flash it.
JUMP_JS = """
element.addEventListener('click', (event) => {
  const link = event.target.closest('a.jq-cite');
  if (!link) return;
  const target = document.getElementById(link.dataset.target);
  if (!target) return;
  event.preventDefault();
  const panel = target.closest('details');
  if (panel) panel.open = true;
  target.scrollIntoView({behavior: 'smooth', block: 'center'});
  target.classList.add('jq-flash');
  setTimeout(() => target.classList.remove('jq-flash'), 1600);
});
"""


# ---------------------------------------------------------------- corpus summaries

def corpus_line(holdings: dict[str, list[tuple[int | None, str]]], documents: int, lang: str) -> str:
    """“N units × years × kinds”: what a person can ask about, before asking."""
    pairs = [p for held in holdings.values() for p in held]
    if not documents:
        return label(lang, "corpus_empty")
    years = sorted({y for y, _ in pairs if y})
    kinds = sorted({k for _, k in pairs if k})
    span = f"{years[0]}–{years[-1]}" if years else "—"
    return label(lang, "corpus", units=len(holdings), years=len(years), span=span, kinds=len(kinds),
                 kind_names="、".join(kinds), docs=documents)


def short_name(unit: str, units: list[str]) -> str:
    """The shortest name that still picks out this unit alone (财政局 is ambiguous; 普陀区财政局 is not),
    preferring a part of the full name over a contraction (普陀区财政局 over 上海财政局)."""
    others = [a for u in units if u != unit for a in short_names(u)]
    names = [n for n in short_names(unit) if n not in others and len(n) >= 4]
    return min(names, key=lambda n: (n not in unit, len(n))) if names else unit


def example_questions(holdings: dict[str, list[tuple[int | None, str]]]) -> list[str]:
    """One question per unit about its latest report, alternating final accounts and budgets."""
    units = list(holdings)
    latest = {u: max(held, key=lambda x: x[0] or 0) for u, held in holdings.items() if held}
    finals = [u for u in units if u in latest and latest[u][1] != "预算"]
    budgets = [u for u in units if u in latest and latest[u][1] == "预算"]
    order = [u for pair in zip(finals, budgets) for u in pair] + finals[len(budgets):] + budgets[len(finals):]
    out = []
    for unit in order[:MAX_EXAMPLES]:
        year, kind = latest[unit]
        when = f"{year}年" if year else ""
        ask = f"{when}预算安排的{EXAMPLE_ITEM}" if kind == "预算" else f"{when}{EXAMPLE_ITEM}"
        out.append(f"{short_name(unit, units)}{ask}是多少？")
    return out


def header_html(service: Service, lang: str) -> str:
    line = corpus_line(service.holdings(), service.document_count(), lang)
    return (f'<div class="jq-header"><h1>{esc(label(lang, "title"))}</h1>'
            f'<p>{esc(label(lang, "intro"))}</p><p class="jq-corpus">{esc(line)}</p></div>')


# ---------------------------------------------------------------- conversation scope

def context_scope(previous: dict, unit: str, year: str, kind: str) -> Scope | None:
    """The scope a follow-up inherits: the filters where set, else the previous answer's scope."""
    units = [unit] if unit else list(previous.get("units") or [])
    years = [int(year)] if year else list(previous.get("years") or [])
    kind = kind or previous.get("kind") or ""
    if not (units or years or kind):
        return None
    return Scope(units=units, years=years, kind=kind)


def scope_line(scope: Scope | None, lang: str) -> str:
    if scope is None:
        return f'<div class="jq-scope">{esc(label(lang, "scope_none"))}</div>'
    parts = [*scope.units, *(label(lang, "year_n", year=y) for y in scope.years), scope.kind]
    return f'<div class="jq-scope">{esc(label(lang, "scope", scope=" · ".join(p for p in parts if p)))}</div>'


def next_scope(previous: dict, answer_scope: dict) -> dict:
    """A follow-up keeps the scope of the last answer that had one (a polite refusal has none)."""
    return answer_scope if any(answer_scope.get(k) for k in ("units", "years", "kind")) else previous


# ---------------------------------------------------------------- the handlers

class Chat:
    """What the public page does, over the one shared service; `build` only lays it out and wires it."""

    def __init__(self, service: Service):
        self.service = service

    def page(self, turns: list[Turn], code: str, pending: tuple[str, str] | None = None) -> str:
        return conversation_html(turns, code, self.service.page_url, pending)

    def chat(self, text: str, turns: list[Turn], scope: dict, unit: str, year: str, kind: str,
             lang: str) -> Iterator[tuple]:
        """Stream one answer; badges and the sources panel arrive with the final, complete answer."""
        code = LANGS.get(lang, "zh")
        text = (text or "").strip()
        context = context_scope(scope, unit or "", year or "", kind or "")
        if not text:
            yield self.page(turns, code), turns, scope, "", scope_line(context, code)
            return
        yield self.page(turns, code, (text, "")), turns, scope, "", scope_line(context, code)
        answer = self.service.ask(text, context)
        for partial in streamed_prefixes(answer.text)[:-1]:
            yield self.page(turns, code, (text, partial)), turns, scope, "", scope_line(context, code)
            time.sleep(STREAM_PAUSE_S)
        done = [*turns, Turn(text, answer)]
        kept = next_scope(scope, answer.scope)
        yield self.page(done, code), done, kept, "", self.scope(kept, unit, year, kind, lang)

    def reset(self, lang: str) -> tuple:
        code = LANGS.get(lang, "zh")
        return self.page([], code), [], {}, scope_line(None, code)

    def scope(self, scope: dict, unit: str, year: str, kind: str, lang: str) -> str:
        return scope_line(context_scope(scope, unit or "", year or "", kind or ""), LANGS.get(lang, "zh"))

    def relabel(self, lang: str, turns: list[Turn], scope: dict, unit: str, year: str, kind: str) -> tuple:
        """Swap every label to the chosen language and re-render the conversation in it."""
        code = LANGS.get(lang, "zh")
        held = self.service.holdings()
        return (header_html(self.service, code),
                gr.update(label=label(code, "language")),
                gr.update(label=label(code, "unit"), choices=_unit_choices(held, code)),
                gr.update(label=label(code, "year"), choices=_year_choices(held, code)),
                gr.update(label=label(code, "kind"), choices=_kind_choices(code)),
                self.page(turns, code), self.scope(scope, unit, year, kind, lang),
                gr.update(label=label(code, "question"), placeholder=label(code, "placeholder")),
                gr.update(value=label(code, "send")), gr.update(value=label(code, "clear")),
                gr.update(label=label(code, "examples")))

    def refresh(self, lang: str) -> tuple:
        """On page load, show the corpus as it is now: staff may have added or removed reports."""
        code = LANGS.get(lang, "zh")
        held = self.service.holdings()
        return (header_html(self.service, code), gr.update(choices=_unit_choices(held, code)),
                gr.update(choices=_year_choices(held, code)),
                gr.update(samples=[[q] for q in example_questions(held)]))

    def ask(self, question: str, unit: str = "", year: str = "", kind: str = "") -> dict:
        """Answer one question (optionally scoped by unit, year, kind) as JSON: text, figures, citations."""
        context = context_scope({}, unit or "", str(year or ""), kind or "")
        return self.service.ask(question, context).as_json()


# ---------------------------------------------------------------- the page

def build(service: Service) -> gr.Blocks:
    """The public Blocks app; see the module docstring for what it deliberately lacks."""
    chat = Chat(service)
    holdings = service.holdings()
    private = dict(api_visibility="private")
    with gr.Blocks(title=label("zh", "title")) as demo:
        header = gr.HTML(header_html(service, "zh"), js_on_load=None)
        with gr.Row(equal_height=True):
            lang = gr.Radio(list(LANGS), value="中文", label=label("zh", "language"), scale=1)
            unit = gr.Dropdown(_unit_choices(holdings, "zh"), value="", label=label("zh", "unit"), scale=3)
            year = gr.Dropdown(_year_choices(holdings, "zh"), value="", label=label("zh", "year"), scale=1)
            kind = gr.Dropdown(_kind_choices("zh"), value="", label=label("zh", "kind"), scale=1)
        conv = gr.HTML(chat.page([], "zh"), elem_id="jq-conv", js_on_load=JUMP_JS)
        scope_box = gr.HTML(scope_line(None, "zh"), js_on_load=None)
        with gr.Row(equal_height=True):
            question = gr.Textbox(label=label("zh", "question"), placeholder=label("zh", "placeholder"),
                                  lines=1, max_lines=3, max_length=600, scale=6, elem_id="jq-question")
            send = gr.Button(label("zh", "send"), variant="primary", scale=1, elem_id="jq-send")
            clear = gr.Button(label("zh", "clear"), scale=1, elem_id="jq-clear")
        examples = gr.Dataset(components=[question], samples=[[q] for q in example_questions(holdings)],
                              label=label("zh", "examples"), elem_id="jq-examples")
        turns, scope = gr.State([]), gr.State({})

        asked = dict(inputs=[question, turns, scope, unit, year, kind, lang],
                     outputs=[conv, turns, scope, question, scope_box], show_progress="hidden",
                     concurrency_limit=CHAT_CONCURRENCY, **private)
        question.submit(chat.chat, **asked)
        send.click(chat.chat, **asked)
        examples.click(lambda sample: sample[0], inputs=examples, outputs=question, **private).then(chat.chat, **asked)
        clear.click(chat.reset, inputs=lang, outputs=[conv, turns, scope, scope_box], **private)
        lang.change(chat.relabel, inputs=[lang, turns, scope, unit, year, kind],
                    outputs=[header, lang, unit, year, kind, conv, scope_box, question, send, clear, examples],
                    **private)
        for box in (unit, year, kind):
            box.change(chat.scope, inputs=[scope, unit, year, kind, lang], outputs=scope_box, **private)
        demo.load(chat.refresh, inputs=lang, outputs=[header, unit, year, examples], **private)
        gr.api(chat.ask, api_name="ask", concurrency_limit=CHAT_CONCURRENCY)
    return demo


def _unit_choices(holdings: dict, lang: str) -> list[tuple[str, str]]:
    return [(label(lang, "all_units"), "")] + [(u, u) for u in holdings]


def _year_choices(holdings: dict, lang: str) -> list[tuple[str, str]]:
    years = sorted({y for held in holdings.values() for y, _ in held if y}, reverse=True)
    return [(label(lang, "all_years"), "")] + [(str(y), str(y)) for y in years]


def _kind_choices(lang: str) -> list[tuple[str, str]]:
    return [(label(lang, "all_kinds"), "")] + [(k, k) for k in KIND_CHOICES]
