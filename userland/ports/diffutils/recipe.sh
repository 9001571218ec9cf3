# GNU diffutils 3.8: diff, cmp, diff3, sdiff. diff3 and sdiff run diff as a
# child with fork + exec, and diff -l runs pr the same way: FORKS=1.
PACKAGE=diffutils
VERSION=1:3.8-4
FORKS=1
PROGRAMS=(src/diff src/cmp src/diff3 src/sdiff)
port_build() {
  configure_port
  quiet "diffutils: make" make -j"$JOBS" -C lib
  quiet "diffutils: make" make -C src version.h
  quiet "diffutils: make" make -j"$JOBS" -C src diff cmp diff3 sdiff
}
