"""Vectors in a real Chroma server (CHROMA_HOST/CHROMA_PORT), facts in a local SQLite: the scale-out setup.

The server is the venv's own `chroma run`, started on a free port for this test
and stopped after it, so what is tested is what a deployment would run.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import ingest
from ingest.store import COLLECTION, Store

from .corpus import CZJ, SICHUAN

START_TIMEOUT_S = 90


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def chroma_server(tmp_path) -> Iterator[int]:
    """A `chroma run` server on 127.0.0.1, up (heartbeat answered) before the test starts."""
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    chroma = Path(sys.executable).with_name("chroma")
    server = subprocess.Popen([str(chroma), "run", "--host", "127.0.0.1", "--port", str(port),
                               "--path", str(tmp_path / "chroma-server")], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(f"http://127.0.0.1:{port}/api/v2/heartbeat"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma server did not come up: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_ingest_and_answer_through_chroma_server(chroma_server, embedder, tmp_path, monkeypatch):
    import chromadb
    from chromadb.config import Settings

    from assistant.ask import Assistant

    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(chroma_server))
    store_dir = tmp_path / "store"
    store = Store(store_dir)
    summary = ingest([SICHUAN, CZJ], store, embedder)
    assert summary.documents == 2 and not summary.failed, summary.failed
    again = ingest([SICHUAN, CZJ], store, embedder)
    store.close()
    assert again.unchanged == 2 and again.store == summary.store  # re-ingest is a no-op

    assert not (store_dir / "chroma").exists()  # vectors live in the server, not beside the facts
    server = chromadb.HttpClient(host="127.0.0.1", port=chroma_server,
                                 settings=Settings(anonymized_telemetry=False))
    assert server.get_collection(COLLECTION).count() == summary.chunks

    assistant = Assistant(store_dir, embedder=embedder)
    answer = assistant.ask("四川省农民工服务中心2022年三公经费是多少？")
    assert not answer.refused and "31.13" in answer.text, answer.text
    # the dense half of retrieval queries the server, scoped to the committed documents
    sichuan = {d.doc_id for d in assistant.corpus.documents.values() if d.unit == "四川省农民工服务中心"}
    hits = assistant.retriever.chunks("三公经费财政拨款支出决算", sichuan)
    assert hits and all(h.chunk.doc.doc_id in sichuan for h in hits)
    assert any("31.13" in h.chunk.text for h in hits)
