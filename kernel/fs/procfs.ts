// /proc: the process table as files, for ps and friends. Each file's text is
// made when it is opened (a snapshot), like Linux's seq files.
//   /proc/<pid>/cmdline  argv, NUL-terminated strings
//   /proc/<pid>/status   "Key:\tvalue" lines: Name, State, Pid, PPid, PGid, Sid
//   /proc/<pid>/stat     Linux's one line of 52 fields; those tabkernel knows
//                        are set (CPU time: all in utime, in 100 Hz clock ticks)
//   /proc/<pid>/limits   the resource limits (proc/limits.ts)
//   /proc/<pid>/fd/<n>   symlinks naming what each fd holds
//   /proc/mounts         the mount table (fs/vfs.ts)
//   /proc/meminfo        the memory budget and what guests hold (mm/budget.ts)
// Spec: Linux proc(5), as far as the fields go.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { Cpu } from '../abi/page.js';
import { Filetype } from '../abi/wasi.js';
import { Use, type MemoryBudget } from '../mm/budget.js';
import { ProcState, type Process } from '../proc/process.js';
import type { ProcessTable } from '../proc/table.js';
import type { OpenFile } from './file.js';
import { FileInode, SymlinkInode, allocDev, type Inode, type OpenMode, type Stat } from './inode.js';
import { ReadOnlyDir } from './rodir.js';
import { RegularFileHandle, type FileData } from './regular.js';

const dev = allocDev();
const enc = new TextEncoder();

function stat(ino: bigint, filetype: Filetype, size = 0n): Stat {
  return { dev, ino, filetype, nlink: 1n, size, atim: 0n, mtim: 0n, ctim: 0n };
}

/** Inode numbers: pid in the high bits, the file in the low ones. */
function inoOf(pid: number, file: number): bigint {
  return (BigInt(pid) << 8n) | BigInt(file);
}

/** What /proc shows of the system besides processes. */
export interface SystemView {
  vfs: { list(): ReadonlyArray<{ path: string; type: string; source: string; readOnly: boolean }> };
  budget: MemoryBudget;
  /** The process whose call is being served (what /proc/self names), if any. */
  self?: () => Process | null;
}

export class ProcRoot extends ReadOnlyDir {
  /**
   * `visible`: the processes this /proc shows (a container's shows only its
   * own, as a PID namespace would: no path through another process's
   * /proc/PID/fd or cwd leads out of the container); default all.
   */
  constructor(
    private readonly procs: ProcessTable,
    private readonly sys?: SystemView,
    private readonly visible: (p: Process) => boolean = () => true,
  ) {
    super();
  }
  stat(): Stat {
    return stat(1n, Filetype.DIRECTORY);
  }
  lookup(name: string): Inode | Err {
    const sys = this.sys;
    if (sys && name === 'mounts') return new ProcText(2n, () => mountsText(sys.vfs.list()));
    if (sys && name === 'meminfo') return new ProcText(3n, () => meminfoOf(sys));
    if (name === 'self') {
      // A symlink to the caller's own directory, as Linux has it.
      const me = this.sys?.self?.();
      return me && this.visible(me) ? new ProcLink(4n, String(me.pid)) : err(Errno.NOENT);
    }
    const p = /^[1-9][0-9]*$/.test(name) ? this.procs.get(Number(name)) : undefined;
    return p && this.visible(p) ? new ProcDir(p) : err(Errno.NOENT);
  }
  list(): Array<[string, Inode]> {
    const system: Array<[string, Inode]> = this.sys ? ['meminfo', 'mounts'].map((n) => [n, this.lookup(n) as Inode]) : [];
    const self = this.lookup('self');
    if (!isErr(self)) system.push(['self', self]);
    return [...system, ...[...this.procs.all()].filter(this.visible).sort((a, b) => a.pid - b.pid).map((p): [string, Inode] => [String(p.pid), new ProcDir(p)])];
  }
}

/**
 * /proc/mounts (the first namespace's; /proc/PID/mounts: the process's own):
 * "source path type options 0 0", with spaces and friends octal-escaped.
 */
function mountsText(table: ReadonlyArray<{ path: string; type: string; source: string; readOnly: boolean }>): string {
  const esc = (s: string): string => s.replace(/[ \t\n\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
  return table.map((m) => `${esc(m.source)} ${esc(m.path)} ${m.type} ${m.readOnly ? 'ro' : 'rw'} 0 0\n`).join('');
}

/** /proc/meminfo, in Linux's kB: MemTotal is the budget; in-memory files count as Shmem (tmpfs's pages do on Linux). */
function meminfoOf(sys: SystemView): string {
  const b = sys.budget;
  const kb = (n: number): string => `${Math.floor(n / 1024)} kB`.padStart(11);
  const files = b.heldFor(Use.FILES);
  const rows: Array<[string, number]> = [
    ['MemTotal', b.limit], ['MemFree', b.available()], ['MemAvailable', b.available()], ['Buffers', 0],
    ['Cached', files], ['SwapTotal', 0], ['SwapFree', 0], ['Shmem', files],
  ];
  return rows.map(([k, v]) => `${(k + ':').padEnd(16)}${kb(v)}\n`).join('');
}

class ProcDir extends ReadOnlyDir {
  constructor(private readonly p: Process) {
    super();
  }
  stat(): Stat {
    return stat(inoOf(this.p.pid, 0), Filetype.DIRECTORY);
  }
  lookup(name: string): Inode | Err {
    switch (name) {
      case 'cmdline': return new ProcText(inoOf(this.p.pid, 1), () => this.p.argv.map((a) => a + '\0').join(''));
      case 'status': return new ProcText(inoOf(this.p.pid, 2), () => statusOf(this.p));
      case 'fd': return new FdDir(this.p);
      case 'limits': return new ProcText(inoOf(this.p.pid, 4), () => this.p.limits.describe());
      case 'stat': return new ProcText(inoOf(this.p.pid, 5), () => statOf(this.p));
      case 'mounts': return new ProcText(inoOf(this.p.pid, 6), () => mountsText(this.p.ns.list()));
      default: return err(Errno.NOENT);
    }
  }
  list(): Array<[string, Inode]> {
    return ['cmdline', 'status', 'stat', 'fd', 'limits', 'mounts'].map((n) => [n, this.lookup(n) as Inode]);
  }
}

const stateNames: Record<ProcState, string> = {
  [ProcState.RUNNING]: 'R (running)',
  [ProcState.STOPPED]: 'T (stopped)',
  [ProcState.ZOMBIE]: 'Z (zombie)',
};

function statusOf(p: Process): string {
  const name = (p.argv[0] ?? '').split('/').pop() ?? '';
  return [
    `Name:\t${name}`, `State:\t${stateNames[p.state]}`, `Pid:\t${p.pid}`, `PPid:\t${p.ppid}`,
    `PGid:\t${p.pgid}`, `Sid:\t${p.sid}`, `Uid:\t0\t0\t0\t0`, `FDSize:\t${p.fds.size}`,
    `SigPnd:\t${p.sigPending.toString(16).padStart(16, '0')}`, `SigBlk:\t${p.sigBlocked.toString(16).padStart(16, '0')}`,
  ].join('\n') + '\n';
}

/** Clock ticks a second in /proc (Linux's USER_HZ, sysconf(_SC_CLK_TCK)). */
const CLK_TCK = 100n;
const NS_PER_TICK = 1_000_000_000n / CLK_TCK;

/**
 * /proc/PID/stat: pid (comm) state ppid pgrp session tty_nr tpgid flags
 * minflt cminflt majflt cmajflt utime stime cutime cstime priority nice
 * num_threads itrealvalue starttime, then 30 more (0 here: memory, signals
 * as bit masks, scheduling). The kernel does not tell user from system time:
 * all of it is utime; cutime is that of the children waited for, theirs
 * included (getrusage's RUSAGE_CHILDREN). starttime counts from
 * CLOCK_MONOTONIC's origin.
 */
function statOf(p: Process): string {
  const name = (p.argv[0] ?? '').split('/').pop() ?? '';
  const utime = p.cpuTimeNs() / NS_PER_TICK;
  const cutime = p.childrenCpuNs / NS_PER_TICK;
  const start = Atomics.load(p.page.i64, Cpu.START) / NS_PER_TICK;
  const fields = [
    p.ppid, p.pgid, p.sid, 0, -1, 0, 0, 0, 0, 0, utime, 0, cutime, 0, 20, 0, 1, 0, start,
    ...Array.from({ length: 30 }, () => 0),
  ];
  return `${p.pid} (${name.slice(0, 15)}) ${stateNames[p.state][0]} ${fields.join(' ')}\n`;
}

class FdDir extends ReadOnlyDir {
  constructor(private readonly p: Process) {
    super();
  }
  stat(): Stat {
    return stat(inoOf(this.p.pid, 3), Filetype.DIRECTORY);
  }
  lookup(name: string): Inode | Err {
    const e = /^[0-9]+$/.test(name) ? this.p.fds.get(Number(name)) : undefined;
    if (!e) return err(Errno.NOENT);
    const st = e.file.stat();
    const ino = 'errno' in st ? 0n : st.ino;
    // Linux's answers: the path it was opened by, pipe:[ino], socket:[ino].
    const what = e.at ?? (e.preopen?.startsWith('/') ? e.preopen : undefined) ?? e.file.path
      ?? (e.preopen !== undefined ? e.preopen
        : e.file.terminal ? '/dev/tty'
        : e.file.filetype === Filetype.UNKNOWN ? `pipe:[${ino}]`
        : e.file.filetype === Filetype.SOCKET_STREAM || e.file.filetype === Filetype.SOCKET_DGRAM ? `socket:[${ino}]`
        : `inode:[${ino}]`);
    return new ProcLink(inoOf(this.p.pid, 16 + Number(name)), what);
  }
  list(): Array<[string, Inode]> {
    return [...this.p.fds.entries()].map(([fd]) => [String(fd), this.lookup(String(fd)) as Inode]);
  }
}

class ProcLink extends SymlinkInode {
  constructor(private readonly ino: bigint, private readonly target: string) {
    super();
  }
  stat(): Stat {
    return stat(this.ino, Filetype.SYMBOLIC_LINK, BigInt(enc.encode(this.target).length));
  }
  readlink(): string {
    return this.target;
  }
}

/** A text file made on open; read-only. */
class ProcText extends FileInode {
  constructor(private readonly ino: bigint, private readonly make: () => string) {
    super();
  }
  stat(): Stat {
    return stat(this.ino, Filetype.REGULAR_FILE);
  }
  open(mode: OpenMode): OpenFile | Err {
    if (mode.write) return err(Errno.ACCES);
    return new RegularFileHandle(this, new Snapshot(enc.encode(this.make())), true, false);
  }
}

class Snapshot implements FileData {
  constructor(private readonly bytes: Uint8Array) {}
  fileSize(): number {
    return this.bytes.length;
  }
  readAt(pos: number, max: number): Uint8Array {
    return this.bytes.slice(pos, pos + max);
  }
  writeAt(): Err {
    return err(Errno.ACCES);
  }
  truncate(): Errno {
    return Errno.ACCES;
  }
}
