/*
 * The runtime of setjmp/longjmp, in the two forms clang can lower them to
 * (userland/build.sh picks one per program; the toolchain image's `cc -ltk`
 * always the second, userland/ports/cc/cc.c):
 *
 *  - WebAssembly exception handling (-mllvm -wasm-enable-sjlj
 *    -mexception-handling; __wasm_exception_handling__ is defined): longjmp is
 *    __wasm_longjmp, a throw of the __c_longjmp tag that the functions holding
 *    setjmp records catch. Calls cost nothing until a jump. The default.
 *  - Invoke trampolines (-mllvm -enable-emscripten-sjlj), for programs that
 *    fork: Binaryen's asyncify, which fork needs, cannot instrument exception
 *    handling. A function holding a setjmp makes each call that might jump
 *    through the runtime's env.invoke_* import (kernel/runtime/sjlj.ts);
 *    longjmp is emscripten_longjmp, which leaves (env, val) in __THREW__ and
 *    __threwValue and has the runtime throw (tabkernel.longjmp) to the nearest
 *    invoke, which returns as if the call had; the caller then reads them.
 *
 * The helpers the compiled code calls differ by clang's version. Clang 14
 * (Debian's, userland/build.sh):
 *   - saveSetjmp(env, label, table, size): a setjmp ran. Give env a fresh id
 *     (in its first word) and record (id, label) in the calling function's
 *     table, growing it when full; the table's size comes back through
 *     setTempRet0.
 *   - testSetjmp(id, table, size): a function holding setjmp records caught
 *     a jump: the label of env's record in its table, or 0 (not ours: the
 *     jump goes on up).
 * Ids only grow, so a record of a function that has returned never matches a
 * later setjmp's id. Clang 18 and later (the toolchain image's clang 22)
 * keep the record in the jmp_buf itself:
 *   - __wasm_setjmp(env, label, invocation): a setjmp ran in the function
 *     invocation whose frame is at `invocation` (an address in that frame).
 *   - __wasm_setjmp_test(env, invocation): env's label if it was recorded by
 *     that invocation, or 0.
 * Both: getTempRet0 and setTempRet0 carry the second result of a call (the
 * size, the value). One thread per process: the state is plain statics.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <tabkernel.h>

static uint32_t temp_ret;

uint32_t getTempRet0(void) { return temp_ret; }
void setTempRet0(uint32_t v) { temp_ret = v; }

#if __clang_major__ >= 18
/* The jmp_buf's first words (<setjmp.h>): the recording invocation, the label. */
void __wasm_setjmp(unsigned long *env, uint32_t label, void *invocation) {
  env[0] = (uintptr_t)invocation;
  env[1] = label;
}

uint32_t __wasm_setjmp_test(unsigned long *env, void *invocation) {
  return env[0] == (uintptr_t)invocation ? (uint32_t)env[1] : 0;
}
#else
struct setjmp_record {
  uintptr_t id;
  uint32_t label;
};

static uintptr_t last_id;

struct setjmp_record *saveSetjmp(uintptr_t *env, uint32_t label, struct setjmp_record *table, uint32_t size) {
  *env = ++last_id;
  uint32_t i = 0;
  while (i < size && table[i].id != 0) i++;
  if (i == size) {
    /* Full: double it (the compiler's table has size + 1 slots: the last ends the list). */
    size *= 2;
    table = realloc(table, sizeof *table * (size + 1));
    if (!table) abort();
  }
  table[i].id = *env;
  table[i].label = label;
  table[i + 1].id = 0;
  temp_ret = size;
  return table;
}

uint32_t testSetjmp(uintptr_t id, struct setjmp_record *table, uint32_t size) {
  for (uint32_t i = 0; i < size && table[i].id != 0; i++)
    if (table[i].id == id) return table[i].label;
  return 0;
}
#endif

#ifdef __wasm_exception_handling__
static struct {
  void *env;
  int val;
} thrown;

/* Compiled with clang's setjmp lowering on (userland/build.sh), this file
 * defines the __c_longjmp tag the throw needs. */
void __wasm_longjmp(void *env, int val) {
  thrown.env = env;
  thrown.val = val ? val : 1;
  __builtin_wasm_throw(1, &thrown);
}
#define jump_to(env, val) __wasm_longjmp((env), (val))
#else
/* What the invoke that caught a jump reads: the jmp_buf and the value. */
uintptr_t __THREW__;
int __threwValue;

_Noreturn void emscripten_longjmp(uintptr_t env, int val) {
  __THREW__ = env;
  __threwValue = val ? val : 1;
  tk_longjmp();
}
#define jump_to(env, val) emscripten_longjmp((uintptr_t)(env), (val))
#endif

void __tk_sigsetjmp_mask(sigjmp_buf env, int savemask) {
  env->__mask_was_saved = savemask != 0;
  if (savemask) sigprocmask(SIG_BLOCK, NULL, &env->__saved_mask);
}

/* A longjmp, straight to the runtime: this file makes no setjmp or longjmp
 * call for clang to lower (it would declare a second __wasm_longjmp). */
_Noreturn void siglongjmp(sigjmp_buf env, int val) {
  if (env->__mask_was_saved) sigprocmask(SIG_SETMASK, &env->__saved_mask, NULL);
  jump_to(env, val);
  __builtin_unreachable();
}
