# GNU patch 2.7.6. It forks to run ed for ed-style diffs (pch.c do_ed_script).
PACKAGE=patch
VERSION=2.7.6-7
FORKS=1
PROGRAMS=(src/patch)
CONFIGURE=(--disable-xattr)
port_build() {
  configure_port
  quiet "patch: make" make -j"$JOBS" -C lib
  quiet "patch: make" make -j"$JOBS" -C src patch
}
