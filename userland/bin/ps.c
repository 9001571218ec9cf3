/*
 * ps: list processes from /proc/<pid>/{status,cmdline}.
 *   ps [-e|-A|-a|-x] [-f] [-o FIELD[,FIELD...]]
 * Every process is listed (there is one user). Fields: pid ppid pgid sid stat
 * comm args user; -f shows UID PID PPID PGID STAT CMD.
 * Spec: POSIX ps(1) (-o field names), procps for the default columns.
 */
#include "lib/util.h"
#include <dirent.h>

struct proc {
  long pid, ppid, pgid, sid;
  char state[8];
  char name[64];
  char args[512];
};

static int read_file(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  size_t n = 0;
  ssize_t r;
  while (n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) > 0) n += (size_t)r;
  close(fd);
  buf[n] = 0;
  return (int)n;
}

static int load(long pid, struct proc *p) {
  char path[64], buf[1024];
  memset(p, 0, sizeof *p);
  p->pid = pid;
  snprintf(path, sizeof path, "/proc/%ld/status", pid);
  if (read_file(path, buf, sizeof buf) < 0) return -1;
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
    char *v = strchr(line, '\t');
    if (!v) continue;
    *v++ = 0;
    if (!strcmp(line, "Name:")) snprintf(p->name, sizeof p->name, "%s", v);
    else if (!strcmp(line, "State:")) snprintf(p->state, sizeof p->state, "%.1s", v);
    else if (!strcmp(line, "PPid:")) p->ppid = atol(v);
    else if (!strcmp(line, "PGid:")) p->pgid = atol(v);
    else if (!strcmp(line, "Sid:")) p->sid = atol(v);
  }
  snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
  int n = read_file(path, p->args, sizeof p->args);
  for (int i = 0; i < n; i++) if (p->args[i] == 0) p->args[i] = ' ';
  while (n > 0 && p->args[n - 1] == ' ') p->args[--n] = 0;
  if (n <= 0) snprintf(p->args, sizeof p->args, "[%s]", p->name);
  return 0;
}

static int by_pid(const void *a, const void *b) {
  long x = ((const struct proc *)a)->pid, y = ((const struct proc *)b)->pid;
  return x < y ? -1 : x > y;
}

static void field(const char *f, const struct proc *p, int header, int last) {
  const char *h = NULL;
  char v[600];
  if (!strcmp(f, "pid")) { h = "PID"; snprintf(v, sizeof v, "%ld", p->pid); }
  else if (!strcmp(f, "ppid")) { h = "PPID"; snprintf(v, sizeof v, "%ld", p->ppid); }
  else if (!strcmp(f, "pgid")) { h = "PGID"; snprintf(v, sizeof v, "%ld", p->pgid); }
  else if (!strcmp(f, "sid")) { h = "SID"; snprintf(v, sizeof v, "%ld", p->sid); }
  else if (!strcmp(f, "stat") || !strcmp(f, "state") || !strcmp(f, "s")) { h = "STAT"; snprintf(v, sizeof v, "%s", p->state); }
  else if (!strcmp(f, "comm") || !strcmp(f, "ucomm")) { h = "COMMAND"; snprintf(v, sizeof v, "%s", p->name); }
  else if (!strcmp(f, "args") || !strcmp(f, "cmd") || !strcmp(f, "command")) { h = "COMMAND"; snprintf(v, sizeof v, "%s", p->args); }
  else if (!strcmp(f, "user") || !strcmp(f, "uid")) { h = !strcmp(f, "uid") ? "UID" : "USER"; snprintf(v, sizeof v, !strcmp(f, "uid") ? "0" : "root"); }
  else { h = f; v[0] = 0; }
  int numeric = strcmp(h, "STAT") && strcmp(h, "COMMAND") && strcmp(h, "USER");
  const char *s = header ? h : v;
  if (last) printf("%s\n", s);
  else if (numeric) printf("%5s ", s);
  else printf("%-4s ", s);
}

int main(int argc, char **argv) {
  prog = "ps";
  char fields[256] = "pid,stat,args";
  int opt;
  while ((opt = getopt(argc, argv, "eAaxfo:")) != -1) {
    switch (opt) {
      case 'e': case 'A': case 'a': case 'x': break;
      case 'f': snprintf(fields, sizeof fields, "uid,pid,ppid,pgid,stat,args"); break;
      case 'o': snprintf(fields, sizeof fields, "%s", optarg); break;
      default:
        fprintf(stderr, "usage: ps [-e] [-f] [-o FIELD,...]\n");
        return 1;
    }
  }
  DIR *d = opendir("/proc");
  if (!d) {
    warn_("/proc");
    return 1;
  }
  struct proc *ps = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    char *end;
    long pid = strtol(e->d_name, &end, 10);
    if (*end || pid <= 0) continue;
    ps = realloc(ps, (n + 1) * sizeof *ps);
    if (load(pid, &ps[n]) == 0) n++;
  }
  closedir(d);
  qsort(ps, n, sizeof *ps, by_pid);
  char *list[32];
  int nf = 0;
  for (char *f = strtok(fields, ", "); f && nf < 32; f = strtok(NULL, ", ")) list[nf++] = f;
  for (int row = -1; row < (int)n; row++)
    for (int i = 0; i < nf; i++) field(list[i], row < 0 ? NULL : &ps[row], row < 0, i == nf - 1);
  free(ps);
  return 0;
}
