"""python -m evals [--qa FILE.jsonl ...] [--claims FILE.jsonl ...] [--audit FILE.jsonl] [--store DIR]
[--corpus DIR ...] [--json OUT] [--html OUT] [--no-baseline]

Runs the assistant over the evaluation sets, prints a table, writes JSON and an
HTML report, and exits 1 when a metric falls below its floor in thresholds.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .run import HERE, ROOT, below_floor, evaluate, read_jsonl


def main(argv: list[str] | None = None) -> int:
    for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("ANONYMIZED_TELEMETRY", "False")):
        os.environ.setdefault(key, value)
    parser = argparse.ArgumentParser(prog="python -m evals")
    parser.add_argument("--qa", type=Path, nargs="*", default=[HERE / "qa.jsonl"])
    parser.add_argument("--claims", type=Path, nargs="*", default=[HERE / "claims.jsonl"])
    parser.add_argument("--audit", type=Path, default=HERE / "audit.jsonl")
    parser.add_argument("--store", type=Path, default=Path(os.environ.get("JUESUAN_STORE", ROOT / "store")))
    parser.add_argument("--json", type=Path, help="write all results here")
    parser.add_argument("--html", type=Path, default=ROOT / "test-output" / "evals" / "report.html")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive llama-index baseline")
    parser.add_argument("--corpus", type=Path, nargs="*", default=[ROOT / "data" / "reports"],
                        help="the reports the naive baseline reads (the store's own, for a fair comparison)")
    args = parser.parse_args(argv)

    from assistant.ask import Assistant

    assistant = Assistant(args.store)
    qa = [item for path in args.qa for item in read_jsonl(path)]
    claims = [item for path in args.claims for item in read_jsonl(path)]
    audit = read_jsonl(args.audit) if args.audit and args.audit.exists() else []
    results = evaluate(assistant, qa, claims, audit)
    naive = None
    if not args.no_baseline:
        from .baseline import NaiveRetriever, baseline_score

        naive = NaiveRetriever(args.corpus, assistant.embedder)
        results["baseline"] = baseline_score(qa, naive)
    from .passages import passage_metrics

    results["passages"] = passage_metrics(qa, assistant, naive)

    from .report import html_report, table

    print(table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    args.html.parent.mkdir(parents=True, exist_ok=True)
    args.html.write_text(html_report(results), encoding="utf-8")
    failures = below_floor(results)
    for line in failures:
        print(f"BELOW FLOOR: {line}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
