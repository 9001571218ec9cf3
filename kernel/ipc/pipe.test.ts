// Pipes as open files: the life cycle the kernel keeps (ends, EOF, EPIPE),
// PIPE_BUF atomicity, and KWAIT, the kernel's note to the runtimes that it
// waits on the ring. Spec: POSIX write(2) "Write Requests to a Pipe or FIFO", read(2).
import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { Fdflags } from '../abi/wasi.js';
import { MemoryBudget, Use } from '../mm/budget.js';
import { Pipe, PipeArena, PipeReader, PipeWriter } from './pipe.js';
import { ARENA_RINGS, PIPE_BUF, R, RING_CAPACITY, RING_SIZE } from './ring.js';

function pipe(arena: PipeArena | null = null): { p: Pipe; r: PipeReader; w: PipeWriter } {
  const p = new Pipe(arena);
  return { p, r: new PipeReader(p), w: new PipeWriter(p) };
}

describe('pipe', () => {
  it('reads what was written, in order', () => {
    const { r, w } = pipe();
    expect(w.write(new TextEncoder().encode('hello'))).toBe(5);
    const got = r.read(100);
    expect(isErr(got) ? got : new TextDecoder().decode(got)).toBe('hello');
  });

  it('is not ready to read while empty and a writer remains', () => {
    const { r } = pipe();
    expect(r.readReady()).toBe(false);
  });

  it('returns 0 (EOF) once every writer has closed', () => {
    const { p, r, w } = pipe();
    const w2 = new PipeWriter(p);
    w.release();
    expect(r.readReady()).toBe(false); // one writer is left
    w2.release();
    expect(r.readReady()).toBe(true);
    expect(r.hungUp()).toBe(true);
    const got = r.read(10);
    expect(isErr(got) ? got : got.length).toBe(0);
  });

  it('fails a write with EPIPE when no reader is left', () => {
    const { r, w } = pipe();
    r.release();
    expect(w.writeReady()).toBe(true); // ready: the write fails at once instead of waiting
    expect(w.canWrite(10)).toBe(true);
    const n = w.write(new Uint8Array(10));
    expect(isErr(n) ? n.errno : n).toBe(Errno.PIPE);
  });

  it('bumps the ring\'s EVENTS when an end closes, so runtimes waiting on it see EOF or EPIPE', () => {
    const { p, r, w } = pipe();
    const before = Atomics.load(p.ring.h, R.EVENTS);
    w.release();
    expect(Atomics.load(p.ring.h, R.EVENTS)).toBe(before + 1);
    r.release();
  });

  it('mirrors each end\'s O_NONBLOCK into the ring, where the runtime reads it', () => {
    const { p, r, w } = pipe();
    r.fdflags = Fdflags.NONBLOCK;
    expect(Atomics.load(p.ring.h, R.RNONBLOCK)).toBe(1);
    expect(Atomics.load(p.ring.h, R.WNONBLOCK)).toBe(0);
    w.fdflags = Fdflags.NONBLOCK | Fdflags.APPEND;
    expect(Atomics.load(p.ring.h, R.WNONBLOCK)).toBe(1);
    r.fdflags = 0;
    expect(Atomics.load(p.ring.h, R.RNONBLOCK)).toBe(0);
  });

  it('makes a write of up to PIPE_BUF wait until it fits whole; a longer one goes in part', () => {
    const { w } = pipe();
    w.write(new Uint8Array(RING_CAPACITY - 100));
    expect(w.canWrite(PIPE_BUF)).toBe(false);
    expect(w.canWrite(100)).toBe(true);
    expect(w.canWrite(PIPE_BUF + 1)).toBe(true);
  });

  it('sets KWAIT when the kernel checks readiness, and a kernel-side change wakes its queue', () => {
    const { p, r, w } = pipe();
    let woken = 0;
    expect(r.readReady()).toBe(false);
    expect(Atomics.load(p.ring.h, R.KWAIT)).toBe(1);
    p.queue.add(() => woken++);
    w.write(new Uint8Array(3));
    expect(woken).toBe(1);
  });

  it('gives its arena slot back once both ends are closed, and a new pipe there starts clean', () => {
    const arena = new PipeArena();
    const first = pipe(arena);
    const slot = first.p.slot;
    first.w.write(new Uint8Array(10));
    Atomics.store(first.p.ring.h, R.KWAIT, 1);
    first.r.release();
    first.w.release();
    const second = pipe(arena);
    expect(second.p.slot).toBe(slot);
    expect(second.p.used).toBe(0);
    expect(Atomics.load(second.p.ring.h, R.KWAIT)).toBe(0);
  });

  it('charges a private ring to the budget once the arena is full, refuses one it has no room for, and gives the charge back at close', () => {
    const budget = new MemoryBudget(RING_SIZE);
    const arena = new PipeArena(budget);
    const shared = Array.from({ length: ARENA_RINGS }, () => arena.open());
    expect(budget.heldFor(Use.PIPES)).toBe(0); // the arena's rings are the kernel's
    const own = arena.open();
    expect(own?.slot).toBe(-1);
    expect(budget.heldFor(Use.PIPES)).toBe(RING_SIZE);
    expect(arena.open()).toBeNull(); // pipe(2) answers ENFILE
    const r = new PipeReader(own!);
    const w = new PipeWriter(own!);
    r.release();
    w.release();
    expect(budget.heldFor(Use.PIPES)).toBe(0);
    for (const p of shared) {
      const ends = [new PipeReader(p!), new PipeWriter(p!)];
      for (const end of ends) end.release();
    }
  });
});
