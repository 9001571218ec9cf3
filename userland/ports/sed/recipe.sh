# GNU sed 4.9. Its `e` command and `s///e` run the shell through popen,
# which the libc extension does with posix_spawn: no fork.
PACKAGE=sed
VERSION=4.9-1+deb12u1
FORKS=0
PROGRAMS=(sed/sed)
CONFIGURE=(--without-selinux --disable-acl)
