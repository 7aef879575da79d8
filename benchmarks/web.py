"""Simultaneous chat users against the real web app: latency distribution and errors.

`python -m benchmarks.web [--store DIR] [--users 1 10 50] [--asks 3] [--deadline 300] [--json OUT]`

Starts `python app.py --store DIR` on 127.0.0.1 and a free port, waits until it
serves its page, then for each N lets N users at once (one gradio_client
Client each, as N browser sessions would be) ask `--asks` questions of
evals/qa.jsonl through the app's one API endpoint, `/ask`. Each request has
its own timeout and each level a deadline after which no user starts a new
question, so a saturated server costs bounded time; what did not finish is
counted as an error. The server is stopped at the end.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

from .common import ROOT, arguments, percentile, questions, table, write_json

API = "/ask"
START_TIMEOUT_S = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def start_app(store: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUESUAN_STAFF")}  # public side only
    server = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--store", str(store), "--host", "127.0.0.1",
                               "--port", str(port)], cwd=ROOT, env=env, stdout=log.open("wb"),
                              stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _up(url):
        if server.poll() is not None or time.monotonic() > deadline:
            stop_app(server)
            raise RuntimeError(f"app.py did not come up:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(1)
    return server, url


def stop_app(server: subprocess.Popen) -> None:
    """Stop the app and anything it started (its own process group)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def level(url: str, users: int, asks: int, pool: list[str], timeout: float, deadline_s: float) -> dict:
    """`users` sessions at once, each asking `asks` questions in turn."""
    from gradio_client import Client

    latencies: list[float] = []
    connects: list[float] = []
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(users)
    deadline = [0.0]

    def user(k: int) -> None:
        started = time.perf_counter()
        try:
            client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
        except Exception as exc:  # a refused session is a result, not a crash of the benchmark
            with lock:
                errors[f"connect: {type(exc).__name__}"] += asks
            barrier.wait()
            return
        with lock:
            connects.append(time.perf_counter() - started)
        barrier.wait()
        for i in range(asks):
            if time.monotonic() > deadline[0]:
                with lock:
                    errors["not started before the deadline"] += asks - i
                return
            question = pool[(k * asks + i) % len(pool)]
            t0 = time.perf_counter()
            try:
                answer = client.submit(question, api_name=API).result(timeout=timeout)
                ok = isinstance(answer, dict) and "answer" in answer
            except Exception as exc:
                with lock:
                    errors[type(exc).__name__] += 1
                continue
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors["malformed answer"] += 1

    threads = [threading.Thread(target=user, args=(k,), daemon=True) for k in range(users)]
    began = time.perf_counter()
    deadline[0] = time.monotonic() + deadline_s
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=deadline_s + timeout + 60)
    wall = time.perf_counter() - began
    return {"users": users, "asked": users * asks, "ok": len(latencies), "errors": dict(errors),
            "wall_s": wall, "latency_s": latencies, "connect_s": connects}


def main(argv: list[str] | None = None) -> None:
    parser = arguments("N simultaneous chat users against app.py: latency distribution and errors.")
    parser.add_argument("--store", type=Path, default=ROOT / "store", help="the store app.py serves (default: store/)")
    parser.add_argument("--users", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--asks", type=int, default=3, help="questions per user")
    parser.add_argument("--timeout", type=float, default=120, help="seconds one request may take")
    parser.add_argument("--deadline", type=float, default=300, help="seconds after which no new question starts")
    args = parser.parse_args(argv)
    pool = questions()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-web-{os.getpid()}.log"
    server, url = start_app(args.store, log)
    try:
        client_warm = level(url, 1, 1, pool, args.timeout, args.deadline)  # first answers pay for lazy loading
        results = [level(url, n, args.asks, pool, args.timeout, args.deadline) for n in args.users]
    finally:
        stop_app(server)
    rows = []
    for r in results:
        lat = r["latency_s"]
        rows.append([r["users"], r["asked"], r["ok"], sum(r["errors"].values()),
                     percentile(lat, 50) * 1000, percentile(lat, 95) * 1000, max(lat, default=float("nan")) * 1000,
                     r["ok"] / r["wall_s"], percentile(r["connect_s"], 50) * 1000])
    print(table(f"simultaneous users of app.py ({API}), {args.asks} questions each, one request at a time per user",
                ["users", "asked", "ok", "errors", "p50 ms", "p95 ms", "max ms", "answers/s", "connect p50 ms"],
                rows))
    for r in results:
        if r["errors"]:
            print(f"errors at {r['users']} users: {r['errors']}")
    print(f"warm-up answer: {client_warm['latency_s'][0] * 1000:.0f} ms" if client_warm["latency_s"] else "")
    write_json(args.json, {"store": str(args.store), "asks": args.asks, "results": results})


if __name__ == "__main__":
    main()
