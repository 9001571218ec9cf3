// Bombs (issue "Security and limits"): runaway programs end with the limit's
// errno in the guest, the shell that started them carries on, nothing of them
// is left in the kernel, and the host process's memory stays bounded.
//   - fork bomb: test/programs/bin/bomb.wasm fork (every process forks until
//     refused) meets the kernel's memory budget (2 GiB by default, 10 MiB a
//     process besides its program: ENOMEM) before RLIMIT_NPROC (256: EAGAIN);
//   - memory bomb: a shell doubling a string meets RLIMIT_AS (1 GiB):
//     memory.grow fails, malloc returns NULL, the shell says "out of memory";
//   - disk bomb: bomb.wasm disk /tmp writes until a write fails: EFBIG under
//     RLIMIT_FSIZE, and ENOSPC once /tmp (a tmpfs of half the budget) is full.
// Each prints the host's resident set before, after and at its peak (VmHWM,
// reset before each bomb); the bounds asserted are what the limits allow,
// with room: see RSS_BOUND_MIB.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from '../support/kernel.js';
import { hostMemory, resetPeak, Runner, settle } from './soak.js';

/**
 * The peak resident set each bomb may reach, MiB, over the host process's
 * before the bomb. Fork: 256 processes, each a worker thread — its V8
 * isolate, heap and stack, ~8 MiB (docs/LIMITS.md) — plus its program's
 * memory (bomb.wasm: 1 MiB of stack and its data, ~1.1 MiB); measured
 * ~10.5 MiB a process here. The kernel's budget (2 GiB) stops it first, so
 * the budget and 256 MiB of room. Memory:
 * one program's 1 GiB (RLIMIT_AS, which includes the shell's copies of the
 * string) and its worker, with room. File size: the 10 MiB file and a worker.
 * Disk: /tmp's capacity (raise this if it is set above 1 GiB). Past any, a
 * limit did not hold.
 */
const RSS_BOUND_MIB = { fork: 2048 + 256, memory: 1_600, fsize: 256, disk: 1_600 };

const r = new Runner();
const mounts = [{ host: path.join(root, 'test/programs/bin'), guest: '/t' }];
const figures: string[] = [];
let mounted = false;

/** Run `script` in a shell, measuring the host's memory around it; the run's output and what the resident set kept (MiB). */
async function bomb(name: keyof typeof RSS_BOUND_MIB, script: string): Promise<{ status: number; out: string; err: string; kept: number }> {
  await settle(r.kernel);
  const before = hostMemory();
  resetPeak();
  const run = await r.run({ argv: ['sh', '-c', script], mounts: mounted ? [] : mounts });
  mounted = true;
  const atEnd = hostMemory();
  await settle(r.kernel);
  const after = hostMemory();
  figures.push(`${name} bomb: rss ${before.rss} MiB before, peak ${atEnd.peak}, ${after.rss} after it settled; ` +
    `threads ${before.threads}→${after.threads}`);
  expect(atEnd.peak - before.rss).toBeLessThan(RSS_BOUND_MIB[name]);
  return { ...run, kept: after.rss - before.rss };
}

/** Nothing of the bomb is left: no process, no busy worker, no pipe; the kernel still runs a pipeline. */
async function expectClean(): Promise<void> {
  const c = r.kernel.census();
  expect({ processes: c.processes, busy: c.workers.busy, fds: c.fds, pipes: c.pipes, rings: c.rings, calls: c.calls })
    .toEqual({ processes: 0, busy: 0, fds: 0, pipes: 0, rings: 0, calls: 0 });
  expect(c.workers.live).toBe(c.workers.idle);
  const after = await r.sh('echo ok | cat');
  expect(after.out).toBe('ok\n');
}

afterAll(() => {
  console.log(`bomb figures:\n  ${figures.join('\n  ')}`);
});

describe('bombs', () => {
  it('ends a fork bomb with ENOMEM at the memory budget, and its shell carries on', async () => {
    const run = await bomb('fork', '/t/bomb.wasm fork; echo status $?; /bin/echo ok; echo x | cat');
    expect(run.err).toBe('');
    // The bomb's count includes the shell that started it and the bomb's root:
    // 2 GiB at 10 MiB and a 1.1 MiB program a process is some 185.
    const m = /^fork: ENOMEM after (\d+) processes\nreaped\nstatus 0\nok\nx\n$/.exec(run.out);
    expect(m, run.out).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(150);
    expect(Number(m![1])).toBeLessThan(256);
    expect(run.status).toBe(0);
    await expectClean();
  }, 240_000);

  it('ends a memory bomb with ENOMEM at RLIMIT_AS ("out of memory"), and its shell carries on', async () => {
    const run = await bomb('memory', 'sh -c \'x=aaaaaaaaaaaaaaaa; i=0; while [ $i -lt 40 ]; do x=$x$x; i=$((i+1)); done\'; echo status $?; /bin/echo ok; echo x | cat');
    expect(run.err).toBe('sh: out of memory\n');
    expect(run.out).toMatch(/^status [1-9]\d*\nok\nx\n$/);
    expect(run.status).toBe(0);
    await expectClean();
    // The 1 GiB went with the bomb's worker (runtime/mempool.ts RETIRE), not into the pool.
    expect(run.kept).toBeLessThan(256);
  }, 240_000);

  it('ends a disk-filling loop under RLIMIT_FSIZE with EFBIG, and its shell carries on', async () => {
    // SIGXFSZ ignored (it is inherited so), so the write fails instead of the process ending.
    const run = await bomb('fsize', 'trap "" XFSZ; (ulimit -f 20480; /t/bomb.wasm disk /tmp); echo status $?; ls /tmp | wc -l; /bin/echo ok');
    expect(run.err).toBe('');
    expect(run.out).toBe('write: EFBIG after 10 MiB\nstatus 0\n0\nok\n');
    await expectClean();
  }, 240_000);

  it('ends a disk-filling loop with ENOSPC when /tmp is full, and its shell carries on', async () => {
    const run = await bomb('disk', '/t/bomb.wasm disk /tmp; echo status $?; ls /tmp | wc -l; /bin/echo ok');
    expect(run.err).toBe('');
    expect(run.out).toMatch(/^write: ENOSPC after \d+ MiB\nstatus 0\n0\nok\n$/);
    await expectClean();
  }, 240_000);
});
