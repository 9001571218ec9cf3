#!/usr/bin/env bash
# Userland toolchain: compiles C programs to wasm32-wasi modules with Debian's
# clang 14 + wasi-libc, then optimises them with binaryen's wasm-opt.
#
# Why it looks like this (DESIGN.md §5):
#  - A private sysroot of two symlinks (include/wasm32-wasi, lib/wasm32-wasi)
#    so a header wasi-libc lacks fails with "file not found" instead of
#    silently resolving to glibc's /usr/include.
#  - Compile with -O2 -c, link *without* -O: with -O at link time and wasm-opt
#    on PATH, clang runs wasm-opt itself and strips names we may need later
#    (asyncify lists). We run wasm-opt ourselves, once, with pinned flags.
#  - Output must be byte-for-byte reproducible: CI rebuilds and runs
#    `git diff --exit-code` on the committed .wasm files (userland/check.sh).
#    So: run from the repository root with relative source paths (assert()
#    embeds __FILE__), map any absolute prefix away, no debug info, and strip
#    the producers section (it names the compiler build).
#
# Usage: userland/build.sh            build everything
#        userland/build.sh NAME...    build only test/programs/NAME.c
#        userland/build.sh --toolchain DIR
#                                     for ports (userland/ports/*/build.sh): build
#                                     the sysroot and the libc extension into DIR and
#                                     write DIR/bin/cc, a compiler driver with this
#                                     script's target, code flags and link (libtk)
#        userland/build.sh --finish [--asyncify] RAW OUT
#                                     what build_prog does to a linked module: check
#                                     its exports, asyncify it if it forks, wasm-opt
# Env:   CLANG, WASM_OPT override the tools; WASI_SYSROOT_INCLUDE/LIB the
#        wasi-libc locations (default: Debian's /usr/{include,lib}/wasm32-wasi).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CLANG=${CLANG:-clang-14}
WASM_OPT=${WASM_OPT:-wasm-opt}
WASM_OBJDUMP=${WASM_OBJDUMP:-wasm-objdump}
WASI_INCLUDE=${WASI_SYSROOT_INCLUDE:-/usr/include/wasm32-wasi}
WASI_LIB=${WASI_SYSROOT_LIB:-/usr/lib/wasm32-wasi}

for tool in "$CLANG" "$WASM_OPT" "$WASM_OBJDUMP"; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool not found" >&2; exit 1; }
done
[ -d "$WASI_INCLUDE" ] && [ -d "$WASI_LIB" ] || {
  echo "build.sh: wasi-libc not found ($WASI_INCLUDE, $WASI_LIB); apt install wasi-libc" >&2
  exit 1
}

MODE=build
case ${1:-} in
  --toolchain) MODE=toolchain; [ $# = 2 ] || { echo "usage: build.sh --toolchain DIR" >&2; exit 2; }
               mkdir -p "$2"; WORK=$(cd "$2" && pwd); rm -rf "${WORK:?}/sysroot" "$WORK/libtk"; shift 2 ;;
  --finish) MODE=finish; shift ;;
esac
if [ $MODE != toolchain ]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/tabkernel-userland.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi

# 1. The clean sysroot: nothing but wasi-libc.
SYSROOT=$WORK/sysroot
mkdir -p "$SYSROOT/include" "$SYSROOT/lib"
ln -s "$WASI_INCLUDE" "$SYSROOT/include/wasm32-wasi"
ln -s "$WASI_LIB" "$SYSROOT/lib/wasm32-wasi"

TARGET=(--target=wasm32-wasi "--sysroot=$SYSROOT")
# Code generation (also what --toolchain's cc uses), then tabkernel's own warnings.
CFLAGS_CODE=(-O2 -std=gnu11 "-ffile-prefix-map=$ROOT/=" -fno-ident)
CFLAGS=("${CFLAGS_CODE[@]}" -Wall -Wextra -Werror -Wno-unused-parameter)
# wasm-ld's warnings are errors: "function signature mismatch: main" (a
# main(argc, argv, envp)) links into a program whose _start calls a stub and
# silently does nothing.
LDFLAGS=(-Wl,--fatal-warnings)
# binaryen 108: -O2, drop DWARF/name and producers sections.
WASM_OPT_FLAGS=(-O2 --strip-debug --strip-producers)

# link OUT ARGS...: clang as the linker; a main of the wrong type is explained.
link() {
  local out=$1; shift
  local log=$WORK/link.log
  if ! "$CLANG" "${TARGET[@]}" "${LDFLAGS[@]}" "$@" -o "$out" 2>"$log"; then
    cat "$log" >&2
    if grep -q 'signature mismatch: main' "$log"; then
      echo "build.sh: main must be int main(void) or int main(int, char **); use environ for the environment" >&2
    fi
    exit 1
  fi
  cat "$log" >&2
}

# build_one SRC OUT [extra cflags...]: one C file → one .wasm.
build_one() {
  local src=$1 out=$2; shift 2
  local name obj raw
  name=$(basename "$src" .c)
  obj=$WORK/obj/$name.o
  raw=$WORK/raw/$name.wasm
  mkdir -p "$WORK/obj" "$WORK/raw" "$(dirname "$out")"
  "$CLANG" "${TARGET[@]}" "${CFLAGS[@]}" "$@" -c "$src" -o "$obj"
  link "$raw" "$obj"
  "$WASM_OPT" "${WASM_OPT_FLAGS[@]}" "$raw" -o "$out.tmp"
  mv -f "$out.tmp" "$out"
  chmod 755 "$out"   # a program: exec needs an execute bit
  printf '  %-40s %7d bytes\n' "$out" "$(stat -c %s "$out")"
}

# build_dir SRCDIR OUTDIR [extra cflags...]: every SRCDIR/*.c → OUTDIR/NAME.wasm.
build_dir() {
  local srcdir=$1 outdir=$2; shift 2
  local src
  for src in "$srcdir"/*.c; do
    [ -e "$src" ] || continue
    if [ ${#ONLY[@]} -gt 0 ] && [[ ! " ${ONLY[*]} " == *" $(basename "$src" .c) "* ]]; then
      continue
    fi
    build_one "$src" "$outdir/$(basename "$src" .c).wasm" "$@"
  done
}

ONLY=("$@")
export LC_ALL=C   # stable glob order

# 2. What gets built. One line per program directory.
if [ $MODE = build ]; then
build_dir test/programs test/programs/bin -Itest/programs -Wno-unused-result
fi

# 3. tabkernel's libc extension (userland/libc): cwd.o is linked into every
#    program (its constructor takes the kernel's working directory); the rest
#    is an archive, so a program carries only what it calls. Programs export
#    their stack pointer, which fork carries to the child, and get a 1 MiB
#    stack (wasm-ld's 64 KiB default overflows silently into static data).
LIBC_INC=(-Iuserland/libc/include -mmutable-globals)
#    The function table and __tk_sigtramp (the signal trampoline's index,
#    userland/libc/signal.c) are exported for the runtime to run handlers.
#    open, openat, mkdir and mkdirat are wrapped so that their mode argument
#    is honoured (userland/libc/creat.c), wasi-libc's own calls included;
#    fopen, so that its "e" mode is (userland/libc/fopen.c).
USER_LDFLAGS=(-Wl,--export=__stack_pointer -Wl,-z,stack-size=1048576
  -Wl,--export-table -Wl,--export-if-defined=__tk_sigtramp
  -Wl,--wrap=open -Wl,--wrap=openat -Wl,--wrap=mkdir -Wl,--wrap=mkdirat -Wl,--wrap=fopen)
#    setjmp/longjmp (userland/libc/setjmp.c) come in two builds: a file that
#    includes <setjmp.h> is compiled with clang's lowering of them to
#    WebAssembly exception handling — or, in a program that forks, to invoke
#    trampolines (Binaryen's asyncify cannot instrument exception handling).
#    Other files as before (the flags change code that never jumps too).
SJLJ_EH=(-mllvm -wasm-enable-sjlj -mexception-handling)
SJLJ_INVOKE=(-mllvm -enable-emscripten-sjlj)
SJLJ=("${SJLJ_EH[@]}")
# with_invoke CMD...: run CMD with setjmp lowered to invoke trampolines.
with_invoke() {
  local SJLJ=("${SJLJ_INVOKE[@]}")
  "$@"
}
# cc_user SRC OBJ: compile one file against the libc extension.
cc_user() {
  local extra=()
  if grep -q '^#include <setjmp.h>' "$1"; then extra=("${SJLJ[@]}"); fi
  "$CLANG" "${TARGET[@]}" "${CFLAGS[@]}" "${LIBC_INC[@]}" "${extra[@]}" -c "$1" -o "$2"
}
LIBTK=$WORK/libtk
build_libc() {
  mkdir -p "$LIBTK"
  local src
  for src in userland/libc/*.c; do
    cc_user "$src" "$LIBTK/$(basename "$src" .c).o"
  done
  # The invoke build of setjmp.c, linked ahead of the archive into programs that fork.
  with_invoke cc_user userland/libc/setjmp.c "$LIBTK/setjmp-invoke.o"
  local members=()
  for src in "$LIBTK"/*.o; do
    case $(basename "$src") in cwd.o|setjmp-invoke.o) ;; *) members+=("$src") ;; esac
  done
  llvm-ar-14 rcsD "$LIBTK/libtk.a" "${members[@]}"
}

# check_exports WASM: a command module exports no function but _start. wasm-ld
# wraps any other exported function in __wasm_call_ctors/__wasm_call_dtors, so
# calling it reruns the constructors and the exit code (a signal trampoline
# exported that way did both on every signal).
check_exports() {
  local bad
  bad=$("$WASM_OBJDUMP" -x -j Export "$1" | sed -n 's/.*func\[[0-9]*\] <\(.*\)> -> "\(.*\)"/\2/p; s/.*func\[[0-9]*\] -> "\(.*\)"/\1/p' | grep -vx _start || true)
  if [ -n "$bad" ]; then
    echo "build.sh: $1 exports functions other than _start (wrapped in ctors/dtors by wasm-ld): $bad" >&2
    exit 1
  fi
}

# build_archive NAME SRC...: C files → $WORK/NAME.a, compiled as programs are;
# a program linking it carries only the members it calls.
build_archive() {
  local dir=$WORK/$1 src objs=()
  shift
  mkdir -p "$dir"
  for src in "$@"; do
    objs+=("$dir/$(basename "$src" .c).o")
    cc_user "$src" "${objs[-1]}"
  done
  llvm-ar-14 rcsD "$dir.a" "${objs[@]}"
}

# build_prog OUT [--asyncify] SRC...: C files (and archives, SRC.a) → one program of the root image.
# --asyncify: the program may fork; when it does (it imports tabkernel.fork),
# Binaryen's asyncify instruments the call paths that reach the fork import
# (and indirect calls, which might), then -O2 again. Asyncify cannot instrument
# exception handling, so a program that forks and uses setjmp is compiled again
# with invoke trampolines, whose env.invoke_* imports asyncify unwinds through.
build_prog() {
  local out=$1; shift
  local async=0
  if [ "$1" = --asyncify ]; then async=1; shift; fi
  local name
  name=$(basename "$out" .wasm)
  if [ ${#ONLY[@]} -gt 0 ] && [[ ! " ${ONLY[*]} " == *" $name "* ]]; then return; fi
  mkdir -p "$WORK/obj/$name" "$(dirname "$out")" "$WORK/raw"
  local raw=$WORK/raw/$name.wasm
  compile_link "$raw" "$name" "$@"
  finish_prog $async "$raw" "$out" "$name" "$@"
}

# finish_prog ASYNC RAW OUT [NAME INPUT...]: a linked module → the program OUT.
# ASYNC=1: asyncify it if it imports tabkernel.fork; with NAME and INPUTs it is
# first linked again with invoke trampolines when it uses setjmp (see build_prog).
finish_prog() {
  local async=$1 raw=$2 out=$3; shift 3
  check_exports "$raw"
  # (objdump's output is read whole: grep -q leaving a pipe early would fail it under pipefail)
  local imports sections
  imports=$("$WASM_OBJDUMP" -x -j Import "$raw")
  sections=$("$WASM_OBJDUMP" -h "$raw")
  if [ $async = 1 ] && ! grep -q '<- tabkernel\.fork$' <<<"$imports"; then async=0; fi
  if [ $async = 1 ] && grep -q '^ *Tag ' <<<"$sections"; then
    if [ $# = 0 ]; then
      echo "build.sh: $raw forks and uses setjmp: link it with -mllvm -enable-emscripten-sjlj and setjmp-invoke.o" >&2
      exit 1
    fi
    local name=$1; shift
    with_invoke compile_link "$raw" "$name" "$LIBTK/setjmp-invoke.o" "$@"
    check_exports "$raw"
  fi
  if [ $async = 1 ]; then
    "$WASM_OPT" --asyncify --pass-arg='asyncify-imports@tabkernel.fork,env.invoke_*' "${WASM_OPT_FLAGS[@]}" "$raw" -o "$out.tmp"
  else
    "$WASM_OPT" "${WASM_OPT_FLAGS[@]}" "$raw" -o "$out.tmp"
  fi
  mv -f "$out.tmp" "$out"
  chmod 755 "$out"
  printf '  %-40s %7d bytes\n' "$out" "$(stat -c %s "$out")"
}

# compile_link RAW NAME INPUT...: compile the C files among INPUT (objects and
# archives are linked as they are) and link them with the libc extension.
compile_link() {
  local raw=$1 name=$2; shift 2
  local objs=() src obj
  for src in "$@"; do
    case $src in
      *.o|*.a) objs+=("$src") ;;
      *) obj="$WORK/obj/$name/$(echo "$src" | tr '/' '_').o"
         cc_user "$src" "$obj"
         objs+=("$obj") ;;
    esac
  done
  link "$raw" "${USER_LDFLAGS[@]}" "${objs[@]}" "$LIBTK/cwd.o" "$LIBTK/libtk.a"
}

# write_cc FILE (--toolchain): a compiler driver for a port's own build system:
# clang with this script's target and sysroot and the libc extension's headers;
# compiling, with CFLAGS_CODE (the caller's -O and -g are dropped: these flags
# decide, and there is no debug info); linking, with what compile_link gives a
# program (LDFLAGS, USER_LDFLAGS, cwd.o, libtk.a) and no -O (see the top) — unless
# C sources are compiled in the same command: configure's tests, whose
# `char f();` declarations mismatch the real signatures, so wasm-ld's warnings
# are not fatal there. setjmp/longjmp: every file is compiled with one of
# cc_user's two lowerings, chosen by TK_SJLJ in the environment — `eh`
# (the default: WebAssembly exception handling) or `invoke` (a program that
# forks: invoke trampolines, and its links get setjmp-invoke.o ahead of libtk).
# Either lowering changes only functions that call setjmp.
write_cc() {
  # -isystem, not -I: a port's own replacement headers (gnulib's lib/*.h, which
  # #include_next the system's) come first, then the libc extension's, then
  # wasi-libc's — the order they have on a Unix system. The headers are copied
  # into the toolchain's directory, so that no path of the checkout is on
  # clang's command line (see CLANG_RUN below).
  local dir
  dir=$(dirname "$(dirname "$1")")
  rm -rf "$dir/include"
  cp -r "$ROOT/${LIBC_INC[0]#-I}" "$dir/include"
  local inc=(-isystem "$dir/include" "${LIBC_INC[@]:1}")
  # A port's sources map their own paths (-ffile-prefix-map=$B/= in its CFLAGS).
  local CFLAGS_CODE=("${CFLAGS_CODE[@]/#-ffile-prefix-map=*/-ffile-prefix-map=$dir/=}")
  # clang 14's setjmp lowering for programs that fork (-enable-emscripten-sjlj)
  # orders the setjmp dispatch of a function by where its blocks happen to be
  # in memory: gawk's debug.c came out three ways in ten compiles. Without
  # address space randomisation (setarch -R), and with the same command line
  # (every path under one directory of a fixed length, ports/build.sh), the
  # heap is laid out the same way each time and so is the output.
  local CLANG_RUN=("$CLANG")
  if setarch -R true 2>/dev/null; then CLANG_RUN=(setarch -R "$CLANG"); fi
  # configure's test programs (conftest…) are linked and thrown away — never run
  # when cross-compiling — yet clang runs wasm-opt after any link given an -O
  # (when it finds one): 40 % of each of the hundreds of link tests a gnulib
  # configure makes. Their links get -B NOOPT, a directory whose wasm-opt
  # leaves the file as it is. Every other program is optimised once, by
  # finish_prog.
  local NOOPT=$dir/libexec/noopt
  mkdir -p "$(dirname "$1")" "$NOOPT"
  printf '#!/bin/sh\n# clang runs it as: wasm-opt FILE -O... -o FILE. Nothing to do (build.sh write_cc).\nexit 0\n' >"$NOOPT/wasm-opt"
  chmod 755 "$NOOPT/wasm-opt"
  {
    echo '#!/usr/bin/env bash'
    echo '# Written by userland/build.sh --toolchain: clang as build.sh compiles and links programs.'
    declare -p CLANG_RUN TARGET CFLAGS_CODE LDFLAGS USER_LDFLAGS LIBTK SJLJ_EH SJLJ_INVOKE NOOPT
    declare -p inc | sed 's/^declare -a inc=/declare -a LIBC_INC=/'
    cat <<'EOF2'
case ${TK_SJLJ:-eh} in
  eh) SJLJ=("${SJLJ_EH[@]}") jmp=() ;;
  invoke) SJLJ=("${SJLJ_INVOKE[@]}") jmp=("$LIBTK/setjmp-invoke.o") ;;
  *) echo "cc: TK_SJLJ must be eh or invoke" >&2; exit 2 ;;
esac
CFLAGS_CODE+=("${SJLJ[@]}")
USER_LDFLAGS+=("${jmp[@]}")
args=() link=1 sources=0 skip=0 out= next_out=0
for a in "$@"; do
  # -rpath DIR (libtool's links): a WebAssembly module loads no shared libraries.
  if [ $skip = 1 ]; then skip=0; continue; fi
  if [ $next_out = 1 ]; then next_out=0 out=$a; fi
  case $a in
    -rpath|-Wl,-rpath|-Wl,-rpath-link) skip=1 ;;
    -o) next_out=1; args+=("$a") ;;
    -Wl,-rpath,*|-Wl,-rpath-link,*) ;;
    -O*|-g|-g[0-9]|-ggdb*) ;;
    -c|-E|-S|-M|-MM) link=0; args+=("$a") ;;
    *.c) sources=1; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done
if [ $link = 0 ]; then
  exec "${CLANG_RUN[@]}" "${TARGET[@]}" "${CFLAGS_CODE[@]}" "${LIBC_INC[@]}" "${args[@]}"
elif [ $sources = 1 ]; then
  noopt=()
  case ${out##*/} in conftest*) noopt=(-B "$NOOPT") ;; esac
  exec "${CLANG_RUN[@]}" "${TARGET[@]}" "${noopt[@]}" "${CFLAGS_CODE[@]}" "${LIBC_INC[@]}" "${USER_LDFLAGS[@]}" "${args[@]}" "$LIBTK/cwd.o" "$LIBTK/libtk.a"
else
  exec "${CLANG_RUN[@]}" "${TARGET[@]}" "${LDFLAGS[@]}" "${USER_LDFLAGS[@]}" "${args[@]}" "$LIBTK/cwd.o" "$LIBTK/libtk.a"
fi
EOF2
  } >"$1"
  chmod 755 "$1"
}

if [ $MODE = finish ]; then
  async=0
  if [ "${1:-}" = --asyncify ]; then async=1; shift; fi
  [ $# = 2 ] || { echo "usage: build.sh --finish [--asyncify] RAW OUT" >&2; exit 2; }
  mkdir -p "$(dirname "$2")"
  finish_prog $async "$1" "$2"
  exit 0
fi
build_libc
if [ $MODE = toolchain ]; then
  write_cc "$WORK/bin/cc"
  echo "build.sh: toolchain in $WORK: CC=$WORK/bin/cc, libc extension $LIBTK"
  exit 0
fi
# The root image's /bin: one program per userland/bin/*.c, linked with the
# archives of userland/bin/lib and of userland/common (what the shell's
# builtins share with /bin); and the shell.
ROOTFS_BIN=userland/rootfs/bin
build_archive libbin userland/bin/lib/*.c
build_archive libcommon userland/common/*.c
for src in userland/bin/*.c; do
  [ -e "$src" ] || continue
  build_prog "$ROOTFS_BIN/$(basename "$src" .c)" "$src" "$WORK/libbin.a" "$WORK/libcommon.a"
done
# Programs that are another under a second name (they look at argv[0]): links, not copies.
for link in "[:test" "egrep:grep" "fgrep:grep"; do
  ln -sfn "${link#*:}" "$ROOTFS_BIN/${link%%:*}"
done
# Test programs that use the libc extension (fork needs asyncify).
for src in test/programs/posix/*.c; do
  [ -e "$src" ] || continue
  build_prog "test/programs/bin/$(basename "$src" .c).wasm" --asyncify "$src"
done
if compgen -G "userland/sh/*.c" >/dev/null; then
  build_prog "$ROOTFS_BIN/sh" --asyncify userland/sh/*.c "$WORK/libcommon.a"
fi
