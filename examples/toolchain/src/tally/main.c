/* tally: the demo's CSV (id,region,product,qty,price) on stdin; per product,
 * the rows, the quantity and the revenue (in cents, so that every machine
 * prints the same digits), then a histogram of the quantities by tens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

int main(void) {
  struct table t = {0};
  long hist[10] = {0};
  char line[256];
  int lineno = 0;
  while (fgets(line, sizeof line, stdin)) {
    if (lineno++ == 0) continue; /* the header */
    char product[32];
    long id, qty, units, hundredths;
    char region[32];
    if (sscanf(line, "%ld,%31[^,],%31[^,],%ld,%ld.%2ld", &id, region, product, &qty, &units, &hundredths) != 6) {
      fprintf(stderr, "tally: line %d: not id,region,product,qty,price\n", lineno);
      return 1;
    }
    struct row *r = table_get(&t, product);
    if (!r) {
      fprintf(stderr, "tally: out of memory\n");
      return 1;
    }
    r->rows++;
    r->qty += qty;
    r->cents += qty * (units * 100 + hundredths);
    hist[qty / 10 < 10 ? qty / 10 : 9]++;
  }
  table_print(&t);
  for (int i = 0; i < 10; i++) {
    char bar[64] = " ";
    long n = hist[i] < 62 ? hist[i] : 62;
    memset(bar + 1, '#', (size_t)n);
    bar[n ? n + 1 : 0] = 0;
    printf("%2d-%2d %3ld%s\n", i * 10, i * 10 + 9, hist[i], bar);
  }
  free(t.v);
  return 0;
}
