"""The evaluation as a person reads it: a console table, and an HTML page with a chart per kind."""
from __future__ import annotations

import base64
import html
import io
import json

from .metrics import KINDS

COLUMNS = [("n", "n"), ("accuracy", "accuracy"), ("refusal_recall", "refusal R"),
           ("refusal_precision", "refusal P"), ("hit@1", "hit@1"), ("hit@5", "hit@5"), ("mrr", "MRR"),
           ("citation_precision", "cite P"), ("verified_share", "verified"), ("unverified_shown", "unverified")]


def _cell(value) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def table(results: dict) -> str:
    qa = results["qa"]
    base = results.get("baseline", {}).get("per_kind", {})
    header = ["kind"] + [label for _, label in COLUMNS] + ["naive"]
    rows = []
    for kind in ["overall"] + KINDS:
        if kind in qa:
            naive = results.get("baseline", {}).get("figures_in_context") if kind == "overall" else base.get(kind)
            rows.append([kind] + [_cell(qa[kind].get(key)) for key, _ in COLUMNS] + [_cell(naive)])
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in [header] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    extra = []
    o = qa["overall"]
    extra.append(f"latency p50 {o['latency_p50_ms']} ms, p95 {o['latency_p95_ms']} ms (models loaded)")
    if "claims" in results:
        c = results["claims"]
        extra.append(f"claims: accuracy {_cell(c['accuracy'])}, false alarms {_cell(c['false_alarm_rate'])} (n={c['n']})")
    if "audit" in results:
        a = results["audit"]
        extra.append(f"audit: recall {_cell(a['recall'])}, precision {_cell(a['precision'])} "
                     f"({a['expected']} expected, {a['reported']} reported)")
    if "baseline" in results:
        b = results["baseline"]
        extra.append(f"naive llama-index baseline (SentenceSplitter, same e5, top-{b['top_k']}): all expected "
                     f"figures in context for {_cell(b['figures_in_context'])} of {b['n']} questions")
    if "passages" in results and results["passages"]["n"]:
        p = results["passages"]
        ours, naive = p["ours"], p.get("naive", {})
        extra.append(f"passages (describe, yes/no; n={p['n']}): ours page hit@1 {_cell(ours['page_hit@1'])}, "
                     f"hit@3 {_cell(ours['page_hit@3'])}; keywords in top-1/top-3 ours {_cell(ours['keywords@1'])}/"
                     f"{_cell(ours['keywords@3'])}, naive {_cell(naive.get('keywords@1'))}/{_cell(naive.get('keywords@3'))}")
    return "\n".join(lines + [""] + extra)


def html_report(results: dict) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    qa = results["qa"]
    kinds = [k for k in KINDS if k in qa]
    ours = [qa[k]["accuracy"] if qa[k]["accuracy"] is not None else qa[k]["refusal_recall"] or 0 for k in kinds]
    naive = [results.get("baseline", {}).get("per_kind", {}).get(k) or 0 for k in kinds]
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=110)
    x = range(len(kinds))
    ax.bar([i - 0.2 for i in x], ours, width=0.4, label="juesuan-qa answer accuracy")
    ax.bar([i + 0.2 for i in x], naive, width=0.4, label="naive: figures in top-k context")
    ax.set_xticks(list(x), kinds, rotation=20)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    chart = base64.b64encode(buf.getvalue()).decode()
    summary = {k: v for k, v in results.items() if k in ("qa", "claims", "audit", "baseline", "passages")}
    return ("<!doctype html><meta charset=utf-8><title>juesuan-qa evaluation</title>"
            f"<h1>juesuan-qa evaluation</h1><img alt='accuracy per kind' src='data:image/png;base64,{chart}'>"
            f"<pre>{html.escape(table(results))}</pre>"
            f"<details><summary>metrics JSON</summary><pre>{html.escape(json.dumps(summary, ensure_ascii=False, indent=1))}</pre></details>")
