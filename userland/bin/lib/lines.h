/*
 * Reading whole inputs as arrays of lines (sort), and a stable merge sort
 * over them (qsort is not stable; sort -s and sort -u need stability).
 */
#ifndef LINES_H
#define LINES_H

#include <stddef.h>

struct line {
  char *s;
  size_t len;   /* without the terminator */
};

struct lines {
  struct line *v;
  size_t n, cap;
};

typedef int (*line_cmp)(const struct line *, const struct line *);

/* Append every line of fd (split on `term`); 0 or -1 with errno. */
int read_lines(int fd, struct lines *L, char term);

/* A stable sort of v[0..n) by cmp; tmp has room for n lines. */
void merge_sort(struct line *v, struct line *tmp, size_t n, line_cmp cmp);

#endif
