"""The chat's Gradio API: the public `ask` endpoint works, and the staff side cannot be reached without login.

The app runs as `python app.py` in a subprocess on a free port, over the whole
bundled corpus (the session's `corpus_store`), exactly as a person would start it.
"""
from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .corpus import ROOT
from .servers import free_port, http_status, serving

STAFF_USER, STAFF_PASSWORD = "staff-tester", "correct horse battery staple"
STARTUP_S = 240


@contextlib.contextmanager
def running_app(store: Path, staff: bool = True, log: Path | None = None) -> Iterator[str]:
    """`python app.py --store STORE` on a free port (with staff credentials in its environment); yields its URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUESUAN_STAFF")}
    env |= {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
            "ANONYMIZED_TELEMETRY": "False"}
    if staff:
        env |= {"JUESUAN_STAFF_USER": STAFF_USER, "JUESUAN_STAFF_PASSWORD": STAFF_PASSWORD}
    url = f"http://127.0.0.1:{port}"
    with serving([sys.executable, str(ROOT / "app.py"), "--store", str(store), "--port", str(port)],
                 url + "/config", STARTUP_S, log, cwd=ROOT, env=env):
        yield url


@pytest.fixture(scope="module")
def app_url(corpus_store, tmp_path_factory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("api") / "app.log"
    with running_app(corpus_store, log=log) as url:
        yield url


def test_public_ask_returns_a_verified_cited_figure(app_url):
    from gradio_client import Client

    client = Client(app_url + "/", verbose=False)
    result = client.predict("四川省农民工服务中心2022年三公经费是多少？", api_name="/ask")
    assert not result["refused"]
    assert "31.13" in result["answer"]
    figure = next(f for f in result["figures"] if f["value"] == "31.13")
    assert figure["status"] == "sourced"
    cited = result["citations"][figure["citation"] - 1]
    assert cited["unit"] == "四川省农民工服务中心" and "31.13" in cited["text"]


def test_public_ask_takes_filters_as_the_scope(app_url):
    from gradio_client import Client

    client = Client(app_url + "/", verbose=False)
    result = client.predict("三公经费是多少？", "四川省农民工服务中心", "2022", "", api_name="/ask")
    assert "31.13" in result["answer"] and result["scope"]["units"] == ["四川省农民工服务中心"]


def test_public_api_lists_only_ask(app_url):
    from gradio_client import Client

    api = Client(app_url + "/", verbose=False).view_api(print_info=False, return_format="dict")
    assert list(api["named_endpoints"]) == ["/ask"]
    assert not api["unnamed_endpoints"]


def test_staff_routes_refuse_anyone_not_logged_in(app_url):
    staff = app_url + "/staff"
    assert http_status(staff + "/config") == 401
    assert http_status(staff + "/gradio_api/info") == 401
    assert http_status(staff + "/gradio_api/upload", "POST", b"{}") == 401
    body = b'{"data": [null], "fn_index": 0, "session_hash": "x", "event_data": null, "trigger_id": null}'
    assert http_status(staff + "/gradio_api/queue/join", "POST", body) == 401


def test_staff_client_without_or_with_wrong_credentials_is_refused(app_url):
    from gradio_client import Client

    with pytest.raises(Exception, match="credentials|login|Login"):
        Client(app_url + "/staff/", verbose=False)
    started = time.monotonic()
    for _ in range(2):
        with pytest.raises(Exception, match="login"):
            Client(app_url + "/staff/", auth=(STAFF_USER, "wrong password"), verbose=False)
    assert time.monotonic() - started >= 1.0, "a repeated failed login is not slowed down"


def test_staff_endpoints_are_private_even_after_login(app_url):
    from gradio_client import Client

    client = Client(app_url + "/staff/", auth=(STAFF_USER, STAFF_PASSWORD), verbose=False)
    api = client.view_api(print_info=False, return_format="dict")
    assert not api["named_endpoints"] and not api["unnamed_endpoints"]
    with pytest.raises(Exception):
        client.predict(None, fn_index=0)


def test_staff_handlers_check_the_session_themselves(tmp_path):
    """Even called directly, past Gradio's own login, each staff handler refuses a request with no staff user."""
    import gradio as gr

    from web.staff import StaffOps

    class Service:
        store_dir = tmp_path

    ops = StaffOps(Service(), users={STAFF_USER})
    anonymous = type("Request", (), {"username": None})()
    for call in (lambda: ops.upload(["x.pdf"], anonymous), lambda: ops.audit("d", anonymous),
                 lambda: ops.remove("d", True, anonymous), lambda: ops.listing(anonymous)):
        with pytest.raises(gr.Error):
            call()
    assert not (tmp_path / "uploads").exists()


def test_no_credentials_means_no_staff_side(corpus_store):
    from starlette.routing import Mount

    from app import create_app

    app = create_app(corpus_store, env={})
    assert [r.path for r in app.routes if isinstance(r, Mount)] == [""]


def test_credentials_come_from_env_or_file(tmp_path):
    from web.staff import checker, staff_credentials

    (tmp_path / "staff").write_text("# comment\nalice:pa:ss\nbob:b0b\nbroken line\n", encoding="utf-8")
    creds = staff_credentials({"JUESUAN_STAFF_FILE": str(tmp_path / "staff"),
                               "JUESUAN_STAFF_USER": "carol", "JUESUAN_STAFF_PASSWORD": "c"})
    assert creds == {"alice": "pa:ss", "bob": "b0b", "carol": "c"}
    assert staff_credentials({}) == {}
    check = checker(creds)
    assert check("alice", "pa:ss") and not check("alice", "pa") and not check("mallory", "") and not check("", "")


def test_upload_names_are_sanitised():
    from web.staff import MAX_STEM, safe_name

    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("..\\..\\a.PDF") == "a.pdf"
    assert safe_name("<script>x</script>.csv") == "script_.csv"  # "</" ends a directory part
    assert safe_name(".hidden.txt") == "hidden.txt"
    assert safe_name("report.exe") is None and safe_name("report") is None
    long = safe_name("四" * 300 + ".docx")
    assert long == "四" * MAX_STEM + ".docx" and len(long.encode()) < 255


def test_failed_logins_slow_down_exponentially():
    from web.staff import LoginThrottle

    throttle = LoginThrottle(base=1, cap=8)
    assert throttle.delay("a") == 0
    for expected in (1, 2, 4, 8, 8):
        throttle.record("a", ok=False)
        assert throttle.delay("a") == expected
    assert throttle.delay("b") == 0
    throttle.record("a", ok=True)
    assert throttle.delay("a") == 0
