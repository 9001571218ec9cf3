/*
 * File owners: chown, fchown, lchown, fchownat (POSIX). tabkernel has one
 * user, root, and every file is owned by 0:0 (stat reports that), so giving a
 * file to root — or leaving an ID unchanged with -1 — succeeds once the file
 * is known to exist, and changes nothing; any other owner fails with EPERM,
 * since no such user or group exists to own it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int root_owner(uid_t uid, gid_t gid) {
  if ((uid == 0 || uid == (uid_t)-1) && (gid == 0 || gid == (gid_t)-1)) return 0;
  errno = EPERM;
  return -1;
}

int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags) {
  struct stat st;
  if (fstatat(dirfd, path, &st, flags & AT_SYMLINK_NOFOLLOW) != 0) return -1;
  return root_owner(uid, gid);
}

int chown(const char *path, uid_t uid, gid_t gid) { return fchownat(AT_FDCWD, path, uid, gid, 0); }
int lchown(const char *path, uid_t uid, gid_t gid) { return fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW); }

int fchown(int fd, uid_t uid, gid_t gid) {
  struct stat st;
  if (fstat(fd, &st) != 0) return -1;
  return root_owner(uid, gid);
}
