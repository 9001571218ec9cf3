// The "tabkernel" import module inside the process worker: tabkernel's own
// system calls (userland/libc/include/tabkernel.h), marshalled like the WASI
// ones in runtime/wasi.ts. fork is in runtime/fork.ts.
import { Errno, isErr } from '../abi/errno.js';
import type { ImportHandlers, tabkernelSignatures } from '../abi/imports.js';
import { NR, STATVFS_SIZE } from '../abi/syscalls.js';
import type { GuestMemory } from './memory.js';
import type { SyscallClient } from './syscall.js';
import { ProcExit } from './wasi.js';
import type { PipeFastPath } from './pipes.js';

type Fn = (...a: never[]) => number;

/** Handler values that are not functions: SIG_DFL, SIG_IGN, and "no change". */
const SIG_DFL = 0;
const SIG_IGN = 0xfffffffe;
const SIG_QUERY = 0xffffffff;

export function tabkernelImports(s: SyscallClient, getMem: () => GuestMemory, fork: ImportHandlers<typeof tabkernelSignatures>['fork'], pipes: PipeFastPath, signals: { readonly canRunHandlers: boolean }): Record<string, Fn> {
  const m = getMem;
  /** Store results into guest pointers (0 = not wanted); FAULT if any is bad. */
  const outs = (...pairs: Array<[number, number, 'u32' | 'u64' | 'u16']>): Errno => {
    const mem = m();
    const size = { u16: 2, u32: 4, u64: 8 };
    for (const [ptr, , kind] of pairs) if (ptr !== 0 && !mem.ok(ptr >>> 0, size[kind])) return Errno.FAULT;
    for (const [ptr, v, kind] of pairs) {
      if (ptr === 0) continue;
      if (kind === 'u32') mem.view.setUint32(ptr >>> 0, v, true);
      else if (kind === 'u16') mem.view.setUint16(ptr >>> 0, v, true);
      else mem.view.setBigUint64(ptr >>> 0, BigInt(v), true);
    }
    return Errno.SUCCESS;
  };
  /** Guest bytes into the window as argument `i`. */
  const bytes = (i: number, ptr: number, len: number): Errno => {
    const b = m().bytes(ptr >>> 0, len >>> 0);
    if (isErr(b)) return b.errno;
    if (b.length > s.room() - 64) return Errno.TOOBIG;
    s.bytes(i, b);
    return Errno.SUCCESS;
  };
  const call = (nr: number): Errno => s.call(nr);
  const mask = (v: bigint): number => Number(BigInt.asUintN(32, v) & 0x3fffffffn);

  return {
    spawn(path: number, pathLen: number, argv: number, argvLen: number, envp: number, envpLen: number,
      actions: number, actionsLen: number, attr: number, pidOut: number): number {
      s.begin();
      const e = bytes(0, path, pathLen) || bytes(1, argv, argvLen) || bytes(2, envp, envpLen) || bytes(3, actions, actionsLen);
      if (e) return e;
      let flags = 0, pgroup = 0, sigdef = 0, sigmask = 0;
      if (attr !== 0) {
        if (!m().ok(attr >>> 0, 24)) return Errno.FAULT;
        const v = m().view;
        flags = v.getUint32(attr, true);
        pgroup = v.getInt32(attr + 4, true);
        sigdef = mask(v.getBigUint64(attr + 8, true));
        sigmask = mask(v.getBigUint64(attr + 16, true));
      }
      const r = s.num(4, flags).num(5, pgroup).num(6, sigdef).num(7, sigmask).call(NR.spawn);
      return r || outs([pidOut, s.retNum(0), 'u32']);
    },
    exec(path: number, pathLen: number, argv: number, argvLen: number, envp: number, envpLen: number): number {
      s.begin();
      const e = bytes(0, path, pathLen) || bytes(1, argv, argvLen) || bytes(2, envp, envpLen) || call(NR.exec);
      // Success: this program is gone. The kernel has sent the new one to this
      // worker, which starts it once this one's stack is unwound.
      if (e === Errno.SUCCESS) throw new ProcExit(null);
      return e;
    },
    fork,
    wait(pid: number, options: number, statusOut: number, pidOut: number): number {
      const r = s.begin().num(0, pid).num(1, options).call(NR.wait);
      return r || outs([statusOut, s.retNum(1), 'u32'], [pidOut, s.retNum(0), 'u32']);
    },
    pipe(fds: number, flags: number): number {
      if (!m().ok(fds >>> 0, 8)) return Errno.FAULT;
      const r = s.begin().num(0, flags).call(NR.pipe);
      if (r) return r;
      pipes.forget(s.retNum(0));
      pipes.forget(s.retNum(1));
      return outs([fds, s.retNum(0), 'u32'], [fds + 4, s.retNum(1), 'u32']);
    },
    dup(fd: number, min: number, flags: number, out: number): number {
      const r = s.begin().num(0, fd).num(1, min).num(2, flags).call(NR.dup);
      if (r) return r;
      pipes.forget(s.retNum(0));
      return outs([out, s.retNum(0), 'u32']);
    },
    dup2: (fd: number, newfd: number, flags: number) => (pipes.forget(newfd), s.begin().num(0, fd).num(1, newfd).num(2, flags).call(NR.dup2)),
    fd_cloexec(fd: number, set: number, old: number): number {
      const r = s.begin().num(0, fd).num(1, set).call(NR.fd_cloexec);
      return r || outs([old, s.retNum(0), 'u32']);
    },
    getpid(pid: number, ppid: number): number {
      const r = s.begin().call(NR.getpid);
      return r || outs([pid, s.retNum(0), 'u32'], [ppid, s.retNum(1), 'u32']);
    },
    kill: (pid: number, sig: number) => s.begin().num(0, pid).num(1, sig).call(NR.kill),
    sigaction(sig: number, handler: number, flags: number, sigmask: bigint, oh: number, of: number, om: number): number {
      const h = handler >>> 0;
      // A handler this program has no trampoline to run would stay pending for ever.
      if (h !== SIG_DFL && h !== SIG_IGN && h !== SIG_QUERY && !signals.canRunHandlers) return Errno.NOTSUP;
      const r = s.begin().num(0, sig).num(1, handler >>> 0).num(2, flags >>> 0).num(3, mask(sigmask)).call(NR.sigaction);
      return r || outs([oh, s.retNum(0), 'u32'], [of, s.retNum(1), 'u32'], [om, s.retNum(2), 'u64']);
    },
    sigprocmask(how: number, set: bigint, old: number): number {
      const r = s.begin().num(0, how).num(1, mask(set)).call(NR.sigprocmask);
      return r || outs([old, s.retNum(0), 'u64']);
    },
    sigpending(out: number): number {
      const r = s.begin().call(NR.sigpending);
      return r || outs([out, s.retNum(0), 'u64']);
    },
    sigsuspend: (sigmask: bigint) => s.begin().num(0, mask(sigmask)).call(NR.sigsuspend),
    alarm(seconds: number, prev: number): number {
      const r = s.begin().num(0, seconds >>> 0).call(NR.alarm);
      return r || outs([prev, s.retNum(0), 'u32']);
    },
    setpgid: (pid: number, pgid: number) => s.begin().num(0, pid).num(1, pgid).call(NR.setpgid),
    getpgid(pid: number, out: number): number {
      const r = s.begin().num(0, pid).call(NR.getpgid);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    setsid(out: number): number {
      const r = s.begin().call(NR.setsid);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    getsid(pid: number, out: number): number {
      const r = s.begin().num(0, pid).call(NR.getsid);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    tcsetpgrp: (fd: number, pgid: number) => s.begin().num(0, fd).num(1, pgid).call(NR.tcsetpgrp),
    tcgetpgrp(fd: number, out: number): number {
      const r = s.begin().num(0, fd).call(NR.tcgetpgrp);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    winsize(fd: number, op: number, rows: number, cols: number): number {
      const mem = m();
      if (!mem.ok(rows >>> 0, 2) || !mem.ok(cols >>> 0, 2)) return Errno.FAULT;
      const r = s.begin().num(0, fd).num(1, op).num(2, mem.view.getUint16(rows, true)).num(3, mem.view.getUint16(cols, true)).call(NR.winsize);
      return r || outs([rows, s.retNum(0), 'u16'], [cols, s.retNum(1), 'u16']);
    },
    tcgetattr(fd: number, ptr: number): number {
      if (!m().ok(ptr >>> 0, 60)) return Errno.FAULT;
      const r = s.begin().num(0, fd).call(NR.tcgetattr);
      if (r) return r;
      m().u8.set(s.out(60), ptr >>> 0);
      return Errno.SUCCESS;
    },
    tcsetattr(fd: number, when: number, ptr: number): number {
      s.begin().num(0, fd).num(1, when);
      return bytes(2, ptr, 60) || call(NR.tcsetattr);
    },
    ptsname(fd: number, out: number): number {
      const r = s.begin().num(0, fd).call(NR.ptsname);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    chdir(path: number, len: number): number {
      s.begin();
      return bytes(0, path, len) || call(NR.chdir);
    },
    getcwd(buf: number, len: number, used: number): number {
      if (!m().ok(buf >>> 0, len >>> 0)) return Errno.FAULT;
      const r = s.begin().call(NR.getcwd);
      if (r) return r;
      const n = s.retNum(0);
      if (n + 1 > len) return Errno.RANGE;
      m().u8.set(s.out(n), buf >>> 0);
      m().u8[(buf >>> 0) + n] = 0;
      return outs([used, n, 'u32']);
    },
    chmod(dirfd: number, path: number, len: number, mode: number, follow: number): number {
      s.begin().num(0, dirfd);
      return bytes(1, path, len) || s.num(2, mode >>> 0).num(3, follow).call(NR.chmod);
    },
    fchmod: (fd: number, mode: number) => s.begin().num(0, fd).num(1, mode >>> 0).call(NR.fchmod),
    getmode(dirfd: number, path: number, len: number, follow: number, out: number): number {
      s.begin().num(0, dirfd);
      const r = bytes(1, path, len) || s.num(2, follow).call(NR.getmode);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    fgetmode(fd: number, out: number): number {
      const r = s.begin().num(0, fd).call(NR.fgetmode);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    statvfs(dirfd: number, path: number, len: number, follow: number, out: number): number {
      if (!m().ok(out >>> 0, STATVFS_SIZE)) return Errno.FAULT;
      s.begin().num(0, dirfd);
      const r = bytes(1, path, len) || s.num(2, follow).call(NR.statvfs);
      if (r) return r;
      m().u8.set(s.out(STATVFS_SIZE), out >>> 0);
      return Errno.SUCCESS;
    },
    openroot(min: number, out: number): number {
      const r = s.begin().num(0, min).call(NR.openroot);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    prlimit(pid: number, resource: number, set: number, cur: bigint, max: bigint, oldCur: number, oldMax: number): number {
      // Limits travel as doubles: ~0 (RLIM_INFINITY) as -1, anything past 2^53 as unlimited too.
      const num = (v: bigint): number => (BigInt.asUintN(64, v) >= 2n ** 53n ? -1 : Number(v));
      const r = s.begin().num(0, pid).num(1, resource).num(2, set ? 1 : 0).num(3, num(cur)).num(4, num(max)).call(NR.prlimit);
      // -1 back is stored as ~0 (setBigUint64 wraps).
      return r || outs([oldCur, s.retNum(0), 'u64'], [oldMax, s.retNum(1), 'u64']);
    },
    fcntl_lock(fd: number, cmd: number, type: number, whence: number, start: bigint, len: bigint, out: number): number {
      // F_GETLK's answer, struct tk_lock: type, pid (i32), start, len (i64).
      if (out !== 0 && !m().ok(out >>> 0, 24)) return Errno.FAULT;
      const r = s.begin().num(0, fd).num(1, cmd).num(2, type).num(3, whence).big(4, start).big(5, len).call(NR.fcntl_lock);
      if (r || out === 0) return r;
      const v = m().view;
      v.setInt32(out >>> 0, s.retNum(0), true);
      v.setInt32((out >>> 0) + 4, s.retNum(1), true);
      v.setBigInt64((out >>> 0) + 8, s.retBig(2), true);
      v.setBigInt64((out >>> 0) + 16, s.retBig(3), true);
      return Errno.SUCCESS;
    },
    flock: (fd: number, op: number) => s.begin().num(0, fd).num(1, op).call(NR.flock),
    umask(mask: number, old: number): number {
      const r = s.begin().num(0, mask).call(NR.umask);
      return r || outs([old, s.retNum(0), 'u32']);
    },
  } satisfies ImportHandlers<typeof tabkernelSignatures>;
}
