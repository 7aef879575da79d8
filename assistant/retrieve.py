"""Hybrid retrieval: BM25 over jieba tokens plus dense e5 search in Chroma, fused by reciprocal rank.

llama-index's stock BM25 retriever splits Chinese into nothing, so chunks and
facts are tokenized with jieba, taught the reports' own terms (科目名称 of the
功能分类 and 经济分类, 三公经费, 公务接待费 …) so that "公务接待费" stays one token.

Scores come from bm25s (Lucene's BM25 over a sparse index), which costs in
proportion to the postings of the query's tokens: rank-bm25 walked every
document in Python for every token, 0.5 s a question at ten times the bundled
corpus. Scope is applied as a mask over all scores at once, for the same reason.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import bm25s
import jieba
import numpy as np

from .corpus import Corpus, StoredChunk, StoredFact

jieba.setLogLevel(logging.WARNING)

DOMAIN_TERMS = [
    "三公经费", "“三公”经费", "公务接待费", "公务用车购置费", "公务用车运行维护费", "公务用车购置及运行维护费",
    "因公出国（境）费", "机关运行经费", "基本支出", "项目支出", "人员经费", "公用经费", "财政拨款收入",
    "一般公共预算", "政府性基金", "国有资本经营", "年初结转和结余", "年末结转和结余", "本年收入合计",
    "本年支出合计", "收支总计", "政府采购", "完成预算", "决算数", "预算数", "绩效自评",
]
STOP = set("的 了 是 多少 多少钱 什么 请问 一下 吗 呢 和 与 及 年 年度 在 为 有 中 钱 个 这 那 哪些 哪个 怎么 如何 "
           "情况 是否 共 共计 一共 总共 单位 部门 ， 。 ？ ? 、 “ ” （ ） ( ) : ： 　".split()) | {" "}
RRF_K = 60
MAX_FACT_HITS = 5000  # facts passed on to ranking; only a question with no unit, over a large corpus, has more


def teach(terms: list[str]) -> None:
    for term in DOMAIN_TERMS + terms:
        if 2 <= len(term) <= 20:
            jieba.add_word(term, freq=50_000)


def tokens(text: str) -> list[str]:
    text = re.sub(r"\d{4,}", lambda m: m.group(0), text)
    return [t for t in jieba.lcut_for_search(text) if t.strip() and t not in STOP]


@dataclass
class Hit:
    chunk: StoredChunk
    score: float

    @property
    def corroborated(self) -> bool:
        """Ranked by both BM25 and the dense search: a hit from one list scores at most 1/(RRF_K + 1)."""
        return self.score > 1 / (RRF_K + 1)


class Lexical:
    """BM25 over pre-tokenized texts, scored for a whole query at once.

    Each distinct text is tokenized once: facts of different reports often read
    alike (“30201 办公费 决算数 一般公共预算财政拨款基本支出决算表”), and jieba is most
    of the time it takes to index a large corpus at start.
    """

    def __init__(self, texts: list[str]):
        tokenized: dict[str, list[str]] = {}
        self.bm25 = bm25s.BM25(method="lucene")
        self.bm25.index([tokenized.get(t) or tokenized.setdefault(t, tokens(t)) for t in texts],
                        show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        words = [t for t in tokens(query) if t in self.bm25.vocab_dict]
        if not words:
            return np.zeros(self.bm25.scores["num_docs"], dtype=np.float32)
        return self.bm25.get_scores(words)


def in_scope(scores: np.ndarray, owner: np.ndarray, wanted: np.ndarray, limit: int) -> np.ndarray:
    """Indexes of the best-scoring items whose owner document is wanted, best first."""
    hits = np.flatnonzero((scores > 0) & wanted[owner])
    if len(hits) > limit:
        hits = np.sort(hits[np.argpartition(-scores[hits], limit)[:limit]])
    return hits[np.argsort(-scores[hits], kind="stable")]


class Retriever:
    def __init__(self, corpus: Corpus, embedder):
        self.corpus = corpus
        self.embedder = embedder
        self.refresh()

    def refresh(self) -> None:
        """Index the corpus's current snapshot; the indexes and the lists they rank are swapped together."""
        facts, chunks = self.corpus.facts, self.corpus.chunks
        teach(sorted({re.sub(r"^\d+\s*", "", f.label) for f in facts if f.table}))
        doc_index = {d: i for i, d in enumerate(self.corpus.documents)}
        self.__dict__.update(
            _facts=facts, _chunks=chunks, _doc_index=doc_index,
            _fact_doc=np.array([doc_index[f.doc.doc_id] for f in facts], dtype=np.int32),
            _chunk_doc=np.array([doc_index[c.doc.doc_id] for c in chunks], dtype=np.int32),
            chunk_bm25=Lexical([c.text for c in chunks]) if chunks else None,
            fact_bm25=Lexical([f.text for f in facts]) if facts else None)

    def _wanted(self, doc_ids: set[str]) -> np.ndarray:
        wanted = np.zeros(len(self._doc_index), dtype=bool)
        wanted[[self._doc_index[d] for d in doc_ids if d in self._doc_index]] = True
        return wanted

    def facts(self, query: str, doc_ids: set[str]) -> list[tuple[StoredFact, float]]:
        """Facts in scope ranked by how well their label, measure and table match the query."""
        if self.fact_bm25 is None:
            return []
        scores = self.fact_bm25.scores(query)
        hits = in_scope(scores, self._fact_doc, self._wanted(doc_ids), MAX_FACT_HITS)
        return [(self._facts[i], float(scores[i])) for i in hits]

    def chunks(self, query: str, doc_ids: set[str], k: int = 8) -> list[Hit]:
        """Top chunks by reciprocal rank fusion of BM25 and dense rankings, within scope."""
        if self.chunk_bm25 is None or not doc_ids:
            return []
        chunks = self._chunks
        lexical = in_scope(self.chunk_bm25.scores(query), self._chunk_doc, self._wanted(doc_ids), 50)
        fused: dict[str, float] = {}
        by_id: dict[str, StoredChunk] = {}
        for rank, i in enumerate(lexical):
            c = chunks[i]
            fused[c.chunk_id] = fused.get(c.chunk_id, 0) + 1 / (RRF_K + rank + 1)
            by_id[c.chunk_id] = c
        vector = self.embedder.query(query)
        for rank, (c, _) in enumerate(self.corpus.dense(vector, 50, doc_ids)):
            fused[c.chunk_id] = fused.get(c.chunk_id, 0) + 1 / (RRF_K + rank + 1)
            by_id[c.chunk_id] = c
        best = sorted(fused, key=lambda cid: -fused[cid])[:k]
        return [Hit(by_id[cid], fused[cid]) for cid in best]
