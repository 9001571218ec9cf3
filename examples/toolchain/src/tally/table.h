/* A table of named rows, kept sorted by name: what tally counts per product. */
#ifndef TABLE_H
#define TABLE_H

struct row {
  char name[32];
  long rows, qty, cents;
};

struct table {
  struct row *v;
  int n, cap;
};

/* The row named NAME, added (zeroed) if there is none yet; NULL when out of memory. */
struct row *table_get(struct table *t, const char *name);
/* Print every row as name|rows|qty|revenue, then the totals. */
void table_print(const struct table *t);

#endif
