"""Auditing real reports against evals/audit.jsonl: every listed finding reported, nothing else beyond rounding.

The audit copy (ten injected errors plus one inherited from the original) lives in the shared corpus beside the
clone; the four originals are bundled. A finding matches an expected one by kind, page and one shared figure.
"""
from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from assistant.audit import Finding, audit_path

from .corpus import FINAL, ROOT

AUDIT_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "audit"
EXPECTED = [json.loads(line) for line in (ROOT / "evals" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
AUDIT_COPY = "MODIFIED_上海市普陀区财政局2024年度部门决算_测试问题版本.pdf"
ORIGINALS = sorted(p.name for p in FINAL.iterdir())
needs_audit_copy = pytest.mark.skipif(not (AUDIT_DIR / AUDIT_COPY).exists(),
                                      reason=f"the audit copy is not at {AUDIT_DIR} (shared/ sits beside the clone)")


def path_of(document: str) -> Path:
    return AUDIT_DIR / document if document == AUDIT_COPY else FINAL / document


@cache
def audited(document: str, rounding: bool = False) -> tuple[Finding, ...]:
    return tuple(audit_path(path_of(document), rounding=rounding))


def figure(text: str) -> tuple[Decimal, bool]:
    return Decimal(text.replace(",", "").rstrip("%")), text.endswith("%")


def expected_kind(row: dict) -> str:
    """The eval files the missing 支出决算表 under “unreadable” (subkind missing_table); the audit calls it missing_table."""
    return "missing_table" if row.get("subkind") == "missing_table" else row["kind"]


def matches(finding: Finding, row: dict) -> bool:
    if finding.kind != expected_kind(row):
        return False
    if row["page"] is not None and row["page"] not in finding.pages:
        return False
    wanted = {figure(f) for f in row["figures"]}
    return not wanted or bool(wanted & {figure(f) for f in finding.figures})


def rows_of(documents: list[str]) -> list[dict]:
    return [r for r in EXPECTED if r["document"] in documents]


def describe(findings) -> str:
    return "\n".join(f"{f.kind} p{f.pages} {f.figures}: {f.description}" for f in findings)


@needs_audit_copy
@pytest.mark.parametrize("row", rows_of([AUDIT_COPY]), ids=lambda r: f"{r['id']}-{r.get('subkind', r['kind'])}")
def test_audit_copy_reports_each_injected_error(row):
    findings = audited(AUDIT_COPY)
    assert any(matches(f, row) for f in findings), f"{row['description']}\n— reported:\n{describe(findings)}"


@pytest.mark.parametrize("row", rows_of(ORIGINALS), ids=lambda r: f"{r['id']}-{r.get('subkind', r['kind'])}")
def test_originals_report_their_real_inconsistencies(row):
    findings = audited(row["document"])
    assert any(matches(f, row) for f in findings), f"{row['description']}\n— reported:\n{describe(findings)}"


@pytest.mark.parametrize("document", [pytest.param(AUDIT_COPY, marks=needs_audit_copy)] + ORIGINALS)
def test_nothing_beyond_rounding_is_reported_that_is_not_listed(document):
    expected = rows_of([document])
    extra = [f for f in audited(document) if not any(matches(f, r) for r in expected)]
    assert not extra, describe(extra)
    assert all(not f.within_rounding for f in audited(document))


def test_rounding_differences_are_reported_only_on_request_and_only_as_rounding():
    """规划: the 类 236.63 in the prose against 236.64 in the table is a 0.01 rounding difference, not an error."""
    document = "上海市普陀区规划和自然资源局2024年度部门决算.pdf"
    pair = {figure("236.63"), figure("236.64")}
    rounded = [f for f in audited(document, rounding=True) if pair <= {figure(x) for x in f.figures}]
    assert rounded and all(f.within_rounding and f.kind == "prose_vs_table" for f in rounded)
    assert not any(pair <= {figure(x) for x in f.figures} for f in audited(document))
    assert all(f.difference and Decimal(f.difference) != 0 for f in audited(document, rounding=True)
               if f.within_rounding), "an exact agreement is not a finding"


def test_findings_serialise_for_a_person_to_read():
    findings = audited("上海市普陀区财政局2024年度部门决算.pdf")
    for finding in findings:
        data = json.loads(json.dumps(finding.as_json(), ensure_ascii=False))
        assert set(data) == {"kind", "pages", "figures", "difference", "within_rounding", "description"}
        assert all(f"第{p}页" in finding.description for p in finding.pages[-1:]), finding.description
