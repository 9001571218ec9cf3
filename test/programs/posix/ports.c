// What tabkernel's libc adds for ports beyond wasi-libc (docs/SYSCALLS.md),
// checked as glibc on Linux behaves: signal names (sys_siglist, strsignal),
// temporary files (mkstemp and friends, tmpfile, tmpnam), the user and group
// databases (/etc/passwd, /etc/group of the root image), system, popen and
// pclose, realpath; and what the toolchain's ports needed (docs/PORTS.md):
// FIFOs told apart from sockets in st_mode, the time zone (UTC) and clock,
// getrusage, stdio stream locks, IDs and owners of the one user (root), open flags
// usable in #if.
// Run as `tabkernel run ports.wasm` (it needs the root image's /bin/sh and /etc).
#define _GNU_SOURCE   // program_invocation_name (errno.h)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "../tk_test.h"

static int streq(const char *a, const char *b) {
  return a && b && strcmp(a, b) == 0;
}

static void signal_names(void) {
  CHECK("strsignal.int", streq(strsignal(SIGINT), "Interrupt"), "%s", strsignal(SIGINT));
  CHECK("strsignal.chld", streq(strsignal(SIGCHLD), "Child exited"), "%s", strsignal(SIGCHLD));
  CHECK("strsignal.unknown", streq(strsignal(99), "Unknown signal 99"), "%s", strsignal(99));
  CHECK("sys_siglist.term", streq(sys_siglist[SIGTERM], "Terminated"), "%s", sys_siglist[SIGTERM]);
  CHECK("sys_siglist.every-signal", ({
          int ok = 1;
          for (int s = 1; s < NSIG; s++) ok &= sys_siglist[s] != NULL;
          ok;
        }), "a signal has no description");
  CHECK("strsignal_name.kill", streq(strsignal_name(SIGKILL), "KILL"), "%s", strsignal_name(SIGKILL));
  CHECK("strsignal_name.none", strsignal_name(0) == NULL && strsignal_name(NSIG) == NULL, "names for 0 or NSIG");
}

static int mode_of(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* The six characters at s are no longer the template's X's (a random one may be an X). */
static int filled(const char *s) {
  return strncmp(s, "XXXXXX", 6) != 0;
}

static void temp_files(void) {
  char a[] = "/tmp/tk-portsXXXXXX", b[] = "/tmp/tk-portsXXXXXX";
  int fa = mkstemp(a), fb = mkstemp(b);
  CHECK("mkstemp.fds", fa >= 0 && fb >= 0, "%s", strerror(errno));
  CHECK("mkstemp.fills-template", filled(a + 13) && strncmp(a, "/tmp/tk-ports", 13) == 0 && strlen(a) == 19, "%s", a);
  CHECK("mkstemp.unique", strcmp(a, b) != 0, "%s twice", a);
  CHECK("mkstemp.mode-0600", mode_of(a) == 0600, "mode %o", mode_of(a));
  CHECK("mkstemp.read-write", write(fa, "hi", 2) == 2 && lseek(fa, 0, SEEK_SET) == 0 && ({
          char c[2];
          read(fa, c, 2) == 2 && c[0] == 'h';
        }), "%s", strerror(errno));
  close(fa);
  close(fb);
  unlink(a);
  unlink(b);

  char bad[] = "/tmp/tk-portsXXXXX";
  errno = 0;
  CHECK("mkstemp.einval-too-few-x", mkstemp(bad) == -1 && errno == EINVAL, "%s", strerror(errno));

  char s[] = "/tmp/tk-portsXXXXXX.txt";
  int fs = mkstemps(s, 4);
  CHECK("mkstemps.keeps-suffix", fs >= 0 && filled(s + 13) && strcmp(s + strlen(s) - 4, ".txt") == 0, "%s", s);
  close(fs);
  unlink(s);

  char o[] = "/tmp/tk-portsXXXXXX";
  int fo = mkostemp(o, O_APPEND);
  CHECK("mkostemp.append", fo >= 0 && (fcntl(fo, F_GETFL) & O_APPEND) != 0, "%s", strerror(errno));
  close(fo);
  unlink(o);

  char d[] = "/tmp/tk-portsXXXXXX";
  char *dp = mkdtemp(d);
  struct stat st;
  CHECK("mkdtemp.dir-0700", dp == d && stat(d, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700,
        "%s mode %o", dp ? dp : strerror(errno), (unsigned)st.st_mode);
  rmdir(d);

  FILE *t = tmpfile();
  char line[32] = "";
  CHECK("tmpfile.read-write", t && fputs("scratch\n", t) >= 0 && fseek(t, 0, SEEK_SET) == 0 && fgets(line, sizeof line, t) && streq(line, "scratch\n"),
        "%s", t ? line : strerror(errno));
  CHECK("tmpfile.has-no-name", t && ({
          struct stat ts;
          fstat(fileno(t), &ts) == 0 && ts.st_nlink == 0;
        }), "still linked");
  if (t) fclose(t);

  char n1[L_tmpnam], *n2 = tmpnam(NULL);
  CHECK("tmpnam.names", tmpnam(n1) == n1 && n2 && strncmp(n1, P_tmpdir "/", 5) == 0 && strcmp(n1, n2) != 0, "%s %s", n1, n2 ? n2 : "NULL");
  CHECK("tmpnam.free", access(n1, F_OK) != 0 && errno == ENOENT, "%s exists", n1);
}

static void user_database(void) {
  struct passwd *pw = getpwuid(0);
  CHECK("getpwuid.root", pw && streq(pw->pw_name, "root") && pw->pw_gid == 0 && streq(pw->pw_dir, "/root") && streq(pw->pw_shell, "/bin/sh"),
        "%s", pw ? pw->pw_name : "NULL");
  pw = getpwuid(getuid());
  CHECK("getpwuid.getuid", pw && pw->pw_uid == getuid(), "no entry for uid %u", (unsigned)getuid());
  pw = getpwnam("root");
  CHECK("getpwnam.root", pw && pw->pw_uid == 0, "NULL");
  pw = getpwnam("nobody");
  CHECK("getpwnam.nobody", pw && pw->pw_uid == 65534, "%s", pw ? "wrong uid" : "NULL");
  errno = 0;
  CHECK("getpwnam.none", getpwnam("no-such-user") == NULL, "found one");
  CHECK("getpwuid.none", getpwuid(4242) == NULL, "found one");

  struct passwd pwd, *res = &pwd;
  char small[8], big[1024];
  CHECK("getpwnam_r.erange", getpwnam_r("root", &pwd, small, sizeof small, &res) == ERANGE && res == NULL, "no ERANGE");
  CHECK("getpwnam_r.fills", getpwnam_r("root", &pwd, big, sizeof big, &res) == 0 && res == &pwd && streq(pwd.pw_name, "root"), "failed");
  CHECK("getpwuid_r.none", getpwuid_r(4242, &pwd, big, sizeof big, &res) == 0 && res == NULL, "found one");

  setpwent();
  int n = 0, root = 0;
  while ((pw = getpwent()) != NULL) {
    n++;
    root += streq(pw->pw_name, "root");
  }
  endpwent();
  CHECK("getpwent.walks", n >= 2 && root == 1, "%d entries, root %d times", n, root);
  setpwent();
  pw = getpwent();
  CHECK("getpwent.again-after-end", pw && streq(pw->pw_name, "root"), "%s", pw ? pw->pw_name : "NULL");
  endpwent();

  struct group *gr = getgrgid(0);
  CHECK("getgrgid.root", gr && streq(gr->gr_name, "root") && gr->gr_mem && gr->gr_mem[0] == NULL, "%s", gr ? gr->gr_name : "NULL");
  gr = getgrnam("nogroup");
  CHECK("getgrnam.nogroup", gr && gr->gr_gid == 65534, "NULL");
  CHECK("getgrnam.none", getgrnam("no-such-group") == NULL, "found one");
  struct group grp, *gres;
  CHECK("getgrgid_r.fills", getgrgid_r(0, &grp, big, sizeof big, &gres) == 0 && gres == &grp && streq(grp.gr_name, "root"), "failed");
  CHECK("getgrgid_r.erange", getgrgid_r(0, &grp, small, 4, &gres) == ERANGE && gres == NULL, "no ERANGE");
  n = 0;
  while (getgrent()) n++;
  endgrent();
  CHECK("getgrent.walks", n >= 2, "%d entries", n);
}

static volatile sig_atomic_t seen_int;
static void on_int(int s) {
  (void)s;
  seen_int++;
}

static void run_commands(void) {
  CHECK("system.null-has-shell", system(NULL) != 0, "no shell");
  int st = system("exit 7");
  CHECK("system.exit-status", WIFEXITED(st) && WEXITSTATUS(st) == 7, "status %#x", st);
  st = system("true");
  CHECK("system.success", st == 0, "status %#x", st);
  st = system("kill -TERM $$");
  CHECK("system.killed", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %#x", st);
  st = system("no-such-command-here 2>/dev/null");
  CHECK("system.not-found-127", WIFEXITED(st) && WEXITSTATUS(st) == 127, "status %#x", st);

  /* SIGINT is ignored while the command runs (and the handler is back after). */
  struct sigaction sa, now;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_int;
  sigaction(SIGINT, &sa, NULL);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "kill -INT %d; exit 3", (int)getpid());
  st = system(cmd);
  CHECK("system.ignores-sigint", WEXITSTATUS(st) == 3 && seen_int == 0, "status %#x, handler ran %d times", st, (int)seen_int);
  sigaction(SIGINT, NULL, &now);
  CHECK("system.restores-handler", now.sa_handler == on_int, "handler not restored");
  sigset_t mask;
  sigprocmask(SIG_BLOCK, NULL, &mask);
  CHECK("system.restores-mask", !sigismember(&mask, SIGCHLD), "SIGCHLD still blocked");
  signal(SIGINT, SIG_DFL);

  FILE *p = popen("echo hello; echo world", "r");
  char buf[64] = "", all[128] = "";
  while (p && fgets(buf, sizeof buf, p)) strncat(all, buf, sizeof all - strlen(all) - 1);
  st = p ? pclose(p) : -1;
  CHECK("popen.read", streq(all, "hello\nworld\n"), "read %s", all);
  CHECK("pclose.status-0", st == 0, "status %#x", st);

  p = popen("exit 5", "r");
  st = p ? pclose(p) : -1;
  CHECK("pclose.exit-status", WIFEXITED(st) && WEXITSTATUS(st) == 5, "status %#x", st);

  char out[] = "/tmp/tk-ports-popen";
  snprintf(cmd, sizeof cmd, "cat > %s", out);
  p = popen(cmd, "w");
  CHECK("popen.write", p && fputs("to the command\n", p) >= 0 && pclose(p) == 0, "%s", strerror(errno));
  FILE *f = fopen(out, "r");
  buf[0] = 0;
  CHECK("popen.write-arrives", f && fgets(buf, sizeof buf, f) && streq(buf, "to the command\n"), "read %s", buf);
  if (f) fclose(f);
  unlink(out);

  /* Two commands writing: the second must not hold the first one's pipe open,
     or the first never sees EOF and pclose waits for ever (alarm ends it). */
  alarm(10);
  FILE *p1 = popen("cat > /tmp/tk-ports-1", "w");
  FILE *p2 = popen("cat > /tmp/tk-ports-2", "w");
  fputs("one\n", p1);
  fputs("two\n", p2);
  int s1 = pclose(p1);
  int s2 = pclose(p2);
  alarm(0);
  CHECK("popen.other-streams-closed-in-child", s1 == 0 && s2 == 0, "statuses %#x %#x", s1, s2);
  unlink("/tmp/tk-ports-1");
  unlink("/tmp/tk-ports-2");

  errno = 0;
  CHECK("popen.bad-mode", popen("true", "x") == NULL && errno == EINVAL, "%s", strerror(errno));
}

static void resolve_paths(void) {
  mkdir("/tmp/tk-rp", 0755);
  mkdir("/tmp/tk-rp/dir", 0755);
  mkdir("/tmp/tk-rp/dir/sub", 0755);
  close(open("/tmp/tk-rp/file", O_WRONLY | O_CREAT));
  symlink("dir", "/tmp/tk-rp/rel");
  symlink("/tmp/tk-rp/dir/sub", "/tmp/tk-rp/abs");
  symlink("loop2", "/tmp/tk-rp/loop1");
  symlink("loop1", "/tmp/tk-rp/loop2");
  char buf[PATH_MAX];
  char *r = realpath("/tmp/tk-rp/rel/sub/../sub/.", buf);
  CHECK("realpath.dots-and-links", r == buf && streq(buf, "/tmp/tk-rp/dir/sub"), "%s", r ? r : strerror(errno));
  r = realpath("/tmp/tk-rp/abs/../..//file/..", buf);
  CHECK("realpath.file-then-dotdot-enotdir", r == NULL && errno == ENOTDIR, "%s", r ? r : strerror(errno));
  r = realpath("/tmp/tk-rp/abs/../../file", buf);
  CHECK("realpath.dotdot-after-link", r && streq(buf, "/tmp/tk-rp/file"), "%s", r ? r : strerror(errno));
  chdir("/tmp/tk-rp/dir");
  r = realpath("../rel/./sub", NULL);
  CHECK("realpath.relative-malloc", r && streq(r, "/tmp/tk-rp/dir/sub"), "%s", r ? r : strerror(errno));
  free(r);
  r = realpath(".", buf);
  CHECK("realpath.cwd", r && streq(buf, "/tmp/tk-rp/dir"), "%s", r ? r : strerror(errno));
  chdir("/");
  errno = 0;
  CHECK("realpath.enoent", realpath("/tmp/tk-rp/none", buf) == NULL && errno == ENOENT, "%s", strerror(errno));
  errno = 0;
  CHECK("realpath.enotdir", realpath("/tmp/tk-rp/file/", buf) == NULL && errno == ENOTDIR, "%s", strerror(errno));
  errno = 0;
  CHECK("realpath.eloop", realpath("/tmp/tk-rp/loop1", buf) == NULL && errno == ELOOP, "%s", strerror(errno));
  r = realpath("/", buf);
  CHECK("realpath.root", r && streq(buf, "/"), "%s", r ? r : strerror(errno));
  r = realpath("/../tmp/../tmp", buf);
  CHECK("realpath.dotdot-at-root", r && streq(buf, "/tmp"), "%s", r ? r : strerror(errno));
}

#if !O_NONBLOCK || !O_CREAT
#error "open flags must be usable in #if"
#endif

static void toolchain_needs(void) {
  int p[2];
  struct stat st;
  CHECK("S_IFIFO.distinct", S_IFIFO != S_IFSOCK && S_IFMT == 0170000, "S_IFIFO %o S_IFSOCK %o S_IFMT %o", S_IFIFO, S_IFSOCK, S_IFMT);
  CHECK("S_ISFIFO.pipe", pipe(p) == 0 && fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode), "mode %o", st.st_mode);
  close(p[0]);
  close(p[1]);
  tzset();
  CHECK("tzset.utc", timezone == 0 && daylight == 0 && streq(tzname[0], "UTC"), "%ld %d %s", timezone, daylight, tzname[0]);
  time_t t0 = 86400;
  struct tm *tm = localtime(&t0);
  CHECK("localtime.utc", tm && tm->tm_mday == 2 && tm->tm_hour == 0, "day %d hour %d", tm ? tm->tm_mday : -1, tm ? tm->tm_hour : -1);
  clock_t c0 = clock();
  volatile unsigned long spin = 0;
  for (unsigned long i = 0; i < 20000000ul; i++) spin += i;
  clock_t c1 = clock();
  CHECK("clock.advances", c0 != (clock_t)-1 && c1 > c0 && spin > 0, "%ld then %ld", (long)c0, (long)c1);
  struct rusage ru, rc;
  CHECK("getrusage.self", getrusage(RUSAGE_SELF, &ru) == 0 && (ru.ru_utime.tv_sec > 0 || ru.ru_utime.tv_usec > 0), "%s", strerror(errno));
  CHECK("getrusage.children", getrusage(RUSAGE_CHILDREN, &rc) == 0 && rc.ru_utime.tv_sec == 0, "%s", strerror(errno));
  errno = 0;
  CHECK("getrusage.einval", getrusage(7, &ru) == -1 && errno == EINVAL, "%s", strerror(errno));
  flockfile(stdout);
  CHECK("ftrylockfile.free", ftrylockfile(stdout) == 0, "locked");
  funlockfile(stdout);
  funlockfile(stdout);
  CHECK("setuid.root", setuid(0) == 0 && setgid(0) == 0 && seteuid(0) == 0 && initgroups("root", 0) == 0, "%s", strerror(errno));
  errno = 0;
  CHECK("setuid.other-eperm", setuid(1000) == -1 && errno == EPERM, "%s", strerror(errno));
  gid_t none[] = {0, 5};
  errno = 0;
  CHECK("setgroups.other-eperm", setgroups(2, none) == -1 && errno == EPERM, "%s", strerror(errno));
  int fd = open("/tmp/tk-owner", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  CHECK("chown.root", fd >= 0 && chown("/tmp/tk-owner", 0, 0) == 0 && fchown(fd, (uid_t)-1, 0) == 0, "%s", strerror(errno));
  errno = 0;
  CHECK("chown.other-eperm", chown("/tmp/tk-owner", 1000, 0) == -1 && errno == EPERM, "%s", strerror(errno));
  errno = 0;
  CHECK("chown.enoent", chown("/tmp/tk-no-such", 0, 0) == -1 && errno == ENOENT, "%s", strerror(errno));
  close(fd);
  unlink("/tmp/tk-owner");
  CHECK("program_invocation_name", streq(program_invocation_short_name, "ports.wasm") || streq(program_invocation_short_name, "ports"),
        "%s (%s)", program_invocation_short_name, program_invocation_name);
  CHECK("termios.cflag", (CLOCAL | HUPCL | PARENB | CSTOPB) == 06500, "%o", CLOCAL | HUPCL | PARENB | CSTOPB);
}

int main(void) {
  toolchain_needs();
  signal_names();
  temp_files();
  user_database();
  run_commands();
  resolve_paths();
  return tk_done();
}
