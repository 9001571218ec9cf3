# GNU tar 1.34. It forks to run a compressor (-z runs gzip) between itself
# and the archive (system.c sys_child_open_for_compress): FORKS=1.
PACKAGE=tar
VERSION=1.34+dfsg-1.2+deb12u1
FORKS=1
PROGRAMS=(src/tar)
CONFIGURE=(--without-selinux --without-posix-acls --without-xattrs --disable-acl)
port_build() {
  configure_port
  quiet "tar: make" make -j"$JOBS" -C gnu
  quiet "tar: make" make -j"$JOBS" -C lib
  quiet "tar: make" make -j"$JOBS" -C src tar
}
