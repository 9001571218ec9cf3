/*
 * Command history of the interactive shell: the lines the line editor
 * (lineedit.c) accepted, in memory only, oldest first, and the `history`
 * builtin that lists them. Empty (all-blank) lines are not kept, nor a line
 * equal to the one before it; past HIST_MAX lines the oldest go. Entries keep
 * their numbers when older ones go, as in bash ("    1  cmd").
 */
#include <stdlib.h>
#include <string.h>

#include "sh.h"

#define HIST_MAX 500

static char *entries[HIST_MAX];
static int count;
static int first_number = 1; /* the number of entries[0] */

static int blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t') return 0;
  return 1;
}

void history_add(const char *line, size_t n) {
  if (blank(line, n)) return;
  if (count > 0 && strlen(entries[count - 1]) == n && memcmp(entries[count - 1], line, n) == 0) return;
  if (count == HIST_MAX) {
    free(entries[0]);
    memmove(entries, entries + 1, (HIST_MAX - 1) * sizeof entries[0]);
    count--;
    first_number++;
  }
  entries[count++] = xstrndup(line, n);
}

int history_count(void) { return count; }

const char *history_get(int i) { return i >= 0 && i < count ? entries[i] : NULL; }

static void history_clear(void) {
  for (int i = 0; i < count; i++) free(entries[i]);
  first_number += count;
  count = 0;
}

/* history [-c] [N]: list the entries (the last N), or clear them. */
int b_history(int argc, char **argv) {
  struct bopt o = {0, 0, NULL};
  int c;
  while ((c = bgetopt(&o, argc, argv, "c", "history")) != 0) {
    if (c == '?') return 2;
    history_clear();
    return 0;
  }
  int from = 0;
  if (o.ind < argc) {
    char *end;
    long n = strtol(argv[o.ind], &end, 10);
    if (!*argv[o.ind] || *end || n < 0) {
      sh_error("history: Illegal number: %s", argv[o.ind]);
      return 2;
    }
    if (n < count) from = count - (int)n;
  }
  for (int i = from; i < count; i++) out_fmt(1, "%5d  %s\n", first_number + i, entries[i]);
  return 0;
}
