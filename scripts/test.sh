#!/usr/bin/env bash
# Install what the tests need on a fresh machine, then run the WHOLE suite.
# Extra arguments go straight to pytest (e.g. `bash scripts/test.sh -x tests/test_boundaries.py`).
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-python3}"

# Browser tests drive Debian's Chromium; we never download a browser of our own.
# The load-balancer test (tests/test_serve.py) runs scripts/serve.sh, which puts Debian's HAProxy in front.
MISSING=()
if [ ! -x /usr/bin/chromium ]; then MISSING+=(chromium); fi
if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then MISSING+=(haproxy); fi
if [ ${#MISSING[@]} -gt 0 ]; then
    if command -v apt-get >/dev/null 2>&1; then
        SUDO=""
        if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
        $SUDO apt-get update
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${MISSING[@]}"
    else
        echo "scripts/test.sh: apt-get is not available to install ${MISSING[*]}." >&2
    fi
fi

"$PY" -m pip install --disable-pip-version-check -q -r requirements-dev.txt

# pytest's exit code is our exit code: any failure, error or "no tests ran" (5) fails the run.
exec "$PY" -m pytest -n 2 --dist loadgroup "$@"
