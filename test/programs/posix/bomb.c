// Runaway programs that must end with the limit's errno, not with the host
// down (test/integration/bombs.test.ts, docs/LIMITS.md).
//   bomb fork      a fork bomb: every process forks until fork fails, in a
//                  process tree under one leader; prints `fork: ERRNO-NAME
//                  after N processes` for the first failure, then takes the
//                  tree down in order (no orphans left to anyone) and prints
//                  `reaped`.
//   bomb disk DIR  writes 1 MiB chunks to DIR/fill until a write fails;
//                  prints `write: ERRNO-NAME after N MiB`, removes the file.
// The tree: the root makes a report pipe (the first failure's errno, written
// nonblocking so that later ones are dropped rather than block) and a doom
// pipe whose write end only the root holds. Every bomb process forks until a
// fork fails or the doom pipe reads EOF, then waits for EOF on it, reaps its
// own children and exits: closing the doom pipe ends the tree leaves first.
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *errname(int e) {
  switch (e) {
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case ENOSPC: return "ENOSPC";
    case EFBIG: return "EFBIG";
    case EDQUOT: return "EDQUOT";
    default: return strerror(e);
  }
}

/** Whether the doom pipe has been closed by the root (EOF is readable). */
static int doomed(int doom) {
  struct pollfd pfd = {.fd = doom, .events = POLLIN};
  return poll(&pfd, 1, 0) > 0;
}

/** Processes in the system: the numeric entries of /proc. */
static int processes(void) {
  DIR *d = opendir("/proc");
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
  closedir(d);
  return n;
}

/** A bomb process: fork until told to stop or refused, then wait for doom and reap. */
static void __attribute__((noreturn)) bomb(int doom, int report) {
  int count = 0;
  while (!doomed(doom)) {
    pid_t pid = fork();
    if (pid == 0) {
      count = 0;
      continue; // the child bombs too
    }
    if (pid < 0) {
      int e = errno;
      if (write(report, &e, sizeof e) < 0) {} // full: someone reported already
      break;
    }
    count++;
  }
  char c;
  while (read(doom, &c, 1) != 0) {} // blocks until the root closes it
  while (wait(NULL) > 0 || errno == EINTR) {}
  _exit(0);
}

static int fork_bomb(void) {
  int doom[2], report[2];
  if (pipe(doom) < 0 || pipe(report) < 0) return perror("pipe"), 1;
  fcntl(report[1], F_SETFL, O_NONBLOCK);
  pid_t leader = fork();
  if (leader < 0) return perror("fork"), 1;
  if (leader == 0) {
    close(doom[1]);
    close(report[0]);
    bomb(doom[0], report[1]);
  }
  close(doom[0]);
  close(report[1]);
  int e = 0;
  ssize_t r = read(report[0], &e, sizeof e);
  int n = processes();
  printf("fork: %s after %d processes\n", r == sizeof e ? errname(e) : "no report", n);
  fflush(stdout);
  close(doom[1]);
  int st = 0;
  waitpid(leader, &st, 0);
  printf("reaped\n");
  return r == sizeof e && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

static int disk_bomb(const char *dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/fill", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return perror(path), 1;
  static char chunk[1 << 20];
  memset(chunk, 'x', sizeof chunk);
  long mib = 0;
  int e = 0;
  for (;;) {
    ssize_t w = write(fd, chunk, sizeof chunk);
    if (w <= 0) {
      e = w < 0 ? errno : 0;
      break;
    }
    if (w < (ssize_t)sizeof chunk) continue; // short: the next write says why
    mib++;
  }
  printf("write: %s after %ld MiB\n", e ? errname(e) : "returned 0", mib);
  close(fd);
  unlink(path);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "fork") == 0) return fork_bomb();
  if (argc >= 3 && strcmp(argv[1], "disk") == 0) return disk_bomb(argv[2]);
  fprintf(stderr, "usage: bomb fork | bomb disk DIR\n");
  return 2;
}
