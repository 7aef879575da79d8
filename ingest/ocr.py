"""Pages with no text layer: rendered, read by PP-OCR, and their ruled tables rebuilt as grids.

The recogniser is rapidocr-onnxruntime, whose wheel carries the PP-OCRv4 Chinese
detection and recognition models, so nothing is fetched at run time. Its output
is a list of text boxes; a table is recovered from the page's ruling, not from
the boxes: the text is painted out, what ink is left is the ruling, and its
long horizontal and vertical strokes give the rows and columns. A box goes to
the cell its centre falls in, and cells with no line between them are one
merged cell, spread over the positions it covers as the text-layer reader does.
Recognising a page is the slow step (seconds), so each page's boxes are cached
by the hash of its rendered image: re-ingesting a scan costs nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .page import Box, Mark, Page, Ruled, Span

DPI = 200
SCALE = DPI / 72
MAX_PIXELS = 40_000_000    # a poster-sized page is rendered smaller rather than at DPI (A3 at 200 dpi: 7.7 million)
# rapidocr's defaults, given with every call because it resets them on any call with keyword arguments.
# Wider, more lenient boxes (2.2, 0.3) keep a lone 一 that opens a cell but misread digits (300.06 → 30.06)
DETECTION = {"unclip_ratio": 1.6, "box_thresh": 0.5}
# part of every cached page's key: boxes read with other settings are not reused
RECIPE = f"rapidocr-onnxruntime-1.4.4/ppocr-v4/{DPI}dpi/chars/{sorted(DETECTION.items())}"
INK = 160                  # grey level below which a pixel is ink
MIN_RULE = 25              # pixels: shorter strokes are parts of characters, longer ones ruling
LONG_RULE = 70             # pixels: longer than any stroke of body text (about 40 px at 200 dpi)
GAP = 0.5                  # a cell side counts as ruled when at least this share of it is inked
# below this recognition confidence a figure is kept but shown with a warning to check the scan
OCR_FLOOR = 0.9


@dataclass(frozen=True)
class Word:
    """A recognised text box, in pixels of the rendered page, with each character's left and right edge.

    The recogniser reads a figure and the label in the next cell (“20,702.25二、外交支出”) as one
    box when they print close to the rule between them; the characters' edges let a table split it there.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    score: float
    edges: tuple[tuple[float, float], ...] = ()  # per character of `text`, when the recogniser gave them

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2

    def split_at(self, rules: list[int]) -> list["Word"]:
        """The word cut where a vertical rule passes between two of its characters."""
        if len(self.edges) != len(self.text) or not any(self.x0 < x < self.x1 for x in rules):
            return [self]
        pieces: list[Word] = []
        start = 0
        for i in range(1, len(self.text) + 1):
            if i == len(self.text) or any(self.edges[i - 1][1] <= x + 2 and self.edges[i][0] >= x - 2
                                          for x in rules):
                text, edges = self.text[start:i], self.edges[start:i]
                if text.strip():
                    pieces.append(Word(text, edges[0][0], self.top, edges[-1][1], self.bottom, self.score, edges))
                start = i
        return pieces


def _cache_dir() -> Path:
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return Path(os.environ.get("JUESUAN_OCR_CACHE") or home / "juesuan-qa" / "ocr")


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR  # loaded on the first scanned page only

    return RapidOCR()


def recognise(gray: np.ndarray) -> list[Word]:
    """The page's text boxes, from the cache when this exact image was read before."""
    digest = hashlib.sha256(RECIPE.encode() + gray.tobytes() + str(gray.shape).encode()).hexdigest()
    cached = _cache_dir() / digest[:2] / f"{digest}.json"
    if cached.exists():
        return [Word(*w[:6], tuple(map(tuple, w[6]))) for w in json.loads(cached.read_text(encoding="utf-8"))]
    result, _ = _engine()(gray, use_cls=False, return_word_box=True, **DETECTION)
    words = []
    for box, text, score, *chars in result or []:
        if not text.strip():
            continue
        boxes = chars[0] if chars and chars[0] and len(chars[0]) == len(text) else []
        edges = tuple((float(min(p[0] for p in b)), float(max(p[0] for p in b))) for b in boxes)
        words.append(Word(text, float(min(p[0] for p in box)), float(min(p[1] for p in box)),
                          float(max(p[0] for p in box)), float(max(p[1] for p in box)), float(score), edges))
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps([[w.text, w.x0, w.top, w.x1, w.bottom, w.score, w.edges] for w in words],
                                  ensure_ascii=False), encoding="utf-8")
        tmp.replace(cached)
    except OSError:
        pass  # a read-only cache costs time, not correctness
    return words


def render(pdf, index: int) -> tuple[np.ndarray, float]:
    """Page `index` of a pypdfium2 document as a grey image, and its pixels per point (DPI / 72 but for huge pages)."""
    page = pdf[index]
    width, height = page.get_size()
    scale = min(SCALE, (MAX_PIXELS / max(width * height, 1)) ** 0.5)
    return page.render(scale=scale, grayscale=True).to_numpy(), scale


def read_image(gray: np.ndarray, scale: float = SCALE) -> Page:
    """Text lines and ruled tables of a scanned page (`scale` pixels per point), in points like a text-layer page."""
    words = recognise(gray)
    tables = [_table(words, hmask, vmask, box, scale) for box, hmask, vmask in _frames(gray, words)]
    tables = [t for t in tables if t is not None]
    inside = {id(w) for t, _ in tables for w in t}
    spans = _lines([w for w in words if id(w) not in inside], scale)
    return Page(spans=spans, tables=[r for _, r in tables], chars=sum(len(w.text) for w in words), ocr=True)


def _frames(gray: np.ndarray, words: list[Word]):
    """(box, horizontal ruling, vertical ruling) of each ruled frame on the page."""
    import cv2

    printed = (gray < INK).astype(np.uint8) * 255
    ink = printed.copy()
    for w in words:  # paint the text out: short strokes left over are ruling
        ink[int(w.top) + 2:int(w.bottom) - 2, int(w.x0) + 2:int(w.x1) - 1] = 0

    def strokes(image: np.ndarray, width: int, height: int) -> np.ndarray:
        return cv2.morphologyEx(image, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (width, height)))

    # a rule passing through a text box (a figure printed up to the rule) was painted out with it,
    # but it runs on beyond the box, longer than any stroke of a character: taken from the page as printed
    hmask = strokes(ink, MIN_RULE, 1) | strokes(printed, LONG_RULE, 1)
    vmask = strokes(ink, 1, MIN_RULE) | strokes(printed, 1, LONG_RULE)
    rules = cv2.dilate(hmask | vmask, np.ones((5, 5), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(rules)
    for k in range(1, count):
        x, y, w, h, _ = stats[k]
        if w > 100 and h > 40:
            yield (x, y, x + w, y + h), hmask, vmask


def _positions(profile: np.ndarray, offset: int) -> list[int]:
    """Centres of the runs of True in a 1-D profile: where the rules lie."""
    out, start = [], None
    for i, on in enumerate(list(profile) + [False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            out.append(offset + (start + i - 1) // 2)
            start = None
    return out


def _table(words: list[Word], hmask: np.ndarray, vmask: np.ndarray, box: tuple[int, int, int, int],
           scale: float) -> tuple[list[Word], Ruled] | None:
    x0, top, x1, bottom = box
    h = hmask[top:bottom, x0:x1] > 0
    v = vmask[top:bottom, x0:x1] > 0
    ys = _positions(h.sum(axis=1) >= MIN_RULE * 2, top)
    xs = _positions(v.sum(axis=0) >= MIN_RULE * 3, x0)  # a column rule runs past more than one row
    if len(ys) < 2 or len(xs) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1

    def ruled_right(r: int, c: int) -> bool:  # a line between (r, c) and (r, c + 1)
        x = xs[c + 1]
        band = vmask[ys[r] + 2:ys[r + 1] - 1, max(x - 3, 0):x + 4]
        return band.size > 0 and (band.max(axis=1) > 0).mean() >= GAP

    def ruled_below(r: int, c: int) -> bool:
        y = ys[r + 1]
        band = hmask[max(y - 3, 0):y + 4, xs[c] + 2:xs[c + 1] - 1]
        return band.size > 0 and (band.max(axis=0) > 0).mean() >= GAP

    # merged cells: union of grid positions with no rule between them
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not ruled_right(r, c):
                parent[find(r * n_cols + c + 1)] = find(r * n_cols + c)
            if r + 1 < n_rows and not ruled_below(r, c):
                parent[find((r + 1) * n_cols + c)] = find(r * n_cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))

    def position(x: float, y: float) -> tuple[int, int] | None:
        r = next((i for i in range(n_rows) if ys[i] <= y < ys[i + 1]), None)
        c = next((j for j in range(n_cols) if xs[j] <= x < xs[j + 1]), None)
        return None if r is None or c is None else (r, c)

    placed: dict[int, list[Word]] = {}
    taken: list[Word] = []
    for word in words:
        for w in word.split_at(xs[1:-1]) if x0 <= word.centre[0] <= x1 and top <= word.centre[1] <= bottom else []:
            at = position(*w.centre)
            if at is not None:
                placed.setdefault(find(at[0] * n_cols + at[1]), []).append(w)
                if not taken or taken[-1] is not word:
                    taken.append(word)
    if not taken:
        return None
    grid: list[list[str | None]] = [[None] * n_cols for _ in range(n_rows)]
    spread: set[tuple[int, int]] = set()
    marks: dict[tuple[int, int], Mark] = {}
    for root, cells in groups.items():
        inside = placed.get(root, [])
        text = cell_text(inside)
        first = min(cells)
        for rc in cells:
            grid[rc[0]][rc[1]] = text
            if rc != first:
                spread.add(rc)
        if inside:
            marks[first] = Mark(min(w.score for w in inside), _points(
                (min(w.x0 for w in inside), min(w.top for w in inside),
                 max(w.x1 for w in inside), max(w.bottom for w in inside)), scale))
    return taken, Ruled(bbox=_points((xs[0], ys[0], xs[-1], ys[-1]), scale), grid=grid, spread=spread, marks=marks)


def _points(box: tuple[float, float, float, float], scale: float) -> Box:
    return tuple(float(round(v / scale, 1)) for v in box)  # type: ignore[return-value]


def _rows_of(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines: a word joins the line its vertical centre falls inside."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        cy = w.centre[1]
        line = next((l for l in lines if min(x.top for x in l) <= cy <= max(x.bottom for x in l)), None)
        if line is None:
            lines.append([w])
        else:
            line.append(w)
    return [sorted(l, key=lambda w: w.x0) for l in lines]


def _join(line: list[Word]) -> str:
    text = ""
    for w in line:
        if text and (text[-1].isascii() and text[-1].isalnum() and w.text[0].isascii() and w.text[0].isalnum()):
            text += " "
        text += w.text
    return text


# OCR sets spaces inside figures (“20, 849. 45”) and reads 0 as O in digit runs
_SPACED_NUMBER = re.compile(r"(?<=\d)\s*([,.，．])\s*(?=\d)")
_NUMERIC = re.compile(r"^[\d\s,.，．%()（）\-OoIl]+$")
# 入 read as 人 in the word these reports print on every page (not in 接收人员 and the like)
CONFUSIONS = {"收人": "收入", "投人": "投入"}
_CONFUSION = re.compile(rf"(?<![接验回])({'|'.join(CONFUSIONS)})(?![员才口群力])")


# a box's first character when it is a lone stroke: 一 (一般…, 一、…) is often left outside the box
_LOST_ONE = re.compile(r"^(?=般|、)")
# Chinese text sets its brackets full width; the recogniser gives half-width ones
_BRACKETS = re.compile(r"\((?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\)")


def clean(text: str) -> str:
    """Recognised text with its figures closed up, digit look-alikes fixed where a number must be,
    and the report vocabulary's known misreadings put right."""
    text = _LOST_ONE.sub("一", text)
    text = _BRACKETS.sub(lambda m: "（" if m.group(0) == "(" else "）", text)
    text = _CONFUSION.sub(lambda m: CONFUSIONS[m.group(0)], text)
    text = _SPACED_NUMBER.sub(lambda m: "." if m.group(1) in ".．" else ",", text)
    if _NUMERIC.fullmatch(text) and re.search(r"\d", text):
        text = text.translate(str.maketrans("OoIl", "0011")).replace(" ", "")
    return text


def cell_text(words: list[Word]) -> str:
    return "\n".join(clean(_join(line)) for line in _rows_of(words))


def _lines(words: list[Word], scale: float) -> list[Span]:
    return [Span(top=min(w.top for w in l) / scale, bottom=max(w.bottom for w in l) / scale,
                 x1=max(w.x1 for w in l) / scale, text=clean(_join(l)), score=min(w.score for w in l))
            for l in _rows_of(words)]
