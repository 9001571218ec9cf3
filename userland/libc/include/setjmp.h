/*
 * setjmp and longjmp over WebAssembly exception handling (wasi-libc has
 * none). clang, given `-mllvm -wasm-enable-sjlj -mexception-handling`
 * (userland/build.sh adds them to every file that names setjmp), turns each
 * setjmp call into a record in its function's table (saveSetjmp) and each
 * longjmp into a throw of the __c_longjmp tag that the functions holding
 * setjmp records catch and test (testSetjmp); userland/libc/setjmp.c is the
 * runtime side. A longjmp unwinds the wasm stack as a C++ exception would,
 * so jumping only to a setjmp of a function still running works, as C asks.
 * sigsetjmp(env, 1) also saves the signal mask, which siglongjmp restores.
 */
#ifndef _SETJMP_H
#define _SETJMP_H
#ifdef __cplusplus
extern "C" {
#endif
#include <__typedef_sigset_t.h>

typedef struct __jmp_buf_tag {
  /* The first words are the compiler's (the setjmp record's id). */
  unsigned long __jb[6];
  int __mask_was_saved;
  sigset_t __saved_mask;
} jmp_buf[1], sigjmp_buf[1];

int setjmp(jmp_buf) __attribute__((__returns_twice__));
_Noreturn void longjmp(jmp_buf, int);
#define _setjmp setjmp
#define _longjmp longjmp

/* Records (or not) the signal mask, then is the setjmp. */
void __tk_sigsetjmp_mask(sigjmp_buf, int);
#define sigsetjmp(env, savemask) (__tk_sigsetjmp_mask((env), (savemask)), setjmp(env))
_Noreturn void siglongjmp(sigjmp_buf, int);

#ifdef __cplusplus
}
#endif
#endif
