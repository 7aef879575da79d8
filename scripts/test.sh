#!/usr/bin/env bash
# Every test: set up the same way as serve.sh, then run pytest over tests/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
echo "==> running tests"
exec "$VPY" -m pytest "$@"
