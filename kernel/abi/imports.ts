// The imports the process runtime provides, each with its wasm signature, so
// the kernel can refuse a program whose imports cannot all be met — unknown
// names and known names of another type alike — before starting it
// (proc/modules.ts); the entry point a program must export; and the memory
// import through which the runtime supplies a program's memory
// (proc/memimport.ts makes it, runtime/mempool.ts fills it).
//
// The signatures are declared here once; the name sets are derived from them,
// and the runtime's import objects are typed by them (ImportHandlers below),
// as its calls to the kernel are by abi/syscalls.ts (runtime/syscall.ts).
// Spec: WASI preview1, wasi_snapshot_preview1.witx as lowered to wasm (what
// wasi-libc's generated __wasilibc_real.c imports): a 64-bit type (filesize,
// filedelta, timestamp, rights, dircookie) is an i64, everything else (fds,
// flags, enums, pointers, lengths) an i32, and every call but proc_exit returns
// its errno as an i32. tabkernel's own calls are what
// userland/libc/include/tabkernel.h declares and runtime/tabkernel.ts
// implements: an i32 errno back, u64 arguments (signal masks, limits) as i64.

/** A wasm value type of these signatures. */
export type WasmType = 'i32' | 'i64' | 'f32' | 'f64';
/** An import's wasm signature: its parameters and its one result (null: none). */
export type Signature = readonly [params: readonly WasmType[], result: WasmType | null];

const i32 = 'i32', i64 = 'i64', f32 = 'f32', f64 = 'f64';

export const WASI_MODULE = 'wasi_snapshot_preview1';
export const TABKERNEL_MODULE = 'tabkernel';

/** wasi_snapshot_preview1, as runtime/wasi.ts answers it; parameter names from the witx. */
export const wasiSignatures = {
  args_get: [[i32, i32], i32],                          // argv, argv_buf
  args_sizes_get: [[i32, i32], i32],                    // → argc, argv_buf_size
  environ_get: [[i32, i32], i32],                       // environ, environ_buf
  environ_sizes_get: [[i32, i32], i32],                 // → count, buf_size
  clock_res_get: [[i32, i32], i32],                     // id → resolution
  clock_time_get: [[i32, i64, i32], i32],               // id, precision → time
  fd_advise: [[i32, i64, i64, i32], i32],               // fd, offset, len, advice
  fd_allocate: [[i32, i64, i64], i32],                  // fd, offset, len
  fd_close: [[i32], i32],                               // fd
  fd_datasync: [[i32], i32],                            // fd
  fd_fdstat_get: [[i32, i32], i32],                     // fd → fdstat
  fd_fdstat_set_flags: [[i32, i32], i32],               // fd, fdflags
  fd_fdstat_set_rights: [[i32, i64, i64], i32],         // fd, base, inheriting
  fd_filestat_get: [[i32, i32], i32],                   // fd → filestat
  fd_filestat_set_size: [[i32, i64], i32],              // fd, size
  fd_filestat_set_times: [[i32, i64, i64, i32], i32],   // fd, atim, mtim, fstflags
  fd_pread: [[i32, i32, i32, i64, i32], i32],           // fd, iovs, iovs_len, offset → nread
  fd_prestat_get: [[i32, i32], i32],                    // fd → prestat
  fd_prestat_dir_name: [[i32, i32, i32], i32],          // fd, path, path_len
  fd_pwrite: [[i32, i32, i32, i64, i32], i32],          // fd, iovs, iovs_len, offset → nwritten
  fd_read: [[i32, i32, i32, i32], i32],                 // fd, iovs, iovs_len → nread
  fd_readdir: [[i32, i32, i32, i64, i32], i32],         // fd, buf, buf_len, cookie → bufused
  fd_renumber: [[i32, i32], i32],                       // fd, to
  fd_seek: [[i32, i64, i32, i32], i32],                 // fd, offset, whence → newoffset
  fd_sync: [[i32], i32],                                // fd
  fd_tell: [[i32, i32], i32],                           // fd → offset
  fd_write: [[i32, i32, i32, i32], i32],                // fd, iovs, iovs_len → nwritten
  path_create_directory: [[i32, i32, i32], i32],        // fd, path, path_len
  path_filestat_get: [[i32, i32, i32, i32, i32], i32],  // fd, lookupflags, path, path_len → filestat
  path_filestat_set_times: [[i32, i32, i32, i32, i64, i64, i32], i32], // fd, lookupflags, path, path_len, atim, mtim, fstflags
  path_link: [[i32, i32, i32, i32, i32, i32, i32], i32], // old_fd, lookupflags, old_path, len, new_fd, new_path, len
  path_open: [[i32, i32, i32, i32, i32, i64, i64, i32, i32], i32], // fd, lookupflags, path, len, oflags, base, inheriting, fdflags → fd
  path_readlink: [[i32, i32, i32, i32, i32, i32], i32], // fd, path, path_len, buf, buf_len → bufused
  path_remove_directory: [[i32, i32, i32], i32],        // fd, path, path_len
  path_rename: [[i32, i32, i32, i32, i32, i32], i32],   // fd, old_path, len, new_fd, new_path, len
  path_symlink: [[i32, i32, i32, i32, i32], i32],       // old_path, len, fd, new_path, len
  path_unlink_file: [[i32, i32, i32], i32],             // fd, path, path_len
  poll_oneoff: [[i32, i32, i32, i32], i32],             // in, out, nsubscriptions → nevents
  proc_exit: [[i32], null],                             // rval (does not return)
  proc_raise: [[i32], i32],                             // sig
  sched_yield: [[], i32],
  random_get: [[i32, i32], i32],                        // buf, buf_len
  sock_accept: [[i32, i32, i32], i32],                  // fd, fdflags → fd
  sock_recv: [[i32, i32, i32, i32, i32, i32], i32],     // fd, ri_data, ri_data_len, ri_flags → ro_datalen, ro_flags
  sock_send: [[i32, i32, i32, i32, i32], i32],          // fd, si_data, si_data_len, si_flags → so_datalen
  sock_shutdown: [[i32, i32], i32],                     // fd, sdflags
} as const satisfies Record<string, Signature>;

/** tabkernel's own import module, as userland/libc/include/tabkernel.h declares it (→: a result pointer). */
export const tabkernelSignatures = {
  spawn: [[i32, i32, i32, i32, i32, i32, i32, i32, i32, i32], i32], // path, len, argv, len, envp, len, actions, len, attr → pid
  exec: [[i32, i32, i32, i32, i32, i32], i32],          // path, len, argv, len, envp, len
  fork: [[i32, i32, i32], i32],                         // asyncify buf, buf_len → pid
  wait: [[i32, i32, i32, i32], i32],                    // pid, options → status, pid
  pipe: [[i32, i32], i32],                              // fds[2], flags
  dup: [[i32, i32, i32, i32], i32],                     // fd, min, flags → new fd
  dup2: [[i32, i32, i32], i32],                         // fd, newfd, flags
  fd_cloexec: [[i32, i32, i32], i32],                   // fd, set → old
  getpid: [[i32, i32], i32],                            // → pid, ppid
  childtimes: [[i32], i32],                             // → CPU ns of the children waited for (u64)
  kill: [[i32, i32], i32],                              // pid, sig
  sigaction: [[i32, i32, i32, i64, i32, i32, i32], i32], // sig, handler, flags, mask → old handler, flags, mask
  sigprocmask: [[i32, i64, i32], i32],                  // how, set → old
  sigpending: [[i32], i32],                             // → set
  sigsuspend: [[i64], i32],                             // mask
  alarm: [[i32, i32], i32],                             // seconds → previous
  setpgid: [[i32, i32], i32],                           // pid, pgid
  getpgid: [[i32, i32], i32],                           // pid → pgid
  setsid: [[i32], i32],                                 // → sid
  getsid: [[i32, i32], i32],                            // pid → sid
  tcsetpgrp: [[i32, i32], i32],                         // fd, pgid
  tcgetpgrp: [[i32, i32], i32],                         // fd → pgid
  winsize: [[i32, i32, i32, i32], i32],                 // fd, op, rows (u16 in/out), cols (u16 in/out)
  chdir: [[i32, i32], i32],                             // path, len
  fchdir: [[i32], i32],                                 // fd
  getcwd: [[i32, i32, i32], i32],                       // buf, len → used
  umask: [[i32, i32], i32],                             // mask → old
  tcgetattr: [[i32, i32], i32],                         // fd → termios
  tcsetattr: [[i32, i32, i32], i32],                    // fd, when, termios
  ptsname: [[i32, i32], i32],                           // master fd → N
  openroot: [[i32, i32], i32],                          // min → fd
  chmod: [[i32, i32, i32, i32, i32], i32],              // dirfd, path, len, mode, follow
  fchmod: [[i32, i32], i32],                            // fd, mode
  getmode: [[i32, i32, i32, i32, i32], i32],            // dirfd, path, len, follow → mode
  fgetmode: [[i32, i32], i32],                          // fd → mode
  prlimit: [[i32, i32, i32, i64, i64, i32, i32], i32],  // pid, resource, set, cur, max → old cur, old max
  statvfs: [[i32, i32, i32, i32, i32], i32],            // dirfd, path, len, follow → struct tk_statvfs
  fcntl_lock: [[i32, i32, i32, i32, i64, i64, i32], i32], // fd, cmd, type, whence, start, len → struct tk_lock (F_GETLK)
  flock: [[i32, i32], i32],                             // fd, operation
  ppoll: [[i32, i32, i32, i64, i64, i32, i32, i32], i32], // in, out, nsubscriptions, mask (TK_MASK_UNCHANGED: kept), signals to take → nevents, old mask, signal taken
  image: [[i32, i32, i32, i32, i32, i32, i32], i32],    // op, ref, len, progress fd, buf, len → used (ERANGE: the size needed)
  container: [[i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32], i32], // ref, len, entrypoint, len, args, len, env, len, msg buf, len → used
  socket: [[i32, i32, i32, i32], i32],                  // domain, type, protocol → fd
  socketpair: [[i32, i32, i32, i32], i32],              // domain, type, protocol → fds[2]
  bind: [[i32, i32, i32], i32],                         // fd, sockaddr, len
  listen: [[i32, i32], i32],                            // fd, backlog
  accept: [[i32, i32, i32, i32, i32], i32],             // fd, flags, sockaddr, len (in/out) → fd
  connect: [[i32, i32, i32], i32],                      // fd, sockaddr, len
  sendto: [[i32, i32, i32, i32, i32, i32, i32], i32],   // fd, iovs, iovs_len, flags, sockaddr, len → sent
  recvfrom: [[i32, i32, i32, i32, i32, i32, i32, i32], i32], // fd, iovs, iovs_len, flags, sockaddr, len (in/out) → received, out flags
  sockname: [[i32, i32, i32, i32], i32],                // fd, peer, sockaddr, len (in/out)
  sockopt: [[i32, i32, i32, i32, i32, i32], i32],       // fd, level, name, set, value → value
  resolve: [[i32, i32, i32, i32, i32, i32], i32],       // name, len, family, struct tk_addr[], max → count
  longjmp: [[], null],                                  // unwinds to the nearest env.invoke_* (runtime/sjlj.ts)
} as const satisfies Record<string, Signature>;

/**
 * The trampolines of clang's invoke-based setjmp lowering
 * (-mllvm -enable-emscripten-sjlj, userland/libc/setjmp.c): `env.invoke_` and
 * the callee's type in letters, result first — v (none), i (i32), j (i64),
 * f (f32), d (f64) — taking the callee's table index and then its arguments:
 * invoke_vii(index, a, b) calls a `void f(int, int)` (runtime/sjlj.ts).
 */
export const INVOKE_MODULE = 'env';
const invokeLetters: Readonly<Record<string, WasmType>> = { i: i32, j: i64, f: f32, d: f64 };

/** The signature of invoke import `name`, or undefined if the name is not one. */
export function invokeSignature(name: string): Signature | undefined {
  const m = /^invoke_([vijfd])([ijfd]*)$/.exec(name);
  if (!m) return undefined;
  const params: WasmType[] = [i32, ...Array.from(m[2], (c) => invokeLetters[c])];
  return [params, m[1] === 'v' ? null : invokeLetters[m[1]]];
}

/** Every import module the runtime answers, by name. */
export const importSignatures: Readonly<Record<string, Readonly<Record<string, Signature>>>> = {
  [WASI_MODULE]: wasiSignatures,
  [TABKERNEL_MODULE]: tabkernelSignatures,
};

export const wasiImportNames: ReadonlySet<string> = new Set(Object.keys(wasiSignatures));
export const tabkernelImportNames: ReadonlySet<string> = new Set(Object.keys(tabkernelSignatures));

/**
 * The entry point every program must export: a WASI command's `_start`, run
 * once (runtime/start.ts). A WASI reactor (`_initialize` and exports to call
 * later) is a library, not a program tabkernel can run.
 */
export const ENTRY_POINT = { name: '_start', signature: [[], null] } as const satisfies { name: string; signature: Signature };

/** The JavaScript value of a wasm value type at a host function's boundary. */
type JsValue<T> = T extends 'i64' ? bigint : number;
/** The JavaScript parameters of a signature's parameter list. */
export type JsParams<L extends readonly WasmType[]> = { -readonly [I in keyof L]: JsValue<L[I]> };
/** The host functions that implement a table of signatures. */
export type ImportHandlers<T extends Record<string, Signature>> = {
  [K in keyof T]: (...a: JsParams<T[K][0]>) => T[K][1] extends null ? void : number;
};

/** Where the runtime's memory import is found. */
export const MEMORY_IMPORT = { module: 'tabkernel.memory', name: 'memory' } as const;

/** The type of the memory the runtime must supply (shared), in 64 KiB pages. */
export interface MemoryType {
  initial: number;
  maximum: number;
}
