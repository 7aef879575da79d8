"""Running the assistant over the evaluation sets, loading models once."""
from __future__ import annotations

import json
from pathlib import Path

from assistant.ask import Assistant
from assistant.claims import check_claim

from .metrics import audit_metrics, claim_metrics, qa_metrics

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
THRESHOLDS = HERE / "thresholds.json"
AUDIT_DIRS = [ROOT / "data" / "reports", ROOT.parent / "shared" / "corpus" / "audit"]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_qa(assistant: Assistant, items: list[dict]) -> list[dict]:
    return [assistant.ask(item["question"]).as_json() for item in items]


def run_claims(assistant: Assistant, items: list[dict]) -> list[dict]:
    return [check_claim(item["claim"], assistant.corpus).as_json() for item in items]


def run_audit(expected: list[dict]) -> dict[str, list[dict]]:
    """Audit every document the expected findings name, found under the corpus or the audit folder."""
    from assistant.audit import audit_path

    found: dict[str, list[dict]] = {}
    for name in sorted({e["document"] for e in expected}):
        path = next((p for d in AUDIT_DIRS if d.exists() for p in d.rglob(name)), None)
        if path is not None:
            found[name] = [f.as_json() for f in audit_path(path)]
    return found


def evaluate(assistant: Assistant, qa: list[dict], claims: list[dict], audit: list[dict]) -> dict:
    answers = run_qa(assistant, qa)
    results = {"qa": qa_metrics(qa, answers), "answers": [i | {"answer": a} for i, a in zip(qa, answers)]}
    if claims:
        verdicts = run_claims(assistant, claims)
        results["claims"] = claim_metrics(claims, verdicts)
        results["claim_results"] = [i | {"result": r} for i, r in zip(claims, verdicts)]
    if audit:
        found = run_audit(audit)
        # a document not beside this checkout (../shared/corpus/audit) is not scored, and is named as such
        held = [e for e in audit if e["document"] in found]
        if held:
            results["audit"] = audit_metrics(held, found)
            results["audit"]["documents_not_found"] = sorted({e["document"] for e in audit} - set(found))
    return results


def below_floor(results: dict) -> list[str]:
    """Metrics under the floors in thresholds.json, as 'name value < floor' lines."""
    floors = json.loads(THRESHOLDS.read_text(encoding="utf-8"))["floors"]
    failures = []
    for name, floor in floors.items():
        section, metric = name.split(".", 1)
        block = results.get(section, {})
        value = block.get("overall", block).get(metric)
        if value is None:
            continue
        worse = value > floor if metric in ("unverified_shown", "false_alarm_rate") else value < floor
        if worse:
            failures.append(f"{name} {value} (floor {floor})")
    return failures
