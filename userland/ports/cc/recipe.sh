# cc (also c99 and gcc): the project's own compiler driver for the image's
# clang and wasm-ld (npm's @yowasp/clang, the layer scripts/clang-layer.js
# adds): compiles each source with `clang -c` as a child (posix_spawn), then
# links with wasm-ld. Its source is cc.c beside this file.
PACKAGE=cc
VERSION=local
FORKS=0
PROGRAMS=(cc)
LINKS=(c99:cc gcc:cc)
port_build() {
  quiet "cc: cc cc.c" "$CC" -Wall -Wextra -Werror -o cc cc.c
}
