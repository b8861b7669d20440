#!/usr/bin/env bash
# Set up what Sitras needs on a Debian/Ubuntu machine, then run it.
#   bash sitras.sh demo        set up, then `python main.py demo`
#   bash sitras.sh test        set up (with test tools), then ruff + pytest
#   bash sitras.sh ARGS...     set up, then `python main.py ARGS...`
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "sitras: run as root or install sudo to let it install system packages: $*" >&2
    exit 2
  fi
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

need_debs=()
command -v python3 >/dev/null 2>&1 || need_debs+=(python3)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_debs+=(python3-venv)
installed libzbar0 || need_debs+=(libzbar0)
os_id=$( (. /etc/os-release && echo "${ID:-}") 2>/dev/null || true)
playwright_browser=no
if [ "${1:-}" = "test" ] && [ -z "${SITRAS_CHROMIUM:-}" ]; then
  if [ "$os_id" = ubuntu ]; then
    # Ubuntu ships Chromium only as a snap, which containers and CI runners lack:
    # there the browser test uses Playwright's own Chromium build (downloaded once).
    playwright_browser=yes
  else
    # Debian's headless Chromium for the browser test.
    command -v chromium >/dev/null 2>&1 || need_debs+=(chromium)
  fi
fi
if [ ${#need_debs[@]} -gt 0 ]; then
  echo "sitras: installing ${need_debs[*]} with apt-get" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_debs[@]}"
fi
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "sitras: Python 3.11 or newer is needed (found $(python3 --version 2>&1))" >&2
  exit 2
fi

requirements=requirements.txt
[ "${1:-}" = "test" ] && requirements=requirements-dev.txt
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.sitras-installed-$(cat requirements.txt "$requirements" | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements"
  touch "$stamp"
fi

if [ "$playwright_browser" = yes ]; then
  browser_stamp=.venv/.sitras-playwright-chromium-$(.venv/bin/python -m playwright --version | tr -cd '0-9.')
  if [ ! -f "$browser_stamp" ]; then
    as_root .venv/bin/python -m playwright install-deps chromium
    .venv/bin/python -m playwright install chromium
    touch "$browser_stamp"
  fi
  export SITRAS_CHROMIUM=playwright
fi

case "${1:-demo}" in
  test)
    shift
    .venv/bin/ruff check .
    exec .venv/bin/python -m pytest "$@"
    ;;
  *)
    exec .venv/bin/python main.py "$@"
    ;;
esac
