"""python -m ingest PATH... [--store DIR] [--json]"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

DEFAULT_STORE = Path(__file__).resolve().parent.parent / "store"


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    parser = argparse.ArgumentParser(prog="python -m ingest",
                                     description="Ingest 决算/预算 reports into the store.")
    parser.add_argument("paths", nargs="+", type=Path, help="files or directories (walked recursively)")
    parser.add_argument("--store", type=Path, default=Path(os.environ.get("JUESUAN_STORE", DEFAULT_STORE)))
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    args = parser.parse_args(argv)

    from tqdm import tqdm

    from .embed import Embedder
    from .pipeline import ingest, walk
    from .store import Store

    store = Store(args.store)
    files = walk(args.paths)
    bar = tqdm(total=len(files), unit="file", file=sys.stderr, disable=args.json and not sys.stderr.isatty())
    pages = chunks = 0

    def on_file(path: Path, result: dict) -> None:
        nonlocal pages, chunks
        pages += result.get("pages", 0)
        chunks += result.get("chunks", 0)
        bar.set_postfix(pages=pages, chunks=chunks)
        bar.update(1)
        if "reason" in result:
            bar.write(f"FAILED {path}: {result['reason']}", file=sys.stderr)

    def on_page(page: int, of: int) -> None:
        bar.set_postfix(pages=pages, chunks=chunks, ocr=f"page {page}/{of}")

    summary = ingest(args.paths, store, Embedder(), on_file=on_file, on_page=on_page)
    bar.close()
    store.close()
    if args.json:
        print(json.dumps(summary.as_json(), ensure_ascii=False))
    else:
        print(f"{summary.documents} documents ({summary.unchanged} unchanged), {summary.pages} pages, "
              f"{summary.tables} tables, {summary.rows} rows, {summary.facts} facts, {summary.chunks} chunks "
              f"in {summary.seconds:.1f} s; {len(summary.failed)} failed")
        print(f"store {args.store}: {summary.store['documents']} documents, "
              f"{summary.store['chunks']} chunks, {summary.store['facts']} facts")
        for f in summary.failed:
            print(f"  failed: {f['file']}: {f['reason']}")
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
