/* The group database, read from /etc/group (userland/libc/pwd.c; the root
 * image's is userland/rootfs/etc/group). wasi-libc has no <grp.h>. */
#ifndef _GRP_H
#define _GRP_H
#ifdef __cplusplus
extern "C" {
#endif
#define __NEED_size_t
#define __NEED_gid_t
#include <bits/alltypes.h>

struct group {
  char *gr_name;
  char *gr_passwd;
  gid_t gr_gid;
  char **gr_mem;
};

struct group *getgrnam(const char *);
struct group *getgrgid(gid_t);
int getgrnam_r(const char *, struct group *, char *, size_t, struct group **);
int getgrgid_r(gid_t, struct group *, char *, size_t, struct group **);
struct group *getgrent(void);
void setgrent(void);
void endgrent(void);
/* Only root's group exists (userland/libc/ids.c). */
int setgroups(size_t, const gid_t *);
int initgroups(const char *, gid_t);

#ifdef __cplusplus
}
#endif
#endif
