// The soak test's load (test/integration/soak.test.ts, scripts/soak.js):
// make N processes one after another and reap each, then print what happened.
//   spawnloop spawn N PATH [ARG...]  posix_spawn PATH N times, waitpid each
//   spawnloop fork N                 fork N children that _exit(0), waitpid each
// Prints `spawned N, failed F, status S` (F: calls that failed, S: children
// that did not exit with 0, first errno in the line after if any) and exits
// non-zero if anything failed.
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/** One child: its pid, or -errno. */
static pid_t one(int spawn, char **argv) {
  pid_t pid;
  if (spawn) {
    int e = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
    return e ? -e : pid;
  }
  pid = fork();
  if (pid == 0) _exit(0);
  return pid < 0 ? -errno : pid;
}

int main(int argc, char **argv) {
  if (argc < 3 || (strcmp(argv[1], "fork") != 0 && (strcmp(argv[1], "spawn") != 0 || argc < 4))) {
    fprintf(stderr, "usage: spawnloop spawn N PATH [ARG...] | spawnloop fork N\n");
    return 2;
  }
  int spawn = strcmp(argv[1], "spawn") == 0;
  long n = strtol(argv[2], NULL, 10);
  long failed = 0, bad = 0;
  int first = 0;
  for (long i = 0; i < n; i++) {
    pid_t pid = one(spawn, argv + 3);
    if (pid < 0) {
      if (!first) first = -pid;
      failed++;
      continue;
    }
    int st = 0;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) bad++;
  }
  printf("spawned %ld, failed %ld, status %ld\n", n - failed, failed, bad);
  if (first) printf("first error: %s\n", strerror(first));
  return failed || bad ? 1 : 0;
}
