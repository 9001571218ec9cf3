/*
 * Resource limits over the "tabkernel" prlimit import: getrlimit, setrlimit
 * and prlimit (kernel/syscall/limits.ts; what is enforced: kernel/proc/limits.ts).
 */
#include <errno.h>
#include <stddef.h>
#include <sys/resource.h>
#include <tabkernel.h>

int prlimit(pid_t pid, int resource, const struct rlimit *new_limit, struct rlimit *old_limit) {
  uint64_t cur = 0, max = 0;
  int r = tk_prlimit(pid, resource, new_limit != NULL, new_limit ? new_limit->rlim_cur : 0,
                     new_limit ? new_limit->rlim_max : 0, &cur, &max);
  if (r) {
    errno = r;
    return -1;
  }
  if (old_limit) {
    old_limit->rlim_cur = cur;
    old_limit->rlim_max = max;
  }
  return 0;
}

int getrlimit(int resource, struct rlimit *rlim) {
  return prlimit(0, resource, NULL, rlim);
}

int setrlimit(int resource, const struct rlimit *rlim) {
  return prlimit(0, resource, rlim, NULL);
}
