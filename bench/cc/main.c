/* calc: evaluates each line of its built-in script ("x = EXPR" assigns) and
 * prints the results: a fixed workload, so every build prints the same. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "calc.h"

static const char *const script[] = {
  "a = 6 * 7", "b = a ^ 3 - (a - 2) * 5", "c = -b % 1000 + 2 ^ 3 ^ 2", "d = (a + b + c) / 3",
  "e = d * d - a * b", "f = (e % 97) * (c % 13)", "a + b + c + d + e + f", "2 ^ 62 / 3 ^ 20",
};

int main(void) {
  int64_t vars[26] = {0};
  for (size_t i = 0; i < sizeof script / sizeof *script; i++) {
    const char *line = script[i];
    int target = -1;
    if (line[0] >= 'a' && line[0] <= 'z' && strncmp(line + 1, " = ", 3) == 0) {
      target = line[0] - 'a';
      line += 4;
    }
    struct lexer lx;
    const char *err = NULL;
    lex_init(&lx, line);
    struct node *n = parse(&lx, &err);
    int64_t v;
    if (!n || eval(n, vars, &v)) {
      printf("%s: %s\n", script[i], err ? err : "cannot evaluate");
      tree_free(n);
      return 1;
    }
    tree_free(n);
    if (target >= 0) vars[target] = v;
    printf("%s = %" PRId64 "\n", script[i], v);
  }
  return 0;
}
