#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H
#ifdef __cplusplus
extern "C" {
#endif
#define __NEED_pid_t
#include <bits/alltypes.h>
#include <tabkernel_abi.h>

#define WNOHANG TK_WNOHANG
#define WUNTRACED TK_WUNTRACED
#define WCONTINUED TK_WCONTINUED

/* Status word as on Linux: exit code << 8; signal in the low 7 bits; 0x7f = stopped. */
#define WEXITSTATUS(s) (((s) & 0xff00) >> 8)
#define WTERMSIG(s) ((s) & 0x7f)
#define WSTOPSIG(s) WEXITSTATUS(s)
#define WIFEXITED(s) (!WTERMSIG(s))
#define WIFSTOPPED(s) (((s) & 0xff) == 0x7f)
#define WIFSIGNALED(s) (((s) & 0xffff) - 1U < 0xffu)
#define WIFCONTINUED(s) ((s) == TK_WSTATUS_CONTINUED)
#define WCOREDUMP(s) ((s) & 0x80)

pid_t wait(int *);
pid_t waitpid(pid_t, int *, int);
#ifdef __cplusplus
}
#endif
#endif
