"""Ingestion throughput: the project's pipeline stage by stage, beside the naive llama-index pipeline.

`python -m benchmarks.ingest [--corpus data/reports] [--batch N] [--spread X] [--json OUT]`

Each pipeline runs in its own process (so each has its own peak RSS, model
included) and the two are driven file by file in lock step, alternating which
goes first, so that load from other processes on the machine falls on both
alike. The project's stages are timed by calling its stage functions directly,
as `ingest.pipeline.ingest_file` does (read_report → report_facts/report_chunks
→ Embedder.passages for texts not already stored → Store.put) but in-process,
without the reader child; at the end `ingest()` itself runs over the same store
and must find every file unchanged, which checks the benchmark stored exactly
what the pipeline would. The naive pipeline is evals/baseline.py's: pdfplumber
page text, SentenceSplitter defaults, the same e5 model, vectors kept in memory.

Stage timings cannot show what `ingest()` gains by reading the next file in its
reader process while the current one is embedded, so each pipeline then also
runs end to end over the whole corpus into a fresh store, one pipeline at a time.
"""
from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import statistics
import tempfile
import time
from pathlib import Path

from .common import REPORTS, arguments, peak_rss_mb, rss_mb, table, write_json

MAX_TOKENS = 512  # sentence-transformers truncates longer inputs: tokens past it cost nothing


class Project:
    stages = ("read+structure", "facts+chunks", "embed", "write")

    def __init__(self, store_dir: Path):
        from ingest.embed import Embedder
        from ingest.store import Store

        self.embedder = Embedder()
        self.tokenizer = self.embedder.model.tokenizer
        self.store = Store(store_dir)

    def file(self, path: Path) -> dict:
        from ingest.chunks import report_chunks
        from ingest.errors import ReadError
        from ingest.facts import report_facts
        from ingest.pipeline import READER_VERSION, chunk_vectors
        from ingest.read import read_report

        t0 = time.perf_counter()
        sha = hashlib.sha256(READER_VERSION + path.read_bytes()).hexdigest()
        try:
            report = read_report(path, path.name)
        except ReadError as exc:
            return {"failed": str(exc), "seconds": {"read+structure": time.perf_counter() - t0}}
        t1 = time.perf_counter()
        facts, chunks = report_facts(report), report_chunks(report)
        t2 = time.perf_counter()
        vectors, missing = chunk_vectors(chunks, self.store, self.embedder)
        t3 = time.perf_counter()
        self.store.put(str(path.resolve()), sha, report, facts, chunks, vectors)
        t4 = time.perf_counter()
        return {"seconds": dict(zip(self.stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3))),
                "pages": report.pages, "chunks": len(chunks), "facts": len(facts),
                "embedded": len(missing), "tokens": _tokens(self.tokenizer, missing)}

    def finish(self, corpus: Path) -> dict:
        from ingest.pipeline import ingest
        from ingest.store import Store

        summary = ingest([corpus], self.store, self.embedder)
        check = {"documents": summary.documents, "unchanged": summary.unchanged}
        with tempfile.TemporaryDirectory(prefix="bench-whole-") as tmp:
            fresh = Store(Path(tmp))
            whole = ingest([corpus], fresh, self.embedder).seconds
            fresh.close()
        return {"pipeline_check": check, "end_to_end_seconds": whole}


class Naive:
    stages = ("read (page text)", "split", "embed", "write")

    def __init__(self, store_dir: Path):
        from llama_index.core.node_parser import SentenceSplitter

        from ingest.embed import Embedder

        del store_dir  # the baseline keeps its vectors in memory
        self.embedder = Embedder()
        self.tokenizer = self.embedder.model.tokenizer
        self.splitter = SentenceSplitter()
        self.vectors = []

    def file(self, path: Path) -> dict:
        from evals.baseline import load_documents

        t0 = time.perf_counter()
        docs = load_documents(path)
        t1 = time.perf_counter()
        texts = [n.get_content() for n in self.splitter.get_nodes_from_documents(docs)]
        t2 = time.perf_counter()
        vectors = self.embedder.passages(texts)
        t3 = time.perf_counter()
        self.vectors.append(vectors)
        t4 = time.perf_counter()
        seconds = dict(zip(self.stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)))
        if not docs:
            return {"failed": "no text", "seconds": seconds}
        return {"seconds": seconds, "chunks": len(texts), "embedded": len(texts),
                "tokens": _tokens(self.tokenizer, texts)}

    def finish(self, corpus: Path) -> dict:
        from ingest.pipeline import walk

        self.vectors = []
        started = time.perf_counter()
        for path in walk([corpus]):
            self.file(path)
        return {"end_to_end_seconds": time.perf_counter() - started}


def _tokens(tokenizer, texts: list[str]) -> int:
    """e5 tokens the model actually runs over (prefix included, truncated at 512)."""
    return sum(min(MAX_TOKENS, len(ids)) for ids in tokenizer(["passage: " + t for t in texts])["input_ids"])


PIPELINES = {"project": Project, "naive": Naive}


def _serve(kind: str, store_dir: str, batching: dict, conn) -> None:
    """Child process: build one pipeline, then ingest the files the parent sends, one at a time.

    `batching` overrides ingest.embed's BATCH and SPREAD, for both pipelines alike (they share the embedder).
    """
    from ingest import embed

    embed.BATCH = batching.get("batch", embed.BATCH)
    embed.SPREAD = batching.get("spread", embed.SPREAD)
    started = time.perf_counter()
    pipeline = PIPELINES[kind](Path(store_dir))
    conn.send({"load_seconds": time.perf_counter() - started, "rss_after_load_mb": rss_mb()})
    while (message := conn.recv()) is not None:
        conn.send(pipeline.file(Path(message)))
    corpus = conn.recv()
    conn.send(pipeline.finish(Path(corpus)) | {"peak_rss_mb": peak_rss_mb()})


def run(corpus: Path, batching: dict) -> dict:
    from ingest.pipeline import walk

    context = mp.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        children = {}
        for kind in PIPELINES:
            parent, child = context.Pipe()
            process = context.Process(target=_serve, args=(kind, str(Path(tmp) / kind), batching, child))
            process.start()
            children[kind] = (process, parent)
        ready = {kind: conn.recv() for kind, (_, conn) in children.items()}
        files: dict[str, list[dict]] = {kind: [] for kind in PIPELINES}
        for i, path in enumerate(walk([corpus])):
            order = list(PIPELINES) if i % 2 == 0 else list(reversed(PIPELINES))
            for kind in order:
                conn = children[kind][1]
                conn.send(str(path))
                files[kind].append(conn.recv() | {"file": path.name})
            print(f"{i + 1:3d} {path.name}", flush=True)
        final = {}
        for kind, (process, conn) in children.items():
            conn.send(None)
            conn.send(str(corpus))
            final[kind] = conn.recv()
            process.join()
    return {kind: summarise(PIPELINES[kind].stages, files[kind], ready[kind] | final[kind]) for kind in PIPELINES}


def summarise(stages: tuple[str, ...], files: list[dict], extra: dict) -> dict:
    seconds = {s: sum(f["seconds"].get(s, 0.0) for f in files) for s in stages}
    done = [f for f in files if "failed" not in f]
    return {"stages": seconds, "seconds": sum(seconds.values()), "documents": len(done),
            "failed": [f["file"] for f in files if "failed" in f],
            "pages": sum(f.get("pages", 0) for f in done), "chunks": sum(f["chunks"] for f in done),
            "facts": sum(f.get("facts", 0) for f in done), "embedded": sum(f["embedded"] for f in done),
            "tokens": sum(f["tokens"] for f in done), "files": files, **extra}


def report(results: dict, batching: dict) -> str:
    project, naive = results["project"], results["naive"]
    pages = project["pages"]  # the same files: PDF pages as the project's reader counts them
    stage_rows = []
    for ours, theirs in zip(Project.stages, Naive.stages):
        a, b = project["stages"][ours], naive["stages"][theirs]
        stage_rows.append([f"{ours} | {theirs}", a, f"{a / project['seconds']:.0%}", b,
                           f"{b / naive['seconds']:.0%}", f"{a / b:.2f}×" if min(a, b) >= 0.05 else "—"])
    stage_rows.append(["total", project["seconds"], "100%", naive["seconds"], "100%",
                       f"{project['seconds'] / naive['seconds']:.2f}×"])

    def per(kind: dict) -> list:
        embed = kind["stages"]["embed"]
        return [kind["documents"], kind["chunks"], kind["embedded"], kind["tokens"], pages / kind["seconds"],
                kind["chunks"] / kind["seconds"], kind["tokens"] / embed, kind["load_seconds"],
                kind["rss_after_load_mb"], kind["peak_rss_mb"]]

    names = ["documents", "chunks", "texts embedded", "e5 tokens embedded", "pages/s", "chunks/s",
             "embed tokens/s", "model load s", "RSS after load MB", "peak RSS MB"]
    ours, theirs = per(project), per(naive)
    summary_rows = [[n, a, b, f"{a / b:.2f}" if b else "—"] for n, a, b in zip(names, ours, theirs)]
    check = project.get("pipeline_check", {})
    per_file = [sum(a["seconds"].values()) / sum(b["seconds"].values())
                for a, b in zip(project["files"], naive["files"]) if "failed" not in a and "failed" not in b]
    return "\n\n".join([
        table(f"ingestion time by stage, seconds (project | naive; embedder batching {batching or 'as shipped'})",
              ["stage", "project s", "share", "naive s", "share", "project/naive"], stage_rows),
        table("throughput and memory", ["", "project", "naive", "ratio"], summary_rows),
        f"pages: {pages} PDF pages in {project['documents']} documents; refused by the project: "
        f"{', '.join(project['failed']) or 'none'}\n"
        f"project/naive time per file: median {statistics.median(per_file):.2f}× over {len(per_file)} files "
        f"(robust to a burst of load from other processes; the totals are not)\n"
        f"end to end over the corpus (the project's ingest() into a fresh store, reading ahead; the naive "
        f"pipeline file after file): {project['end_to_end_seconds']:.1f} s against {naive['end_to_end_seconds']:.1f} s"
        f" = {project['end_to_end_seconds'] / naive['end_to_end_seconds']:.2f}×\n"
        f"load average before/after: {results['load'][0]:.1f} / {results['load'][1]:.1f}\n"
        f"check: ingest() over the benchmark's store found {check.get('unchanged')} of "
        f"{check.get('documents')} documents unchanged"])


def main(argv: list[str] | None = None) -> None:
    parser = arguments("Ingestion throughput of the project's pipeline beside the naive llama-index pipeline.")
    parser.add_argument("--corpus", type=Path, default=REPORTS)
    parser.add_argument("--batch", type=int, help="most texts per embedding batch (default: ingest.embed.BATCH)")
    parser.add_argument("--spread", type=float,
                        help="ingest.embed.SPREAD; 0 gives fixed batches of --batch (the policy before it)")
    args = parser.parse_args(argv)
    for key in ("CHROMA_HOST", "CHROMA_PORT", "EMBED_BASE_URL"):  # the benchmark's stores stay local and temporary
        os.environ.pop(key, None)
    batching = {k: v for k, v in (("batch", args.batch), ("spread", args.spread)) if v is not None}
    before = os.getloadavg()[0]
    results = run(args.corpus, batching) | {"load": (before, os.getloadavg()[0])}
    print(report(results, batching))
    write_json(args.json, {"corpus": str(args.corpus), "batching": batching} | results)


if __name__ == "__main__":
    main()
