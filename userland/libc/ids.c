/*
 * Changing user and group IDs: setuid, setgid, seteuid, setegid, setreuid,
 * setregid, setgroups, initgroups (POSIX; initgroups and setgroups as BSD and
 * glibc have them). tabkernel has one user, root (0:0), and every process
 * runs as it (process.c's getuid and friends): becoming root again succeeds
 * and changes nothing; any other ID fails with EPERM, since no process can
 * be anyone else. -1 in setreuid/setregid means "unchanged", as POSIX says.
 */
#include <errno.h>
#include <grp.h>
#include <unistd.h>

static int only_root(unsigned id, int minus_one_ok) {
  if (id == 0 || (minus_one_ok && id == (unsigned)-1)) return 0;
  errno = EPERM;
  return -1;
}

int setuid(uid_t uid) { return only_root(uid, 0); }
int setgid(gid_t gid) { return only_root(gid, 0); }
int seteuid(uid_t uid) { return only_root(uid, 0); }
int setegid(gid_t gid) { return only_root(gid, 0); }
int setreuid(uid_t r, uid_t e) { return only_root(r, 1) || only_root(e, 1) ? -1 : 0; }
int setregid(gid_t r, gid_t e) { return only_root(r, 1) || only_root(e, 1) ? -1 : 0; }

int setgroups(size_t n, const gid_t *list) {
  for (size_t i = 0; i < n; i++)
    if (only_root(list[i], 0) != 0) return -1;
  return 0;
}

int initgroups(const char *user, gid_t group) {
  (void)user;
  return only_root(group, 0);
}
