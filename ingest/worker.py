"""Reading untrusted files in a child process, under a time limit and a memory bound.

Reports come from the public web and from staff uploads. A PDF with a pathological
content stream can make a parser spin for minutes or allocate gigabytes; the
ingestion run, and the web app that hosts it, must survive that. So files are
read in a separate process with an address-space limit; one that overruns its
time is killed and reported, and a fresh reader takes the next file. The child
never imports torch: embedding happens in the parent on the reader's output.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .chunks import report_chunks
from .errors import ReadError
from .facts import report_facts
from .read import read_report
from .report import Chunk, Fact, Report

TIME_LIMIT = float(os.environ.get("JUESUAN_READ_SECONDS", "180"))
# each page read by OCR adds this much to its file's time: a long scan is slow, not stuck
OCR_PAGE_SECONDS = float(os.environ.get("JUESUAN_OCR_PAGE_SECONDS", "60"))
MEMORY_LIMIT = int(os.environ.get("JUESUAN_READ_MEMORY_MB", "3072")) * 2**20


@dataclass
class Parsed:
    report: Report
    facts: list[Fact]
    chunks: list[Chunk]


def parse(path: Path, display: str, progress=None) -> Parsed:
    """Read, structure and split one file: everything before embedding."""
    report = read_report(path, display, progress)
    return Parsed(report, report_facts(report), report_chunks(report))


def _serve(requests, replies, memory_limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    while True:
        job = requests.get()
        if job is None:
            return
        path, display = job
        try:
            replies.put(("ok", parse(Path(path), display, lambda page, pages: replies.put(("page", (page, pages))))))
        except ReadError as exc:
            replies.put(("refused", str(exc)))
        except MemoryError:
            replies.put(("refused", f"reading it needed more than {memory_limit // 2**20} MB; refused"))
        except RecursionError:
            replies.put(("refused", "the file's structure is nested too deeply to read"))
        except Exception as exc:  # a parser bug on a hostile file must not stop the run
            replies.put(("refused", f"the reader failed on this file ({type(exc).__name__}); it may be corrupt"))


class Reader:
    """A reader process reused across files, replaced when one file kills or hangs it."""

    def __init__(self, time_limit: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT,
                 on_page: Callable[[int, int], None] | None = None):
        self.time_limit = time_limit
        self.on_page = on_page  # hears of each page of the file in hand that OCR has read
        self.memory_limit = memory_limit
        self.context = mp.get_context("spawn")
        self.process = None
        self.deadline = 0.0  # when the file in the reader's hands runs out of time

    def _start(self) -> None:
        self.requests = self.context.Queue()
        self.replies = self.context.Queue()
        self.process = self.context.Process(target=_serve, args=(self.requests, self.replies, self.memory_limit),
                                            daemon=True)
        self.process.start()

    def _stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join()
            self.process = None

    def parse(self, path: Path, display: str) -> Parsed:
        """The parsed file, or ReadError with the reason it could not be read in time and memory."""
        self.submit(path, display)
        return self.collect()

    def submit(self, path: Path, display: str) -> None:
        """Start reading a file; `collect` waits for it. One file at a time, so its time limit is its own."""
        if self.process is None or not self.process.is_alive():
            self._start()
        self.requests.put((str(path), display))
        self.deadline = time.monotonic() + self.time_limit

    def collect(self) -> Parsed:
        """The file `submit` started, or ReadError (see `parse`)."""
        while True:
            try:
                status, value = self.replies.get(timeout=0.5)
                if status != "page":
                    break
                self.deadline += OCR_PAGE_SECONDS
                if self.on_page:
                    self.on_page(*value)
            except queue.Empty:
                if not self.process.is_alive():
                    self._stop()
                    raise ReadError("the reader crashed on this file (out of memory or a parser fault)") from None
                if time.monotonic() > self.deadline:
                    self._stop()
                    raise ReadError(f"reading took longer than {self.time_limit:.0f} s (and {OCR_PAGE_SECONDS:.0f} s"
                                    " more per page read by OCR); stopped") from None
        if status != "ok":
            raise ReadError(value)
        return value

    def close(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.requests.put(None)
            self.process.join(timeout=5)
        self._stop()

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
