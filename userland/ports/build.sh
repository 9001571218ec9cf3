#!/usr/bin/env bash
# The ports: upstream programs from Debian 12's source packages, cross-built
# for wasm32-wasi against tabkernel's libc extension, each into a root file
# system fragment of its own that becomes one layer of the `toolchain` image
# (userland/ports/Dockerfile, docs/PORTS.md).
#
# Usage: userland/ports/build.sh [PORT...]     (default: every port)
# Env:   PORTS_OUT    where the fragments go (default build/ports): PORTS_OUT/NAME/
#                     holds usr/bin/PROGRAM... and usr/share/doc/PACKAGE/copyright
#        PORTS_CACHE  Debian's source files, kept between builds (default
#                     ${XDG_CACHE_HOME:-~/.cache}/tabkernel-ports)
#        LANES        ports built at once (default nproc): most of a port's
#                     time is its configure script, one process after another
#        JOBS         parallel jobs of the host make (default nproc)
#
# One recipe per port, userland/ports/NAME/recipe.sh, sourced by this script.
# It sets
#   PACKAGE, VERSION   the Debian source package and its exact version; VERSION
#                      `local` for the project's own program, whose source is
#                      the recipe's directory (no fetch, no Debian copyright)
#   FORKS              1 if the program calls fork(): it is compiled with the
#                      invoke lowering of setjmp (TK_SJLJ=invoke, see
#                      userland/build.sh write_cc) and asyncified; 0 otherwise,
#                      and a program that imports fork after all is refused
#   PROGRAMS           built files, relative to the source tree, installed as
#                      usr/bin/BASENAME (FILE:NAME to rename)
#   LINKS              NAME:TARGET symlinks in usr/bin (optional)
#   CONFIGURE          configure's options beyond --host, --prefix, --disable-nls
# and may define port_build (default: configure, then `make` of PROGRAMS),
# port_install DEST (files beyond the programs, into the fragment DEST) and
# port_check SRC, which stops the build when the configured tree lacks what the
# port needs of the libc extension. NAME/patches/*.patch are applied (-p1) in
# name order after Debian's own patches.
#
# Steps per port: 1. the source — `apt-get source --download-only` into the
# cache (adding a deb-src entry to APT's sources if none is there), then
# dpkg-source -x, which applies Debian's patches; 2. our patches; 3. the
# build, with the cc of `userland/build.sh --toolchain` (its target, sysroot,
# code flags and the libc extension); 4. `userland/build.sh --finish` on each
# program (exports checked, asyncify when it forks, wasm-opt); 5. Debian's
# copyright file. The source is built at a fixed path (WORK/NAME) mapped
# away by -ffile-prefix-map, so the output does not depend on where it ran.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PORTS=$ROOT/userland/ports
cd "$ROOT"
OUT=${PORTS_OUT:-build/ports}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
JOBS=${JOBS:-$(nproc)}
LANES=${LANES:-$(nproc)}
# Every port, the longest builds first, so that the lanes end together.
ORDER=(m4 diffutils gzip tar patch sed make gawk sqlite3 bc lua cc)
export LC_ALL=C SOURCE_DATE_EPOCH=0

die() { echo "ports/build.sh: $*" >&2; exit 1; }

[ -f /usr/share/misc/config.sub ] || die "no /usr/share/misc/config.sub (apt-get install autotools-dev)"
for tool in dpkg-source apt-get patch make autoreconf; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install dpkg-dev autoconf automake autopoint gettext patch make)"
done

# shellcheck source=userland/ports/fetch.sh
source "$PORTS/fetch.sh"

# Under /tmp whatever TMPDIR says: the paths on clang's command lines have
# the same length on every machine (the toolchain's cc, userland/build.sh).
WORK=$(mktemp -d /tmp/tabkernel-ports.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
bash userland/build.sh --toolchain "$WORK/tc" >/dev/null
export CC=$WORK/tc/bin/cc AR=llvm-ar-14 RANLIB=llvm-ranlib-14 CONFIG_SITE=$PORTS/config.site

# configure_port [ARGS...]: configure for wasm32-wasi with the recipe's CONFIGURE
# (and ARGS), then the recipe's port_check. For a recipe's port_build too.
configure_port() {
  ./configure -q --host=wasm32-unknown-wasi --prefix=/usr --disable-nls "${CONFIGURE[@]}" "$@" \
    CFLAGS="-ffile-prefix-map=$B/=" >"$WORK/$NAME.configure.log" 2>&1 \
    || { cat "$WORK/$NAME.configure.log" config.log >&2; die "$NAME: configure failed"; }
  if declare -F port_check >/dev/null; then port_check; fi
}

# The default build: configure, then make the programs.
default_build() {
  configure_port
  local targets=() p
  for p in "${PROGRAMS[@]}"; do targets+=("${p%%:*}"); done
  quiet "$NAME: make" make -j"$JOBS" "${targets[@]}"
}

# quiet WHAT CMD...: run CMD with its output in the port's log ($LOG), shown
# only if it fails.
quiet() {
  local what=$1; shift
  "$@" >"$LOG" 2>&1 || { tail -60 "$LOG" >&2; die "$what failed"; }
}

build_port() {
  NAME=$1
  local recipe=$PORTS/$NAME/recipe.sh
  [ -f "$recipe" ] || die "no port $NAME (no $recipe)"
  # A fresh recipe scope.
  unset -f port_build port_check port_install
  PACKAGE= VERSION= FORKS= PROGRAMS=() LINKS=() CONFIGURE=()
  # shellcheck source=/dev/null
  source "$recipe"
  [ -n "$PACKAGE" ] && [ -n "$VERSION" ] && [ -n "$FORKS" ] && [ ${#PROGRAMS[@]} -gt 0 ] \
    || die "$recipe must set PACKAGE, VERSION, FORKS and PROGRAMS"
  local t0=$SECONDS dsc p

  # 1-2. The source, Debian's patches applied, then ours. B and LOG are the
  # port's own: ports are built side by side, each in a subshell.
  B=$WORK/$NAME LOG=$WORK/$NAME.log
  rm -rf "$B"
  if [ "$VERSION" = local ]; then
    # The project's own program (cc): its source is the recipe's directory.
    cp -a "$PORTS/$NAME" "$B"
  else
    dsc=$(fetch_dsc "$PACKAGE" "$VERSION") || die "$NAME: no source"
    dpkg-source --no-check -x "$dsc" "$B" >/dev/null 2>&1 || die "dpkg-source -x $dsc failed"
    # As Debian's dh_update_autotools_config: current config.sub and config.guess
    # (autotools-dev's), which know wasm32-wasi where an older release's do not.
    while IFS= read -r p; do
      cp "/usr/share/misc/$(basename "$p")" "$p"
    done < <(find "$B" -name config.sub -o -name config.guess)
  fi
  for p in "$PORTS/$NAME"/patches/*.patch; do
    [ -e "$p" ] || continue
    patch -s -p1 -d "$B" --no-backup-if-mismatch <"$p" || die "$NAME: $(basename "$p") does not apply"
  done

  # 3. The build.
  if [ "$FORKS" = 1 ]; then export TK_SJLJ=invoke; else export TK_SJLJ=eh; fi
  (cd "$B" && if declare -F port_build >/dev/null; then port_build; else default_build; fi)

  # 4. The programs, finished as userland/build.sh finishes its own.
  local dest=$OUT/$NAME
  rm -rf "$dest"
  mkdir -p "$dest/usr/bin"
  local file name args
  for p in "${PROGRAMS[@]}"; do
    file=${p%%:*} name=${p#*:}
    name=$(basename "$name")
    args=()
    [ "$FORKS" = 1 ] && args=(--asyncify)
    bash userland/build.sh --finish "${args[@]}" "$B/$file" "$dest/usr/bin/$name" >/dev/null
    if [ "$FORKS" = 0 ] && wasm-objdump -x -j Import "$dest/usr/bin/$name" | grep -q '<- tabkernel\.fork$'; then
      die "$NAME: $name calls fork: set FORKS=1 in $recipe"
    fi
  done
  for p in "${LINKS[@]}"; do
    ln -sfn "${p#*:}" "$dest/usr/bin/${p%%:*}"
  done
  if declare -F port_install >/dev/null; then (cd "$B" && port_install "$dest"); fi
  # 5. The licence, as Debian ships it (the project's own programs: the project's).
  if [ "$VERSION" != local ]; then
    mkdir -p "$dest/usr/share/doc/$PACKAGE"
    install -m 644 "$B/debian/copyright" "$dest/usr/share/doc/$PACKAGE/copyright"
  fi
  find "$dest" -exec touch -h -d @0 {} +
  printf '  %-10s %-28s %4ds  %s\n' "$NAME" "$PACKAGE $VERSION" $((SECONDS - t0)) \
    "$(cd "$dest/usr/bin" && for f in *; do [ -L "$f" ] || printf '%s %d  ' "$f" "$(stat -c %s "$f")"; done)"
}

[ $# -gt 0 ] || set -- "${ORDER[@]}"
# The sources first, one after another (APT's lists and the cache are shared).
for port in "$@"; do
  [ -f "$PORTS/$port/recipe.sh" ] || die "no port $port (no $PORTS/$port/recipe.sh)"
  # shellcheck source=/dev/null
  (VERSION= && source "$PORTS/$port/recipe.sh" && { [ "$VERSION" = local ] || fetch_dsc "$PACKAGE" "$VERSION" >/dev/null; }) \
    || die "$port: no source"
done
# Then the builds, LANES at a time; a failed port fails the whole, once every
# build under way has ended.
running=0 failed=0
for port in "$@"; do
  if [ $running -ge "$LANES" ]; then wait -n || failed=1; running=$((running - 1)); fi
  build_port "$port" &
  running=$((running + 1))
done
while [ $running -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
[ $failed = 0 ] || die "a port did not build (its error is above)"
