# GNU bc 1.07.1 and dc. No fork; readline and libedit are left out.
# bc's library (libmath.b) is compiled into bc by bc itself (fbc -c): that
# step runs on the build machine, with a native build of fbc.
PACKAGE=bc
VERSION=1.07.1-3
FORKS=0
PROGRAMS=(bc/bc dc/dc)
CONFIGURE=(--without-readline --without-libedit)
port_build() {
  # Debian's patches touch Makefile.am: regenerate, as its dh-autoreconf does.
  quiet "bc: autoreconf" autoreconf -fi
  # 1. libmath.h, made by a native fbc in a copy of the tree.
  cp -a . "$WORK/bc-native"
  (cd "$WORK/bc-native" && CC=cc CONFIG_SITE= ./configure -q >/dev/null && make -s -C lib >/dev/null && make -s -C bc libmath.h >/dev/null) \
    >"$LOG" 2>&1 || { cat "$LOG" >&2; die "bc: native libmath.h failed"; }
  # 2. The cross build, with that libmath.h taken as up to date (-o).
  configure_port
  cp "$WORK/bc-native/bc/libmath.h" bc/libmath.h
  quiet "bc: make" make -j"$JOBS" -C lib
  quiet "bc: make" make -j"$JOBS" -C bc -o libmath.h bc
  quiet "bc: make" make -j"$JOBS" -C dc dc
}
