#!/usr/bin/env bash
# Builds the benchmark programs to wasm32-wasi, committed in bench/programs/bin/:
#  - bench/programs/*.c: plain WASI programs (tabkernel and node:wasi run the same file);
#  - bench/programs/posix/*.c: linked with tabkernel's libc extension, fork by
#    asyncify — the flags of build_prog in userland/build.sh, copied here so the
#    benchmarks do not touch the userland build; jumps.c twice, once per
#    setjmp/longjmp build.
# Native versions are built with gcc by the Node driver at run time (bench/node/native.ts).
# Usage: bash bench/build.sh   (needs clang-14, lld, wasi-libc, binaryen, llvm-ar-14)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CLANG=${CLANG:-clang-14}
WASM_OPT=${WASM_OPT:-wasm-opt}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tabkernel-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The clean sysroot (see userland/build.sh): nothing but wasi-libc.
mkdir -p "$WORK/sysroot/include" "$WORK/sysroot/lib" "$WORK/obj"
ln -s /usr/include/wasm32-wasi "$WORK/sysroot/include/wasm32-wasi"
ln -s /usr/lib/wasm32-wasi "$WORK/sysroot/lib/wasm32-wasi"
TARGET=(--target=wasm32-wasi "--sysroot=$WORK/sysroot")
CFLAGS=(-O2 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter "-ffile-prefix-map=$ROOT/=" -fno-ident)
WASM_OPT_FLAGS=(-O2 --strip-debug --strip-producers)
OUT=bench/programs/bin
mkdir -p "$OUT"

report() { chmod 755 "$1"; printf '  %-40s %7d bytes\n' "$1" "$(stat -c %s "$1")"; }

# 1. Plain WASI programs.
for src in bench/programs/*.c; do
  name=$(basename "$src" .c)
  "$CLANG" "${TARGET[@]}" "${CFLAGS[@]}" -c "$src" -o "$WORK/obj/$name.o"
  "$CLANG" "${TARGET[@]}" "$WORK/obj/$name.o" -o "$WORK/$name.wasm"
  "$WASM_OPT" "${WASM_OPT_FLAGS[@]}" "$WORK/$name.wasm" -o "$OUT/$name.wasm"
  report "$OUT/$name.wasm"
done

# 2. tabkernel's libc extension, as userland/build.sh builds it: a file that
#    includes <setjmp.h> with setjmp lowered to exception handling, and
#    setjmp.c a second time with invoke trampolines.
LIBC_INC=(-Iuserland/libc/include -mmutable-globals)
SJLJ_EH=(-mllvm -wasm-enable-sjlj -mexception-handling)
SJLJ_INVOKE=(-mllvm -enable-emscripten-sjlj)
# cc SJLJ-FLAGS-NAME SRC OBJ
cc() {
  local -n sjlj=$1
  local extra=()
  if grep -q '^#include <setjmp.h>' "$2"; then extra=("${sjlj[@]}"); fi
  "$CLANG" "${TARGET[@]}" "${CFLAGS[@]}" "${LIBC_INC[@]}" "${extra[@]}" -c "$2" -o "$3"
}
mkdir -p "$WORK/libtk"
for src in userland/libc/*.c; do
  cc SJLJ_EH "$src" "$WORK/libtk/$(basename "$src" .c).o"
done
cc SJLJ_INVOKE userland/libc/setjmp.c "$WORK/setjmp-invoke.o"
members=()
for o in "$WORK"/libtk/*.o; do [ "$(basename "$o")" = cwd.o ] || members+=("$o"); done
llvm-ar-14 rcsD "$WORK/libtk/libtk.a" "${members[@]}"
LINK=(-Wl,--export=__stack_pointer -Wl,--export-table -Wl,--export-if-defined=__tk_sigtramp)
ASYNCIFY=(--asyncify '--pass-arg=asyncify-imports@tabkernel.fork,env.invoke_*')

# 3. Programs that fork: libtk + asyncify on the fork import's call paths.
for src in bench/programs/posix/procs.c; do
  name=$(basename "$src" .c)
  cc SJLJ_EH "$src" "$WORK/obj/$name.o"
  "$CLANG" "${TARGET[@]}" "${LINK[@]}" "$WORK/obj/$name.o" "$WORK/libtk/cwd.o" "$WORK/libtk/libtk.a" -o "$WORK/$name.wasm"
  "$WASM_OPT" "${ASYNCIFY[@]}" "${WASM_OPT_FLAGS[@]}" "$WORK/$name.wasm" -o "$OUT/$name.wasm"
  report "$OUT/$name.wasm"
done

# 4. setjmp/longjmp both ways: exception handling, and invoke trampolines with
#    asyncify as a program that forks gets them.
cc SJLJ_EH bench/programs/posix/jumps.c "$WORK/obj/jumps.o"
"$CLANG" "${TARGET[@]}" "${LINK[@]}" "$WORK/obj/jumps.o" "$WORK/libtk/cwd.o" "$WORK/libtk/libtk.a" -o "$WORK/jumps.wasm"
"$WASM_OPT" "${WASM_OPT_FLAGS[@]}" "$WORK/jumps.wasm" -o "$OUT/jumps.wasm"
report "$OUT/jumps.wasm"
cc SJLJ_INVOKE bench/programs/posix/jumps.c "$WORK/obj/jumps-invoke.o"
"$CLANG" "${TARGET[@]}" "${LINK[@]}" "$WORK/obj/jumps-invoke.o" "$WORK/setjmp-invoke.o" "$WORK/libtk/cwd.o" "$WORK/libtk/libtk.a" -o "$WORK/jumps-invoke.wasm"
"$WASM_OPT" "${ASYNCIFY[@]}" "${WASM_OPT_FLAGS[@]}" "$WORK/jumps-invoke.wasm" -o "$OUT/jumps-invoke.wasm"
report "$OUT/jumps-invoke.wasm"
