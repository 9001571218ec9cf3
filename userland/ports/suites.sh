#!/usr/bin/env bash
# Upstream test suites of the ports, run by GNU make either natively (Debian's
# own programs) or inside tabkernel (the ported make, sh and the ports), on the
# same tests from the same Debian source. Prints one line per suite:
#   SUITE: N passed, N failed, N skipped   (then the names that failed)
#
# Usage: userland/ports/suites.sh native|tabkernel [SUITE...]
#   SUITE: gawk, sed, diffutils, sqlite3, lua (default: all)
# Env:   PORTS_CACHE  Debian's sources (userland/ports/build.sh fetches them)
#        TK_RUN       the command that runs tabkernel (default: `tabkernel run`
#                     of this checkout), given --dir TREE::/w --cwd /w, then
#        TK_IMAGE     (default: `--image toolchain`, the built-in image), then
#                     the command
#        KEEP         a directory to keep the suites' trees in (default: removed)
#
# gawk: test/Makefile.in's `basic`, `unix-tests` and `gawk-extensions` —
# each test runs an awk program and compares its output with the expected
# one by `cmp`; a test failed when its `_NAME` output is left behind.
# sed, diffutils: their shell tests (gnulib's init.sh), each run by a make
# target of a Makefile written here (automake's harness is not used), with
# the environment automake's TESTS_ENVIRONMENT gives them: exit 0 passed,
# 77 skipped, anything else failed. Tests needing a C compiler or perl are
# not in these lists (sed's *.pl; the ones that build helpers).
# sqlite3, lua: scripted workloads (userland/ports/NAME/workload.*), compared
# with Debian's own sqlite3 and lua5.4 (see workload below).
# docs/PORTS.md reports the figures; test/integration/ports-suites.test.ts
# holds tabkernel's to them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=userland/ports/fetch.sh
source "$ROOT/userland/ports/fetch.sh"
MODE=${1:-}
case $MODE in native|tabkernel) shift ;; *) echo "usage: suites.sh native|tabkernel [SUITE...]" >&2; exit 2 ;; esac
[ $# -gt 0 ] || set -- gawk sed diffutils sqlite3 lua
export LC_ALL=C

if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP"; WORK=$(cd "$KEEP" && pwd); else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/tabkernel-suites.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi

# source_tree PACKAGE VERSION: the unpacked Debian source (fetched into the cache if need be) in $WORK/PACKAGE.
source_tree() {
  local dsc
  dsc=$(fetch_dsc "$1" "$2") || exit 1
  rm -rf "${WORK:?}/$1"
  dpkg-source --no-check -x "$dsc" "$WORK/$1" >/dev/null 2>&1
}

# in_tree DIR SUB CMD...: run CMD in DIR/SUB — natively, or in tabkernel
# with DIR as /w.
in_tree() {
  local dir=$1 sub=$2; shift 2
  if [ "$MODE" = native ]; then
    (cd "$dir/$sub" && "$@")
  else
    # shellcheck disable=SC2086
    ${TK_RUN:-node "$ROOT/bin/tabkernel.js" run} --dir "$dir::/w" --cwd "/w/$sub" ${TK_IMAGE---image toolchain} "$@"
  fi
}

# report SUITE PASSED FAILED SKIPPED [FAILED NAMES...]
report() {
  local suite=$1 p=$2 f=$3 s=$4; shift 4
  echo "$suite: $p passed, $f failed, $s skipped"
  [ $# -eq 0 ] || echo "  failed: $*"
}

suite_gawk() {
  source_tree gawk 1:5.2.1-2
  local t=$WORK/gawk/test
  # test/Makefile.in as configure would write it for these targets: every
  # @VAR@ empty, the source directory `.` — under a name automake's rules do
  # not know how to remake (they would run configure).
  sed -e 's/@srcdir@/./g' -e 's/@[A-Za-z_0-9]*@//g' "$t/Makefile.in" >"$t/tests.mk"
  cp "$t/tests.mk" "$t/Makefile"   # beginfile1 and beginfile2 read ./Makefile
  printf 'list-tests:\n\t@echo $(BASIC_TESTS) $(UNIX_TESTS) $(GAWK_EXT_TESTS)\n' >"$t/list.mk"
  local names
  names=$(make -s -C "$t" -f tests.mk -f list.mk SHELL=/bin/sh list-tests)
  # What configure would have set that these targets use: the shell, the
  # program under test, PATH's separator, the absolute source directory (and
  # an empty build directory: AWKPROG is absolute).
  local here=/w
  [ "$MODE" = native ] && here=$t
  in_tree "$t" . make -k -f tests.mk SHELL=/bin/sh AWKPROG=/usr/bin/gawk PATH_SEPARATOR=: abs_srcdir="$here" abs_builddir= \
    basic unix-tests gawk-extensions >"$WORK/gawk.log" 2>&1 || true
  local n p=0 failed=()
  for n in $names; do
    if [ -e "$t/_$n" ]; then failed+=("$n"); else p=$((p + 1)); fi
  done
  report gawk $p ${#failed[@]} 0 "${failed[@]}"
}

# shell_suite SUITE DIR SUB TESTS...: gnulib-style shell tests, one make
# target each, run with -k -j2 in DIR/SUB (where automake runs them: srcdir
# is `.`); the tests put the directory of the programs under test first on
# PATH themselves (path_prepend_).
shell_suite() {
  local suite=$1 dir=$2 sub=$3; shift 3
  local mk=$dir/$sub/suite.mk t
  {
    echo "TESTS = $*"
    echo 'all: $(TESTS:=.status)'
    echo '%.status:'
    printf '\t@srcdir=.; abs_srcdir=/w/%s; abs_top_srcdir=/w; abs_top_builddir=/w; top_srcdir=/w; built_programs="%s"; \\\n' \
      "$sub" "$BUILT"
    printf '\tLC_ALL=C; VERSION=%s; CONFIG_HEADER=/w/config.h; MAKE=make; export srcdir abs_srcdir abs_top_srcdir abs_top_builddir top_srcdir built_programs LC_ALL VERSION CONFIG_HEADER MAKE; \\\n' "$VERSION"
    printf '\tTMPDIR=/tmp; export TMPDIR; /bin/sh $* >$*.log 2>&1; echo $$? >$@\n'
  } >"$mk"
  # The tree is /w in tabkernel; natively it is $dir, so point /w-paths there.
  if [ "$MODE" = native ]; then sed -i "s#/w#$dir#g" "$mk"; fi
  in_tree "$dir" "$sub" make -k -j2 -f suite.mk >"$WORK/$suite.log" 2>&1 || true
  local p=0 f=0 s=0 failed=() st
  for t in "$@"; do
    st=$(cat "$dir/$sub/$t.status" 2>/dev/null || echo missing)
    case $st in 0) p=$((p + 1)) ;; 77) s=$((s + 1)) ;; *) f=$((f + 1)); failed+=("$(basename "$t")") ;; esac
  done
  report "$suite" $p $f $s "${failed[@]}"
}

# progs DIR NAME...: DIR holding the programs under test — the ports' (as the
# image's /usr/bin has them) in tabkernel, Debian's natively.
progs() {
  local dir=$1; shift
  mkdir -p "$dir"
  local n
  for n in "$@"; do
    # A symlink (to Debian's program, or to the image's /usr/bin as the guest
    # sees it): run through PATH, the program's argv[0] is its bare name.
    if [ "$MODE" = native ]; then ln -sf "$(command -v "$n")" "$dir/$n"; else ln -sf "/usr/bin/$n" "$dir/$n"; fi
  done
}

suite_sed() {
  source_tree sed 4.9-1+deb12u1
  local d=$WORK/sed
  progs "$d/sed" sed
  BUILT=sed VERSION=4.9
  # The shell tests; those that compile helpers (get-mb-cur-max, test-mbrtowc)
  # or need SELinux are left out, as are the perl ones.
  local tests=() t
  for t in "$d"/testsuite/*.sh; do
    case $(basename "$t") in
      init.sh|envvar-check|inplace-selinux.sh|mb-charclass-non-utf8.sh|invalid-mb-seq-UMR.sh|mb-y-translate.sh|mb-bad-delim.sh|mb-match-slash.sh|subst-mb-incomplete.sh|bsd-wrapper.sh) continue ;;
    esac
    tests+=("testsuite/$(basename "$t")")
  done
  shell_suite sed "$d" . "${tests[@]}"
}

suite_diffutils() {
  source_tree diffutils 1:3.8-4
  local d=$WORK/diffutils
  progs "$d/src" diff cmp diff3 sdiff
  BUILT="diff cmp diff3 sdiff" VERSION=3.8
  local tests=(basic bignum binary brief-vs-stat-zero-kernel-lies cmp colliding-file-names diff3
    excess-slash help-version invalid-re function-line-vs-leading-space ignore-matching-lines
    label-vs-func new-file no-dereference no-newline-at-eof stdin strcoll-0-names
    filename-quoting strip-trailing-cr colors)
  shell_suite diffutils "$d" tests "${tests[@]}"
}

# workload SUITE FILE EXT CMD: the cases of FILE (each from a `-- case: NAME`
# line to the next) run by CMD (a shell command reading the case file $< and
# writing its output $@), one make target each, in tabkernel and natively by
# Debian's programs; a case passes when both print the same bytes (stdout,
# stderr and the exit status). Natively, every case is compared with itself.
workload() {
  local suite=$1 file=$2 ext=$3 cmd=$4
  local d=$WORK/$suite
  rm -rf "$d" "$d.native"
  mkdir -p "$d"
  awk -v dir="$d" -v ext="$ext" '/^-- case: /{out = dir "/" $3 "." ext; next} out {print > out}' "$file"
  local cases
  cases=$(cd "$d" && ls -- *."$ext" | sed "s/\.$ext\$//")
  {
    echo "CASES = $(echo $cases)"
    echo 'all: $(CASES:=.out)'
    printf '%%.out: %%.%s\n\t@rm -f $*.db; %s >$@ 2>&1; echo "exit $$?" >>$@\n' "$ext" "$cmd"
  } >"$d/suite.mk"
  cp -a "$d" "$d.native"
  (cd "$d.native" && make -s -k -j2 -f suite.mk TOOL="$NATIVE" >/dev/null 2>&1) || true
  if [ "$MODE" = tabkernel ]; then
    in_tree "$d" . make -s -k -j2 -f suite.mk TOOL="/usr/bin/$TOOL" >"$WORK/$suite.log" 2>&1 || true
  else
    rm -rf "$d" && cp -a "$d.native" "$d"
  fi
  local p=0 f=0 failed=() c
  for c in $cases; do
    if [ -f "$d/$c.out" ] && cmp -s "$d/$c.out" "$d.native/$c.out"; then p=$((p + 1)); else f=$((f + 1)); failed+=("$c"); fi
  done
  report "$suite" $p $f 0 "${failed[@]}"
}

suite_sqlite3() {
  NATIVE=$(command -v sqlite3) || { echo "suites.sh: Debian's sqlite3 is needed as the reference (apt-get install sqlite3)" >&2; exit 1; }
  TOOL=sqlite3
  workload sqlite3 "$ROOT/userland/ports/sqlite3/workload.sql" sql '$(TOOL) $*.db <$<'
}

suite_lua() {
  NATIVE=$(command -v lua5.4) || { echo "suites.sh: Debian's lua5.4 is needed as the reference (apt-get install lua5.4)" >&2; exit 1; }
  TOOL=lua
  workload lua "$ROOT/userland/ports/lua/workload.lua" lua '$(TOOL) $<'
}

for s in "$@"; do
  declare -F "suite_$s" >/dev/null || { echo "suites.sh: no suite $s" >&2; exit 2; }
  "suite_$s"
done
