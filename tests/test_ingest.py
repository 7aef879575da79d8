"""Ingestion into the stores: idempotent, whole-or-nothing, and clear about bad input."""
from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pipeline import ingest
from ingest.store import Store, chroma_client, collection

from .corpus import GHZY, ROOT, SICHUAN


def consistent(store_dir: Path) -> dict[str, int]:
    """Check both stores agree document by document; return chunk counts per document."""
    store = Store(store_dir)  # opening for writing runs recovery, as every ingest run does
    try:
        db = store.db
        assert db.execute("SELECT COUNT(*) FROM pending").fetchone()[0] == 0
        per_doc = dict(db.execute("SELECT doc_id, chunks FROM documents").fetchall())
        for doc_id, n in per_doc.items():
            assert db.execute("SELECT COUNT(*) FROM chunks WHERE doc_id=?", (doc_id,)).fetchone()[0] == n
        ids = store.chroma.get(include=[])["ids"]
        in_chroma: dict[str, int] = {}
        for i in ids:
            in_chroma[i.split(":")[0]] = in_chroma.get(i.split(":")[0], 0) + 1
        assert in_chroma == per_doc
        return per_doc
    finally:
        store.close()


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ingest", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, **kwargs)


def test_reingest_is_a_no_op_and_a_change_replaces(tmp_path, embedder):
    doc = tmp_path / SICHUAN.name
    shutil.copy(SICHUAN, doc)
    store = Store(tmp_path / "store")
    first = ingest([doc], store, embedder)
    assert first.documents == 1 and first.unchanged == 0 and first.chunks > 20
    again = ingest([doc], store, embedder)
    assert again.unchanged == 1 and again.store == first.store and again.chunks == first.chunks
    doc.write_text(doc.read_text(encoding="utf-8") + "\n十一、补充说明\n\n2022年补充支出 12.34 万元。\n",
                   encoding="utf-8")
    changed = ingest([doc], store, embedder)
    assert changed.results[0]["status"] == "replaced"
    assert changed.store["documents"] == 1 and changed.store["facts"] == first.store["facts"] + 1
    values = [v for (v,) in store.db.execute("SELECT value FROM facts WHERE label LIKE '%补充支出%'")]
    assert values == ["12.34"]
    store.close()
    assert list(consistent(tmp_path / "store").values()) == [changed.store["chunks"]]


class Counting:
    """The real embedder, counting the passages it is asked to embed."""

    def __init__(self, embedder):
        self.embedder, self.embedded = embedder, []

    def passages(self, texts):
        self.embedded += texts
        return self.embedder.passages(texts)


def test_vectors_reused_across_reader_versions_only_when_made_the_same_way(tmp_path, embedder, monkeypatch):
    from ingest import pipeline, store as store_module
    from ingest.chunks import embedding_text

    store, counting = Store(tmp_path / "store"), Counting(embedder)
    first = ingest([SICHUAN], store, counting)
    assert first.documents == 1 and len(counting.embedded) == first.chunks
    got = store.chroma.get(include=["embeddings", "documents"])
    table = next(i for i, text in enumerate(got["documents"]) if "总额｜184.00｜184.00｜130.34" in text)
    gist = embedding_text(next(c for c in ingest_chunks(SICHUAN) if c.text == got["documents"][table]))
    assert "130.34" not in gist and "总额｜受疫情影响" in gist  # the row and its words stay, its figures go
    assert float(embedder.passages([gist])[0] @ got["embeddings"][table]) > 0.999

    counting.embedded.clear()
    monkeypatch.setattr(pipeline, "READER_VERSION", b"a newer reader\0")
    again = ingest([SICHUAN], store, counting)
    assert again.results[0]["status"] == "replaced" and counting.embedded == []  # same texts: vectors reused

    monkeypatch.setattr(store_module, "EMBEDDING_RECIPE", "another way of embedding")
    monkeypatch.setattr(pipeline, "READER_VERSION", b"a newer reader still\0")
    ingest([SICHUAN], store, counting)
    assert len(counting.embedded) == first.chunks  # vectors made another way are never reused
    store.close()


def ingest_chunks(path: Path):
    from ingest.chunks import report_chunks
    from ingest.read import read_report

    return report_chunks(read_report(path, path.name))


def test_cli_json_summary_and_bad_inputs(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(SICHUAN, corpus / SICHUAN.name)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "notes.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (corpus / "truncated.pdf").write_bytes(GHZY.read_bytes()[:20000])
    (corpus / "random.pdf").write_bytes(b"%PDF-1.7\n" + random.Random(1).randbytes(5000))
    (corpus / "fake.pdf").write_bytes(b"this is not a pdf at all")
    _encrypted_pdf(corpus / "encrypted.pdf")
    _scanned_pdf(corpus / "scanned.pdf")
    with open(corpus / "huge.txt", "wb") as f:
        f.truncate(60 * 1024 * 1024)
    gbk = corpus / "gbk-copy.txt"
    gbk.write_bytes(SICHUAN.read_text(encoding="utf-8").replace("四川省农民工服务中心", "四川省测试中心")
                    .encode("gb18030"))

    done = run_cli(str(corpus), "--store", str(tmp_path / "store"), "--json")
    assert done.returncode == 1, done.stderr  # some files failed
    out = json.loads(done.stdout)
    reasons = {Path(f["file"]).name: f["reason"] for f in out["failed"]}
    assert "empty" in reasons["empty.txt"]
    assert "unsupported file type '.png'" in reasons["notes.png"]
    assert "corrupt" in reasons["truncated.pdf"] or "no text layer" in reasons["truncated.pdf"]
    assert "corrupt" in reasons["random.pdf"]
    assert "not a PDF" in reasons["fake.pdf"]
    assert "encrypted" in reasons["encrypted.pdf"]
    assert "OCR" in reasons["scanned.pdf"]
    assert "over the limit" in reasons["huge.txt"]
    assert out["documents"] == 2 and out["store"]["documents"] == 2  # the good files landed
    assert {k for k in out} >= {"documents", "pages", "tables", "rows", "facts", "chunks", "seconds",
                                "failed", "unchanged", "store"}
    for name in reasons:  # each failure is one line on stderr naming the file
        assert sum(name in line for line in done.stderr.splitlines() if line.startswith("FAILED")) == 1

    again = run_cli(str(corpus / SICHUAN.name), str(gbk), "--store", str(tmp_path / "store"), "--json")
    assert again.returncode == 0
    out2 = json.loads(again.stdout)
    assert out2["unchanged"] == 2 and out2["store"] == out["store"] and out2["facts"] == out["facts"]


@pytest.mark.parametrize("attempt", range(3))
def test_killed_ingestion_leaves_no_half_file(tmp_path, attempt):
    corpus = tmp_path / "in"
    corpus.mkdir()
    for i in range(3):  # three versions of a real report, so a kill lands between files too
        text = SICHUAN.read_text(encoding="utf-8").replace("四川省农民工服务中心", f"四川省测试中心{i}")
        (corpus / f"copy{i}.txt").write_text(text, encoding="utf-8")
    store_dir = tmp_path / "store"
    proc = subprocess.Popen([sys.executable, "-m", "ingest", str(corpus), "--store", str(store_dir)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db_path = store_dir / "facts.sqlite"
    deadline = time.time() + 300
    while time.time() < deadline and not db_path.exists():
        time.sleep(0.05)
    # kill at a random moment once writing can have begun
    time.sleep(random.Random(attempt).uniform(2.0, 12.0))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    consistent(store_dir)
    finished = run_cli(str(corpus), "--store", str(store_dir), "--json")
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["store"]["documents"] == 3
    assert len(consistent(store_dir)) == 3


def test_queries_see_only_committed_documents(tmp_path, embedder):
    """Chroma entries of a version whose SQLite row never committed are invisible and then removed."""
    store = Store(tmp_path / "store")
    ingest([SICHUAN], store, embedder)
    store.db.execute("INSERT INTO pending VALUES ('deadbeef', 'writing')")
    store.chroma.upsert(ids=["deadbeef:0"], embeddings=[[0.0] * 383 + [1.0]], documents=["half"],
                        metadatas=[{"doc_id": "deadbeef"}])
    store.close()
    per_doc = consistent(tmp_path / "store")
    assert "deadbeef" not in per_doc
    assert collection(chroma_client(tmp_path / "store")).get(ids=["deadbeef:0"])["ids"] == []


def _encrypted_pdf(path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(GHZY).pages[:2]:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(path, "wb") as f:
        writer.write(f)


def _scanned_pdf(path: Path) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 550, 120), outline="black")
    image.save(path, "PDF")


def test_queries_during_ingestion_see_whole_reports(tmp_path):
    """A reader re-reading the store while files are being written sees each report whole or not at all."""
    from assistant.corpus import Corpus

    corpus_dir = tmp_path / "in"
    corpus_dir.mkdir()
    for i in range(3):
        text = SICHUAN.read_text(encoding="utf-8").replace("四川省农民工服务中心", f"四川省并发中心{i}")
        (corpus_dir / f"copy{i}.txt").write_text(text, encoding="utf-8")
    from ingest.worker import parse

    whole = [parse(corpus_dir / f"copy{i}.txt", f"copy{i}.txt") for i in range(3)]
    expected = {(len(p.facts), len(p.chunks)) for p in whole}
    store_dir = tmp_path / "store"
    Store(store_dir).close()
    proc = subprocess.Popen([sys.executable, "-m", "ingest", str(corpus_dir), "--store", str(store_dir)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = set()
    corpus = Corpus(store_dir)
    deadline = time.time() + 600
    while proc.poll() is None and time.time() < deadline:
        corpus.reload()
        for doc_id, doc in corpus.documents.items():
            # every visible report has all of its facts and chunks
            counts = (sum(1 for f in corpus.facts if f.doc is doc), sum(1 for c in corpus.chunks if c.doc is doc))
            assert counts in expected
            seen.add(doc_id)
        time.sleep(0.2)
    assert proc.wait(timeout=60) == 0
    corpus.reload()
    assert len(corpus.documents) == 3 and seen
