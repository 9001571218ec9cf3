#!/bin/sh
# Installs what `npm start` and `npm test` need when it is missing, so each of
# them works as the first command on a fresh machine:
#   - node_modules (npm ci) when absent or older than package-lock.json;
#   - with --browser: Debian's chromium for the Playwright tests (apt-get, as root).
# Run by the `prestart`, `pretest` and `pretest:e2e` npm scripts; a no-op when
# everything is present. The C toolchain is not needed: the wasm binaries are committed.
set -eu
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "ensure-deps: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--browser" ]; then
  chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$chromium" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "ensure-deps: installing chromium (apt-get)"
      DEBIAN_FRONTEND=noninteractive apt-get update -q
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
    else
      echo "ensure-deps: no Chromium at $chromium; install Debian's chromium (sudo apt-get install chromium) or set CHROMIUM_PATH" >&2
      exit 1
    fi
  fi
fi
