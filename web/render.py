"""Answers, sources and the conversation as HTML — the only place markup is made.

Every string that comes from a report, a file name or a user passes through
`esc` (html.escape) before it is placed in markup, and only this module's own
tags are emitted, so nothing a report or a question contains can run in the
browser. Pure functions: no I/O, easy to test.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer import Answer, Citation, ShownFigure

from .labels import label

PageUrl = Callable[[Citation], "str | None"]
_MARKER = re.compile(r"\[(\d+)\]")
_STATUS_CLASS = {"sourced": "ok", "recomputed": "calc", "mismatch": "bad", "unverifiable": "unk"}


@dataclass
class Turn:
    """One question and its answer, kept so the conversation can be re-rendered (e.g. in English)."""

    question: str
    answer: Answer


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def marked(text: str, terms: list[str]) -> str:
    """`text` escaped, with every occurrence of any term wrapped in <mark> (longest terms first)."""
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return esc(text)
    pattern = re.compile("|".join(rf"(?<![\d.]){re.escape(t)}(?![\d])" for t in terms))
    out, last = [], 0
    for m in pattern.finditer(text):
        out += [esc(text[last:m.start()]), f"<mark>{esc(m.group(0))}</mark>"]
        last = m.end()
    return "".join(out) + esc(text[last:])


# ---------------------------------------------------------------- the answer text

def _find(text: str, needle: str, start: int, taken: list[tuple[int, int]]) -> int:
    """Position of `needle` at or after `start`, as a whole figure, not inside a span already taken."""
    for m in re.finditer(rf"(?<![\d.,]){re.escape(needle)}", text[start:]):
        pos = start + m.start()
        if not any(a < pos + len(needle) and pos < b for a, b in taken):
            return pos
    return -1


def figure_spans(text: str, figures: list[ShownFigure]) -> list[tuple[int, int, ShownFigure]]:
    """Where each shown figure sits in the answer text, in reading order.

    Kept figures appear in order; a withdrawn figure is quoted in the closing
    correction note, so it is looked for after the kept text.
    """
    spans: list[tuple[int, int, ShownFigure]] = []
    cursor = 0
    for fig in (f for f in figures if f.status != "mismatch"):
        pos = _find(text, fig.text, cursor, [(a, b) for a, b, _ in spans])
        if pos >= 0:
            spans.append((pos, pos + len(fig.text), fig))
            cursor = pos + len(fig.text)
    note = max(text.find("已撤回"), cursor)
    for fig in (f for f in figures if f.status == "mismatch"):
        taken = [(a, b) for a, b, _ in spans]
        pos = _find(text, fig.text, note, taken)
        pos = pos if pos >= 0 else _find(text, fig.text, 0, taken)
        if pos >= 0:
            spans.append((pos, pos + len(fig.text), fig))
    return sorted(spans, key=lambda s: s[0])


def badge(fig: ShownFigure, lang: str) -> str:
    """The status badge after a figure; its tooltip says why (source, formula or correction)."""
    status = fig.status if fig.status in _STATUS_CLASS else "unverifiable"
    tip = label(lang, f"{status}_tip", n=fig.citation or "?", formula=fig.formula or "",
                expected="" if fig.expected is None else fig.expected)
    inline = f'<span class="jq-formula">{esc(fig.formula)}</span>' if status == "recomputed" and fig.formula else ""
    return (f'<span class="jq-badge jq-{_STATUS_CLASS[status]}" title="{esc(tip)}" aria-label="{esc(tip)}">'
            f"{esc(label(lang, status))}{inline}</span>")


def _marker(n: int, turn: int, known: set[int]) -> str:
    if n not in known:
        return esc(f"[{n}]")
    return (f'<a class="jq-cite" href="#src-{turn}-{n}" data-target="src-{turn}-{n}">'
            f"[{n}]</a>")


def _with_markers(text: str, turn: int, known: set[int]) -> str:
    out, last = [], 0
    for m in _MARKER.finditer(text):
        out += [esc(text[last:m.start()]), _marker(int(m.group(1)), turn, known)]
        last = m.end()
    return "".join(out) + esc(text[last:])


def answer_body(answer: Answer, turn: int, lang: str) -> str:
    """The answer text escaped, each figure followed by its badge and each [n] linked to its source."""
    known = {c.n for c in answer.citations}
    text = answer.text
    out, last = [], 0
    for start, end, fig in figure_spans(text, answer.figures):
        out.append(_with_markers(text[last:start], turn, known))
        out.append(f'<span class="jq-fig jq-{_STATUS_CLASS.get(fig.status, "unk")}">{esc(text[start:end])}'
                   f"</span>{badge(fig, lang)}")
        last = end
    out.append(_with_markers(text[last:], turn, known))
    return "".join(out)


# ---------------------------------------------------------------- sources

def _highlights(citation: Citation, figures: list[ShownFigure]) -> list[str]:
    """What to mark in a cited passage: the citation's own figures and those the answer shows from it."""
    terms = list(citation.highlight)
    for fig in figures:
        if fig.citation == citation.n and fig.status != "mismatch":
            terms += [fig.text, re.sub(r"[^\d.,\-]", "", fig.text)]
    return terms


def _where(citation: Citation, lang: str) -> str:
    parts = [f"<b>{esc(citation.document)}</b>", esc(citation.unit)]
    if citation.year:
        parts.append(esc(label(lang, "year_n", year=citation.year)))
    if citation.page:
        parts.append(esc(label(lang, "page", page=citation.page)))
    if citation.ocr is not None:
        parts.append(esc(label(lang, "scanned", score=f"{citation.ocr:.2f}")))
    return " · ".join(parts)


def _detail(citation: Citation, lang: str) -> str:
    pairs = [("table", citation.table), ("row", citation.row), ("column", citation.column)]
    if not citation.table:
        pairs = [("section", citation.section)]
    shown = [f"{esc(label(lang, key))}：{esc(value)}" for key, value in pairs if value]
    return f'<div class="jq-src-meta">{" · ".join(shown)}</div>' if shown else ""


def source_item(citation: Citation, figures: list[ShownFigure], turn: int, lang: str,
                page_url: PageUrl) -> str:
    """One cited passage: where it is, the passage with the figure marked, and the page image for PDFs."""
    image = ""
    url = page_url(citation)
    if url:
        caption = esc(label(lang, "page_image", page=citation.page))
        image = (f'<figure class="jq-page"><a href="{esc(url)}&amp;full=1" target="_blank" rel="noopener">'
                 f'<img src="{esc(url)}" loading="lazy" alt="{caption}"></a>'
                 f"<figcaption>{caption}</figcaption></figure>")
    return (f'<li class="jq-src" id="src-{turn}-{citation.n}">'
            f'<div class="jq-src-head"><span class="jq-n">[{citation.n}]</span> {_where(citation, lang)}</div>'
            f"{_detail(citation, lang)}"
            f'<blockquote class="jq-quote">{marked(citation.text, _highlights(citation, figures))}</blockquote>'
            f"{image}</li>")


def sources_panel(answer: Answer, turn: int, lang: str, page_url: PageUrl) -> str:
    """The answer's sources, open: a reader may still check an earlier answer while asking the next."""
    if not answer.citations:
        return ""
    items = "".join(source_item(c, answer.figures, turn, lang, page_url) for c in answer.citations)
    title = f"{label(lang, 'sources')}（{len(answer.citations)}）"
    return (f'<details class="jq-sources" id="sources-{turn}" open>'
            f"<summary>{esc(title)}</summary><ol>{items}</ol></details>")


# ---------------------------------------------------------------- the conversation

def _question(text: str, lang: str) -> str:
    return (f'<div class="jq-q"><span class="jq-who">{esc(label(lang, "you"))}</span>'
            f'<div class="jq-text">{esc(text)}</div></div>')


def turn_html(turn: Turn, index: int, lang: str, page_url: PageUrl) -> str:
    """A finished turn: question, answer (refusals styled apart) and its sources panel."""
    answer = turn.answer
    if answer.refused:
        body = (f'<div class="jq-a jq-refused" role="alert"><div class="jq-refused-tag">⚠ '
                f'{esc(label(lang, "refused"))}</div><div class="jq-text">{answer_body(answer, index, lang)}'
                f"</div></div>")
    else:
        body = (f'<div class="jq-a"><span class="jq-who">{esc(label(lang, "assistant"))}</span>'
                f'<div class="jq-text">{answer_body(answer, index, lang)}</div></div>')
    return (f'<div class="jq-turn" id="turn-{index}">{_question(turn.question, lang)}{body}'
            f"{sources_panel(answer, index, lang, page_url)}</div>")


def pending_html(question: str, partial: str, index: int, lang: str) -> str:
    """A turn still streaming: the text so far, plain; badges and sources come with the final answer."""
    text = esc(partial) if partial else esc(label(lang, "asking"))
    return (f'<div class="jq-turn jq-pending" id="turn-{index}">{_question(question, lang)}'
            f'<div class="jq-a"><span class="jq-who">{esc(label(lang, "assistant"))}</span>'
            f'<div class="jq-text">{text}<span class="jq-caret">▍</span></div></div></div>')


def conversation_html(turns: list[Turn], lang: str, page_url: PageUrl,
                      pending: tuple[str, str] | None = None) -> str:
    """All turns; with `pending` (question, text so far) the last one is still being streamed."""
    parts = [turn_html(t, i, lang, page_url) for i, t in enumerate(turns)]
    if pending is not None:
        parts.append(pending_html(pending[0], pending[1], len(turns), lang))
    return f'<div class="jq-conv">{"".join(parts)}</div>'


def streamed_prefixes(text: str) -> list[str]:
    """The answer cut at clause ends, for yielding it progressively without cutting a figure in two."""
    cuts = [m.end() for m in re.finditer(r"[。；，,;）)]", text)]
    return [text[:c] for c in cuts if c < len(text)] + [text]
