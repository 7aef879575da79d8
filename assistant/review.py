"""Review a draft before it is shown; what survives is the `Answer`.

Three checks, each withdrawing the sentence that fails it:
1. every figure is traced to a cited source (verify.py), or is a computed figure
   (derive.py) whose declared operation, recomputed from its cited operands, gives it;
2. a figure no cited source supports is withdrawn as unverifiable, one a source
   contradicts as a mismatch, with the value the source gives;
3. the facts a sentence gives as the answer are about the item asked (compose.about: a
   table cell by its row, column and table; a quoted sentence by its words): a right
   number about another item is not an answer.
"""
from __future__ import annotations

from decimal import Decimal

from ingest.ocr import OCR_FLOOR

from .answer import Answer, ShownFigure
from .compose import Draft, about, subject
from .derive import Derived, recompute
from .names import longest_first, short_names
from .verify import (MISMATCH, RECOMPUTED, SOURCED, UNVERIFIABLE, Check, Figure, Source, check_figure, find_figures,
                     formulas_over, half_unit, to_base)


def reviewed(question: str, draft: Draft) -> Answer:
    """The answer: the draft's sentences that pass every check, and a note for each that did not."""
    names = longest_first(a for c in draft.citations for a in short_names(c.unit))
    formulas = formulas_over(draft.sources)
    kept, withdrawn, shown, notes = [], [], [], []
    for i, sentence in enumerate(draft.sentences):
        checks = [_check(f, draft, formulas) for f in find_figures(_without(sentence, names))]
        bad = [c for c in checks if c.status in (MISMATCH, UNVERIFIABLE)]
        off = _not_about(draft, i)
        if bad or off:
            withdrawn.append(sentence)
        else:
            kept.append(sentence)
        for c in bad or checks:
            citation = c.source.citation if c.source else (c.operands[0].citation if c.operands else None)
            shown.append(ShownFigure(c.figure.text, c.figure.value, c.figure.unit, c.status, citation,
                                     c.formula, c.expected))
        if off and not bad:
            notes.append(f"（已撤回：引用的数字是关于“{subject(off)}”的，不是所问的“{'、'.join(draft.answers[i][1])}”。）")
    text = "".join(kept)
    for f in shown:
        if f.status == MISMATCH:
            text += f"（已撤回含错误数字“{f.text}”的句子；来源[{f.citation}]给出的是{f.expected}。）"
        elif f.status == UNVERIFIABLE:
            text += f"（已撤回含无法核实的数字“{f.text}”的句子。）"
    text += "".join(notes) + _scanned_note(draft, shown)
    refused = draft.refused or not kept
    refusal = draft.refusal
    if not kept and not draft.refused:
        refusal = "not_about" if notes else "unverified"
        text = ("无法给出经核实的回答：找到的数字不是关于所问项目的，已撤回。" if notes else
                "无法给出经核实的回答：草稿中的数字没有引用来源支持，已撤回。") + text
    return Answer(question=question, text=text, refused=refused, citations=draft.citations,
                  figures=shown, withdrawn=withdrawn, refusal=refusal if refused else "")


def _scanned_note(draft: Draft, shown: list[ShownFigure]) -> str:
    """Say which shown figures were read from a scan by OCR, and which of them the recogniser was unsure of."""
    cited = {f.citation for f in shown if f.status in (SOURCED, RECOMPUTED)}
    scanned = [c for c in draft.citations if c.n in cited and c.ocr is not None]
    if not scanned:
        return ""
    refs = "".join(f"[{c.n}]" for c in scanned)
    unsure = [c for c in scanned if c.ocr < OCR_FLOOR]
    doubt = (f"其中{''.join(f'[{c.n}]' for c in unsure)}识别置信度低（{min(c.ocr for c in unsure):.2f}），"
             "请对照原件核对。" if unsure else "请以原件为准。")
    return f"（{refs}据扫描件识别：{doubt}）"


def _check(figure: Figure, draft: Draft, formulas) -> Check:
    """A figure a source states is sourced; one the draft computed is checked by its declared operation
    (not by whichever formula over the sources happens to give it); any other by the formula search."""
    stated = check_figure(figure, draft.sources, formulas=[])  # the sources alone, no formula search yet
    if stated.status == SOURCED:
        return stated
    for d in draft.derived:
        if _shows(figure, d) and recompute(d.op, d.operands) == d.value:
            return Check(figure, RECOMPUTED, expected=d.value.quantize(Decimal("0.01")), formula=d.formula_in_units,
                         operands=[Source(f.value, f.uom, f.label, f.measure, citation=draft.number(f))
                                   for f in d.operands])
    return check_figure(figure, draft.sources, formulas)


def _shows(figure: Figure, d: Derived) -> bool:
    """The figure is the derived value as displayed (to its printed precision, in its unit)."""
    if (figure.unit == "%") != (d.unit == "%"):
        return False
    value = d.value if d.unit == "%" else to_base(d.value, d.unit)
    shown = figure.value if figure.unit == "%" else to_base(figure.value, figure.unit)
    return abs(abs(value) - abs(shown)) <= half_unit(figure)


def _not_about(draft: Draft, i: int):
    """The first fact sentence `i` gives as the answer that is about another item, if any."""
    facts, items = draft.answers.get(i, ((), ()))
    return next((f for f in facts if not about(f, list(items), clause=False)), None)


def _without(sentence: str, names: list[str]) -> str:
    """The sentence without unit names, so that a figure's label names only its item (“三公经费”)."""
    for name in names:
        sentence = sentence.replace(name, "")
    return sentence
