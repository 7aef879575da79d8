"""The naive pipeline the project is measured against: llama-index defaults over the same reports.

Default PDF text (pdfplumber's page text), llama-index's SentenceSplitter with its
default settings, the same e5 model, top-k chunks by cosine. It is scored on
whether the figures a right answer needs are in the retrieved context at all —
before any model could read them.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pdfplumber
from llama_index.core import Document
from llama_index.core.node_parser import SentenceSplitter

from ingest.pipeline import walk
from ingest.text import decode

from .metrics import figure_present


def load_documents(roots: Path | list[Path]) -> list[Document]:
    docs = []
    for path in walk(roots if isinstance(roots, list) else [roots]):
        try:
            if path.suffix.lower() == ".pdf":
                with pdfplumber.open(path) as pdf:
                    text = "\n".join(page.extract_text() or "" for page in pdf.pages)
            else:
                text = decode(path.read_bytes())
        except Exception:  # the naive pipeline skips what it cannot read, as a default reader does
            continue
        if text.strip():
            docs.append(Document(text=text, metadata={"file_name": path.name}))
    return docs


class NaiveRetriever:
    def __init__(self, roots: Path | list[Path], embedder, top_k: int = 3):
        self.embedder = embedder
        self.top_k = top_k
        nodes = SentenceSplitter().get_nodes_from_documents(load_documents(roots))
        self.texts = [n.get_content() for n in nodes]
        self.vectors = embedder.passages(self.texts)

    def retrieve(self, question: str) -> list[str]:
        scores = self.vectors @ self.embedder.query(question)
        return [self.texts[i] for i in np.argsort(-scores)[: self.top_k]]


def baseline_score(items: list[dict], retriever: NaiveRetriever) -> dict:
    """Share of answerable questions whose expected figures all appear in the top-k chunks."""
    answerable = [i for i in items if not i.get("refuse") and i.get("figures")]
    hits = 0
    per_kind: dict[str, list[int]] = {}
    for item in answerable:
        context = "\n".join(retriever.retrieve(item["question"]))
        ok = all(figure_present(f, context) for f in item["figures"])
        hits += ok
        per_kind.setdefault(item["kind"], []).append(ok)
    return {"n": len(answerable), "figures_in_context": round(hits / len(answerable), 4) if answerable else None,
            "per_kind": {k: round(sum(v) / len(v), 4) for k, v in per_kind.items()},
            "chunks": len(retriever.texts), "top_k": retriever.top_k}
