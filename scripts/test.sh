#!/usr/bin/env bash
# Every test: set up the same way as serve.sh, then run pytest over tests/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# The browser tests drive Debian's Chromium and need CJK fonts to render the pages they screenshot.
if [ ! -x /usr/bin/chromium ] || ! compgen -G "/usr/share/fonts/opentype/noto/NotoSansCJK*" > /dev/null; then
    echo "==> installing Chromium and Noto CJK fonts (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq > /dev/null
    apt-get install -y -qq chromium fonts-noto-cjk > /dev/null
fi

echo "==> running tests"
exec "$VPY" -m pytest "$@"
