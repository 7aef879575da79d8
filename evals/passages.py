"""Passage retrieval measured on its own: is the passage that answers a descriptive question retrieved?

For each answerable describe / yes-no question with a source page, the project's
`PassageRetriever` (hybrid BM25 + e5, scoped by the question's plan, section-aware)
and the naive llama-index pipeline (baseline.py: SentenceSplitter, the same e5,
top-k by cosine, unscoped) are scored side by side:

- page hit@1 / hit@3: a top-1 / top-3 chunk is on the expected document and page
  (the naive chunks span pages and have no page, so only ours is scored this way);
- keywords@1 / keywords@3: the expected keywords all occur in the top-1 / top-3 text,
  whitespace ignored — the measure both systems can be held to.
"""
from __future__ import annotations

import re

from assistant.passages import PassageRetriever
from assistant.plan import understand

KINDS = ("describe", "yesno")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _keywords_in(keywords: list[str], texts: list[str]) -> bool:
    joined = _squash("".join(texts))
    return bool(keywords) and all(_squash(k) in joined for k in keywords)


def _on_page(sources: list[dict], document: str, page: int | None) -> bool:
    return any(s["document"] == document and (s.get("page") is None or s["page"] == page) for s in sources)


def passage_metrics(items: list[dict], assistant, naive=None, k: int = 3) -> dict:
    asked = [i for i in items if i.get("kind") in KINDS and not i.get("refuse") and i.get("sources")]
    ours = {"page_hit@1": 0, "page_hit@3": 0, "keywords@1": 0, "keywords@3": 0}
    theirs = {"keywords@1": 0, "keywords@3": 0}
    for item in asked:
        plan = understand(item["question"], assistant.corpus)
        clause = plan.clauses[0] if plan.clauses else None
        doc_ids = {d.doc_id for d in plan.scope.docs} or set(assistant.corpus.documents)
        intents = clause.intents if clause else frozenset()
        nodes = PassageRetriever(assistant.retriever, doc_ids, intents).retrieve(clause.text if clause else "")
        chunks = [assistant.corpus.chunk_index[n.node.node_id] for n in nodes[:k]]
        pages = [_on_page(item["sources"], c.doc.name, c.page) for c in chunks]
        ours["page_hit@1"] += bool(pages[:1] and pages[0])
        ours["page_hit@3"] += any(pages)
        ours["keywords@1"] += _keywords_in(item["keywords"], [c.text for c in chunks[:1]])
        ours["keywords@3"] += _keywords_in(item["keywords"], [c.text for c in chunks])
        if naive is not None:
            texts = naive.retrieve(item["question"])
            theirs["keywords@1"] += _keywords_in(item["keywords"], texts[:1])
            theirs["keywords@3"] += _keywords_in(item["keywords"], texts[:k])
    n = len(asked)
    out = {"n": n, "ours": {key: round(v / n, 4) if n else None for key, v in ours.items()}}
    if naive is not None:
        out["naive"] = {key: round(v / n, 4) if n else None for key, v in theirs.items()}
    return out
