# SQLite 3.40.1, the command-line shell `sqlite3`. Its build generates the
# amalgamation with tclsh and compiles lemon and mkkeywordhash for the build
# machine (BUILD_CC, the host's cc). No threads, no loadable extensions (dlopen),
# no readline; the rest as Debian's build: FTS3/4/5, RTREE, JSON, the
# column metadata. No WAL and no memory-mapped I/O: both need mmap, which
# wasi-libc lacks (WAL's shared-memory index is a MAP_SHARED mapping), so
# `PRAGMA journal_mode=WAL` answers `delete`. No fork (os_unix.c only looks
# for one having happened).
PACKAGE=sqlite3
VERSION=3.40.1-2+deb12u2
FORKS=0
PROGRAMS=(sqlite3)
CONFIGURE=(--disable-tcl --disable-readline --disable-editline --disable-threadsafe
  --disable-load-extension --enable-fts3 --enable-fts4 --enable-fts5 --enable-rtree
  BUILD_CC=cc)
port_build() {
  command -v tclsh >/dev/null || die "sqlite3: tclsh not found (apt-get install tcl)"
  configure_port
  # CROSS_BUILDING (a Debian patch of Makefile.in): lemon built with BUILD_CC.
  quiet "sqlite3: make" make -j"$JOBS" sqlite3 CROSS_BUILDING=yes \
    OPT_FEATURE_FLAGS="-DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS4 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_WAL -DSQLITE_MAX_MMAP_SIZE=0"
}
