/*
 * nproc: print the number of processing units available: each tabkernel
 * process runs in one worker thread, so 1 (--all too). Spec: GNU coreutils nproc.
 */
#include <stdio.h>

int main(void) {
  puts("1");
  return 0;
}
