"""The staff side: upload reports, watch them ingest, audit and remove them — behind a login.

It is a separate Gradio app mounted at /staff with Gradio's own login, so every
route of it (config, upload, queue) answers 401 until a staff member has logged
in; on top of that each handler checks the session's user itself, its events are
private (not in the API listing, refused by gradio_client), and repeated failed
logins from one client are slowed down exponentially. When no credentials are
configured the app is simply never built or mounted.
"""
from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import gradio as gr

from .render import esc
from .service import Service

log = logging.getLogger("juesuan.staff")

ALLOWED = (".pdf", ".xlsx", ".docx", ".txt", ".csv")
MAX_STEM = 60               # characters; 60 CJK characters are 180 bytes, under the 255-byte name limit
THROTTLE_BASE_S = 1.0
THROTTLE_CAP_S = 30.0
THROTTLE_FORGET_S = 900.0
_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff.()（）\-]+")


# ---------------------------------------------------------------- credentials and login

def staff_credentials(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """user → password from JUESUAN_STAFF_USER/PASSWORD and/or `user:password` lines in JUESUAN_STAFF_FILE."""
    creds: dict[str, str] = {}
    user, password = env.get("JUESUAN_STAFF_USER", "").strip(), env.get("JUESUAN_STAFF_PASSWORD", "")
    if user and password:
        creds[user] = password
    path = env.get("JUESUAN_STAFF_FILE", "").strip()
    if path:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            name, sep, secret = line.rstrip("\r\n").partition(":")
            if sep and name.strip() and secret and not name.lstrip().startswith("#"):
                creds[name.strip()] = secret
    return creds


def checker(creds: dict[str, str]) -> Callable[[str, str], bool]:
    """Constant-time comparison; an unknown user costs the same as a wrong password."""
    def check(username: str, password: str) -> bool:
        expected = creds.get(username)
        same = hmac.compare_digest((expected or "\0").encode(), (password or "").encode())
        return expected is not None and same
    return check


class LoginThrottle:
    """Per-client exponential delay after failed logins: 0, 1, 2, 4 … 30 s, forgotten after 15 quiet minutes."""

    def __init__(self, base: float = THROTTLE_BASE_S, cap: float = THROTTLE_CAP_S,
                 forget: float = THROTTLE_FORGET_S):
        self.base, self.cap, self.forget = base, cap, forget
        self.failures: dict[str, tuple[int, float]] = {}

    def delay(self, client: str) -> float:
        count, last = self.failures.get(client, (0, 0.0))
        if count == 0 or time.monotonic() - last > self.forget:
            return 0.0
        return min(self.base * 2 ** (count - 1), self.cap)

    def record(self, client: str, ok: bool) -> None:
        if ok:
            self.failures.pop(client, None)
            return
        count, last = self.failures.get(client, (0, 0.0))
        count = 0 if time.monotonic() - last > self.forget else count
        self.failures[client] = (count + 1, time.monotonic())

    def install(self, app, login_path: str) -> None:
        """Wrap the staff login route of `app` (a FastAPI app) with the delay."""
        @app.middleware("http")
        async def throttle_logins(request, call_next):
            if request.method != "POST" or request.url.path.rstrip("/") != login_path:
                return await call_next(request)
            client = request.client.host if request.client else "?"
            await asyncio.sleep(self.delay(client))
            response = await call_next(request)
            self.record(client, response.status_code == 200)
            if response.status_code != 200:
                log.warning("failed staff login from %s", client)  # never the name or password tried
            return response


# ---------------------------------------------------------------- files

def safe_name(name: str) -> str | None:
    """A file name safe to save under uploads/: no directories, no ../, no odd characters, short; None if
    the type is not one we ingest."""
    base = name.replace("\\", "/").split("/")[-1]
    base = _UNSAFE.sub("_", base).lstrip("._")
    stem, ext = os.path.splitext(base)
    if ext.lower() not in ALLOWED:
        return None
    return (stem[:MAX_STEM] or "report") + ext.lower()


def _html_table(headers: list[str], rows: list[list[object]], empty: str) -> str:
    if not rows:
        return f'<p class="jq-staff-empty">{esc(empty)}</p>'
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table class="jq-staff-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def results_html(results: list[dict]) -> str:
    """Per-file outcome of an upload: what was found, or why the file was refused."""
    rows = [[r.get("name", ""), r.get("status", "失败 failed") if "reason" not in r else "失败 failed",
             r.get("unit", ""), r.get("year", ""), r.get("kind", ""), r.get("tables", ""), r.get("facts", ""),
             r.get("chunks", ""), r.get("reason", "")] for r in results]
    return _html_table(["文件 file", "结果 status", "单位 unit", "年度 year", "类型 kind", "表 tables",
                        "数字 facts", "段落 chunks", "原因 reason"], rows, "没有文件 No files")


def findings_html(findings: list[dict]) -> str:
    rows = [[f.get("kind", ""), _join(f.get("pages")), _join(f.get("figures")), f.get("difference", ""),
             "是 yes" if f.get("within_rounding") else "否 no", f.get("description", "")] for f in findings]
    return _html_table(["类型 kind", "页 pages", "数字 figures", "差额 difference", "舍入误差内 within rounding",
                        "说明 description"], rows, "未发现问题 No findings")


def _join(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


# ---------------------------------------------------------------- operations

class StaffOps:
    """What staff can do to the store. Writes are serialised; the chat reloads after each change."""

    def __init__(self, service: Service, users: set[str]):
        self.service = service
        self.users = users
        self.uploads = service.store_dir / "uploads"
        self._lock = threading.Lock()

    def require(self, request: gr.Request | None) -> str:
        """The logged-in staff user of this request's session, or an error: checked in every handler."""
        user = getattr(request, "username", None) if request is not None else None
        if user not in self.users:
            raise gr.Error("需要工作人员登录 Staff login required")
        return user

    @contextlib.contextmanager
    def store(self) -> Iterator:
        """The store opened for one write, by one writer at a time. Opened per operation: its SQLite
        connection belongs to the thread that opened it, and Gradio runs each event in any worker thread."""
        from ingest.store import Store

        with self._lock:
            store = Store(self.service.store_dir)
            try:
                yield store
            finally:
                store.close()

    def documents(self) -> list[tuple]:
        db = sqlite3.connect(f"file:{self.service.store_dir / 'facts.sqlite'}?mode=ro", uri=True)
        try:
            return db.execute("SELECT doc_id, path, name, unit, year, kind, pages, tables, facts, chunks"
                              " FROM documents ORDER BY unit, year, name").fetchall()
        finally:
            db.close()

    def path_of(self, doc_id: str) -> Path | None:
        return next((Path(d[1]) for d in self.documents() if d[0] == doc_id), None)

    def listing(self, request: gr.Request) -> tuple:
        self.require(request)
        docs = self.documents()
        table = _html_table(["单位 unit", "年度 year", "类型 kind", "文件 file", "页 pages", "表 tables",
                             "数字 facts", "段落 chunks"], [[d[3], d[4], d[5], d[2], *d[6:]] for d in docs],
                            "语料为空 The corpus is empty")
        choices = [(f"{d[3]} {d[4] or ''}{d[5] or ''} · {d[2]}", d[0]) for d in docs]
        return table, gr.update(choices=choices, value=None)

    def ingest_one(self, upload: Path) -> dict:
        from ingest.pipeline import ingest_file

        name = safe_name(upload.name)
        if name is None:
            return {"name": upload.name, "reason": f"不支持的文件类型 unsupported type; 可用 allowed: {', '.join(ALLOWED)}"}
        self.uploads.mkdir(parents=True, exist_ok=True)
        dest = self.uploads / name
        backup = dest.with_name(dest.name + ".previous")
        if dest.exists():
            dest.replace(backup)
        shutil.copyfile(upload, dest)
        with self.store() as store:
            result = ingest_file(dest, store, self.service.assistant.embedder)
        failed = "reason" in result
        if failed:
            dest.unlink(missing_ok=True)
        if backup.exists() and failed:
            backup.replace(dest)    # a failed replacement leaves the version in the store in place
        elif backup.exists():
            backup.unlink()
        return result | {"name": name}

    def upload(self, files: list[str] | None, request: gr.Request, progress=gr.Progress()) -> tuple:
        user = self.require(request)
        paths = [Path(f) for f in files or []]
        results = []
        for i, path in enumerate(paths):
            progress((i, len(paths)), desc=f"正在导入 Ingesting {path.name}", unit="files")
            results.append(self.ingest_one(path))
            log.info("staff %s ingested %s: %s", user, results[-1]["name"], results[-1].get("status", "failed"))
        progress((len(paths), len(paths)), desc="完成 Done", unit="files")
        self.service.reload()
        return (results_html(results), *self.listing(request))

    def audit(self, doc_id: str | None, request: gr.Request) -> str:
        self.require(request)
        path = self.path_of(doc_id or "")
        if path is None:
            return '<p class="jq-staff-empty">请先选择报告 Choose a report first</p>'
        from assistant.audit import audit_path  # written separately; imported only when staff audit

        findings = [f.as_json() for f in audit_path(path)]
        return f"<h3>{esc(path.name)}</h3>{findings_html(findings)}"

    def remove(self, doc_id: str | None, confirm: bool, request: gr.Request) -> tuple:
        user = self.require(request)
        path = self.path_of(doc_id or "")
        if path is None or not confirm:
            message = "请先选择报告并勾选确认 Choose a report and tick the confirmation first"
            return (f'<p class="jq-staff-empty">{message}</p>', *self.listing(request), False)
        with self.store() as store:
            removed = store.remove(str(path))
        if removed and path.parent == self.uploads:
            path.unlink(missing_ok=True)
        self.service.reload()
        log.info("staff %s removed %s", user, path.name)
        return (f"<p>已移除 Removed: {esc(path.name)}</p>", *self.listing(request), False)


# ---------------------------------------------------------------- the app

def build(service: Service, users: set[str], logout_url: str) -> gr.Blocks:
    """The staff Blocks app; every event is private and every handler checks the session user."""
    ops = StaffOps(service, users)
    with gr.Blocks(title="决算问答 · 工作人员 Staff") as demo:
        gr.HTML(f'<div class="jq-header"><h1>工作人员 · Staff</h1><p><a href="{esc(logout_url)}">退出登录 Log out'
                f"</a> · <a href=\"/\">返回问答 Back to the chat</a></p></div>", js_on_load=None)
        with gr.Tab("上传报告 Upload"):
            files = gr.File(label="报告文件 Report files (PDF/XLSX/DOCX/TXT/CSV)", file_count="multiple",
                            file_types=list(ALLOWED), type="filepath", elem_id="jq-upload")
            ingest_btn = gr.Button("导入 Ingest", variant="primary", elem_id="jq-ingest")
            results = gr.HTML(elem_id="jq-results", js_on_load=None)
        with gr.Tab("报告 Reports", elem_id="jq-reports-tab"):
            doc = gr.Dropdown([], label="选择报告 Report", elem_id="jq-doc")
            with gr.Row():
                audit_btn = gr.Button("审核 Audit", elem_id="jq-audit")
                confirm = gr.Checkbox(label="确认移除 Confirm removal", value=False)
                remove_btn = gr.Button("移除 Remove", variant="stop", elem_id="jq-remove")
            outcome = gr.HTML(elem_id="jq-outcome", js_on_load=None)
            table = gr.HTML(elem_id="jq-docs", js_on_load=None)
        private = dict(api_visibility="private", concurrency_limit=1)
        ingest_btn.click(ops.upload, inputs=files, outputs=[results, table, doc], **private)
        audit_btn.click(ops.audit, inputs=doc, outputs=outcome, **private)
        remove_btn.click(ops.remove, inputs=[doc, confirm], outputs=[outcome, table, doc, confirm], **private)
        demo.load(ops.listing, outputs=[table, doc], api_visibility="private")
    return demo
