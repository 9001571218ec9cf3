/* wasi-libc's unistd.h, plus the process calls tabkernel provides. */
#ifndef _TABKERNEL_UNISTD_H
#define _TABKERNEL_UNISTD_H
/* getpid is real here (userland/libc/process.c), not wasi-libc's placeholder. */
#ifndef _WASI_EMULATED_GETPID
#define _WASI_EMULATED_GETPID
#endif
#include_next <unistd.h>
#ifndef F_ULOCK
#define F_ULOCK 0
#define F_LOCK 1
#define F_TLOCK 2
#define F_TEST 3
#endif

#ifdef __cplusplus
extern "C" {
#endif

int pipe(int[2]);
int pipe2(int[2], int);
int dup(int);
int dup2(int, int);
int dup3(int, int, int);
pid_t fork(void);
pid_t vfork(void);
int execve(const char *, char *const[], char *const[]);
int execv(const char *, char *const[]);
int execvp(const char *, char *const[]);
int execvpe(const char *, char *const[], char *const[]);
int execl(const char *, const char *, ...);
int execlp(const char *, const char *, ...);
int execle(const char *, const char *, ...);
pid_t getpid(void);
pid_t getppid(void);
pid_t getpgrp(void);
pid_t getpgid(pid_t);
int setpgid(pid_t, pid_t);
pid_t setsid(void);
pid_t getsid(pid_t);
pid_t tcgetpgrp(int);
int tcsetpgrp(int, pid_t);
unsigned alarm(unsigned);
int pause(void);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
int getgroups(int, gid_t[]);
/* Only root exists: these succeed for 0 (and -1, unchanged) alone (userland/libc/ids.c, owner.c). */
int setuid(uid_t);
int setgid(gid_t);
int seteuid(uid_t);
int setegid(gid_t);
int setreuid(uid_t, uid_t);
int setregid(gid_t, gid_t);
int chown(const char *, uid_t, gid_t);
int fchown(int, uid_t, gid_t);
int lchown(const char *, uid_t, gid_t);
int fchownat(int, const char *, uid_t, gid_t, int);
char *getlogin(void);
int gethostname(char *, size_t);
char *ttyname(int);
/* Record locks from the offset on (F_LOCK, F_TLOCK, F_ULOCK, F_TEST; userland/libc/fd.c). */
int lockf(int, int, off_t);
/* The working directory from a directory fd (userland/libc/cwd.c). */
int fchdir(int);

#ifdef __cplusplus
}
#endif
#endif
