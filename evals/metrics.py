"""Scoring answers, claims and audits against the hand-written sets. Pure functions.

A figure counts as present when some figure in the answer equals it within half
a unit of the expected figure's printed precision, after converting 元/万元/亿元.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from assistant.verify import find_figures, to_base, dimension

KINDS = ["lookup", "table", "compute", "compare", "reason", "refuse", "premise", "colloquial", "english", "describe", "yesno"]


def figure_present(expected: dict, text: str) -> bool:
    value = Decimal(str(expected["value"]).replace(",", ""))
    unit = expected.get("unit", "")
    places = -value.as_tuple().exponent if value.as_tuple().exponent < 0 else 0
    tolerance = to_base(Decimal(1).scaleb(-places) / 2, unit)
    for figure in find_figures(text):
        if dimension(figure.unit) == dimension(unit) and \
                abs(to_base(abs(figure.value), figure.unit) - to_base(value, unit)) <= tolerance:
            return True
    return False


def answer_correct(item: dict, answer: dict) -> bool:
    if item.get("refuse"):
        return answer["refused"]
    if answer["refused"]:
        return False
    text = answer["answer"]
    said = _plain(text)
    right = (all(figure_present(f, text) for f in item.get("figures", []))
             and all(_plain(k) in said for k in item.get("keywords", [])))
    if item.get("kind") in PASSAGE_KINDS and item.get("sources"):
        right = right and bool(retrieval_ranks(item, answer))  # a quoted passage is right on the right page
    return right


# Kinds answered by quoting the report: the quotation must also cite the page it is on
PASSAGE_KINDS = ("describe", "yesno")


def _plain(text: str) -> str:
    """Text as compared for keywords: NFKC (（境） is (境)) and no whitespace (pdf text spaces figures apart)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def retrieval_ranks(item: dict, answer: dict) -> int | None:
    """1-based rank of the first citation that is an expected source (document, and page when given)."""
    wanted = item.get("sources") or []
    if not wanted:
        return None
    for rank, c in enumerate(answer["citations"], start=1):
        for s in wanted:
            if c["document"] == s["document"] and (s.get("page") is None or c["page"] == s["page"]):
                return rank
    return 0


def citation_precision(answer: dict) -> tuple[int, int]:
    """(cited passages that contain a figure cited to them, cited passages cited for a figure)."""
    by_n = {c["n"]: c["text"] for c in answer["citations"]}
    cited: dict[int, bool] = {}
    for f in answer["figures"]:
        n = f.get("citation")
        if n is None or f["status"] != "sourced" or n not in by_n:
            continue
        found = any(abs(g.value - Decimal(f["value"])) < Decimal("0.005") for g in find_figures(by_n[n])) \
            or f["value"] in by_n[n].replace(",", "")
        cited[n] = cited.get(n, False) or found
    return sum(cited.values()), len(cited)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def qa_metrics(items: list[dict], answers: list[dict]) -> dict:
    def block(pairs: list[tuple[dict, dict]]) -> dict:
        answerable = [(i, a) for i, a in pairs if not i.get("refuse")]
        unanswerable = [(i, a) for i, a in pairs if i.get("refuse")]
        refused = [(i, a) for i, a in pairs if a["refused"]]
        ranks = [r for r in (retrieval_ranks(i, a) for i, a in answerable) if r is not None]
        shown = [f for _, a in pairs if not a["refused"] for f in a["figures"] if f["status"] != "mismatch"]
        good = [f for f in shown if f["status"] in ("sourced", "recomputed")]
        hits, cited = map(sum, zip(*[citation_precision(a) for _, a in pairs])) if pairs else (0, 0)
        return {
            "n": len(pairs),
            "accuracy": _ratio(sum(answer_correct(i, a) for i, a in answerable), len(answerable)),
            "refusal_precision": _ratio(sum(i.get("refuse", False) for i, _ in refused), len(refused)),
            "refusal_recall": _ratio(sum(a["refused"] for _, a in unanswerable), len(unanswerable)),
            "hit@1": _ratio(sum(r == 1 for r in ranks), len(ranks)),
            "hit@5": _ratio(sum(1 <= r <= 5 for r in ranks), len(ranks)),
            "mrr": _ratio(sum(1 / r for r in ranks if r), len(ranks)),
            "citation_precision": _ratio(hits, cited),
            "verified_share": _ratio(len(good), len(shown)),
            "unverified_shown": len(shown) - len(good),
        }

    pairs = list(zip(items, answers))
    out = {"overall": block(pairs)}
    for kind in KINDS:
        chosen = [(i, a) for i, a in pairs if i.get("kind") == kind]
        if chosen:
            out[kind] = block(chosen)
    latencies = [a["timings_ms"]["total"] for a in answers]
    out["overall"]["latency_p50_ms"] = round(percentile(latencies, 0.5), 1)
    out["overall"]["latency_p95_ms"] = round(percentile(latencies, 0.95), 1)
    return out


def claim_metrics(items: list[dict], results: list[dict]) -> dict:
    right = sum(i["ok"] == r["ok"] for i, r in zip(items, results))
    true_claims = [(i, r) for i, r in zip(items, results) if i["ok"]]
    false_alarms = sum(not r["ok"] for _, r in true_claims)
    return {"n": len(items), "accuracy": _ratio(right, len(items)),
            "false_alarm_rate": _ratio(false_alarms, len(true_claims))}


def audit_metrics(expected: list[dict], found: dict[str, list[dict]]) -> dict:
    """A finding matches an expected one in the same document on the same page sharing a figure."""
    matched_expected = 0
    matched_found: set[tuple[str, int]] = set()
    for e in expected:
        for k, f in enumerate(found.get(e["document"], [])):
            if f["within_rounding"]:
                continue
            same_page = not e.get("page") or e["page"] in f["pages"] or not f["pages"]
            shared = {_norm(x) for x in e.get("figures", [])} & {_norm(x) for x in f["figures"]}
            if same_page and (shared or not e.get("figures")):
                matched_expected += 1
                matched_found.add((e["document"], k))
                break
    reported = sum(1 for fs in found.values() for f in fs if not f["within_rounding"])
    return {"expected": len(expected), "reported": reported,
            "recall": _ratio(matched_expected, len(expected)),
            "precision": _ratio(len(matched_found), reported)}


def _norm(x: str) -> str:
    try:
        return str(Decimal(str(x).replace(",", "").rstrip("%")).normalize())
    except ArithmeticError:
        return str(x)


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None
