"""A cited PDF page as a PNG, with a red box around the cited figure.

pdfplumber finds where the figure is printed (character positions; when the
figure occurs more than once, the one printed right after the words that lead
to it, or else on the line of the cited table row, wins) and pypdfium2 renders
the page. Rendering is the expensive part, so images are made only
when a browser asks for one, at a modest resolution, cropped to the band around
the figure, and kept in a small in-memory cache keyed by document version.
"""
from __future__ import annotations

import io
import re
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

WIDTH_PX = 900          # rendered page width: legible table digits without megabyte images
BAND_PT = 170           # points kept above and below the figure in the cropped view
CACHE_SIZE = 96
MAX_TERM = 40


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float


def _number(term: str) -> str:
    """The figure as printed: digits may carry thousands separators ("1,979.86") in the PDF."""
    return ",?".join(re.escape(ch) for ch in term.replace(",", ""))


def _figure_pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\d.]){_number(term)}(?![\d])")


def _in_context(words: str, term: str) -> re.Pattern[str]:
    """The words printed right before the figure, then the figure (captured), across spaces and line breaks."""
    lead = r"\s*".join(re.escape(ch) for ch in words)
    return re.compile(rf"{lead}\s*({_number(term)})(?![\d])")


def _row_words(row: str) -> str:
    """The row's label without its classification code ("30201 办公费" → "办公费")."""
    return re.sub(r"^[\d\s.]+", "", row).strip()[:MAX_TERM]


def locator(text: str, row: str, highlights: list[str]) -> tuple[list[str], str]:
    """What to look for on the page: the bare numbers (a PDF may print "0.00 万元"), and the words that
    pin down which of several equal numbers is meant — the table row's label, or for a sentence the
    characters printed just before the figure ("因公出国（境）费支出" in "…费支出 0.00 万元")."""
    numbers = [n for n in (re.sub(r"[^\d.,\-]", "", h) for h in highlights) if n]
    if row:
        return numbers, _row_words(row)
    if not numbers:  # a quoted passage: the end of its first clause marks where it is printed
        runs = re.findall(r"[\u4e00-\u9fff]{4,}", re.split(r"[，。；：,;:]", text, maxsplit=1)[0])
        return [], runs[-1][-8:] if runs else ""
    at = min((text.find(n) for n in numbers if n in text), default=-1)
    lead = re.search(r"[\u4e00-\u9fff（）“”、]{1,10}$", text[:at].rstrip()) if at > 0 else None
    return numbers, lead.group(0) if lead else ""


def _box(hit: dict) -> Box:
    return Box(hit["x0"], hit["top"], hit["x1"], hit["bottom"])


def find_box(page, terms: list[str], words: str) -> Box | None:
    """Where the first findable term is printed on a pdfplumber page: right after `words` (from `locator`)
    if printed so, else the occurrence nearest to the line where `words` are printed."""
    terms = [t for t in terms if t and len(t) <= MAX_TERM]
    for term in terms:
        if words:
            hits = page.search(_in_context(words, term), main_group=1, return_chars=False)
            if hits:
                return _box(hits[0])
    word_tops = [h["top"] for h in page.search(words, regex=False)] if words else []
    if not terms:  # a passage: the box is where its first words are printed
        hits = page.search(words, regex=False, return_chars=False) if words else []
        return _box(hits[0]) if hits else None
    for term in terms:
        hits = page.search(_figure_pattern(term), return_chars=False)
        if hits:
            return _box(min(hits, key=lambda h: min((abs(h["top"] - t) for t in word_tops), default=0.0)))
    return None


class PageImages:
    """Renders cited pages of PDFs that are in the store — and only those."""

    def __init__(self, store_dir: Path):
        self.db_path = Path(store_dir) / "facts.sqlite"
        self._cache: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()   # pdfium is not thread-safe; rendering is serialised

    def pdf_path(self, doc_id: str) -> Path | None:
        """The stored file of a document id, if it is a PDF in the corpus (never a path from a request)."""
        db = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT path FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        finally:
            db.close()
        if not row:
            return None
        path = Path(row[0])
        return path if path.suffix.lower() == ".pdf" and path.is_file() else None

    def png(self, doc_id: str, page: int, terms: list[str], words: str, full: bool,
            scanned: Box | None = None) -> bytes | None:
        """The page with the figure boxed; `scanned` is where OCR read it, for a page with no text layer."""
        key = (doc_id, page, tuple(terms), words, full, scanned)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            path = self.pdf_path(doc_id)
            image = _render(path, page, terms, words, full, scanned) if path else None
            if image is not None:
                self._cache[key] = image
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            return image


def _render(path: Path, page_no: int, terms: list[str], words: str, full: bool,
            scanned: Box | None = None) -> bytes | None:
    import pdfplumber
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    with pdfplumber.open(path) as pdf:
        if not 1 <= page_no <= len(pdf.pages):
            return None
        plumber_page = pdf.pages[page_no - 1]
        box = find_box(plumber_page, terms, words) if plumber_page.chars else scanned
        x_off, y_off = plumber_page.bbox[0], plumber_page.bbox[1]
        width, height = plumber_page.width, plumber_page.height
    scale = WIDTH_PX / width
    doc = pdfium.PdfDocument(str(path))
    try:
        image = doc[page_no - 1].render(scale=scale).to_pil().convert("RGB")
    finally:
        doc.close()
    if box is not None:
        pad = 3
        rect = [(box.x0 - x_off - pad) * scale, (box.top - y_off - pad) * scale,
                (box.x1 - x_off + pad) * scale, (box.bottom - y_off + pad) * scale]
        ImageDraw.Draw(image).rectangle(rect, outline=(220, 30, 30), width=3)
        if not full:
            top = max(0.0, box.top - y_off - BAND_PT) * scale
            bottom = min(height, box.bottom - y_off + BAND_PT) * scale
            image = image.crop((0, int(top), image.width, int(bottom)))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
