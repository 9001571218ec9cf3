// The fd_* handlers against real open files (a memfs file, a directory, a
// pipe's ends, a PTY slave) in a process of their own, with a fake kernel
// (Sys) that records signals and re-runs: the errnos each handler answers,
// and when it parks. Spec: WASI preview1 fd_*; POSIX read(2), write(2),
// lseek(2), close(2); wasmtime's errnos (docs/WASI-CONFORMANCE.md).
import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { PAGE_SIZE, RET_BASE } from '../abi/page.js';
import { Advice, FDSTAT, Fdflags, Filetype, PREOPEN_RIGHTS, Rights, Signal, Whence } from '../abi/wasi.js';
import { DirHandle } from '../fs/dirhandle.js';
import type { OpenFile } from '../fs/file.js';
import { MemFs } from '../fs/memfs.js';
import type { WorkerHandle } from '../hostapi.js';
import { Pipe, PipeReader, PipeWriter } from '../ipc/pipe.js';
import { PIPE_BUF, RING_CAPACITY } from '../ipc/ring.js';
import { Process } from '../proc/process.js';
import { Pty, PtySlave } from '../tty/pty.js';
import { L, V } from '../tty/termios.js';
import { fd_advise, fd_allocate, fd_close, fd_fdstat_get, fd_fdstat_set_rights, fd_filestat_set_size, fd_pread, fd_read, fd_seek, fd_write } from './fd.js';
import { rightsFor } from './helpers.js';
import { BLOCKED, Task, type Sys } from './task.js';

/** A process with no fds, and a kernel that records what handlers ask of it. */
function world(): { p: Process; sys: Sys; signals: number[]; retries: () => number } {
  const p = new Process(2, null, ['prog'], [], new SharedArrayBuffer(PAGE_SIZE), {} as WorkerHandle, {} as WebAssembly.Module);
  const signals: number[] = [];
  let retries = 0;
  const sys = {
    retry: () => { retries++; },
    track: () => {},
    lifecycle: { signal: (_q: Process, sig: number) => signals.push(sig), signalGroup: () => {} },
  } as unknown as Sys;
  return { p, sys, signals, retries: () => retries };
}

/** Give `file` the fd `fd`, with the rights path_open would give it (or `rights`). */
function install(p: Process, fd: number, file: OpenFile, rights = rightsFor(file)): number {
  p.fds.set(fd, { file, rightsBase: rights.base, rightsInheriting: rights.inheriting });
  return fd;
}

/** A task for one call of `p`; the handler is run by the test itself. */
function task(p: Process, sys: Sys, name: 'fd_read' | 'fd_write' | 'fd_seek' | 'fd_close' | 'fd_fdstat_get' = 'fd_read'): Task {
  const t = new Task(p, name, [], 0, sys, () => BLOCKED);
  p.task = t;
  return t;
}

const ret = (p: Process, k = 0): number => p.page.f64[RET_BASE + k];
const retBig = (p: Process, k = 0): bigint => p.page.i64[RET_BASE + k];
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (p: Process, t: Task): string => new TextDecoder().decode(t.out().subarray(0, ret(p)));

function memFile(content = ''): OpenFile {
  const fs = new MemFs();
  const node = fs.root.createFile('f');
  if (isErr(node)) throw new Error('createFile');
  const file = node.open({ read: true, write: true });
  if (isErr(file)) throw new Error('open');
  file.write(bytes(content));
  file.seek(0n, Whence.SET);
  return file;
}

function dir(): OpenFile {
  const root = new MemFs().root;
  return new DirHandle(root, root);
}

function pipe(): { r: PipeReader; w: PipeWriter } {
  const p = new Pipe(null);
  return { r: new PipeReader(p), w: new PipeWriter(p) };
}

describe('fd handlers on a regular file', () => {
  it('reads from the offset and moves it (fd_read)', () => {
    const { p, sys } = world();
    const fd = install(p, 3, memFile('hello world'));
    const t = task(p, sys);
    expect(fd_read(t, fd, 5)).toBe(Errno.SUCCESS);
    expect(text(p, t)).toBe('hello');
    expect(fd_read(task(p, sys), fd, 100)).toBe(Errno.SUCCESS);
    expect(ret(p)).toBe(6);
  });

  it('writes at the offset and reports the count (fd_write)', () => {
    const { p, sys } = world();
    const file = memFile('xxxxx');
    const fd = install(p, 3, file);
    expect(fd_write(task(p, sys, 'fd_write'), fd, bytes('ab'))).toBe(Errno.SUCCESS);
    expect(ret(p)).toBe(2);
    expect(new TextDecoder().decode(file.pread(10, 0n) as Uint8Array)).toBe('abxxx');
  });

  it('seeks from the start, the offset and the end; INVAL for a negative result or an unknown whence (fd_seek)', () => {
    const { p, sys } = world();
    const fd = install(p, 3, memFile('0123456789'));
    expect(fd_seek(task(p, sys, 'fd_seek'), fd, 4n, Whence.SET)).toBe(Errno.SUCCESS);
    expect(retBig(p)).toBe(4n);
    expect(fd_seek(task(p, sys, 'fd_seek'), fd, 2n, Whence.CUR)).toBe(Errno.SUCCESS);
    expect(retBig(p)).toBe(6n);
    expect(fd_seek(task(p, sys, 'fd_seek'), fd, -1n, Whence.END)).toBe(Errno.SUCCESS);
    expect(retBig(p)).toBe(9n);
    expect(fd_seek(task(p, sys, 'fd_seek'), fd, -11n, Whence.END)).toBe(Errno.INVAL);
    expect(fd_seek(task(p, sys, 'fd_seek'), fd, 0n, 3)).toBe(Errno.INVAL);
  });

  it('reports its type, flags and rights (fd_fdstat_get)', () => {
    const { p, sys } = world();
    const file = memFile();
    file.fdflags = Fdflags.APPEND;
    const fd = install(p, 3, file);
    const t = task(p, sys, 'fd_fdstat_get');
    expect(fd_fdstat_get(t, fd)).toBe(Errno.SUCCESS);
    const view = t.outView();
    expect(view.getUint8(FDSTAT.FILETYPE)).toBe(Filetype.REGULAR_FILE);
    expect(view.getUint16(FDSTAT.FLAGS, true)).toBe(Fdflags.APPEND);
    const base = view.getUint32(FDSTAT.RIGHTS_BASE, true);
    expect(base & (Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK)).toBe(Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK);
  });

  it('closes the fd, and a second close is BADF (fd_close)', () => {
    const { p, sys } = world();
    const fd = install(p, 3, memFile());
    expect(fd_close(task(p, sys, 'fd_close'), fd)).toBe(Errno.SUCCESS);
    expect(p.fds.get(fd)).toBeUndefined();
    expect(fd_close(task(p, sys, 'fd_close'), fd)).toBe(Errno.BADF);
  });
});

describe('fd handlers on a directory', () => {
  it('refuses read, write and pread with BADF: a directory fd holds neither FD_READ nor FD_WRITE', () => {
    const { p, sys } = world();
    const fd = install(p, 3, dir());
    expect(fd_read(task(p, sys), fd, 10)).toBe(Errno.BADF);
    expect(fd_write(task(p, sys, 'fd_write'), fd, bytes('x'))).toBe(Errno.BADF);
    expect(fd_pread(task(p, sys), fd, 10, 0n)).toBe(Errno.BADF);
  });

  it('answers ISDIR to a read through a preopen granted FD_READ by hand', () => {
    const { p, sys } = world();
    const all = { base: PREOPEN_RIGHTS.base | Rights.FD_READ, inheriting: PREOPEN_RIGHTS.inheriting };
    const fd = install(p, 3, dir(), all);
    expect(fd_read(task(p, sys), fd, 10)).toBe(Errno.ISDIR);
    expect(fd_pread(task(p, sys), fd, 10, 0n)).toBe(Errno.ISDIR);
  });

  it('refuses seek (whatever the whence), truncate, allocate and advise with BADF', () => {
    const { p, sys } = world();
    const fd = install(p, 3, dir());
    expect(fd_seek(task(p, sys, 'fd_seek'), fd, 0n, Whence.CUR)).toBe(Errno.BADF);
    expect(fd_seek(task(p, sys, 'fd_seek'), fd, 0n, 7)).toBe(Errno.BADF);
    expect(fd_filestat_set_size(task(p, sys), fd, 0n)).toBe(Errno.BADF);
    expect(fd_allocate(task(p, sys), fd, 0n, 1n)).toBe(Errno.BADF);
    expect(fd_advise(task(p, sys), fd, 0n, 0n, Advice.NORMAL)).toBe(Errno.BADF);
  });

  it('reports DIRECTORY, without FD_SEEK, FD_READ or FD_WRITE (fd_fdstat_get)', () => {
    const { p, sys } = world();
    const fd = install(p, 3, dir());
    const t = task(p, sys, 'fd_fdstat_get');
    expect(fd_fdstat_get(t, fd)).toBe(Errno.SUCCESS);
    expect(t.outView().getUint8(FDSTAT.FILETYPE)).toBe(Filetype.DIRECTORY);
    expect(t.outView().getUint32(FDSTAT.RIGHTS_BASE, true) & (Rights.FD_SEEK | Rights.FD_READ | Rights.FD_WRITE)).toBe(0);
  });
});

describe('fd handlers on a pipe', () => {
  it('fails a read of an empty pipe with AGAIN under O_NONBLOCK', () => {
    const { p, sys } = world();
    const { r } = pipe();
    r.fdflags = Fdflags.NONBLOCK;
    expect(fd_read(task(p, sys), install(p, 3, r), 10)).toBe(Errno.AGAIN);
  });

  it('parks a blocking read of an empty pipe, and runs it again once a writer writes', () => {
    const { p, sys, retries } = world();
    const { r, w } = pipe();
    const fd = install(p, 3, r);
    const t = task(p, sys);
    expect(fd_read(t, fd, 10)).toBe(BLOCKED);
    w.write(bytes('hi'));
    expect(retries()).toBe(1);
    t.unpark();
    expect(fd_read(t, fd, 10)).toBe(Errno.SUCCESS);
    expect(text(p, t)).toBe('hi');
  });

  it('returns 0 bytes (EOF) once every writer has closed', () => {
    const { p, sys } = world();
    const { r, w } = pipe();
    const fd = install(p, 3, r);
    w.release();
    expect(fd_read(task(p, sys), fd, 10)).toBe(Errno.SUCCESS);
    expect(ret(p)).toBe(0);
  });

  it('fails a write to a full pipe with AGAIN under O_NONBLOCK, and parks it otherwise', () => {
    const { p, sys } = world();
    const { w } = pipe();
    w.write(new Uint8Array(RING_CAPACITY));
    const fd = install(p, 3, w);
    const t = task(p, sys, 'fd_write');
    expect(fd_write(t, fd, bytes('x'))).toBe(BLOCKED);
    t.unpark();
    w.fdflags = Fdflags.NONBLOCK;
    expect(fd_write(task(p, sys, 'fd_write'), fd, bytes('x'))).toBe(Errno.AGAIN);
  });

  it('writes what fits of a write over PIPE_BUF under O_NONBLOCK, and reports that count', () => {
    const { p, sys } = world();
    const { w } = pipe();
    w.write(new Uint8Array(RING_CAPACITY - 10));
    w.fdflags = Fdflags.NONBLOCK;
    expect(fd_write(task(p, sys, 'fd_write'), install(p, 3, w), new Uint8Array(PIPE_BUF + 1))).toBe(Errno.SUCCESS);
    expect(ret(p)).toBe(10);
  });

  it('fails a write with PIPE and raises SIGPIPE when no reader is left', () => {
    const { p, sys, signals } = world();
    const { r, w } = pipe();
    r.release();
    expect(fd_write(task(p, sys, 'fd_write'), install(p, 3, w), bytes('x'))).toBe(Errno.PIPE);
    expect(signals).toEqual([Signal.PIPE]);
  });

  it('refuses to seek with SPIPE, but an unknown whence is INVAL first', () => {
    const { p, sys } = world();
    const fd = install(p, 3, pipe().r);
    expect(fd_seek(task(p, sys, 'fd_seek'), fd, 0n, Whence.CUR)).toBe(Errno.SPIPE);
    expect(fd_seek(task(p, sys, 'fd_seek'), fd, 0n, 3)).toBe(Errno.INVAL);
  });

  it('gives the reader EOF when the write end\'s last fd is closed (fd_close)', () => {
    const { p, sys } = world();
    const { r, w } = pipe();
    const rfd = install(p, 3, r);
    const wfd = install(p, 4, w);
    expect(fd_close(task(p, sys, 'fd_close'), wfd)).toBe(Errno.SUCCESS);
    expect(r.hungUp()).toBe(true);
    expect(fd_read(task(p, sys), rfd, 10)).toBe(Errno.SUCCESS);
    expect(ret(p)).toBe(0);
  });
});

describe('fd handlers on a terminal', () => {
  it('parks a raw read with VMIN 0 for VTIME, then answers with what came (nothing)', () => {
    const { p, sys } = world();
    const pty = new Pty(0, () => {});
    pty.ldisc.termios.lflag &= ~L.ICANON;
    pty.ldisc.termios.cc[V.MIN] = 0;
    pty.ldisc.termios.cc[V.TIME] = 1;
    const fd = install(p, 0, new PtySlave(pty, true, true));
    const t = task(p, sys);
    expect(fd_read(t, fd, 10)).toBe(BLOCKED);
    t.unpark(); // as the timer would
    expect(fd_read(t, fd, 10)).toBe(Errno.SUCCESS);
    expect(ret(p)).toBe(0);
  });
});

describe('fd handlers on bad fds and rights', () => {
  it('answers BADF for an fd that is not open', () => {
    const { p, sys } = world();
    expect(fd_read(task(p, sys), 9, 10)).toBe(Errno.BADF);
    expect(fd_write(task(p, sys, 'fd_write'), 9, bytes('x'))).toBe(Errno.BADF);
    expect(fd_seek(task(p, sys, 'fd_seek'), 9, 0n, Whence.SET)).toBe(Errno.BADF);
    expect(fd_close(task(p, sys, 'fd_close'), 9)).toBe(Errno.BADF);
    expect(fd_fdstat_get(task(p, sys, 'fd_fdstat_get'), 9)).toBe(Errno.BADF);
  });

  it('refuses to grow an fd\'s rights (NOTCAPABLE), and a right given up is BADF (wasmtime\'s answer)', () => {
    const { p, sys } = world();
    const fd = install(p, 3, memFile('abc'), { base: Rights.FD_READ | Rights.FD_SEEK, inheriting: 0 });
    expect(fd_fdstat_set_rights(task(p, sys), fd, BigInt(Rights.FD_READ | Rights.FD_WRITE), 0n)).toBe(Errno.NOTCAPABLE);
    expect(fd_write(task(p, sys, 'fd_write'), fd, bytes('x'))).toBe(Errno.BADF);
    expect(fd_fdstat_set_rights(task(p, sys), fd, BigInt(Rights.FD_SEEK), 0n)).toBe(Errno.SUCCESS);
    expect(fd_read(task(p, sys), fd, 10)).toBe(Errno.BADF);
  });
});
