"""A cheap, deterministic stand-in for the e5 model, for building large benchmark stores.

Embedding 100× the bundled corpus with e5 would take hours on two cores. The
latency benchmark measures the answer path, which reads facts from SQLite and,
for dense search, vectors from Chroma; for that any vectors of the right
dimension do. These are character-bigram counts hashed into 384 buckets and
L2-normalised: similar texts get similar vectors, but they are not e5 vectors
and must never be mixed into a real store.
"""
from __future__ import annotations

import numpy as np

LABEL = "hashing stand-in (char bigrams → 384-d; not e5)"
_PRIME = np.uint64(1_000_003)


class HashingEmbedder:
    dim = 384

    def _vector(self, text: str) -> np.ndarray:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        if len(codes) < 2:
            codes = np.concatenate([codes, np.zeros(2 - len(codes), dtype=np.uint64)])
        buckets = (codes[:-1] * _PRIME + codes[1:]) % np.uint64(self.dim)
        counts = np.bincount(buckets.astype(np.int64), minlength=self.dim).astype(np.float32)
        return counts / (np.linalg.norm(counts) or 1.0)

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector("passage: " + t) for t in texts])

    def query(self, text: str) -> np.ndarray:
        return self._vector("query: " + text)
