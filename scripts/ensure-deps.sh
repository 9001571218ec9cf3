#!/bin/sh
# Installs what `npm start` and `npm test` need when it is missing, so each of
# them works as the first command on a fresh machine:
#   - node_modules (npm ci) when absent or older than package-lock.json;
#   - with --browser: the browsers the e2e suite runs in, Debian's chromium
#     (driven by playwright-core) and firefox-esr (driven by puppeteer-core over
#     WebDriver BiDi), with apt-get, as root; the zstd CLI, which the image
#     tests compress their zstd layers with (kernel/image/compression.test.ts);
#     and the real registry parts the image tests start and feed
#     (test/support/registry.ts): docker-registry, skopeo, umoci, htpasswd
#     (apache2-utils) and openssl; curl, which test/integration/net.test.ts
#     fetches from the published httpd with; Debian's own make, gawk, m4, bc,
#     lua5.4, sqlite3, patch and gcc, which the toolchain image's tests compare
#     the ports with (test/integration/toolchain.test.ts), and dpkg-dev, whose
#     `apt-get source` fetches the ports' upstream suites (ports-suites.test.ts).
# Run by the `prestart`, `pretest` and `pretest:e2e` npm scripts; a no-op when
# everything is present. The C toolchain is not needed: the wasm binaries are committed.
set -eu
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "ensure-deps: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--browser" ]; then
  missing=""
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing="$missing chromium"
  [ -x "${FIREFOX_PATH:-/usr/bin/firefox-esr}" ] || missing="$missing firefox-esr"
  for tool in zstd:zstd docker-registry:docker-registry skopeo:skopeo umoci:umoci htpasswd:apache2-utils openssl:openssl curl:curl \
      make:make gawk:gawk m4:m4 bc:bc lua5.4:lua5.4 sqlite3:sqlite3 patch:patch gcc:gcc dpkg-source:dpkg-dev; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing="$missing ${tool#*:}"
  done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "ensure-deps: installing$missing (apt-get)"
      DEBIAN_FRONTEND=noninteractive apt-get update -q
      # shellcheck disable=SC2086 # one word per package
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
    else
      echo "ensure-deps: missing$missing; install Debian's packages (sudo apt-get install$missing) or set CHROMIUM_PATH / FIREFOX_PATH" >&2
      exit 1
    fi
  fi
fi
