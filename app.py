"""The web chat: `python app.py [--store DIR] [--host H] [--port N]`.

Serves the public chat at / and, only when staff credentials are configured
(JUESUAN_STAFF_USER + JUESUAN_STAFF_PASSWORD, or JUESUAN_STAFF_FILE with
`user:password` lines), the staff side at /staff behind its own login. Cited PDF
pages are served as images from /page/…. Everything the browser loads comes
from this server: system fonts, no CDNs, no analytics, and a Content-Security-
Policy that forbids any other origin.
"""
from __future__ import annotations

import argparse
import logging
import os
import re
from pathlib import Path

OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "ANONYMIZED_TELEMETRY": "False", "TOKENIZERS_PARALLELISM": "false"}
for _key, _value in OFFLINE.items():  # before gradio and transformers are imported: they read these once
    os.environ.setdefault(_key, _value)

import gradio as gr  # noqa: E402
from fastapi import FastAPI, HTTPException, Response  # noqa: E402

from web import public, staff  # noqa: E402
from web.pages import Box  # noqa: E402
from web.service import PAGE_ROUTE, Service  # noqa: E402

ROOT = Path(__file__).resolve().parent
STAFF_PATH = "/staff"
CSS = ROOT / "web" / "style.css"
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' blob: data:; "
       "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'self'")
FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "system-ui", "sans-serif"]
MONO = ["Noto Sans Mono CJK SC", "ui-monospace", "monospace"]


def theme() -> gr.themes.Base:
    """Gradio's default look with system fonts, so no font file is requested from anywhere."""
    return gr.themes.Default(font=FONTS, font_mono=MONO)


def add_page_route(app: FastAPI, service: Service) -> None:
    """GET /page/<doc_id>/<n>.png?hl=<figures>&at=<words before them>&box=<x0,top,x1,bottom> — a cited PDF
    page, figure boxed (`box`: where OCR read a scanned figure, used when the page has no text to search)."""
    @app.get(PAGE_ROUTE + "/{doc_id}/{page:int}.png")
    def page_png(doc_id: str, page: int, hl: str = "", at: str = "", full: int = 0, box: str = "") -> Response:
        if not re.fullmatch(r"[0-9a-f]{8,64}", doc_id) or not 0 < page < 10_000:
            raise HTTPException(404)
        given = re.fullmatch(r"(\d{1,5}(?:\.\d)?,){3}\d{1,5}(?:\.\d)?", box)
        scanned = Box(*map(float, box.split(","))) if given else None
        png = service.pages.png(doc_id, page, hl[:120].split("|")[:4], at[:60], bool(full), scanned)
        if png is None:
            raise HTTPException(404)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


def add_security_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def headers(request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response


def create_app(store_dir: Path, env: dict[str, str] | None = None) -> FastAPI:
    """The whole site: page images, the staff app (if configured) at /staff, the public chat at /."""
    env = dict(os.environ) if env is None else env
    service = Service(store_dir)
    service.assistant.warm()
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    add_security_headers(app)
    add_page_route(app, service)
    creds = staff.staff_credentials(env)
    if creds:
        staff.LoginThrottle().install(app, STAFF_PATH + "/login")
        gr.mount_gradio_app(app, staff.build(service, set(creds), STAFF_PATH + "/logout"), path=STAFF_PATH,
                            auth=staff.checker(creds), auth_message="工作人员登录 Staff login", theme=theme(),
                            css_paths=[CSS], footer_links=[], max_file_size="50mb", show_error=True)
    else:
        logging.getLogger("juesuan").warning("no staff credentials configured: the staff side is off")
    # mounted last: "/" would otherwise shadow /staff and /page
    gr.mount_gradio_app(app, public.build(service), path="/", theme=theme(), css_paths=[CSS],
                        footer_links=["api"], max_file_size="1mb", show_error=False)
    return app


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python app.py", description="Serve the 决算/预算 question-answering chat.")
    parser.add_argument("--store", type=Path, default=Path(os.environ.get("JUESUAN_STORE", ROOT / "store")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(args.store)
    print(f"serving the chat on http://{args.host}:{args.port}", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
