"""Embedding throughput of the e5 model on this CPU: batch size, length sorting, torch threads.

`python -m benchmarks.embed [--texts 192] [--rounds 3] [--json OUT]`

The texts are the project's own chunks of the bundled final accounts. Batches are
formed here, not by SentenceTransformer.encode, because encode sorts by length
internally and would hide the unsorted case. Every configuration runs once per
round, in a shuffled order, so that load from other processes on the shared
machine falls on all configurations alike; the fastest round of each is
reported (interference only ever adds time), with the median beside it.

Throughput is counted in real (non-padding) tokens. The FLOPs the model executes
include padding; they are compared with the CPU's peak, estimated from
/proc/cpuinfo (see `cpu_peak` for the assumption).
"""
from __future__ import annotations

import itertools
import os
import random
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from .common import REPORTS, arguments, table, write_json

BATCHES = (8, 32, 64)
THREADS = (1, 2)
ORDERS = ("unsorted", "sorted")
PROJECT = (32, "by length")   # ingest.embed's policy: at most BATCH texts, of similar token length


@dataclass
class Peak:
    model: str
    family: int
    ghz: float
    cores: int
    isa: str
    flops_per_cycle: int
    assumption: str

    @property
    def gflops(self) -> float:
        return self.cores * self.ghz * self.flops_per_cycle


def cpu_peak(cpuinfo: str | None = None) -> Peak:
    """Peak fp32 FLOP/s = cores × clock × FLOPs per cycle per core, from /proc/cpuinfo.

    Assumed FMA units: two per core. With AVX-512 on AMD Zen 5 (family 26) and on
    Intel server cores they are 512 bits wide (2 × 16 lanes × 2 FLOPs = 64);
    Zen 4 (family 25) runs AVX-512 on 256-bit units (32); AVX2 + FMA gives 32.
    The clock is the nominal one /proc/cpuinfo reports; boost clocks would raise
    the peak and lower the fraction reached.
    """
    text = cpuinfo if cpuinfo is not None else Path("/proc/cpuinfo").read_text()

    def field(name: str) -> str:
        m = re.search(rf"^{name}\s*:\s*(.*)$", text, re.M)
        return m.group(1).strip() if m else ""

    flags = set(field("flags").split())
    family = int(field("cpu family") or 0)
    amd = field("vendor_id") == "AuthenticAMD"
    if "avx512f" in flags and not (amd and family < 26):
        isa, per_cycle, why = "AVX-512", 64, "2 × 512-bit FMA units per core"
    elif "avx512f" in flags:
        isa, per_cycle, why = "AVX-512 (256-bit datapath)", 32, "2 × 256-bit FMA units, AVX-512 double-pumped"
    elif {"avx2", "fma"} <= flags:
        isa, per_cycle, why = "AVX2+FMA", 32, "2 × 256-bit FMA units per core"
    else:
        isa, per_cycle, why = "SSE", 8, "no FMA: 4-lane add + 4-lane multiply per cycle"
    cores = len(os.sched_getaffinity(0))
    ghz = float(field("cpu MHz") or 0) / 1000
    return Peak(field("model name"), family, ghz, cores, isa, per_cycle,
                f"{cores} cores × {ghz:.2f} GHz × {per_cycle} FLOP/cycle ({why}, fp32)")


def flops_per_token(config, length: int) -> float:
    """Forward FLOPs per token of a BERT encoder at sequence length `length` (2 FLOPs per multiply-add).

    Per layer: Q, K, V and output projections 4·h², feed-forward 2·h·ff, attention
    scores and weighted sum 2·L·h multiply-adds. Embedding lookups, layer norms,
    softmax and pooling are a rounding error next to these.
    """
    h, ff = config.hidden_size, config.intermediate_size
    return config.num_hidden_layers * 2 * (4 * h * h + 2 * h * ff + 2 * length * h)


def sample_texts(n: int, seed: int = 0) -> list[str]:
    """The project's chunks of the bundled final accounts, a fixed random sample."""
    from ingest.chunks import report_chunks
    from ingest.read import read_report

    texts: list[str] = []
    for path in sorted((REPORTS / "final-accounts").iterdir()):
        texts += [c.text for c in report_chunks(read_report(path, path.name))]
    return random.Random(seed).sample(texts, min(n, len(texts)))


def batches(model, items: list[str], batch: int, order: str) -> list[list[str]]:
    """`unsorted`: as given; `sorted`: by characters, as SentenceTransformer.encode does;
    `by length`: the project's Embedder policy (ingest.embed.length_batches over token counts)."""
    from ingest.embed import length_batches

    if order == "by length":
        lengths = [len(ids) for ids in model.tokenizer(items, truncation=True,
                                                       max_length=model.max_seq_length)["input_ids"]]
        return [[items[i] for i in group] for group in length_batches(lengths, cap=batch)]
    if order == "sorted":
        items = sorted(items, key=len)
    return [items[i:i + batch] for i in range(0, len(items), batch)]


def run(model, texts: list[str], batch: int, order: str, threads: int) -> dict:
    """One pass over `texts`: real tokens/s, padding share and executed FLOPs."""
    import torch

    from ingest.model import PROMPTS

    torch.set_num_threads(threads)
    config = model[0].auto_model.config
    real = padded = flops = 0.0
    started = time.perf_counter()
    for group in batches(model, [PROMPTS["passage"] + t for t in texts], batch, order):
        features = model.preprocess(group)
        with torch.inference_mode():
            model(features)
        width = features["attention_mask"].shape[1]
        real += float(features["attention_mask"].sum())
        padded += features["attention_mask"].numel()
        flops += features["attention_mask"].numel() * flops_per_token(config, width)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "tokens": real, "padding": 1 - real / padded, "flops": flops}


def main(argv: list[str] | None = None) -> None:
    parser = arguments("Embedding throughput of the e5 model: batch size, length sorting, torch threads.")
    parser.add_argument("--texts", type=int, default=128, help="chunks embedded per configuration and round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    import torch

    from ingest.embed import Embedder

    model = Embedder().model
    texts = sample_texts(args.texts)
    configs = list(itertools.product(THREADS, BATCHES, ORDERS)) + [(t, *PROJECT) for t in THREADS]
    runs: dict[tuple, list[dict]] = {c: [] for c in configs}
    run(model, texts[:16], 8, "sorted", 2)  # warm-up: first calls pay for allocation and kernel selection
    for r in range(args.rounds):
        order = configs[:]
        random.Random(r).shuffle(order)
        for threads, batch, how in order:
            runs[(threads, batch, how)].append(run(model, texts, batch, how, threads))
        print(f"round {r + 1}/{args.rounds} done", flush=True)
    torch.set_num_threads(len(os.sched_getaffinity(0)))

    peak = cpu_peak()
    rows, out = [], []
    for threads, batch, how in configs:
        timed = runs[(threads, batch, how)]
        best, median = min(x["seconds"] for x in timed), statistics.median(x["seconds"] for x in timed)
        first = timed[0]
        gflops = first["flops"] / best / 1e9
        result = {"threads": threads, "batch": batch, "order": how, "tokens_per_s": first["tokens"] / best,
                  "median_tokens_per_s": first["tokens"] / median, "padding": first["padding"], "gflops": gflops,
                  "peak_fraction": gflops / peak.gflops, "seconds_per_round": [round(x["seconds"], 3) for x in timed]}
        out.append(result)
        rows.append([threads, batch, how, result["tokens_per_s"],
                     result["median_tokens_per_s"], f"{result['padding']:.0%}", gflops, f"{result['peak_fraction']:.1%}"])
    best = max(out, key=lambda x: x["tokens_per_s"])
    default = torch.get_num_threads()
    before = next(x for x in out if (x["threads"], x["batch"], x["order"]) == (default, 32, "sorted"))
    project = next(x for x in out if (x["threads"], x["batch"], x["order"]) == (default, *PROJECT))
    tokens = int(runs[configs[0]][0]["tokens"])
    print(table(f"e5 embedding throughput: {len(texts)} chunks ({tokens:,} real tokens) per run, "
                f"best and median of {args.rounds} interleaved rounds",
                ["threads", "batch", "order", "tokens/s", "median", "padding", "GFLOP/s", "of peak"], rows))
    print(f"CPU: {peak.model} (family {peak.family}), {peak.isa}; peak ≈ {peak.gflops:.0f} GFLOP/s = {peak.assumption}")
    print(f"the project's policy ({default} threads, ≤32 by length) runs at {project['tokens_per_s'] / before['tokens_per_s']:.2f}× "
          f"fixed sorted batches of 32 (SentenceTransformer.encode's own batching, used before)")
    print(f"fastest: {best['threads']} threads, batch {best['batch']}, {best['order']} — "
          f"{best['tokens_per_s'] / project['tokens_per_s']:.2f}× the project's policy")
    write_json(args.json, {"texts": len(texts), "rounds": args.rounds, "peak": vars(peak) | {"gflops": peak.gflops},
                           "runs": out, "best": best})


if __name__ == "__main__":
    main()
