/*
 * The runtime of setjmp/longjmp over WebAssembly exception handling, as
 * clang 14's lowering (-mllvm -wasm-enable-sjlj) calls it:
 *   - saveSetjmp(env, label, table, size): a setjmp ran. Give env a fresh id
 *     (in its first word) and record (id, label) in the calling function's
 *     table, growing it when full; the table's size comes back through
 *     setTempRet0.
 *   - __wasm_longjmp(env, val): longjmp. Throw the __c_longjmp tag with a
 *     pointer to (env, val); val 0 becomes 1, as C requires.
 *   - testSetjmp(id, table, size): a function holding setjmp records caught
 *     the throw: the label of env's record in its table, or 0 (not ours: the
 *     throw goes on up).
 *   - getTempRet0: the second result of the calls above (the size, the value).
 * Ids only grow, so a record of a function that has returned never matches a
 * later setjmp's id. One thread per process: the state is plain statics.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>

struct setjmp_record {
  uintptr_t id;
  uint32_t label;
};

static uint32_t temp_ret;
static uintptr_t last_id;

uint32_t getTempRet0(void) { return temp_ret; }
void setTempRet0(uint32_t v) { temp_ret = v; }

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

void __tk_sigsetjmp_mask(sigjmp_buf env, int savemask) {
  env->__mask_was_saved = savemask != 0;
  if (savemask) sigprocmask(SIG_BLOCK, NULL, &env->__saved_mask);
}

/* A longjmp, straight to the runtime: this file makes no setjmp or longjmp
 * call for clang to lower (it would declare a second __wasm_longjmp). */
_Noreturn void siglongjmp(sigjmp_buf env, int val) {
  if (env->__mask_was_saved) sigprocmask(SIG_SETMASK, &env->__saved_mask, NULL);
  __wasm_longjmp(env, val);
  __builtin_unreachable();
}
