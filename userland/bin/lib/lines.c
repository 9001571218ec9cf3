/* The bodies of lines.h: reading lines, merge sort. */
#include "lines.h"
#include "util.h"

int read_lines(int fd, struct lines *L, char term) {
  size_t n;
  char *buf = slurp(fd, &n);
  if (!buf) return -1;
  buf = xrealloc(buf, n + 1);
  buf[n] = 0;
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && buf[i] != term) continue;
    if (i == n && start == n) break;
    if (L->n == L->cap) L->v = xrealloc(L->v, sizeof *L->v * (L->cap = L->cap ? L->cap * 2 : 1024));
    buf[i] = 0;
    L->v[L->n].s = buf + start;
    L->v[L->n].len = i - start;
    L->n++;
    start = i + 1;
  }
  return 0;
}

void merge_sort(struct line *v, struct line *tmp, size_t n, line_cmp cmp) {
  if (n < 2) return;
  if (n <= 8) {
    for (size_t i = 1; i < n; i++) {
      struct line x = v[i];
      size_t j = i;
      while (j > 0 && cmp(&v[j - 1], &x) > 0) { v[j] = v[j - 1]; j--; }
      v[j] = x;
    }
    return;
  }
  size_t h = n / 2;
  merge_sort(v, tmp, h, cmp);
  merge_sort(v + h, tmp, n - h, cmp);
  if (cmp(&v[h - 1], &v[h]) <= 0) return;
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = cmp(&v[i], &v[j]) <= 0 ? v[i++] : v[j++];
  while (i < h) tmp[k++] = v[i++];
  while (j < n) tmp[k++] = v[j++];
  memcpy(v, tmp, sizeof *v * n);
}
