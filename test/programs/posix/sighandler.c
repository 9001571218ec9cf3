// Signal handlers run the handler and nothing else: not the program's
// constructors again, not its exit code (atexit handlers, stdio flush and
// seek), and they leave no descriptor behind (issue: wasm-ld wrapped the
// exported trampoline in __wasm_call_ctors/__wasm_call_dtors).
// Prints exactly what a native build prints:
//   ctors=1 / handler / after raise: ctors=1 / fds unchanged / read after handlers: 'abc' / atexit (ctors=1)
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int ctors;
__attribute__((constructor)) static void ctor(void) { ctors++; }
static void bye(void) { printf("atexit (ctors=%d)\n", ctors); }
static int handled;
static void on_usr1(int s) {
  (void)s;
  handled++;
  if (handled == 1) write(1, "handler\n", 8);
}

// The lowest free descriptor: a leak per signal shows as a higher one.
static int lowest_free(void) {
  int fd = open("/dev/null", O_RDONLY);
  close(fd);
  return fd;
}

int main(void) {
  atexit(bye);
  printf("ctors=%d\n", ctors);
  fflush(stdout);
  signal(SIGUSR1, on_usr1);
  raise(SIGUSR1);
  printf("after raise: ctors=%d\n", ctors);

  // A stdio stream mid-read keeps its offset across handlers.
  FILE *f = fopen("/tmp/sighandler.txt", "w+");
  fputs("abcdef", f);
  rewind(f);
  char buf[4] = {0};
  fread(buf, 1, 1, f);
  int before = lowest_free();
  for (int i = 0; i < 5; i++) kill(getpid(), SIGUSR1);
  printf("%s\n", lowest_free() == before && handled == 6 ? "fds unchanged" : "fds LEAKED or handlers lost");
  fread(buf + 1, 1, 2, f);
  printf("read after handlers: '%s'\n", buf);
  return 0;
}
