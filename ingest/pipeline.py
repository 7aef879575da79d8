"""Ingest files into the store: read → structure → facts and chunks → embed → write.

Each file is handled on its own: one that cannot be read is reported with its
reason and the others still land.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .embed import Embedder
from .errors import ReadError
from .store import Store
from .worker import Reader

# Part of every file's fingerprint: bump it when reading changes what a file yields, so that
# stores built by an older reader count as stale and are re-ingested.
READER_VERSION = b"juesuan-reader-12\0"


@dataclass
class Summary:
    documents: int = 0
    pages: int = 0
    tables: int = 0
    rows: int = 0
    facts: int = 0
    chunks: int = 0
    seconds: float = 0.0
    unchanged: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    store: dict[str, int] = field(default_factory=dict)
    results: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"documents": self.documents, "pages": self.pages, "tables": self.tables,
                "rows": self.rows, "facts": self.facts, "chunks": self.chunks,
                "seconds": round(self.seconds, 2), "failed": self.failed, "unchanged": self.unchanged,
                "store": self.store, "files": self.results}


def walk(paths: Iterable[Path]) -> list[Path]:
    """Files named, and files below directories named, in a stable order; hidden files skipped."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file()
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            files.append(path)
    return files


def ingest(paths: Iterable[Path], store: Store, embedder: Embedder,
           on_file: Callable[[Path, dict], None] | None = None) -> Summary:
    started = time.perf_counter()
    summary = Summary()
    reader = Reader()
    try:
        for path in walk(paths):
            result = ingest_file(path, store, embedder, reader)
            _tally(summary, path, result)
            if on_file:
                on_file(path, result)
    finally:
        reader.close()
    summary.seconds = time.perf_counter() - started
    summary.store = store.totals()
    return summary


def _tally(summary: Summary, path: Path, result: dict) -> None:
    summary.results.append(result)
    if "reason" in result:
        summary.failed.append({"file": str(path), "reason": result["reason"]})
        return
    summary.documents += 1
    summary.unchanged += result["status"] == "unchanged"
    for key in ("pages", "tables", "rows", "facts", "chunks"):
        setattr(summary, key, getattr(summary, key) + result[key])


def ingest_file(path: Path, store: Store, embedder: Embedder, reader: Reader | None = None) -> dict:
    """Ingest one file; the result says what was found, or why the file was refused.

    The file is read in `reader`'s child process (a one-off reader when none is
    given), so a hostile file can cost a time limit, never the process.
    """
    result: dict = {"file": str(path), "name": path.name}
    if not path.exists():
        return result | {"reason": "no such file"}
    try:
        data_sha = hashlib.sha256(READER_VERSION + path.read_bytes()).hexdigest()
    except OSError as exc:
        return result | {"reason": f"cannot read the file ({exc.strerror})"}
    key = str(path.resolve())
    current = store.current(key)
    if current and current[1] == data_sha:
        stored = store.counts_of(current[0])
        return result | {"status": "unchanged", **_counts(stored)}
    try:
        if reader is None:
            with Reader() as own:
                parsed = own.parse(path, path.name)
        else:
            parsed = reader.parse(path, path.name)
    except ReadError as exc:
        return result | {"reason": str(exc)}
    report, facts, chunks = parsed.report, parsed.facts, parsed.chunks
    if not chunks:
        return result | {"reason": "no text or table rows were found"}
    vectors = _vectors([c.text for c in chunks], store, embedder)
    stored = store.put(key, data_sha, report, facts, chunks, vectors)
    status = "replaced" if current else "added"
    return result | {"status": status, "unit": report.meta.unit, "year": report.meta.year,
                     "kind": report.meta.kind, **_counts(stored)}


def _vectors(texts: list[str], store: Store, embedder: Embedder) -> np.ndarray:
    known = store.known_vectors(texts)
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    fresh = dict(zip(missing, embedder.passages(missing))) if missing else {}
    return np.array([known[t] if t in known else fresh[t] for t in texts], dtype=np.float32)


def _counts(stored) -> dict:
    return {"pages": stored.pages, "tables": stored.tables, "rows": stored.rows,
            "facts": stored.facts, "chunks": stored.chunks}
