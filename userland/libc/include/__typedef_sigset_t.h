/* Replaces wasi-libc's placeholder (a single byte) with a set that holds every
 * signal: bit (sig - 1) of __bits[0]. Same include guard, so this one wins. */
#ifndef __wasilibc___typedef_sigset_t_h
#define __wasilibc___typedef_sigset_t_h
typedef struct __sigset_t {
  unsigned long __bits[2];
} sigset_t;
#endif
