"""The assistant's read-only view of the store: documents, facts, chunks, and the vector index.

Facts and chunk texts are small (tens of MB for thousands of reports), so they
are held in memory for exact lookups and BM25; vectors stay in Chroma. Only
documents whose row is in SQLite are visible: Chroma entries of a version that
is still being written are filtered out, so a query never sees half a report.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from ingest.store import chroma_client, collection

from .names import longest_first, short_names


@dataclass(frozen=True)
class Document:
    doc_id: str
    name: str
    unit: str
    year: int | None
    kind: str
    scope: str
    region: str
    pages: int
    tables: frozenset[str] = frozenset()
    untitled_tables: bool = False  # some table printed without a title the reader could find


@dataclass(frozen=True)
class StoredFact:
    id: int
    doc: Document
    label: str
    path: tuple[str, ...]
    measure: str
    value: Decimal | None
    uom: str
    page: int | None
    source: str
    table: str
    column: str
    section: str
    year: int | None
    span: tuple[int, int] | None
    unreadable: bool
    ocr: float | None = None          # OCR confidence when the figure was read from a scan
    box: tuple[float, ...] | None = None  # a scanned cell's place on its page, in points

    @property
    def text(self) -> str:
        """What the fact is about, for matching a question against it."""
        parts = [*self.path, self.label, self.measure, self.table, self.section]
        if not self.table:
            parts.append(self.source)  # prose labels are guesses; the sentence itself is what matches
        return " ".join(dict.fromkeys(parts))


@dataclass(frozen=True)
class StoredChunk:
    chunk_id: str
    doc: Document
    text: str
    kind: str
    page: int | None
    section: str
    table: str
    row: str


class Corpus:
    def __init__(self, store_dir: Path):
        self.dir = Path(store_dir)
        if not (self.dir / "facts.sqlite").exists():
            raise FileNotFoundError(f"no store at {self.dir}: run `python -m ingest data/reports --store {self.dir}`")
        self.db = sqlite3.connect(f"file:{self.dir / 'facts.sqlite'}?mode=ro", uri=True,
                                  check_same_thread=False)
        self.reload()

    def reload(self) -> None:
        """Re-read the ledger (after staff add or remove a report) as one consistent snapshot.

        The reads run in one read transaction, so a report being written meanwhile
        is seen whole or not at all, and the new state replaces the old in one step,
        so a question being answered never mixes them.
        """
        db = self.db
        db.execute("BEGIN")
        try:
            rows = db.execute("SELECT doc_id, name, unit, year, kind, scope, region, pages FROM documents").fetchall()
            titles: dict[str, set[str]] = {}
            for table in ("facts", "chunks"):
                for doc_id, title in db.execute(f"SELECT DISTINCT doc_id, table_title FROM {table} WHERE table_title != ''"):
                    titles.setdefault(doc_id, set()).add(title)
            untitled = {d for (d,) in db.execute("SELECT DISTINCT doc_id FROM chunks WHERE kind = 'table' AND table_title = ''")}
            documents = {r[0]: Document(*r, tables=frozenset(titles.get(r[0], ())), untitled_tables=r[0] in untitled)
                         for r in rows}
            have = {row[1] for row in db.execute("PRAGMA table_info(facts)")}
            scanned = "ocr, box" if "ocr" in have else "NULL, NULL"  # a store made before OCR existed
            facts = [StoredFact(r[0], documents[r[1]], r[2], tuple(json.loads(r[3])), r[4],
                                None if r[5] is None else Decimal(r[5]), r[6], r[7], r[8], r[9], r[10],
                                r[11], r[12], (r[13], r[14]) if r[13] is not None else None, bool(r[15]),
                                r[16], tuple(json.loads(r[17])) if r[17] else None)
                     for r in db.execute(
                         "SELECT id, doc_id, label, path, measure, value, uom, page, source, table_title, column_name,"
                         f" section, year, span_start, span_end, unreadable, {scanned} FROM facts ORDER BY id")
                     if r[1] in documents]
            chunks = [StoredChunk(r[0], documents[r[1]], *r[2:])
                      for r in db.execute("SELECT chunk_id, doc_id, text, kind, page, section, table_title, row_label"
                                          " FROM chunks ORDER BY doc_id, seq")
                      if r[1] in documents]
        finally:
            db.execute("COMMIT")
        by_source: dict[tuple[str, str], list[StoredFact]] = {}
        by_doc: dict[str, list[StoredFact]] = {d: [] for d in documents}
        for f in facts:
            by_source.setdefault((f.doc.doc_id, f.source), []).append(f)
            by_doc[f.doc.doc_id].append(f)
        chunks_by_doc: dict[str, list[StoredChunk]] = {d: [] for d in documents}
        for c in chunks:
            chunks_by_doc[c.doc.doc_id].append(c)
        joined = longest_first(name for f in facts for name in [re.sub(r"^\d{3,}\s*", "", f.label)]
                               if re.search(r"和|与|及", name) and 4 <= len(name) <= 20)
        chunk_index = {c.chunk_id: c for c in chunks}
        self.__dict__.update(documents=documents, facts=facts, facts_by_source=by_source, facts_by_doc=by_doc,
                             joined_labels=joined, chunks=chunks, chunks_by_doc=chunks_by_doc,
                             chunk_index=chunk_index, printed_names=_printed_names(documents, chunks_by_doc))
        self.__dict__.pop("_plain_text", None)  # made again from the new snapshot when next searched

    @cached_property
    def chroma(self):
        return collection(chroma_client(self.dir))

    def units(self) -> list[str]:
        return sorted({d.unit for d in self.documents.values()})

    def mentioning(self, name: str, limit: int = 3) -> list[Document]:
        """The reports whose text names `name` (a body inside a unit, 某某指挥中心), if only a few do:
        a name every report prints (a finance bureau they all report to) is no report's subject."""
        found = [self.documents[d] for d, text in self._plain_text.items() if name in text]
        return found if len(found) <= limit else []

    @cached_property
    def _plain_text(self) -> dict[str, str]:
        """Each report's text without whitespace (pdf text spaces names apart), made once, when first searched."""
        return {d: re.sub(r"\s+", "", "\n".join(c.text for c in chunks)) for d, chunks in self.chunks_by_doc.items()}

    def holdings(self) -> dict[str, list[tuple[int | None, str]]]:
        """unit → [(year, kind)] the corpus holds, for refusals and the chat's header line."""
        out: dict[str, set[tuple[int | None, str]]] = {}
        for d in self.documents.values():
            out.setdefault(d.unit, set()).add((d.year, d.kind))
        return {u: sorted(v, key=lambda x: (x[0] or 0, x[1])) for u, v in sorted(out.items())}

    def dense(self, vector, n: int, doc_ids: set[str] | None) -> list[tuple[StoredChunk, float]]:
        where = {"doc_id": {"$in": sorted(doc_ids)}} if doc_ids else None
        if doc_ids is not None and not doc_ids:
            return []
        res = self.chroma.query(query_embeddings=[list(map(float, vector))], n_results=n, where=where,
                                include=["distances"])
        out = []
        for cid, dist in zip(res["ids"][0], res["distances"][0]):
            chunk = self.chunk_index.get(cid)
            if chunk is not None:  # entries of uncommitted versions are not in the ledger
                out.append((chunk, 1.0 - dist))
        return out


# “北京市政务服务和数据管理局（以下简称：市政务和数据局）”: the short name a report gives itself
_ABBREVIATED = re.compile(r"（以下简称[:：]?\s*[“\"「]?([\u4e00-\u9fff]{2,12})[”\"」]?）")


def _printed_names(documents: dict[str, Document], chunks: dict[str, list[StoredChunk]]
                   ) -> dict[str, list[str]]:
    """unit → the other names its reports are published under (江苏省人大常委会2019年度部门预算 for
    江苏省人大办公厅): the name before the year in a file's name, where it is not the unit's own, and the
    short name the report declares for itself (以下简称…) after its own name, made of the name's characters."""
    out: dict[str, set[str]] = {}
    for d in documents.values():
        printed = re.match(r"([\u4e00-\u9fff（）()]{3,20}?)(?:20\d{2})", d.name.rsplit("__", 1)[-1])
        if printed and printed.group(1) not in short_names(d.unit):
            out.setdefault(d.unit, set()).update(short_names(printed.group(1)))
        for chunk in chunks.get(d.doc_id, [])[:12]:
            for m in _ABBREVIATED.finditer(chunk.text):
                before = chunk.text[:m.start()]
                if any(before.endswith(name) for name in short_names(d.unit)) and _within(m.group(1), d.unit):
                    out.setdefault(d.unit, set()).add(m.group(1))
    return {u: longest_first(n) for u, n in out.items()}


def _within(short: str, name: str) -> bool:
    """`short` is made of `name`'s characters in their order (市政务和数据局 in 北京市政务服务和数据管理局)."""
    rest = iter(name)
    return len(short) >= 3 and all(ch in rest for ch in short)

