# GNU make 4.3 (Debian's make-dfsg: without its manual). make 4.3 runs its
# jobs with posix_spawn, so it does not fork; -j's jobserver is a pipe of
# tokens read non-blocking after pselect. Guile and `load` (dlopen) are off.
# The release carries no configure script: autoreconf, as Debian's
# dh-autoreconf does. main(argc, argv, envp) is renamed and called by
# envp-main.c (wasm32-wasi calls only a two-argument main). README.md here.
PACKAGE=make-dfsg
VERSION=4.3-4.1
FORKS=0
PROGRAMS=(make)
CONFIGURE=(--without-guile --disable-load)
port_check() {
  # What make needs of the libc extension, found by configure's link tests.
  local def
  for def in USE_POSIX_SPAWN HAVE_PSELECT HAVE_WAITPID HAVE_SIGACTION MAKE_JOBSERVER HAVE_FCNTL_H; do
    grep -q "^#define $def 1" src/config.h || die "make: configure did not find $def"
  done
}
port_build() {
  quiet "make: autoreconf" autoreconf -fi
  configure_port
  "$CC" -c "$PORTS/make/envp-main.c" -o "$WORK/envp-main.o"
  quiet "make: make" make -j"$JOBS" CPPFLAGS=-Dmain=make_main LIBS="$WORK/envp-main.o"
}
