#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct row *table_get(struct table *t, const char *name) {
  int lo = 0, hi = t->n;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    int c = strcmp(t->v[mid].name, name);
    if (c == 0) return &t->v[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  if (t->n == t->cap) {
    int cap = t->cap ? t->cap * 2 : 4;
    struct row *v = realloc(t->v, (size_t)cap * sizeof *v);
    if (!v) return NULL;
    t->v = v;
    t->cap = cap;
  }
  memmove(&t->v[lo + 1], &t->v[lo], (size_t)(t->n - lo) * sizeof *t->v);
  t->n++;
  memset(&t->v[lo], 0, sizeof t->v[lo]);
  snprintf(t->v[lo].name, sizeof t->v[lo].name, "%s", name);
  return &t->v[lo];
}

void table_print(const struct table *t) {
  long rows = 0, qty = 0, cents = 0;
  for (int i = 0; i < t->n; i++) {
    const struct row *r = &t->v[i];
    printf("%s|%ld|%ld|%ld.%02ld\n", r->name, r->rows, r->qty, r->cents / 100, r->cents % 100);
    rows += r->rows;
    qty += r->qty;
    cents += r->cents;
  }
  printf("total|%ld|%ld|%ld.%02ld\n", rows, qty, cents / 100, cents % 100);
}
