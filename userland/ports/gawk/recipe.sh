# GNU awk 5.2.1. It forks for `cmd | getline` and `print |& cmd` (io.c
# gawk_popen, two-way pipes) and longjmps out of its debugger and fatal
# errors: FORKS=1 gives it both the invoke setjmp and asyncify. Dynamic
# extensions (dlopen), MPFR and readline are left out.
PACKAGE=gawk
VERSION=1:5.2.1-2
FORKS=1
PROGRAMS=(gawk)
LINKS=(awk:gawk)
CONFIGURE=(--disable-extensions --disable-mpfr --without-readline)
port_check() {
  grep -q '^#define HAVE_SIGPROCMASK 1' config.h || die "gawk: configure did not find sigprocmask"
}
port_build() {
  configure_port
  # The gawk target alone does not build the support library it links.
  quiet "gawk: make" make -j"$JOBS" -C support
  quiet "gawk: make" make -j"$JOBS" gawk
}
