"""python -m assistant ask|verify|audit …

  ask "问题" [--unit U] [--year Y] [--kind K] [--store DIR] [--json]
                                               one question, scoped like the web chat's filters;
                                               --questions FILE.jsonl answers a file (its lines may carry
                                               "unit", "year" and "kind" too)
  verify "陈述" [--store DIR] [--json]        every figure of a statement checked; --claims FILE.jsonl
  audit PATH [--json]                          a report's internal consistency
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

DEFAULT_STORE = Path(__file__).resolve().parent.parent / "store"


def _records(path: Path, field: str) -> list[dict]:
    """Records of a JSONL file; a line that is not a JSON object is taken as the `field` itself."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                items.append(json.loads(line))
                continue
            except json.JSONDecodeError:
                pass
        if line:
            items.append({field: line})
    return items


def _context(corpus, unit: str, year: int | str | None, kind: str):
    """The scope the filters give, as the web chat's filters do; a unit is found by any of its names."""
    from .scope import Scope, find_scope

    if not (unit or year or kind):
        return None
    units = find_scope(unit, corpus).units if unit else []
    return Scope(units=units, years=[int(year)] if year else [], kind=kind or "")


def _print_answer(out: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    print(out["answer"])
    for f in out["figures"]:
        extra = f" = {f['formula']}" if f["formula"] else ""
        print(f"  {f['text']}: {f['status']}{extra}")
    for c in out["citations"]:
        where = f"第{c['page']}页" if c["page"] else c["section"]
        print(f"  [{c['n']}] {c['document']} {where} {c['table']} {c['row']}：{c['text'][:120]}")


def _print_claim(out: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    print(("OK    " if out["ok"] else "WRONG ") + out["claim"])
    for f in out["figures"]:
        expected = f" (sources give {f['expected']})" if f["status"] == "mismatch" else ""
        how = f" = {f['formula']}" if f["formula"] else (f" ← {f['source']}" if f["source"] else "")
        print(f"  {f['text']}: {f['status']}{expected}{how}")


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `… | head` ends the output quietly, not with a traceback
    for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("ANONYMIZED_TELEMETRY", "False")):
        os.environ.setdefault(key, value)
    parser = argparse.ArgumentParser(prog="python -m assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    store = Path(os.environ.get("JUESUAN_STORE", DEFAULT_STORE))
    ask = sub.add_parser("ask", help="answer a question from the reports")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--questions", type=Path, help="JSONL with a 'question' field per line, or one plain question per line")
    ask.add_argument("--unit", default="", help="scope to this unit (its full or a short name)")
    ask.add_argument("--year", type=int, help="scope to this year")
    ask.add_argument("--kind", default="", choices=["", "决算", "预算"], help="scope to final accounts or budgets")
    verify = sub.add_parser("verify", help="check every figure of a statement")
    verify.add_argument("claim", nargs="?")
    verify.add_argument("--claims", type=Path, help="JSONL with a 'claim' field per line")
    for p in (ask, verify):
        p.add_argument("--store", type=Path, default=store)
        p.add_argument("--json", action="store_true")
    audit = sub.add_parser("audit", help="check a report's internal consistency")
    audit.add_argument("path", type=Path)
    audit.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    if args.command == "audit":
        from .audit import audit_path

        findings = audit_path(args.path)
        for f in findings:
            print(json.dumps(f.as_json(), ensure_ascii=False) if args.json else
                  f"[{f.kind}] p.{','.join(map(str, f.pages)) or '-'} {f.description}"
                  + ("（在舍入误差内）" if f.within_rounding else ""))
        return 1 if any(not f.within_rounding for f in findings) else 0

    if (args.command == "ask" and not (args.question or args.questions)) or (
            args.command == "verify" and not (args.claim or args.claims)):
        parser.error("give a text or a file")
    if args.command == "ask":
        from .ask import Assistant
        from .llm import LLM

        assistant = Assistant(args.store, llm=LLM.from_env())
        items = _records(args.questions, "question") if args.questions else [{"question": args.question}]
        for item in items:
            context = _context(assistant.corpus, item.get("unit", args.unit), item.get("year", args.year),
                               item.get("kind", args.kind))
            unit = item.get("unit", args.unit)
            # a unit the corpus does not hold is asked about by name, so that the refusal says so
            unheld = unit if unit and not context.units else ""
            answer = assistant.ask(unheld + item["question"], context)
            out = {k: v for k, v in item.items() if k != "question"} | answer.as_json()
            _print_answer(out, args.json or bool(args.questions))
        return 0
    from .claims import check_claim
    from .corpus import Corpus

    corpus = Corpus(args.store)
    items = _records(args.claims, "claim") if args.claims else [{"claim": args.claim}]
    all_ok = True
    for item in items:
        result = check_claim(item["claim"], corpus)
        all_ok &= result.ok
        _print_claim({"id": item.get("id")} | {k: v for k, v in item.items() if k not in ("claim", "ok")}
                     | result.as_json(), args.json or bool(args.claims))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
