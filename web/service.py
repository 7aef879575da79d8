"""The one assistant the public chat and the staff side share, and what the web needs from it.

A lock serialises questions with reloads: `Corpus.reload` swaps several
attributes in turn, and a question answered half-way through a swap could mix
two versions of the corpus.
"""
from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import quote, urlencode

from assistant.answer import Answer, Citation
from assistant.ask import Assistant
from assistant.corpus import Document
from assistant.scope import Scope

from .pages import PageImages, locator

PAGE_ROUTE = "/page"


class Service:
    def __init__(self, store_dir: Path, assistant: Assistant | None = None):
        self.store_dir = Path(store_dir)
        self.assistant = assistant or Assistant(self.store_dir)
        self.pages = PageImages(self.store_dir)
        self._lock = threading.RLock()

    def ask(self, question: str, context: Scope | None) -> Answer:
        with self._lock:
            return self.assistant.ask(question, context)

    def reload(self) -> None:
        with self._lock:
            self.assistant.reload()

    def holdings(self) -> dict[str, list[tuple[int | None, str]]]:
        with self._lock:
            return self.assistant.corpus.holdings()

    def document_count(self) -> int:
        with self._lock:
            return len(self.assistant.corpus.documents)

    def document_of(self, citation: Citation) -> Document | None:
        """The stored document a citation quotes (citations carry its name, unit and year)."""
        with self._lock:
            docs = list(self.assistant.corpus.documents.values())
        return next((d for d in docs if d.name == citation.document and d.unit == citation.unit
                     and d.year == citation.year), None)

    def page_url(self, citation: Citation) -> str | None:
        """Where the browser fetches the cited PDF page with the figure boxed; None for non-PDF sources."""
        if not citation.page or not citation.document.lower().endswith(".pdf"):
            return None
        doc = self.document_of(citation)
        if doc is None:
            return None
        numbers, words = locator(citation.text, citation.row, citation.highlight)
        where = {"box": ",".join(f"{v:.1f}" for v in citation.box)} if citation.box else {}
        query = urlencode({"hl": "|".join(numbers)[:120], "at": words[:60], **where})
        return f"{PAGE_ROUTE}/{quote(doc.doc_id)}/{int(citation.page)}.png?{query}"
