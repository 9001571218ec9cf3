# GNU gzip 1.12: gzip, and gunzip and zcat as the shell scripts upstream
# installs are not ported — gzip -d and gzip -dc do the same.
PACKAGE=gzip
VERSION=1.12-1
FORKS=0
PROGRAMS=(gzip)
port_build() {
  configure_port
  quiet "gzip: make" make -j"$JOBS" -C lib
  quiet "gzip: make" make version.h
  quiet "gzip: make" make -j"$JOBS" gzip
}
