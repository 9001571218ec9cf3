/*
 * ps: report processes, read from /proc/PID/status, /proc/PID/stat (CPU
 * time) and /proc/PID/cmdline.
 * Every process is listed (there are no terminals to select by).
 * Formats: the default "PID TTY TIME CMD"; -f full ("UID PID PPID C STIME
 * TTY TIME CMD" with arguments); -j jobs (PID PGID SID); -o LIST with pid
 * ppid pgid sid stat/state/s comm args/cmd/command user/uid tty/tt time
 * (NAME=HEADER renames a column); BSD "aux"/"ax" the user-oriented format.
 * -e -A -a -x and -p PID... select (only -p narrows). TIME is the CPU time
 * (utime + stime, in clock ticks of 100 Hz).
 * Spec: POSIX ps (XSI -o names).
 */
#include "lib/util.h"
#include <ctype.h>
#include <dirent.h>

struct proc {
  long pid, ppid, pgid, sid, uid;
  long ticks; /* CPU time: utime + stime from /proc/PID/stat */
  char state[16];
  char name[64];
  char args[1024];
};

static int cmp_pid(const void *a, const void *b) {
  long x = ((const struct proc *)a)->pid, y = ((const struct proc *)b)->pid;
  return x < y ? -1 : x > y;
}

static int read_proc(long pid, struct proc *p) {
  char path[64], line[256];
  memset(p, 0, sizeof *p);
  p->pid = pid;
  snprintf(path, sizeof path, "/proc/%ld/status", pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  while (fgets(line, sizeof line, f)) {
    char *v = strchr(line, ':');
    if (!v) continue;
    *v++ = 0;
    while (*v == '\t' || *v == ' ') v++;
    v[strcspn(v, "\n")] = 0;
    if (!strcmp(line, "Name")) snprintf(p->name, sizeof p->name, "%s", v);
    else if (!strcmp(line, "State")) { p->state[0] = v[0]; p->state[1] = 0; }
    else if (!strcmp(line, "PPid")) p->ppid = atol(v);
    else if (!strcmp(line, "PGid")) p->pgid = atol(v);
    else if (!strcmp(line, "Sid")) p->sid = atol(v);
    else if (!strcmp(line, "Uid")) p->uid = atol(v);
  }
  fclose(f);
  snprintf(path, sizeof path, "/proc/%ld/stat", pid);
  f = fopen(path, "r");
  if (f) {
    /* Fields 14 and 15, counted after the ')' that ends the command's name (which may hold spaces). */
    char stat[512];
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    stat[n] = 0;
    fclose(f);
    char *rest = strrchr(stat, ')');
    long utime = 0, stime = 0;
    if (rest && sscanf(rest + 1, " %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %ld %ld", &utime, &stime) == 2)
      p->ticks = utime + stime;
  }
  snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
  f = fopen(path, "r");
  if (f) {
    size_t n = fread(p->args, 1, sizeof p->args - 1, f);
    fclose(f);
    while (n > 0 && p->args[n - 1] == 0) n--;
    for (size_t i = 0; i < n; i++) if (p->args[i] == 0) p->args[i] = ' ';
    p->args[n] = 0;
  }
  if (!p->args[0]) snprintf(p->args, sizeof p->args, "[%s]", p->name);
  return 0;
}

struct col { const char *key; char header[32]; int width; int left; };

static int col_of(const char *key, struct col *c) {
  static const struct { const char *key, *hdr; int width, left; } known[] = {
    {"pid", "PID", 7, 0}, {"ppid", "PPID", 7, 0}, {"pgid", "PGID", 7, 0}, {"sid", "SID", 7, 0},
    {"stat", "STAT", 4, 1}, {"state", "S", 1, 1}, {"s", "S", 1, 1}, {"comm", "COMMAND", 15, 1},
    {"ucomm", "COMMAND", 15, 1}, {"args", "COMMAND", 0, 1}, {"cmd", "CMD", 0, 1}, {"command", "COMMAND", 0, 1},
    {"user", "USER", 8, 1}, {"uid", "UID", 5, 0}, {"tty", "TT", 8, 1}, {"tt", "TT", 8, 1},
    {"time", "TIME", 8, 0}, {"c", "C", 2, 0}, {"stime", "STIME", 5, 1}, {"pcpu", "%CPU", 4, 0},
    {"pmem", "%MEM", 4, 0}, {"vsz", "VSZ", 6, 0}, {"rss", "RSS", 5, 0}, {"start", "START", 5, 1},
  };
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    if (strcmp(known[i].key, key) == 0) {
      c->key = known[i].key;
      snprintf(c->header, sizeof c->header, "%s", known[i].hdr);
      c->width = known[i].width;
      c->left = known[i].left;
      return 0;
    }
  }
  return -1;
}

static void field(const struct col *c, const struct proc *p, char *b, size_t cap) {
  const char *k = c->key;
  if (!strcmp(k, "pid")) snprintf(b, cap, "%ld", p->pid);
  else if (!strcmp(k, "ppid")) snprintf(b, cap, "%ld", p->ppid);
  else if (!strcmp(k, "pgid")) snprintf(b, cap, "%ld", p->pgid);
  else if (!strcmp(k, "sid")) snprintf(b, cap, "%ld", p->sid);
  else if (!strcmp(k, "stat") || !strcmp(k, "state") || !strcmp(k, "s")) snprintf(b, cap, "%s", p->state);
  else if (!strcmp(k, "comm") || !strcmp(k, "ucomm")) snprintf(b, cap, "%s", p->name);
  else if (!strcmp(k, "args") || !strcmp(k, "cmd") || !strcmp(k, "command")) snprintf(b, cap, "%s", p->args);
  else if (!strcmp(k, "user")) { if (p->uid == 0) snprintf(b, cap, "root"); else snprintf(b, cap, "%ld", p->uid); }
  else if (!strcmp(k, "uid")) snprintf(b, cap, "%ld", p->uid);
  else if (!strcmp(k, "tty") || !strcmp(k, "tt")) snprintf(b, cap, "?");
  else if (!strcmp(k, "time")) {
    long s = p->ticks / 100;
    snprintf(b, cap, "%02ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  }
  else if (!strcmp(k, "stime") || !strcmp(k, "start")) snprintf(b, cap, "00:00");
  else if (!strcmp(k, "pcpu") || !strcmp(k, "pmem")) snprintf(b, cap, "0.0");
  else snprintf(b, cap, "0");
}

static int ncols;
static struct col cols[32];

static void add_cols(const char *spec) {
  char *s = xstrdup(spec), *save = NULL;
  for (char *t = strtok_r(s, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
    char *eq = strchr(t, '=');
    char *colon = strchr(t, ':');   /* internal formats: KEY:HEADER renames one column */
    if (eq) *eq = 0;
    if (colon) *colon = 0;
    if (ncols == 32) diex_(1, "too many output fields");
    if (col_of(t, &cols[ncols]) != 0) diex_(1, "error: unknown user-defined format specifier \"%s\"", t);
    if (colon) snprintf(cols[ncols].header, sizeof cols[ncols].header, "%s", colon + 1);
    if (eq) {
      snprintf(cols[ncols].header, sizeof cols[ncols].header, "%s", eq + 1);
      ncols++;
      break;   /* NAME=HEADER takes the rest of the word */
    }
    ncols++;
  }
  free(s);
}

int main(int argc, char **argv) {
  prog = "ps";
  const char *fmt = NULL;
  long *pids = NULL;
  int npids = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-') {   /* BSD options: aux, ax, ... */
      if (strchr(a, 'u')) fmt = "user,pid,pcpu,pmem,vsz,rss,tty,stat,start,time,command";
      continue;
    }
    for (const char *p = a + 1; *p; p++) {
      switch (*p) {
      case 'e': case 'A': case 'a': case 'x': case 'd': break;
      case 'f': fmt = "user:UID,pid,ppid,c,stime,tty:TTY,time,cmd"; break;
      case 'j': fmt = "pid,pgid,sid,tty:TTY,time,cmd"; break;
      case 'l': fmt = "s:S,uid,pid,ppid,c,tty:TTY,time,cmd"; break;
      case 'o': case 'p': {
        const char *v = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) diex_(1, "error: option requires an argument");
        if (*p == 'o') { add_cols(v); fmt = ""; }
        else {
          char *s = xstrdup(v), *save = NULL;
          for (char *t = strtok_r(s, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
            pids = xrealloc(pids, sizeof *pids * (size_t)(npids + 1));
            pids[npids++] = atol(t);
          }
          free(s);
        }
        p += strlen(p) - 1;
        break;
      }
      default: diex_(1, "error: unsupported option (BSD syntax)");
      }
    }
  }
  if (!fmt) fmt = "pid,tty:TTY,time,cmd";
  if (*fmt) add_cols(fmt);
  for (int i = 0; i < ncols; i++)
    if (!strcmp(cols[i].key, "cmd") && strcmp(fmt, "pid,tty:TTY,time,cmd") == 0) cols[i].key = "comm";
  /* 1. collect */
  DIR *d = opendir("/proc");
  if (!d) die_(1, "/proc");
  struct proc *v = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!isdigit((unsigned char)e->d_name[0])) continue;
    long pid = atol(e->d_name);
    if (npids) {
      int want = 0;
      for (int k = 0; k < npids; k++) if (pids[k] == pid) want = 1;
      if (!want) continue;
    }
    v = xrealloc(v, sizeof *v * (n + 1));
    if (read_proc(pid, &v[n]) == 0) n++;
  }
  closedir(d);
  qsort(v, n, sizeof *v, cmp_pid);
  /* 2. print: the last column unpadded */
  char b[1100];
  for (int i = 0; i < ncols; i++) {
    int w = cols[i].width > (int)strlen(cols[i].header) ? cols[i].width : (int)strlen(cols[i].header);
    cols[i].width = w;
  }
  int any_header = 0;
  for (int i = 0; i < ncols; i++) if (cols[i].header[0]) any_header = 1;
  for (int i = 0; i < ncols && any_header; i++) {   /* "-o pid=" alone: no header line */
    if (i) putchar(' ');
    if (i + 1 == ncols && cols[i].left) fputs(cols[i].header, stdout);
    else printf(cols[i].left ? "%-*s" : "%*s", cols[i].width, cols[i].header);
  }
  if (any_header) putchar('\n');
  for (size_t r = 0; r < n; r++) {
    for (int i = 0; i < ncols; i++) {
      field(&cols[i], &v[r], b, sizeof b);
      if (i) putchar(' ');
      if (i + 1 == ncols && cols[i].left) fputs(b, stdout);
      else printf(cols[i].left ? "%-*s" : "%*s", cols[i].width, b);
    }
    putchar('\n');
  }
  if (fflush(stdout) != 0) die_(1, "write error");
  return npids && n == 0 ? 1 : 0;
}
