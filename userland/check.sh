#!/usr/bin/env bash
# Reproducibility check for CI: rebuild every committed userland/test binary
# with userland/build.sh and fail if any byte differs from what is committed,
# or if the build produced a binary that is not committed at all.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# The output directories: the second word of every active build_dir line.
mapfile -t OUTPUTS < <(sed -n 's/^[[:space:]]*build_dir[[:space:]]\{1,\}[^[:space:]]\{1,\}[[:space:]]\{1,\}\([^[:space:]]\{1,\}\).*/\1/p' userland/build.sh)
[ ${#OUTPUTS[@]} -gt 0 ] || { echo "check.sh: no build_dir lines in build.sh" >&2; exit 1; }
OUTPUTS+=(userland/rootfs/bin)

bash userland/build.sh
status=0
if ! git diff --exit-code --stat -- "${OUTPUTS[@]}"; then
  echo "check.sh: rebuilt binaries differ from the committed ones (see above)." >&2
  status=1
fi
untracked=$(git ls-files --others --exclude-standard -- "${OUTPUTS[@]}")
if [ -n "$untracked" ]; then
  echo "check.sh: built but not committed:" >&2
  echo "$untracked" >&2
  status=1
fi
exit $status
