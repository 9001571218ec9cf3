#!/usr/bin/env bash
# GNU make 4.3 for tabkernel: Debian's make-dfsg 4.3-4.1 cross-built for
# wasm32-wasi with tabkernel's toolchain and libc extension, exactly as
# userland/build.sh builds the root image's programs (README.md here).
#
# Usage: userland/ports/make/build.sh [SRCDIR]
#   SRCDIR  an unpacked make-dfsg-4.3 (`apt-get source make-dfsg=4.3-4.1`);
#           without it the source is fetched that way (needs deb-src in APT's
#           sources and dpkg-dev) into a temporary directory.
# Env:     OUT (default test/programs/ports/make.wasm), JOBS (default nproc).
# Needs:   what userland/build.sh needs, plus autoconf, automake, autopoint,
#          gettext (autoreconf), patch and a host make.
#
# Steps: userland/build.sh --toolchain writes a cc that compiles with its
# target, sysroot, code flags and the libc extension's headers and links with
# libtk; autoreconf + configure --host=wasm32-unknown-wasi run against it (the
# release has no configure script: Debian builds with dh-autoreconf too); the
# host make builds; userland/build.sh --finish checks the exports, asyncifies
# the module if it imports tabkernel.fork (make 4.3 runs its jobs with
# posix_spawn, so it does not) and runs wasm-opt with build.sh's flags.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
HERE=$ROOT/userland/ports/make
OUT=${OUT:-test/programs/ports/make.wasm}
JOBS=${JOBS:-$(nproc)}
VERSION=4.3-4.1

for tool in autoreconf autopoint patch make; do
  command -v "$tool" >/dev/null || { echo "make/build.sh: $tool not found (apt-get install autoconf automake autopoint gettext patch make)" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tabkernel-make.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export LC_ALL=C SOURCE_DATE_EPOCH=0

# 1. The source: Debian's, as given or fetched.
if [ $# -ge 1 ]; then
  SRC=$(cd "$1" && pwd)
else
  (cd "$WORK" && apt-get source -qq "make-dfsg=$VERSION" >&2)
  SRC=$WORK/make-dfsg-4.3
fi
[ -f "$SRC/src/job.c" ] && grep -q '^AC_INIT(\[GNU make\],\[4\.3\]' "$SRC/configure.ac" || {
  echo "make/build.sh: $SRC is not GNU make 4.3's source" >&2
  exit 1
}
# Built in a copy whose path the objects do not keep (-ffile-prefix-map).
B=$WORK/make
cp -a "$SRC" "$B"
for p in "$HERE"/patches/*.patch; do
  patch -s -p1 -d "$B" --no-backup-if-mismatch <"$p"
done

# 2. The toolchain: userland/build.sh's compile and link, as a cc.
bash "$ROOT/userland/build.sh" --toolchain "$WORK/tc" >&2
CC=$WORK/tc/bin/cc

# 3. configure. Guile and load (dlopen) are off; NLS too (no gettext in wasi-libc).
cd "$B"
autoreconf -fi >"$WORK/autoreconf.log" 2>&1 || { cat "$WORK/autoreconf.log" >&2; exit 1; }
./configure -q --host=wasm32-unknown-wasi --prefix=/usr \
  --disable-nls --without-guile --disable-load \
  CC="$CC" AR=llvm-ar-14 RANLIB=llvm-ranlib-14 CFLAGS="-ffile-prefix-map=$B/=" \
  >"$WORK/configure.log" 2>&1 || { cat "$WORK/configure.log" config.log >&2; exit 1; }
# What make needs of the libc extension, found by configure's link tests.
for def in USE_POSIX_SPAWN HAVE_PSELECT HAVE_WAITPID HAVE_SIGACTION MAKE_JOBSERVER HAVE_FCNTL_H; do
  grep -q "^#define $def 1" src/config.h || { echo "make/build.sh: configure did not find $def" >&2; exit 1; }
done

# 4. Build. main(argc, argv, envp) is renamed and called by envp-main.c.
"$CC" -c "$HERE/envp-main.c" -o "$WORK/envp-main.o"
make -s -j"$JOBS" CPPFLAGS=-Dmain=make_main LIBS="$WORK/envp-main.o" >"$WORK/make.log" 2>&1 || { cat "$WORK/make.log" >&2; exit 1; }

# 5. Finish as userland/build.sh finishes its programs.
cd "$ROOT"
bash userland/build.sh --finish --asyncify "$B/make" "$OUT"
