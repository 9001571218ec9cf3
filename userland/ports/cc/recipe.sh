# cc (also c99 and gcc, and c++ and g++ for C++): the project's own compiler driver for the image's
# clang and wasm-ld (npm's @yowasp/clang, the layer scripts/clang-layer.js
# adds): compiles each source with `clang -c` as a child (posix_spawn), then
# links with wasm-ld. Its source is cc.c beside this file. With it, for
# `cc -ltk`: the libc extension built by the image's clang against the
# image's sysroot (libtk.mjs) in /usr/lib/tabkernel, and its headers in
# /usr/include/tabkernel (its setjmp.h, ahead of the sysroot's, for the
# invoke lowering of setjmp that cc gives -ltk programs).
PACKAGE=cc
VERSION=local
FORKS=0
PROGRAMS=(cc)
LINKS=(c99:cc gcc:cc c++:cc g++:cc)
port_build() {
  quiet "cc: cc cc.c" "$CC" -Wall -Wextra -Werror -o cc cc.c
  quiet "cc: libtk for the image's sysroot" node --no-warnings "$ROOT/userland/ports/cc/libtk.mjs" tk
}
port_install() {
  local dest=$1
  install -d "$dest/usr/lib/tabkernel" "$dest/usr/include/tabkernel"
  install -m 644 tk/libtk.a tk/cwd.o "$dest/usr/lib/tabkernel/"
  cp -R "$ROOT/userland/libc/include/." "$dest/usr/include/tabkernel/"
  find "$dest/usr/include/tabkernel" -type d -exec chmod 755 {} + -o -type f -exec chmod 644 {} +
}
