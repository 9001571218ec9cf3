// setjmp/longjmp for programs that fork. Binaryen's asyncify, which fork needs
// (runtime/fork.ts), cannot instrument WebAssembly exception handling, so such
// a program is built with clang's invoke-based lowering instead
// (userland/build.sh; the toolchain image's `cc -ltk`, userland/ports/cc/cc.c;
// the helpers the compiled code calls are userland/libc/setjmp.c's, for clang
// 14 and for clang 18 and later alike): a function holding a setjmp
// makes every call that might jump through an `env.invoke_*` import with the
// callee's table index, and longjmp leaves its jmp_buf and value in the
// program's memory and calls `tabkernel.longjmp`, which throws. The nearest
// invoke below catches it, puts the stack pointer back where it was at the
// call and returns a zero, and the compiled code after the call finds the jump
// and branches to its setjmp (or jumps on up).
//
// fork unwinds and rewinds straight through an invoke: asyncify treats the
// `env.invoke_*` imports as calls that may unwind (userland/build.sh), so when
// the callee unwinds, the invoke returns to a caller that goes on unwinding,
// and on the rewind the caller calls the same invoke again, which calls the
// callee again to rewind it.
// Spec: C11 §7.13 (setjmp.h); the Emscripten ABI of invoke_* and
// emscripten_longjmp as LLVM's WebAssemblyLowerEmscriptenEHSjLj emits it (its
// imports are the same in LLVM 14 and 22; what changed is in setjmp.c).
/** What `tabkernel.longjmp` throws: made once, so a jump captures no stack. */
const JUMP = new Error('longjmp with no setjmp of a running function to land on');

type Callee = (...args: unknown[]) => unknown;
type Result = 'v' | 'i' | 'j' | 'f' | 'd';
const ZERO: Record<Result, unknown> = { v: undefined, i: 0, j: 0n, f: 0, d: 0 };

export class Invoker {
  private table: WebAssembly.Table | null = null;
  private sp: WebAssembly.Global | null = null;
  private readonly byResult = new Map<Result, Callee>();

  /** Point at the program just instantiated (its exported table and stack pointer). */
  attach(exports: WebAssembly.Exports): void {
    const t = exports.__indirect_function_table, sp = exports.__stack_pointer;
    this.table = t instanceof WebAssembly.Table ? t : null;
    this.sp = sp instanceof WebAssembly.Global ? sp : null;
  }

  /** The `tabkernel.longjmp` import. */
  readonly longjmp = (): never => {
    throw JUMP;
  };

  /**
   * The `env` import module: `invoke_<sig>` for any signature, made on first
   * use (one function per result type: a host function takes any parameters).
   * The loader has checked each name against its type (abi/imports.ts).
   */
  readonly module: Record<string, Callee> = new Proxy({}, {
    get: (_, name) => {
      const m = typeof name === 'string' ? /^invoke_([vijfd])/.exec(name) : null;
      return m ? this.invoke(m[1] as Result) : undefined;
    },
  });

  private invoke(result: Result): Callee {
    let f = this.byResult.get(result);
    if (!f) {
      const zero = ZERO[result];
      f = (index: unknown, ...args: unknown[]): unknown => {
        const sp = this.sp?.value as number;
        try {
          return (this.table!.get(index as number) as Callee)(...args);
        } catch (e) {
          if (e !== JUMP) throw e;
          if (this.sp) this.sp.value = sp;
          return zero;
        }
      };
      this.byResult.set(result, f);
    }
    return f;
  }
}
