"""A server process for a test: a free port, a wait until it answers, and a clean stop however the test ends."""
from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(url: str, method: str = "GET", data: bytes | None = None) -> int:
    request = urllib.request.Request(url, method=method, data=data,
                                     headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0    # not listening (yet)


@contextlib.contextmanager
def serving(command: list[str], ready_url: str, timeout_s: float, log: Path | None = None,
            **popen) -> Iterator[subprocess.Popen]:
    """Run `command` until the test is done; it counts as up once `ready_url` answers 200."""
    out = open(log, "wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **popen)
    try:
        deadline = time.monotonic() + timeout_s
        while http_status(ready_url) != 200:
            tail = log.read_text(errors="replace")[-2000:] if log else ""
            assert proc.poll() is None, f"{command[0]} exited with {proc.returncode}: {tail}"
            assert time.monotonic() < deadline, f"{command[0]} did not start in {timeout_s:.0f} s: {tail}"
            time.sleep(0.5)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()
