"""python -m benchmarks.fuzz_readers [--inputs N] [--seconds S] [--seed K] [--time-limit T]

Mutation fuzzing of the readers: real reports with bytes flipped, blocks
dropped, duplicated or truncated, fed through the same child-process reader
that ingestion uses. A reader that raises anything but a clear refusal, or
dies, is a crash; one stopped by the time limit is a hang the limit caught.
Both kinds of input are saved under test-output/fuzz/ to become regression
tests. Reports the number of inputs tried.
"""
from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from ingest.errors import ReadError
from ingest.worker import Reader

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [ROOT / "data/reports/final-accounts/上海市普陀区财政局2024年度部门决算.pdf",
         ROOT / "data/reports/final-accounts/四川省农民工服务中心2022年度单位决算.txt",
         ROOT / "data/reports/budgets/jiangsu/江苏省人民检察院__收支预算总表.csv"]
CRASH_MARKERS = ("the reader failed", "crashed")


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One of the damages real files suffer: bit rot, lost blocks, repeated blocks, truncation."""
    data = bytearray(data)
    kind = rng.choice(["flip", "drop", "repeat", "truncate", "splice"])
    if kind == "flip":
        for _ in range(rng.randint(1, 64)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == "drop":
        start = rng.randrange(len(data))
        del data[start:start + rng.randint(1, 4096)]
    elif kind == "repeat":
        start = rng.randrange(len(data))
        block = data[start:start + rng.randint(1, 4096)]
        data[start:start] = block * rng.randint(2, 50)
    elif kind == "truncate":
        del data[rng.randrange(1, len(data)):]
    else:
        start = rng.randrange(len(data))
        data[start:start + 16] = rng.randbytes(16)
    return bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fuzz_readers")
    parser.add_argument("--inputs", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=600, help="stop after this long in all")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=20, help="seconds one input may take")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    crashes_dir = ROOT / "test-output" / "fuzz"
    outcomes: Counter[str] = Counter()
    crashes = 0
    started = time.monotonic()
    tried = 0
    with tempfile.TemporaryDirectory() as tmp, Reader(time_limit=args.time_limit) as reader:
        for tried in range(1, args.inputs + 1):
            if time.monotonic() - started > args.seconds:
                tried -= 1
                break
            seed = rng.choice(SEEDS)
            case = Path(tmp) / f"case{tried}{seed.suffix}"
            case.write_bytes(mutate(seed.read_bytes(), rng))
            try:
                reader.parse(case, case.name)
                outcomes["read"] += 1
            except ReadError as exc:
                reason = str(exc)
                if reason.startswith(CRASH_MARKERS) or "longer than" in reason:
                    crashed = reason.startswith(CRASH_MARKERS)
                    crashes += crashed
                    crashes_dir.mkdir(parents=True, exist_ok=True)
                    shutil.copy(case, crashes_dir / case.name)
                    outcomes[("crash: " if crashed else "hang stopped by the time limit: ") + reason[:60]] += 1
                else:
                    outcomes["refused: " + reason.split("(")[0].strip()[:50]] += 1
    elapsed = time.monotonic() - started
    print(f"{tried} inputs in {elapsed:.0f} s ({tried / max(elapsed, 1e-9):.1f}/s); {crashes} crashes")
    for outcome, count in outcomes.most_common():
        print(f"  {count:5d}  {outcome}")
    if crashes:
        print(f"crashing inputs saved under {crashes_dir}")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
