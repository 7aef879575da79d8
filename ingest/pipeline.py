"""Ingest files into the store: read → structure → facts and chunks → embed → write.

Each file is handled on its own: one that cannot be read is reported with its
reason and the others still land. The reader's child process reads the next
file while this process embeds the current one: reading is single-threaded
Python and embedding leaves part of the second core idle, so overlapping them
is most of what a two-core machine has to give.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .chunks import embedding_text
from .embed import Embedder
from .errors import ReadError
from .report import Chunk
from .store import Store
from .worker import Parsed, Reader

# Part of every file's fingerprint: bump it when reading changes what a file yields, so that
# stores built by an older reader count as stale and are re-ingested.
READER_VERSION = b"juesuan-reader-33\0"


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


@dataclass
class Job:
    """A file that needs reading: what `check` found out about it before the read."""

    path: Path
    result: dict
    key: str
    sha: str
    replaces: bool


def ingest(paths: Iterable[Path], store: Store, embedder: Embedder,
           on_file: Callable[[Path, dict], None] | None = None,
           on_page: Callable[[int, int], None] | None = None) -> Summary:
    """Ingest every file; `on_file` hears of each file's result, `on_page` of each page read by OCR."""
    started = time.perf_counter()
    summary = Summary()
    reader = Reader(on_page=on_page)

    def done(path: Path, result: dict) -> None:
        _tally(summary, path, result)
        if on_file:
            on_file(path, result)

    def to_read() -> Iterator[Job]:
        for path in walk(paths):
            job = check(path, store)
            if isinstance(job, dict):
                done(path, job)
            else:
                yield job

    try:
        jobs = to_read()
        reading = next(jobs, None)
        if reading is not None:
            reader.submit(reading.path, reading.path.name)
        while reading is not None:
            parsed = _collect(reader)
            following = next(jobs, None)
            if following is not None:  # read the next file while this one is embedded
                reader.submit(following.path, following.path.name)
            done(reading.path, land(reading, parsed, store, embedder))
            reading = following
    finally:
        reader.close()
    summary.seconds = time.perf_counter() - started
    summary.store = store.totals()
    return summary


def _collect(reader: Reader) -> Parsed | ReadError:
    try:
        return reader.collect()
    except ReadError as exc:
        return exc


def _tally(summary: Summary, path: Path, result: dict) -> None:
    summary.results.append(result)
    if "reason" in result:
        summary.failed.append({"file": str(path), "reason": result["reason"]})
        return
    summary.documents += 1
    summary.unchanged += result["status"] == "unchanged"
    for key in ("pages", "tables", "rows", "facts", "chunks"):
        setattr(summary, key, getattr(summary, key) + result[key])


def ingest_file(path: Path, store: Store, embedder: Embedder) -> dict:
    """Ingest one file; the result says what was found, or why the file was refused.

    The file is read in a child process, so a hostile file can cost a time
    limit, never the process.
    """
    job = check(path, store)
    if isinstance(job, dict):
        return job
    with Reader() as reader:
        reader.submit(path, path.name)
        parsed = _collect(reader)
    return land(job, parsed, store, embedder)


def check(path: Path, store: Store) -> Job | dict:
    """What must be done with a file: a final result (missing, unreadable, unchanged), or a Job to read it."""
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
    return Job(path, result, key, data_sha, replaces=current is not None)


def land(job: Job, parsed: Parsed | ReadError, store: Store, embedder: Embedder) -> dict:
    """Embed a read file's chunks and write it to the store; the result says what landed or why not."""
    if isinstance(parsed, ReadError):
        return job.result | {"reason": str(parsed)}
    report, facts, chunks = parsed.report, parsed.facts, parsed.chunks
    if not chunks:
        return job.result | {"reason": "no text or table rows were found"}
    vectors, _ = chunk_vectors(chunks, store, embedder)
    stored = store.put(job.key, job.sha, report, facts, chunks, vectors)
    return job.result | {"status": "replaced" if job.replaces else "added", "unit": report.meta.unit,
                         "year": report.meta.year, "kind": report.meta.kind, **_counts(stored)}


def chunk_vectors(chunks: list[Chunk], store: Store, embedder: Embedder) -> tuple[np.ndarray, list[str]]:
    """A vector per chunk, and the texts the model had to embed for them.

    Vectors already stored for the same chunk text are reused: a reader change
    re-ingests every file, but most chunks come out the same.
    """
    texts = [c.text for c in chunks]
    known = store.known_vectors(texts)
    missing = {c.text: embedding_text(c) for c in chunks if c.text not in known}
    fresh = dict(zip(missing, embedder.passages(list(missing.values())))) if missing else {}
    vectors = np.array([known[t] if t in known else fresh[t] for t in texts], dtype=np.float32)
    return vectors, list(missing.values())


def _counts(stored) -> dict:
    return {"pages": stored.pages, "tables": stored.tables, "rows": stored.rows,
            "facts": stored.facts, "chunks": stored.chunks}
