"""Shared fixtures: the real bundled reports, ingested once per test session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from .corpus import REPORTS



@pytest.fixture(scope="session")
def embedder():
    from ingest.embed import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory, embedder) -> Path:
    """The whole bundled corpus ingested into a fresh store, as the README's serve command does."""
    from ingest.pipeline import ingest
    from ingest.store import Store

    reuse = os.environ.get("JUESUAN_TEST_STORE")  # a developer's already-built store, to iterate quickly
    if reuse:
        return Path(reuse)
    store_dir = tmp_path_factory.mktemp("store")
    store = Store(store_dir)
    summary = ingest([REPORTS], store, embedder)
    store.close()
    # every bundled file has a text layer; two Jiangsu table PDFs have it in their tables alone
    assert summary.documents == 41, summary.failed
    assert not summary.failed
    return store_dir
