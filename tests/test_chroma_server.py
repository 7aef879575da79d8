"""Vectors in a real Chroma server (CHROMA_HOST/CHROMA_PORT), facts in a local SQLite: the scale-out setup.

The server is the venv's own `chroma run`, started on a free port for this test
and stopped after it, so what is tested is what a deployment would run.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.pipeline import ingest
from ingest.store import COLLECTION, Store

from .corpus import CZJ, SICHUAN
from .servers import free_port, serving

START_TIMEOUT_S = 90


@pytest.fixture
def chroma_server(tmp_path) -> Iterator[int]:
    """A `chroma run` server on 127.0.0.1, up (heartbeat answered) before the test starts."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    command = [str(chroma), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(tmp_path / "chroma-server")]
    with serving(command, f"http://127.0.0.1:{port}/api/v2/heartbeat", START_TIMEOUT_S, tmp_path / "chroma.log"):
        yield port


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
