/*
 * Processes: posix_spawn, fork, the exec family, wait, identity, process
 * groups and sessions. Thin wrappers over the "tabkernel" imports
 * (tabkernel.h); the kernel side is kernel/syscall/process.ts.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wasi/libc-environ.h>
#include <tabkernel.h>

extern char **environ;

static int fail(int e) {
  errno = e;
  return -1;
}

void __tk_sync_cwd(void);

static char **current_environ(void) {
  __wasilibc_ensure_environ();
  return environ;
}

/* Strings packed NUL-terminated, back to back; NULL on overflow. */
static char *pack(char *const list[], size_t *len) {
  size_t n = 0;
  for (size_t i = 0; list && list[i]; i++) n += strlen(list[i]) + 1;
  char *buf = malloc(n ? n : 1);
  if (!buf) return NULL;
  size_t off = 0;
  for (size_t i = 0; list && list[i]; i++) {
    size_t l = strlen(list[i]) + 1;
    memcpy(buf + off, list[i], l);
    off += l;
  }
  *len = n;
  return buf;
}

/* ---- posix_spawn -------------------------------------------------------- */

int posix_spawnattr_init(posix_spawnattr_t *a) {
  memset(a, 0, sizeof *a);
  return 0;
}
int posix_spawnattr_destroy(posix_spawnattr_t *a) {
  (void)a;
  return 0;
}
int posix_spawnattr_setflags(posix_spawnattr_t *a, short flags) {
  a->__flags = flags;
  return 0;
}
int posix_spawnattr_getflags(const posix_spawnattr_t *restrict a, short *restrict flags) {
  *flags = (short)a->__flags;
  return 0;
}
int posix_spawnattr_setpgroup(posix_spawnattr_t *a, pid_t pg) {
  a->__pgrp = pg;
  return 0;
}
int posix_spawnattr_getpgroup(const posix_spawnattr_t *restrict a, pid_t *restrict pg) {
  *pg = a->__pgrp;
  return 0;
}
int posix_spawnattr_setsigmask(posix_spawnattr_t *restrict a, const sigset_t *restrict m) {
  a->__mask = *m;
  return 0;
}
int posix_spawnattr_getsigmask(const posix_spawnattr_t *restrict a, sigset_t *restrict m) {
  *m = a->__mask;
  return 0;
}
int posix_spawnattr_setsigdefault(posix_spawnattr_t *restrict a, const sigset_t *restrict m) {
  a->__def = *m;
  return 0;
}
int posix_spawnattr_getsigdefault(const posix_spawnattr_t *restrict a, sigset_t *restrict m) {
  *m = a->__def;
  return 0;
}

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa) {
  memset(fa, 0, sizeof *fa);
  return 0;
}
int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa) {
  free(fa->__actions);
  memset(fa, 0, sizeof *fa);
  return 0;
}

static int add_action(posix_spawn_file_actions_t *fa, uint32_t op, int fd, int src, uint32_t oflags, const char *path) {
  if (fd < 0) return EBADF;
  size_t plen = path ? strlen(path) : 0;
  size_t rec = (sizeof(struct tk_file_action) + plen + TK_FILE_ACTION_ALIGN - 1) & ~(size_t)(TK_FILE_ACTION_ALIGN - 1);
  if (fa->__len + rec > fa->__cap) {
    size_t cap = fa->__cap ? fa->__cap * 2 : 256;
    while (cap < fa->__len + rec) cap *= 2;
    unsigned char *p = realloc(fa->__actions, cap);
    if (!p) return ENOMEM;
    fa->__actions = p;
    fa->__cap = cap;
  }
  struct tk_file_action a = {op, fd, src, oflags, (uint32_t)plen};
  memcpy(fa->__actions + fa->__len, &a, sizeof a);
  if (plen) memcpy(fa->__actions + fa->__len + sizeof a, path, plen);
  memset(fa->__actions + fa->__len + sizeof a + plen, 0, rec - sizeof a - plen);
  fa->__len += rec;
  return 0;
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd) {
  return add_action(fa, TK_FA_CLOSE, fd, 0, 0, NULL);
}
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int src, int fd) {
  if (src < 0) return EBADF;
  return add_action(fa, TK_FA_DUP2, fd, src, 0, NULL);
}
int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *restrict fa, int fd, const char *restrict path, int oflag, mode_t mode) {
  (void)mode;
  return add_action(fa, TK_FA_OPEN, fd, 0, (uint32_t)oflag, path);
}
int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *restrict fa, const char *restrict path) {
  return add_action(fa, TK_FA_CHDIR, 0, 0, 0, path);
}

static uint64_t mask_of(const sigset_t *s) {
  return (uint64_t)(uint32_t)s->__bits[0];
}

static int spawn_one(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                     const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
  size_t alen, elen;
  char *a = pack(argv, &alen);
  char *e = pack(envp, &elen);
  if (!a || !e) {
    free(a);
    free(e);
    return ENOMEM;
  }
  struct tk_spawnattr ta = {0, 0, 0, 0};
  if (attr) {
    if (attr->__flags & POSIX_SPAWN_SETPGROUP) ta.flags |= TK_SPAWN_SETPGROUP;
    if (attr->__flags & POSIX_SPAWN_SETSIGMASK) ta.flags |= TK_SPAWN_SETSIGMASK;
    if (attr->__flags & POSIX_SPAWN_SETSIGDEF) ta.flags |= TK_SPAWN_SETSIGDEF;
    if (attr->__flags & POSIX_SPAWN_SETSID) ta.flags |= TK_SPAWN_SETSID;
    ta.pgroup = attr->__pgrp;
    ta.sigdefault = mask_of(&attr->__def);
    ta.sigmask = mask_of(&attr->__mask);
  }
  int32_t child = 0;
  __tk_sync_cwd();
  int r = tk_spawn(path, strlen(path), a, alen, e, elen, fa ? fa->__actions : NULL, fa ? fa->__len : 0, &ta, &child);
  free(a);
  free(e);
  if (r == 0 && pid) *pid = child;
  return r;
}

/*
 * Whether a file the kernel would not execute (ENOEXEC) is a script for
 * /bin/sh: not when a NUL byte comes before the end of its first line in the
 * first 80 bytes, as bash judges a binary file (a WebAssembly module that
 * failed to load starts with "\0asm"). POSIX lets a shell refuse those.
 */
int __tk_is_script(const char *path) {
  int saved = errno;
  int fd = open(path, O_RDONLY);
  errno = saved;
  if (fd < 0) return 1;
  char head[80];
  ssize_t n = read(fd, head, sizeof head);
  close(fd);
  errno = saved;
  for (ssize_t i = 0; i < n && head[i] != '\n'; i++) if (head[i] == 0) return 0;
  return 1;
}

/* A file the kernel cannot execute (no #! line): run it with /bin/sh, as execvp does. */
static int spawn_script(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                        const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
  size_t n = 0;
  while (argv && argv[n]) n++;
  char **sargv = calloc(n + 2, sizeof *sargv);
  if (!sargv) return ENOMEM;
  sargv[0] = "sh";
  sargv[1] = (char *)path;
  for (size_t i = 1; i < n; i++) sargv[i + 1] = argv[i];
  int r = spawn_one(pid, "/bin/sh", fa, attr, sargv, envp);
  free(sargv);
  return r;
}

int posix_spawn(pid_t *restrict pid, const char *restrict path, const posix_spawn_file_actions_t *fa,
                const posix_spawnattr_t *restrict attr, char *const argv[restrict], char *const envp[restrict]) {
  return spawn_one(pid, path, fa, attr, argv, envp);
}

#define DEFAULT_PATH "/bin:/usr/bin"

/*
 * Try `try(dir/file, ctx)` for each directory of PATH (default /bin:/usr/bin)
 * until one does not fail with "not here" (ENOENT, ENOTDIR, EACCES). Returns
 * that result, or EACCES if some candidate was not executable, else ENOENT.
 */
static int search_path(const char *file, int (*try)(const char *full, void *ctx), void *ctx) {
  const char *path = getenv("PATH");
  if (!path) path = DEFAULT_PATH;
  size_t flen = strlen(file);
  int seen_eacces = 0;
  for (const char *p = path;; p++) {
    const char *end = strchr(p, ':');
    if (!end) end = p + strlen(p);
    size_t dlen = (size_t)(end - p);
    char *full = malloc(dlen + flen + 3);
    if (!full) return ENOMEM;
    size_t off = dlen ? dlen : 1;
    memcpy(full, dlen ? p : ".", off);
    full[off] = '/';
    memcpy(full + off + 1, file, flen + 1);
    int r = try(full, ctx);
    free(full);
    if (r == EACCES) seen_eacces = 1;
    else if (r != ENOENT && r != ENOTDIR) return r;
    if (!*end) break;
    p = end;
  }
  return seen_eacces ? EACCES : ENOENT;
}

struct spawn_args {
  pid_t *pid;
  const posix_spawn_file_actions_t *fa;
  const posix_spawnattr_t *attr;
  char *const *argv, *const *envp;
};

static int try_spawn(const char *full, void *ctx) {
  struct spawn_args *a = ctx;
  int r = spawn_one(a->pid, full, a->fa, a->attr, a->argv, a->envp);
  return r == ENOEXEC && __tk_is_script(full) ? spawn_script(a->pid, full, a->fa, a->attr, a->argv, a->envp) : r;
}

int posix_spawnp(pid_t *restrict pid, const char *restrict file, const posix_spawn_file_actions_t *fa,
                 const posix_spawnattr_t *restrict attr, char *const argv[restrict], char *const envp[restrict]) {
  if (!*file) return ENOENT;
  struct spawn_args a = {pid, fa, attr, argv, envp};
  if (strchr(file, '/')) return try_spawn(file, &a);
  return search_path(file, try_spawn, &a);
}

/* ---- fork and exec ------------------------------------------------------ */

/* Where asyncify saves the unwound stack of fork's callers. */
static unsigned char fork_stack[64 * 1024] __attribute__((aligned(16)));

pid_t fork(void) {
  int32_t pid = -1;
  int r = tk_fork(fork_stack, sizeof fork_stack, &pid);
  if (r) return fail(r);
  return pid;
}

pid_t vfork(void) {
  return fork();
}

int execve(const char *path, char *const argv[], char *const envp[]) {
  size_t alen, elen;
  char *a = pack(argv, &alen);
  char *e = pack(envp, &elen);
  if (!a || !e) {
    free(a);
    free(e);
    return fail(ENOMEM);
  }
  __tk_sync_cwd();
  int r = tk_exec(path, strlen(path), a, alen, e, elen);
  free(a);
  free(e);
  return fail(r);
}

int execv(const char *path, char *const argv[]) {
  return execve(path, argv, current_environ());
}

static int exec_script(const char *path, char *const argv[], char *const envp[]) {
  size_t n = 0;
  while (argv && argv[n]) n++;
  char **sargv = calloc(n + 2, sizeof *sargv);
  if (!sargv) return fail(ENOMEM);
  sargv[0] = "sh";
  sargv[1] = (char *)path;
  for (size_t i = 1; i < n; i++) sargv[i + 1] = argv[i];
  execve("/bin/sh", sargv, envp);
  free(sargv);
  return -1;
}

struct exec_args {
  char *const *argv, *const *envp;
};

/* Returns only on failure, with its errno. */
static int try_exec(const char *full, void *ctx) {
  struct exec_args *a = ctx;
  execve(full, a->argv, a->envp);
  int e = errno;
  if (e == ENOEXEC && __tk_is_script(full)) {
    exec_script(full, a->argv, a->envp);
    return errno;
  }
  errno = e;
  return e;
}

int execvpe(const char *file, char *const argv[], char *const envp[]) {
  if (!*file) return fail(ENOENT);
  struct exec_args a = {argv, envp};
  if (strchr(file, '/')) return fail(try_exec(file, &a));
  return fail(search_path(file, try_exec, &a));
}

int execvp(const char *file, char *const argv[]) {
  return execvpe(file, argv, current_environ());
}

#define ARGS_FROM_VA(first, ap, argv, extra)                       \
  size_t n = 1;                                                    \
  va_list cp;                                                      \
  va_copy(cp, ap);                                                 \
  while (va_arg(cp, char *)) n++;                                  \
  va_end(cp);                                                      \
  char **argv = calloc(n + 1, sizeof(char *));                     \
  if (!argv) return fail(ENOMEM);                                  \
  argv[0] = (char *)(first);                                       \
  for (size_t i = 1; i < n; i++) argv[i] = va_arg(ap, char *);     \
  (void)va_arg(ap, char *);                                        \
  extra

int execl(const char *path, const char *arg, ...) {
  va_list ap;
  va_start(ap, arg);
  ARGS_FROM_VA(arg, ap, argv, );
  va_end(ap);
  execv(path, argv);
  free(argv);
  return -1;
}

int execlp(const char *file, const char *arg, ...) {
  va_list ap;
  va_start(ap, arg);
  ARGS_FROM_VA(arg, ap, argv, );
  va_end(ap);
  execvp(file, argv);
  free(argv);
  return -1;
}

int execle(const char *path, const char *arg, ...) {
  va_list ap;
  va_start(ap, arg);
  ARGS_FROM_VA(arg, ap, argv, char *const *envp = va_arg(ap, char *const *););
  va_end(ap);
  execve(path, argv, envp);
  free(argv);
  return -1;
}

/* ---- wait ---------------------------------------------------------------- */

pid_t waitpid(pid_t pid, int *status, int options) {
  int32_t st = 0, who = 0;
  int r = tk_wait(pid, options, &st, &who);
  if (r) return fail(r);
  if (status && who) *status = st;
  return who;
}

pid_t wait(int *status) {
  return waitpid(-1, status, 0);
}

/* ---- identity, groups, sessions ----------------------------------------- */

pid_t getpid(void) {
  int32_t pid = 0, ppid = 0;
  tk_getpid(&pid, &ppid);
  return pid;
}

pid_t getppid(void) {
  int32_t pid = 0, ppid = 0;
  tk_getpid(&pid, &ppid);
  return ppid;
}

int setpgid(pid_t pid, pid_t pgid) {
  int r = tk_setpgid(pid, pgid);
  return r ? fail(r) : 0;
}

pid_t getpgid(pid_t pid) {
  int32_t pg = 0;
  int r = tk_getpgid(pid, &pg);
  return r ? fail(r) : pg;
}

pid_t getpgrp(void) {
  return getpgid(0);
}

pid_t setsid(void) {
  int32_t sid = 0;
  int r = tk_setsid(&sid);
  return r ? fail(r) : sid;
}

pid_t getsid(pid_t pid) {
  int32_t sid = 0;
  int r = tk_getsid(pid, &sid);
  return r ? fail(r) : sid;
}

/* One user: root. */
uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }
int getgroups(int n, gid_t list[]) {
  (void)n;
  (void)list;
  return 0;
}
char *getlogin(void) { return "root"; }

int gethostname(char *name, size_t len) {
  const char host[] = "tabkernel";
  if (len < sizeof host) return fail(ENAMETOOLONG);
  memcpy(name, host, sizeof host);
  return 0;
}
