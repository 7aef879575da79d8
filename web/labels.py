"""Every piece of interface text, in Chinese first and English second.

Kept in one table so that the English toggle can swap all labels at once and
no string is left half-translated.
"""
from __future__ import annotations

LANGS = {"中文": "zh", "English": "en"}

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "决算问答 · 每个数字都有出处",
        "intro": "就政府决算、预算报告提问。答案中的每个数字都标明核实状态，并链接到报告原文。",
        "question": "你的问题",
        "placeholder": "例如：四川省农民工服务中心2022年三公经费是多少？",
        "send": "提问",
        "clear": "新对话",
        "examples": "示例问题",
        "unit": "单位",
        "year": "年度",
        "kind": "报告类型",
        "all_units": "全部单位",
        "all_years": "全部年度",
        "all_kinds": "全部类型",
        "filters": "筛选（限定对话范围）",
        "asking": "正在查找……",
        "you": "问",
        "assistant": "答",
        "refused": "无法回答",
        "sources": "来源",
        "page": "第{page}页",
        "year_n": "{year}年",
        "table": "表",
        "row": "行",
        "column": "列",
        "section": "章节",
        "page_image": "报告第{page}页（红框为所引数字）",
        "scanned": "据扫描件识别（置信度{score}）",
        "sourced": "✓已核实",
        "recomputed": "∑重新计算",
        "mismatch": "✗已撤回",
        "unverifiable": "?未核实",
        "sourced_tip": "与引用来源[{n}]中的数字一致",
        "recomputed_tip": "由引用来源中的数字重新计算：{formula} = {expected}",
        "mismatch_tip": "与来源不符，已撤回；来源给出的是 {expected}",
        "unverifiable_tip": "没有来源能核实这个数字",
        "corpus": "语料：{units} 个单位 × {years} 个年度（{span}）× {kinds} 类报告（{kind_names}），共 {docs} 份",
        "corpus_empty": "语料为空：请先导入报告。",
        "scope": "当前对话范围：{scope}",
        "scope_none": "当前对话范围：全部报告",
        "language": "界面语言",
    },
    "en": {
        "title": "Final-accounts Q&A · every figure traced to its source",
        "intro": "Ask about government final accounts (决算) and budgets (预算). Every figure shows whether it "
                 "was verified and links to the report's own words.",
        "question": "Your question",
        "placeholder": "e.g. 四川省农民工服务中心2022年三公经费是多少？",
        "send": "Ask",
        "clear": "New conversation",
        "examples": "Example questions",
        "unit": "Unit",
        "year": "Year",
        "kind": "Kind of report",
        "all_units": "All units",
        "all_years": "All years",
        "all_kinds": "All kinds",
        "filters": "Filters (scope the conversation)",
        "asking": "Looking it up…",
        "you": "Q",
        "assistant": "A",
        "refused": "Cannot answer",
        "sources": "Sources",
        "page": "page {page}",
        "year_n": "{year}",
        "table": "table",
        "row": "row",
        "column": "column",
        "section": "section",
        "page_image": "Page {page} of the report (the red box marks the cited figure)",
        "scanned": "read from a scan by OCR (confidence {score})",
        "sourced": "✓ verified",
        "recomputed": "∑ recomputed",
        "mismatch": "✗ withdrawn",
        "unverifiable": "? unverified",
        "sourced_tip": "Matches the figure in source [{n}]",
        "recomputed_tip": "Recomputed from cited figures: {formula} = {expected}",
        "mismatch_tip": "Contradicted by the source and withdrawn; the source says {expected}",
        "unverifiable_tip": "No source could verify this figure",
        "corpus": "Corpus: {units} units × {years} years ({span}) × {kinds} kinds ({kind_names}), {docs} reports",
        "corpus_empty": "The corpus is empty: ingest some reports first.",
        "scope": "Conversation scope: {scope}",
        "scope_none": "Conversation scope: all reports",
        "language": "Language",
    },
}


def label(lang: str, key: str, **fields: object) -> str:
    """The label in the chosen language, falling back to Chinese for a missing key."""
    text = LABELS.get(lang, LABELS["zh"]).get(key) or LABELS["zh"][key]
    return text.format(**fields) if fields else text
