// The "tabkernel" import module inside the process worker: tabkernel's own
// system calls (userland/libc/include/tabkernel.h), marshalled like the WASI
// ones in runtime/wasi.ts; the structs they read from guest memory are laid
// out by abi/tabkernel.ts. fork is in runtime/fork.ts, longjmp in
// runtime/sjlj.ts, the socket calls in runtime/sockets.ts.
import { Errno, isErr } from '../abi/errno.js';
import type { ImportHandlers, tabkernelSignatures } from '../abi/imports.js';
import { MASK_UNCHANGED, SigHandler, TERMIOS_SIZE, lockInfo, spawnattr, statvfs } from '../abi/tabkernel.js';
import { EVENT, SUBSCRIPTION } from '../abi/wasi.js';
import type { GuestMemory } from './memory.js';
import { INPUT_ROOM, type SyscallClient } from './syscall.js';
import { ProcExit } from './wasi.js';
import type { FastPaths } from './fdinfo.js';
import { socketImports } from './sockets.js';

type Fn = (...a: never[]) => number | void;

export function tabkernelImports(s: SyscallClient, getMem: () => GuestMemory, fork: ImportHandlers<typeof tabkernelSignatures>['fork'], longjmp: ImportHandlers<typeof tabkernelSignatures>['longjmp'], fast: FastPaths, signals: { readonly canRunHandlers: boolean }): Record<string, Fn> {
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
  /** Guest bytes (a path, a packed list, a struct), or FAULT. */
  const guest = (ptr: number, len: number): Uint8Array | Errno => {
    const b = m().bytes(ptr >>> 0, len >>> 0);
    return isErr(b) ? b.errno : b;
  };
  const mask = (v: bigint): number => Number(BigInt.asUintN(32, v) & 0x3fffffffn);
  /**
   * The call's text (ret0 bytes in the data window: a result, or an error's
   * message) into buf, its length into *used; `e` is the call's errno, ERANGE
   * if it succeeded but the text does not fit (*used says how much would).
   */
  const copyOut = (buf: number, len: number, used: number, e: Errno): Errno => {
    const n = s.retNum(0);
    const w = outs([used, n, 'u32']);
    if (w) return w;
    if (n > (len >>> 0)) return e || Errno.RANGE;
    m().u8.set(s.out(n), buf >>> 0);
    return e;
  };

  return {
    ...socketImports(s, getMem, fast),
    spawn(path: number, pathLen: number, argv: number, argvLen: number, envp: number, envpLen: number,
      actions: number, actionsLen: number, attr: number, pidOut: number): number {
      const file = guest(path, pathLen), args = guest(argv, argvLen), env = guest(envp, envpLen), acts = guest(actions, actionsLen);
      if (typeof file === 'number') return file;
      if (typeof args === 'number') return args;
      if (typeof env === 'number') return env;
      if (typeof acts === 'number') return acts;
      let flags = 0, pgroup = 0, sigdef = 0, sigmask = 0;
      if (attr !== 0) {
        attr >>>= 0;
        if (!m().ok(attr, spawnattr.size)) return Errno.FAULT;
        const v = m().view, at = spawnattr.at;
        flags = v.getUint32(attr + at.flags, true);
        pgroup = v.getInt32(attr + at.pgroup, true);
        sigdef = mask(v.getBigUint64(attr + at.sigdefault, true));
        sigmask = mask(v.getBigUint64(attr + at.sigmask, true));
      }
      const r = s.call('spawn', file, args, env, acts, flags, pgroup, sigdef, sigmask);
      return r || outs([pidOut, s.retNum(0), 'u32']);
    },
    exec(path: number, pathLen: number, argv: number, argvLen: number, envp: number, envpLen: number): number {
      const file = guest(path, pathLen), args = guest(argv, argvLen), env = guest(envp, envpLen);
      if (typeof file === 'number') return file;
      if (typeof args === 'number') return args;
      if (typeof env === 'number') return env;
      const e = s.call('exec', file, args, env);
      // Success: this program is gone. The kernel has sent the new one to this
      // worker, which starts it once this one's stack is unwound.
      if (e === Errno.SUCCESS) throw new ProcExit(null);
      return e;
    },
    fork,
    longjmp,
    image(op: number, ref: number, refLen: number, progressFd: number, buf: number, bufLen: number, used: number): number {
      if (!m().ok(buf >>> 0, bufLen >>> 0)) return Errno.FAULT;
      const name = guest(ref, refLen);
      if (typeof name === 'number') return name;
      return copyOut(buf, bufLen, used, s.call('image', op, name, progressFd));
    },
    container(
      ref: number, refLen: number, entry: number, entryLen: number, args: number, argsLen: number,
      env: number, envLen: number, msg: number, msgLen: number, used: number,
    ): number {
      if (!m().ok(msg >>> 0, msgLen >>> 0)) return Errno.FAULT;
      const parts = [guest(ref, refLen), guest(entry, entryLen), guest(args, argsLen), guest(env, envLen)];
      for (const p of parts) if (typeof p === 'number') return p;
      const [r, ep, a, en] = parts as Uint8Array[];
      const e = s.call('container', r, ep, a, en);
      // Success: as exec, this program is gone and the container's first program comes next.
      if (e === Errno.SUCCESS) throw new ProcExit(null);
      return copyOut(msg, msgLen, used, e);
    },
    wait(pid: number, options: number, statusOut: number, pidOut: number): number {
      const r = s.call('wait', pid, options);
      return r || outs([statusOut, s.retNum(1), 'u32'], [pidOut, s.retNum(0), 'u32']);
    },
    pipe(fds: number, flags: number): number {
      if (!m().ok(fds >>> 0, 8)) return Errno.FAULT;
      const r = s.call('pipe', flags);
      if (r) return r;
      fast.fds.forget(s.retNum(0));
      fast.fds.forget(s.retNum(1));
      return outs([fds, s.retNum(0), 'u32'], [fds + 4, s.retNum(1), 'u32']);
    },
    dup(fd: number, min: number, flags: number, out: number): number {
      const r = s.call('dup', fd, min, flags);
      if (r) return r;
      fast.fds.forget(s.retNum(0));
      return outs([out, s.retNum(0), 'u32']);
    },
    dup2: (fd: number, newfd: number, flags: number) => (fast.fds.forget(newfd), s.call('dup2', fd, newfd, flags)),
    fd_cloexec(fd: number, set: number, old: number): number {
      const r = s.call('fd_cloexec', fd, set);
      return r || outs([old, s.retNum(0), 'u32']);
    },
    getpid(pid: number, ppid: number): number {
      const r = s.call('getpid');
      return r || outs([pid, s.retNum(0), 'u32'], [ppid, s.retNum(1), 'u32']);
    },
    childtimes(ns: number): number {
      const r = s.call('childtimes');
      return r || outs([ns, Number(s.retBig(0)), 'u64']);
    },
    kill: (pid: number, sig: number) => s.call('kill', pid, sig),
    sigaction(sig: number, handler: number, flags: number, sigmask: bigint, oh: number, of: number, om: number): number {
      const h = handler >>> 0;
      // A handler this program has no trampoline to run would stay pending for ever.
      if (h !== SigHandler.DFL && h !== SigHandler.IGN && h !== SigHandler.QUERY && !signals.canRunHandlers) return Errno.NOTSUP;
      const r = s.call('sigaction', sig, h, flags >>> 0, mask(sigmask));
      return r || outs([oh, s.retNum(0), 'u32'], [of, s.retNum(1), 'u32'], [om, s.retNum(2), 'u64']);
    },
    sigprocmask(how: number, set: bigint, old: number): number {
      const r = s.call('sigprocmask', how, mask(set));
      return r || outs([old, s.retNum(0), 'u64']);
    },
    sigpending(out: number): number {
      const r = s.call('sigpending');
      return r || outs([out, s.retNum(0), 'u64']);
    },
    sigsuspend: (sigmask: bigint) => s.call('sigsuspend', mask(sigmask)),
    alarm(seconds: number, prev: number): number {
      const r = s.call('alarm', seconds >>> 0);
      return r || outs([prev, s.retNum(0), 'u32']);
    },
    setpgid: (pid: number, pgid: number) => s.call('setpgid', pid, pgid),
    getpgid(pid: number, out: number): number {
      const r = s.call('getpgid', pid);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    setsid(out: number): number {
      const r = s.call('setsid');
      return r || outs([out, s.retNum(0), 'u32']);
    },
    getsid(pid: number, out: number): number {
      const r = s.call('getsid', pid);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    tcsetpgrp: (fd: number, pgid: number) => s.call('tcsetpgrp', fd, pgid),
    tcgetpgrp(fd: number, out: number): number {
      const r = s.call('tcgetpgrp', fd);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    winsize(fd: number, op: number, rows: number, cols: number): number {
      const mem = m();
      if (!mem.ok(rows >>> 0, 2) || !mem.ok(cols >>> 0, 2)) return Errno.FAULT;
      const r = s.call('winsize', fd, op, mem.view.getUint16(rows >>> 0, true), mem.view.getUint16(cols >>> 0, true));
      return r || outs([rows, s.retNum(0), 'u16'], [cols, s.retNum(1), 'u16']);
    },
    tcgetattr(fd: number, ptr: number): number {
      if (!m().ok(ptr >>> 0, TERMIOS_SIZE)) return Errno.FAULT;
      const r = s.call('tcgetattr', fd);
      if (r) return r;
      m().u8.set(s.out(TERMIOS_SIZE), ptr >>> 0);
      return Errno.SUCCESS;
    },
    tcsetattr(fd: number, when: number, ptr: number): number {
      const termios = guest(ptr, TERMIOS_SIZE);
      return typeof termios === 'number' ? termios : s.call('tcsetattr', fd, when, termios);
    },
    ptsname(fd: number, out: number): number {
      const r = s.call('ptsname', fd);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    chdir(path: number, len: number): number {
      const name = guest(path, len);
      return typeof name === 'number' ? name : s.call('chdir', name);
    },
    fchdir(fd: number): number {
      return s.call('fchdir', fd);
    },
    getcwd(buf: number, len: number, used: number): number {
      if (!m().ok(buf >>> 0, len >>> 0)) return Errno.FAULT;
      const r = s.call('getcwd');
      if (r) return r;
      const n = s.retNum(0);
      if (n + 1 > len) return Errno.RANGE;
      m().u8.set(s.out(n), buf >>> 0);
      m().u8[(buf >>> 0) + n] = 0;
      return outs([used, n, 'u32']);
    },
    chmod(dirfd: number, path: number, len: number, mode: number, follow: number): number {
      const name = guest(path, len);
      return typeof name === 'number' ? name : s.call('chmod', dirfd, name, mode >>> 0, follow);
    },
    fchmod: (fd: number, mode: number) => s.call('fchmod', fd, mode >>> 0),
    getmode(dirfd: number, path: number, len: number, follow: number, out: number): number {
      const name = guest(path, len);
      if (typeof name === 'number') return name;
      const known = fast.paths.mode(dirfd, follow, name);
      if (known !== null) return outs([out, known, 'u32']);
      const generation = fast.paths.generation();
      const r = s.call('getmode', dirfd, name, follow);
      if (!r && s.retNum(1) === 1) fast.paths.remember(dirfd, follow, name, generation, { mode: s.retNum(0) });
      return r || outs([out, s.retNum(0), 'u32']);
    },
    fgetmode(fd: number, out: number): number {
      const mode = fast.files.mode(fd);
      if (mode !== null) return outs([out, mode, 'u32']);
      const r = s.call('fgetmode', fd);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    statvfs(dirfd: number, path: number, len: number, follow: number, out: number): number {
      if (!m().ok(out >>> 0, statvfs.size)) return Errno.FAULT;
      const name = guest(path, len);
      if (typeof name === 'number') return name;
      const r = s.call('statvfs', dirfd, name, follow);
      if (r) return r;
      m().u8.set(s.out(statvfs.size), out >>> 0);
      return Errno.SUCCESS;
    },
    openroot(min: number, out: number): number {
      const r = s.call('openroot', min);
      return r || outs([out, s.retNum(0), 'u32']);
    },
    prlimit(pid: number, resource: number, set: number, cur: bigint, max: bigint, oldCur: number, oldMax: number): number {
      // Limits travel as doubles: ~0 (RLIM_INFINITY) as -1, anything past 2^53 as unlimited too.
      const num = (v: bigint): number => (BigInt.asUintN(64, v) >= 2n ** 53n ? -1 : Number(v));
      const r = s.call('prlimit', pid, resource, set ? 1 : 0, num(cur), num(max));
      // -1 back is stored as ~0 (setBigUint64 wraps).
      return r || outs([oldCur, s.retNum(0), 'u64'], [oldMax, s.retNum(1), 'u64']);
    },
    fcntl_lock(fd: number, cmd: number, type: number, whence: number, start: bigint, len: bigint, out: number): number {
      // F_GETLK's answer goes to a struct tk_lock.
      out >>>= 0;
      if (out !== 0 && !m().ok(out, lockInfo.size)) return Errno.FAULT;
      const r = s.call('fcntl_lock', fd, cmd, type, whence, start, len);
      if (r || out === 0) return r;
      const v = m().view, at = lockInfo.at;
      v.setInt32(out + at.type, s.retNum(0), true);
      v.setInt32(out + at.pid, s.retNum(1), true);
      v.setBigInt64(out + at.start, s.retBig(2), true);
      v.setBigInt64(out + at.len, s.retBig(3), true);
      return Errno.SUCCESS;
    },
    flock: (fd: number, op: number) => s.call('flock', fd, op),
    ppoll(inPtr: number, outPtr: number, n: number, sigmask: bigint, accept: bigint, neventsPtr: number, oldPtr: number, sigPtr: number): number {
      inPtr >>>= 0; outPtr >>>= 0; n >>>= 0;
      // Every pointer is checked first: once the kernel swapped the mask, the libc must hear how it ended.
      const mem = m();
      if (!mem.ok(inPtr, n * SUBSCRIPTION.SIZE) || !mem.ok(outPtr, n * EVENT.SIZE)) return Errno.FAULT;
      if (!mem.ok(neventsPtr >>> 0, 4) || !mem.ok(oldPtr >>> 0, 8) || !mem.ok(sigPtr >>> 0, 4)) return Errno.FAULT;
      // The events come back after the subscriptions: both must fit the window.
      if (n * (SUBSCRIPTION.SIZE + EVENT.SIZE) > INPUT_ROOM) return Errno.NOMEM;
      const keep = BigInt.asIntN(64, sigmask) === BigInt(MASK_UNCHANGED);
      const r = s.call('ppoll', mem.u8.subarray(inPtr, inPtr + n * SUBSCRIPTION.SIZE), n, keep ? MASK_UNCHANGED : mask(sigmask), mask(accept));
      // EINTR leaves the wait's mask in place for the handler: the libc restores the old one.
      if (r === Errno.INTR) return outs([oldPtr, s.retNum(1), 'u64']) || r;
      if (r) return r;
      const count = s.retNum(0);
      m().u8.set(s.out(count * EVENT.SIZE), outPtr);
      return outs([neventsPtr, count, 'u32'], [oldPtr, s.retNum(1), 'u64'], [sigPtr, s.retNum(2), 'u32']);
    },
    umask(mask: number, old: number): number {
      const r = s.call('umask', mask);
      return r || outs([old, s.retNum(0), 'u32']);
    },
  } satisfies ImportHandlers<typeof tabkernelSignatures>;
}
