#!/usr/bin/env bash
# The main job: set up, ingest the bundled corpus when the store is missing or stale, serve the chat.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
STORE="${JUESUAN_STORE:-$ROOT/store}"
echo "==> ingesting data/reports into $STORE (unchanged files are skipped)"
"$VPY" -m ingest data/reports --store "$STORE" || echo "==> some files could not be ingested (see above); serving the rest"
echo "==> serving the chat on http://${HOST:-127.0.0.1}:${PORT:-7860}"
exec "$VPY" app.py --store "$STORE" --host "${HOST:-127.0.0.1}" --port "${PORT:-7860}"
