"""The two stores a report lands in, kept in step: Chroma for chunks, SQLite for facts.

SQLite is the ledger. A document is in the corpus exactly when its row is in
`documents`; readers ignore Chroma entries of any other document. Writing a
file goes: journal the new version in `pending` → add its chunks to Chroma →
one SQLite transaction swaps facts, chunks and the documents row and journals
the retired version → delete the retired chunks from Chroma → clear the
journal. A process killed anywhere leaves either the old or the new version
visible, and `recover()` (run whenever the store is opened for writing)
removes whatever Chroma entries the journal says were left behind.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .chunks import EMBEDDING_RECIPE
from .report import Chunk, Fact, Report

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, path TEXT UNIQUE NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL,
    unit TEXT, year INTEGER, kind TEXT, scope TEXT, region TEXT, title TEXT,
    pages INTEGER, tables INTEGER, rows INTEGER, facts INTEGER, chunks INTEGER, ingested_at REAL
);
CREATE TABLE IF NOT EXISTS pending (doc_id TEXT PRIMARY KEY, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, label TEXT, path TEXT, measure TEXT, value TEXT,
    uom TEXT, page INTEGER, source TEXT, table_title TEXT, column_name TEXT, section TEXT,
    year INTEGER, span_start INTEGER, span_end INTEGER, unreadable INTEGER, ocr REAL, box TEXT
);
CREATE INDEX IF NOT EXISTS facts_doc ON facts(doc_id);
CREATE INDEX IF NOT EXISTS facts_value ON facts(value);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, seq INTEGER, text TEXT, kind TEXT,
    page INTEGER, section TEXT, table_title TEXT, row_label TEXT
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE INDEX IF NOT EXISTS chunks_text ON chunks(text);
"""

# columns added to `facts` after stores were first made: (name, type)
ADDED_COLUMNS = (("ocr", "REAL"), ("box", "TEXT"))
COLLECTION = "chunks"
CHROMA_BATCH = 500


def chroma_client(store_dir: Path):
    """A Chroma server when CHROMA_HOST is set, else an embedded store under the store folder."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    host = os.environ.get("CHROMA_HOST")
    if host:
        return chromadb.HttpClient(host=host, port=int(os.environ.get("CHROMA_PORT", "8000")),
                                   settings=settings)
    return chromadb.PersistentClient(path=str(store_dir / "chroma"), settings=settings)


def collection(client):
    # embedding_function=None: Chroma's default would download a model; we pass vectors ourselves.
    return client.get_or_create_collection(COLLECTION, embedding_function=None,
                                           metadata={"hnsw:space": "cosine"})


def connect(store_dir: Path) -> sqlite3.Connection:
    store_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(store_dir / "facts.sqlite", timeout=30, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    have = {row[1] for row in db.execute("PRAGMA table_info(facts)")}
    for column, kind in ADDED_COLUMNS:  # a store made before the column existed gets it, empty
        if column not in have:
            db.execute(f"ALTER TABLE facts ADD COLUMN {column} {kind}")
    return db


def doc_id_for(key: str, sha256: str) -> str:
    return hashlib.sha256(f"{key}\0{sha256}".encode()).hexdigest()[:20]


@dataclass
class Stored:
    doc_id: str
    pages: int
    tables: int
    rows: int
    facts: int
    chunks: int


class Store:
    """Writes reports into both stores; see the module docstring for the order of writes."""

    def __init__(self, store_dir: Path):
        self.dir = store_dir
        self.db = connect(store_dir)
        self.chroma = collection(chroma_client(store_dir))
        self.recover()

    def recover(self) -> None:
        """Remove Chroma entries of versions a killed run left half-written or half-retired."""
        for (doc_id,) in self.db.execute("SELECT doc_id FROM pending").fetchall():
            self.chroma.delete(where={"doc_id": doc_id})
            live = self.db.execute("SELECT 1 FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
            if live is None:
                self.db.execute("DELETE FROM pending WHERE doc_id=?", (doc_id,))
            else:  # cannot happen by the write order, but never delete a live document's chunks silently
                raise RuntimeError(f"journal names live document {doc_id}")

    def current(self, key: str) -> tuple[str, str] | None:
        """(doc_id, sha256) of the version of `key` in the store, if any."""
        return self.db.execute("SELECT doc_id, sha256 FROM documents WHERE path=?", (key,)).fetchone()

    def known_vectors(self, texts: list[str]) -> dict[str, list[float]]:
        """Vectors already in the store for identical chunk texts, so re-ingesting skips the model.

        A reader change re-ingests every file, but most chunks come out the same;
        embedding is the costly stage, so their vectors are reused — when they
        were made from the same text by the same recipe.
        """
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(texts))
        for start in range(0, len(unique), 500):
            batch = unique[start:start + 500]
            marks = ",".join("?" * len(batch))
            for chunk_id, text in self.db.execute(
                    f"SELECT chunk_id, text FROM chunks WHERE text IN ({marks})", batch):
                found.setdefault(text, chunk_id)
        if not found:
            return {}
        got = self.chroma.get(ids=list(found.values()), include=["embeddings", "metadatas"])
        by_id = {cid: vector for cid, vector, meta in zip(got["ids"], got["embeddings"], got["metadatas"])
                 if (meta or {}).get("recipe") == EMBEDDING_RECIPE}
        return {text: list(by_id[cid]) for text, cid in found.items() if cid in by_id}

    def counts_of(self, doc_id: str) -> Stored:
        row = self.db.execute("SELECT pages, tables, rows, facts, chunks FROM documents WHERE doc_id=?",
                              (doc_id,)).fetchone()
        return Stored(doc_id, *row)

    def put(self, key: str, sha256: str, report: Report, facts: list[Fact], chunks: list[Chunk],
            vectors: np.ndarray) -> Stored:
        doc_id = doc_id_for(key, sha256)
        meta = report.meta
        self.db.execute("INSERT OR REPLACE INTO pending VALUES (?, 'writing')", (doc_id,))
        ids = [f"{doc_id}:{i}" for i in range(len(chunks))]
        metadatas = [{"doc_id": doc_id, "unit": meta.unit, "year": meta.year or 0, "kind": meta.kind,
                      "page": c.page or 0, "kind_of_chunk": c.kind, "table": c.table,
                      "recipe": EMBEDDING_RECIPE} for c in chunks]
        for start in range(0, len(chunks), CHROMA_BATCH):
            end = start + CHROMA_BATCH
            self.chroma.upsert(ids=ids[start:end], embeddings=vectors[start:end].tolist(),
                               documents=[c.text for c in chunks[start:end]], metadatas=metadatas[start:end])
        old = self.current(key)
        rows = sum(len(t.rows) for t in report.tables)
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            if old:
                for table in ("facts", "chunks", "documents"):
                    db.execute(f"DELETE FROM {table} WHERE doc_id=?", (old[0],))
                db.execute("INSERT OR REPLACE INTO pending VALUES (?, 'retired')", (old[0],))
            db.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (doc_id, key, report.path, sha256, meta.unit, meta.year, meta.kind, meta.scope,
                        meta.region, meta.title, report.pages, len(report.tables), rows, len(facts),
                        len(chunks), time.time()))
            db.executemany(
                "INSERT INTO facts (doc_id, label, path, measure, value, uom, page, source, table_title,"
                " column_name, section, year, span_start, span_end, unreadable, ocr, box)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(doc_id, f.label, json.dumps(f.path, ensure_ascii=False), f.measure,
                  None if f.value is None else str(f.value), f.uom, f.page, f.source, f.table, f.column,
                  f.section, f.year, f.span[0] if f.span else None, f.span[1] if f.span else None,
                  int(f.unreadable), f.ocr, json.dumps(f.box) if f.box else None) for f in facts])
            db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?)",
                           [(i, doc_id, n, c.text, c.kind, c.page, c.section, c.table, c.row)
                            for n, (i, c) in enumerate(zip(ids, chunks))])
            db.execute("DELETE FROM pending WHERE doc_id=?", (doc_id,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        if old:
            self.chroma.delete(where={"doc_id": old[0]})
            db.execute("DELETE FROM pending WHERE doc_id=?", (old[0],))
        return Stored(doc_id, report.pages, len(report.tables), rows, len(facts), len(chunks))

    def remove(self, key: str) -> bool:
        """Take a document out of the corpus (staff removal); the same journal keeps it whole."""
        old = self.current(key)
        if not old:
            return False
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        for table in ("facts", "chunks", "documents"):
            db.execute(f"DELETE FROM {table} WHERE doc_id=?", (old[0],))
        db.execute("INSERT OR REPLACE INTO pending VALUES (?, 'retired')", (old[0],))
        db.execute("COMMIT")
        self.recover()
        return True

    def totals(self) -> dict[str, int]:
        docs, chunks, facts = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(chunks),0), COALESCE(SUM(facts),0) FROM documents").fetchone()
        return {"documents": docs, "chunks": chunks, "facts": facts}

    def close(self) -> None:
        self.db.close()
