/*
 * Process benchmarks, one case per run (built with tabkernel's libc extension
 * and asyncify for fork, and natively with gcc):
 *   procs pipe SIZE BATCHES TARGET_MS   a forked child writes SIZE-byte chunks
 *       into a pipe, the parent reads SIZE-byte chunks; one operation = 1 MiB
 *       read. The child writes until the parent closes the read end (EPIPE).
 *       Every read's first and last byte are checked against the position.
 *   procs net SIZE BATCHES TARGET_MS    the same over a TCP connection on the
 *       loopback (127.0.0.1): the child connects, the parent accepts and reads.
 *   procs connect BATCHES TARGET_MS     connect to a listener of this process on
 *       127.0.0.1, accept, close both (the client with SO_LINGER 0, so a
 *       native run leaves no TIME_WAIT behind to run out of ports with).
 *   procs spawn BATCHES TARGET_MS       posix_spawn /bin/true + waitpid; status 0
 *   procs fork MIB BATCHES TARGET_MS    with MIB MiB of heap touched: fork, the
 *       child checks the heap and _exits 7, the parent waits and checks 7.
 * Output: see ../common.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../common.h"

extern char **environ;

#define MIB (1L << 20)

static long chunk;
static int rfd = -1;
static unsigned char *rbuf;
static uint64_t pos; /* bytes read so far: byte k of the stream is (k & 0xff) */
static uint64_t check;

static int pipe_batch(long n) {
  for (long i = 0; i < n; i++) {
    long want = MIB;
    while (want > 0) {
      ssize_t r = read(rfd, rbuf, (size_t)(want < chunk ? want : chunk));
      if (r <= 0) return 1;
      if (rbuf[0] != (unsigned char)pos || rbuf[r - 1] != (unsigned char)(pos + (uint64_t)r - 1)) return 1;
      pos += (uint64_t)r;
      want -= r;
    }
  }
  check = pos;
  return 0;
}

static void pipe_writer(int wfd) {
  unsigned char *b = malloc((size_t)chunk + 256);
  for (long k = 0; k < chunk + 256; k++) b[k] = (unsigned char)k;
  uint64_t off = 0;
  for (;;) {
    /* The stream's byte k is k & 0xff: start the chunk at offset off % 256. */
    ssize_t w = write(wfd, b + (off & 0xff), (size_t)chunk);
    if (w <= 0) _exit(0); /* EPIPE: the reader is done */
    off += (uint64_t)w;
  }
}

/* A listener on 127.0.0.1 (an ephemeral port), and its address. */
static int lfd;
static struct sockaddr_in laddr;

static void listen_loopback(void) {
  memset(&laddr, 0, sizeof laddr);
  laddr.sin_family = AF_INET;
  laddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof laddr;
  lfd = socket(AF_INET, SOCK_STREAM, 0);
  if (lfd < 0 || bind(lfd, (struct sockaddr *)&laddr, sizeof laddr) != 0 || listen(lfd, 64) != 0) fail("listen");
  if (getsockname(lfd, (struct sockaddr *)&laddr, &len) != 0) fail("getsockname");
}

static int connect_loopback(void) {
  int c = socket(AF_INET, SOCK_STREAM, 0);
  if (c < 0 || connect(c, (struct sockaddr *)&laddr, sizeof laddr) != 0) return -1;
  return c;
}

static int connect_batch(long n) {
  struct linger off = {1, 0};
  for (long i = 0; i < n; i++) {
    int c = connect_loopback();
    if (c < 0) return 1;
    int a = accept(lfd, NULL, NULL);
    if (a < 0) return 1;
    setsockopt(c, SOL_SOCKET, SO_LINGER, &off, sizeof off);
    close(c);
    close(a);
    check++;
  }
  return 0;
}

static int spawn_batch(long n) {
  char *args[] = {"true", NULL};
  for (long i = 0; i < n; i++) {
    pid_t pid;
    if (posix_spawn(&pid, "/bin/true", NULL, NULL, args, environ) != 0) return 1;
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) return 1;
    check++;
  }
  return 0;
}

static unsigned char *heap;
static long heap_size;

static int fork_batch(long n) {
  for (long i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) _exit(heap[0] == 0x5a && heap[heap_size - 1] == 0x5a ? 7 : 8);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 7) return 1;
    check++;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: procs pipe SIZE|net SIZE|connect|spawn|fork MIB  BATCHES TARGET_MS\n");
    return 2;
  }
  const char *c = argv[1];
  long max_n = 1L << 20;
  if (!strcmp(c, "pipe") && argc >= 5) {
    chunk = atol(argv[2]);
    int fds[2];
    if (pipe(fds) != 0) fail("pipe");
    pid_t pid = fork();
    if (pid < 0) fail("fork");
    if (pid == 0) {
      close(fds[0]);
      pipe_writer(fds[1]);
    }
    close(fds[1]);
    rfd = fds[0];
    rbuf = malloc((size_t)chunk);
    run_batches(pipe_batch, atol(argv[3]), atof(argv[4]), max_n);
    close(rfd);
    int st;
    if (waitpid(pid, &st, 0) != pid) fail("waitpid");
  } else if (!strcmp(c, "net") && argc >= 5) {
    chunk = atol(argv[2]);
    listen_loopback();
    pid_t pid = fork();
    if (pid < 0) fail("fork");
    if (pid == 0) {
      close(lfd);
      int s = connect_loopback();
      if (s < 0) _exit(1);
      pipe_writer(s);
    }
    rfd = accept(lfd, NULL, NULL);
    if (rfd < 0) fail("accept");
    close(lfd);
    rbuf = malloc((size_t)chunk);
    run_batches(pipe_batch, atol(argv[3]), atof(argv[4]), max_n);
    close(rfd);
    int st;
    if (waitpid(pid, &st, 0) != pid) fail("waitpid");
  } else if (!strcmp(c, "connect") && argc >= 4) {
    listen_loopback();
    run_batches(connect_batch, atol(argv[2]), atof(argv[3]), max_n);
  } else if (!strcmp(c, "spawn") && argc >= 4) {
    run_batches(spawn_batch, atol(argv[2]), atof(argv[3]), max_n);
  } else if (!strcmp(c, "fork") && argc >= 5) {
    heap_size = atol(argv[2]) * MIB;
    heap = malloc((size_t)heap_size);
    if (!heap) fail("malloc");
    memset(heap, 0x5a, (size_t)heap_size);
    run_batches(fork_batch, atol(argv[3]), atof(argv[4]), max_n);
  } else {
    fprintf(stderr, "procs: bad arguments\n");
    return 2;
  }
  printf("OK %llu\n", (unsigned long long)check);
  return 0;
}
