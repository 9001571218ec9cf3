# GNU m4 1.4.19. syscmd and esyscmd run the shell through gnulib's execute
# and spawn-pipe, which use the libc extension's posix_spawn: no fork.
PACKAGE=m4
VERSION=1.4.19-3
FORKS=0
PROGRAMS=(src/m4)
port_build() {
  configure_port
  quiet "m4: make" make -j"$JOBS" -C lib
  quiet "m4: make" make -j"$JOBS" -C src m4
}
