"""Hybrid retrieval: BM25 over jieba tokens plus dense e5 search in Chroma, fused by reciprocal rank.

llama-index's stock BM25 retriever splits Chinese into nothing, so chunks and
facts are tokenized with jieba, taught the reports' own terms (科目名称 of the
功能分类 and 经济分类, 三公经费, 公务接待费 …) so that "公务接待费" stays one token.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import jieba
from rank_bm25 import BM25Okapi

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


class Retriever:
    def __init__(self, corpus: Corpus, embedder):
        self.corpus = corpus
        self.embedder = embedder
        self.refresh()

    def refresh(self) -> None:
        """Index the corpus's current snapshot; the indexes and the lists they rank are swapped together."""
        facts, chunks = self.corpus.facts, self.corpus.chunks
        teach(sorted({re.sub(r"^\d+\s*", "", f.label) for f in facts if f.table}))
        chunk_bm25 = BM25Okapi([tokens(c.text) for c in chunks]) if chunks else None
        fact_bm25 = BM25Okapi([tokens(f.text) for f in facts]) if facts else None
        self.__dict__.update(_facts=facts, _chunks=chunks, chunk_bm25=chunk_bm25, fact_bm25=fact_bm25)

    def facts(self, query: str, doc_ids: set[str]) -> list[tuple[StoredFact, float]]:
        """Facts in scope ranked by how well their label, measure and table match the query."""
        if self.fact_bm25 is None:
            return []
        scores = self.fact_bm25.get_scores(tokens(query))
        ranked = [(f, float(s)) for f, s in zip(self._facts, scores) if s > 0 and f.doc.doc_id in doc_ids]
        return sorted(ranked, key=lambda x: -x[1])

    def chunks(self, query: str, doc_ids: set[str], k: int = 8) -> list[Hit]:
        """Top chunks by reciprocal rank fusion of BM25 and dense rankings, within scope."""
        if self.chunk_bm25 is None or not doc_ids:
            return []
        scores = self.chunk_bm25.get_scores(tokens(query))
        chunks = self._chunks
        lexical = sorted((i for i, c in enumerate(chunks) if c.doc.doc_id in doc_ids and scores[i] > 0),
                         key=lambda i: -scores[i])[:50]
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
