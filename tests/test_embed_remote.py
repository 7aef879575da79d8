"""The optional OpenAI-compatible embeddings endpoint gives the same vectors as the local model.

The stub server answers with the local model's own vectors (scaled, so that a
client which forgot to normalise would be caught) and records how many
requests were in flight at once, so the test sees that batches go out
concurrently rather than one after another.
"""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from ingest.chunks import embedding_text
from ingest.embed import Embedder, RemoteEmbeddings
from ingest.pipeline import ingest
from ingest.report import Chunk
from ingest.store import Store

from .corpus import SICHUAN
from .stub_server import StubServer

SCALE = 2.5     # the stub's vectors are not unit length; the client must normalise them
BATCH = 8       # texts per request, small so that one report makes several concurrent requests
HOLD_S = 0.2    # each request stays open this long, so concurrent batches overlap for certain


class StubEmbeddings(StubServer):
    """POST /v1/embeddings → the local model's vectors for exactly the texts sent."""

    def __init__(self, embedder: Embedder, status: int = 200):
        self.embedder = embedder
        self.status = status
        self.inputs: list[str] = []
        self.auth: set[str] = set()
        self.models: set[str] = set()
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._model_lock = threading.Lock()
        super().__init__()

    def respond(self, body: dict, headers) -> tuple[int, dict]:
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.inputs += body["input"]
            self.auth.add(headers.get("Authorization", ""))
            self.models.add(body["model"])
        try:
            time.sleep(HOLD_S)
            if self.status != 200:
                return self.status, {"error": {"message": "invalid api key"}}
            with self._model_lock:  # the prefixes are in the texts: encode them as sent
                vectors = self.embedder.model.encode(body["input"], convert_to_numpy=True) * SCALE
            data = [{"object": "embedding", "index": i, "embedding": v.tolist()}
                    for i, v in reversed(list(enumerate(vectors)))]  # out of order on purpose
            return 200, {"object": "list", "data": data, "model": body["model"],
                         "usage": {"prompt_tokens": 1, "total_tokens": 1}}
        finally:
            with self._lock:
                self.in_flight -= 1


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_ingest_through_remote_endpoint_matches_local(embedder, tmp_path, monkeypatch):
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    with StubEmbeddings(embedder) as stub:
        monkeypatch.setenv("EMBED_BASE_URL", stub.base_url)
        monkeypatch.setenv("EMBED_MODEL", "e5-small-test")
        monkeypatch.setenv("EMBED_API_KEY", "sk-test")
        monkeypatch.setenv("EMBED_BATCH", str(BATCH))
        remote = Embedder()
        assert remote.remote is not None and remote.dim == embedder.dim
        store = Store(tmp_path / "store")
        summary = ingest([SICHUAN], store, remote)
        assert summary.documents == 1 and not summary.failed
        stored = store.chroma.get(include=["embeddings", "documents", "metadatas"])
        query = remote.query("四川省农民工服务中心2022年三公经费是多少？")
        store.close()

    texts = stored["documents"]
    got = np.array(stored["embeddings"], dtype=np.float32)
    want = embedder.passages([embedding_text(Chunk(text, meta["kind_of_chunk"], page=None))
                              for text, meta in zip(texts, stored["metadatas"])])
    assert len(texts) == summary.chunks > 2 * BATCH  # enough chunks for several batches
    assert _cosines(got, want).min() >= 0.999
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-3)
    assert _cosines(query[None], embedder.query("四川省农民工服务中心2022年三公经费是多少？")[None])[0] >= 0.999

    passages = [t for t in stub.inputs if not t.startswith("query: ")]
    assert all(t.startswith("passage: ") for t in passages) and len(passages) == len(set(texts))
    assert "query: 四川省农民工服务中心2022年三公经费是多少？" in stub.inputs
    assert stub.auth == {"Bearer sk-test"} and stub.models == {"e5-small-test"}
    assert stub.requests >= 3 and stub.max_in_flight >= 2  # batches were sent concurrently


def test_endpoint_error_is_reported_with_its_status(embedder):
    with StubEmbeddings(embedder, status=401) as stub:
        remote = Embedder(RemoteEmbeddings(stub.base_url, api_key="wrong"))
        with pytest.raises(RuntimeError, match="HTTP 401.*invalid api key"):
            remote.passages(["passage text"])


def test_local_model_stays_the_default(monkeypatch):
    monkeypatch.delenv("EMBED_BASE_URL", raising=False)
    assert Embedder().remote is None
