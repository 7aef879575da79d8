"""Answer latency and memory as the corpus grows: 1×, 10× and 100× the bundled reports.

`python -m benchmarks.latency [--scales 1 10 100] [--base-store DIR] [--questions N] [--profile] [--json OUT]`

1× is the bundled corpus ingested with the real e5 model (or a copy of
--base-store, a store of data/reports built beforehand). N× adds synthetic
reports (benchmarks/synth.py) until the store holds N times the facts of 1×;
their vectors come from the hashing stand-in (benchmarks/hashing.py), because
embedding them with e5 would take hours here. That does not bias what is
measured: the answer path reads facts from SQLite and, for dense search,
whatever vectors Chroma holds.

Each scale is measured in a fresh process: Assistant(store) with the e5 model
loaded, then every question of evals/qa.jsonl once, in order. Reported: startup
time, p50/p95/max of Answer.timings_ms["total"], peak RSS, and how many answers
are word for word the 1× answers (the synthetic units share no names with the
bundled ones, so the questions should be answered as before).
"""
from __future__ import annotations

import cProfile
import hashlib
import io
import multiprocessing as mp
import os
import pstats
import shutil
import tempfile
import time
from pathlib import Path

from .common import REPORTS, arguments, peak_rss_mb, percentile, questions, rss_mb, table, write_json
from .hashing import LABEL

SYNTH_BATCH = 200           # at most this many reports written and ingested at once
FACTS_PER_REPORT = 180      # a first guess of a synthetic report's facts, refined as reports land


def _measure(store_dir: str, asked: list[str], profile: bool, conn) -> None:
    """Child process: load the assistant, answer every question, report timings and memory."""
    from assistant.ask import Assistant
    from ingest.embed import Embedder

    started = time.perf_counter()
    embedder = Embedder()
    embedder.query("预热")
    model_seconds = time.perf_counter() - started
    assistant = Assistant(Path(store_dir), embedder=embedder)
    assistant.warm()  # the model loaded and the vector index open, as in a serving process (app.create_app)
    startup = time.perf_counter() - started
    after_load = rss_mb()
    profiler = cProfile.Profile() if profile else None
    totals, answers = [], []
    for question in asked:
        if profiler:
            profiler.enable()
        answer = assistant.ask(question)
        if profiler:
            profiler.disable()
        totals.append(answer.timings_ms["total"])
        answers.append(hashlib.sha256(answer.text.encode()).hexdigest()[:16])
    hot = ""
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        hot = out.getvalue()
    conn.send({"model_seconds": model_seconds, "startup_seconds": startup, "rss_after_load_mb": after_load,
               "peak_rss_mb": peak_rss_mb(), "ms": totals, "answers": answers, "profile": hot})


def measure(store_dir: Path, asked: list[str], profile: bool) -> dict:
    context = mp.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_measure, args=(str(store_dir), asked, profile, child))
    process.start()
    result = parent.recv()
    process.join()
    return result


def grow(store_dir: Path, work: Path, target_facts: int, next_index: int) -> int:
    """Ingest synthetic reports until the store holds `target_facts` facts; returns the next report index."""
    from ingest.pipeline import ingest
    from ingest.store import Store

    from . import synth
    from .hashing import HashingEmbedder

    store, embedder = Store(store_dir), HashingEmbedder()
    per_report = FACTS_PER_REPORT
    try:
        while (held := store.totals()["facts"]) < target_facts:
            count = max(1, min(SYNTH_BATCH, -(-(target_facts - held) // per_report)))
            folder = work / f"synth-{next_index:06d}"
            synth.write(folder, count, start=next_index)
            summary = ingest([folder], store, embedder)
            if summary.failed:
                raise RuntimeError(f"synthetic reports refused: {summary.failed[:3]}")
            next_index += count
            per_report = max(1, summary.facts // count)
            shutil.rmtree(folder)
            print(f"  {store.totals()['documents']} documents, {store.totals()['facts']} facts", flush=True)
    finally:
        store.close()
    return next_index


def base_store(store_dir: Path, source: Path | None) -> None:
    """The 1× store: a copy of `source`, or data/reports ingested with the real e5 model."""
    if source is not None:
        shutil.copytree(source, store_dir)
        return
    from ingest.embed import Embedder
    from ingest.pipeline import ingest
    from ingest.store import Store

    store = Store(store_dir)
    summary = ingest([REPORTS], store, Embedder())
    store.close()
    print(f"  1×: {summary.documents} documents ingested with e5 in {summary.seconds:.0f} s", flush=True)


def totals(store_dir: Path) -> dict[str, int]:
    from ingest.store import Store

    store = Store(store_dir)
    try:
        return store.totals()
    finally:
        store.close()


def main(argv: list[str] | None = None) -> None:
    parser = arguments("Answer latency p50/p95 and memory at 1×, 10×, 100× the bundled corpus.")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--base-store", type=Path, help="a store of data/reports to copy as 1× instead of ingesting")
    parser.add_argument("--questions", type=int, help="answer only every k-th question so that N are asked")
    parser.add_argument("--profile", action="store_true", help="cProfile the questions at the largest scale")
    parser.add_argument("--keep", type=Path, help="leave the largest store here instead of deleting it")
    args = parser.parse_args(argv)
    for key in ("CHROMA_HOST", "CHROMA_PORT", "EMBED_BASE_URL"):  # never write a benchmark store elsewhere
        os.environ.pop(key, None)

    asked = questions()
    if args.questions:
        asked = asked[::max(1, len(asked) // args.questions)][:args.questions]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        work = Path(tmp)
        store_dir = work / "store"
        print("building the 1× store", flush=True)
        base_store(store_dir, args.base_store)
        base_facts = totals(store_dir)["facts"]
        next_index = 0
        for scale in sorted(args.scales):
            if scale > 1:
                print(f"growing to {scale}× ({scale * base_facts} facts)", flush=True)
                next_index = grow(store_dir, work, scale * base_facts, next_index)
            held = totals(store_dir)
            print(f"measuring {scale}×: {held}", flush=True)
            result = measure(store_dir, asked, args.profile and scale == max(args.scales))
            results.append({"scale": scale, **held, "synthetic": next_index, **result})
        if args.keep:
            shutil.copytree(store_dir, args.keep)
    print(render(results, asked))
    write_json(args.json, {"questions": len(asked), "vectors": f"e5 for data/reports; {LABEL} for synthetic reports",
                           "results": [{k: v for k, v in r.items() if k != "answers"} for r in results]})


def render(results: list[dict], asked: list[str]) -> str:
    base = results[0]
    rows = []
    for r in results:
        same = sum(a == b for a, b in zip(r["answers"], base["answers"]))
        rows.append([f"{r['scale']}×", r["documents"], r["facts"], r["chunks"], r["startup_seconds"],
                     percentile(r["ms"], 50), percentile(r["ms"], 95), max(r["ms"]),
                     f"{percentile(r['ms'], 95) / percentile(base['ms'], 95):.1f}×", r["rss_after_load_mb"],
                     r["peak_rss_mb"], f"{same}/{len(asked)}"])
    text = table(f"answer latency over {len(asked)} questions of evals/qa.jsonl (Answer.timings_ms['total'], ms)",
                 ["corpus", "docs", "facts", "chunks", "startup s", "p50 ms", "p95 ms", "max ms", "p95 vs 1×",
                  "RSS loaded MB", "peak RSS MB", "same answer as 1×"], rows)
    text += f"\nvectors: e5 for the bundled reports; {LABEL} for the synthetic ones"
    for r in results[1:]:
        changed = [q for q, a, b in zip(asked, r["answers"], base["answers"]) if a != b]
        if changed:
            text += f"\nanswers that differ from 1× at {r['scale']}×: " + " | ".join(changed[:8])
    profiled = next((r["profile"] for r in results if r["profile"]), "")
    return text + (f"\n\ncProfile of the questions at {results[-1]['scale']}× (top 25 by cumulative time):\n{profiled}"
                   if profiled else "")


if __name__ == "__main__":
    main()
