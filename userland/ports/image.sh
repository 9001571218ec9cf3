#!/usr/bin/env bash
# The built-in `toolchain` image: userland/ports/Dockerfile built by
# tabkernel's own `image build` into the OCI layout userland/images/toolchain
# (committed: a fresh clone runs it without a C toolchain; docs/PORTS.md).
# Needs the ports built (userland/ports/build.sh; PORTS_OUT as there) and the
# CLI built (node scripts/build.js), and npm's @yowasp/clang in node_modules. SOURCE_DATE_EPOCH=0 and the fragments'
# fixed times make the layers reproducible: the same ports give the same digests.
#
# Usage: userland/ports/image.sh [OUT]     (default OUT: userland/images/toolchain)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
PORTS_OUT=${PORTS_OUT:-build/ports}
OUT=${1:-userland/images/toolchain}
PORTS=$(sed -n 's#^COPY ports/\([a-z0-9]*\)/ /$#\1#p' userland/ports/Dockerfile)
for p in $PORTS; do
  [ -d "$PORTS_OUT/$p/usr/bin" ] || { echo "image.sh: no $PORTS_OUT/$p: run userland/ports/build.sh $p" >&2; exit 1; }
done

# 1. The context: the root image's files (less /bin/image: images are the
#    host's business, as in userland/Dockerfile), the ports' fragments.
CTX=$(mktemp -d "${TMPDIR:-/tmp}/tabkernel-toolchain.XXXXXX")
trap 'rm -rf "$CTX"' EXIT
cp -a userland/rootfs "$CTX/rootfs"
rm -f "$CTX/rootfs/bin/image"
mkdir "$CTX/ports"
for p in $PORTS; do cp -a "$PORTS_OUT/$p" "$CTX/ports/$p"; done
cp userland/ports/Dockerfile "$CTX/Dockerfile"

# 2. The build, into a fresh layout (no blob of an older build stays).
rm -rf "$OUT"
mkdir -p "$OUT"
SOURCE_DATE_EPOCH=0 node bin/tabkernel.js image build --no-cache -t toolchain --output "oci:$OUT" "$CTX"
# 3. The C compiler's layer on top, from node_modules/@yowasp/clang: its
#    digest goes into the committed manifest, its blob stays out of git
#    (scripts/clang-layer.js; `node scripts/build.js` writes it on a clone).
node scripts/clang-layer.js --compose "$OUT"
du -sh "$OUT"
