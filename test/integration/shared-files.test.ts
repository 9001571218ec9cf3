// Regular files whose description and inode live in the open file table in
// shared memory (kernel/fs/filetable.ts, kernel/runtime/files.ts): the C
// checks of lseek, fstat, fcntl flags and offsets shared by dup and fork, and
// the calls a process answers without the kernel, seen in a trace.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, scratch } from './wasi-cli.js';
import { root } from '../support/kernel.js';

const prog = path.join(root, 'test/programs/bin/sharedfiles.wasm');

describe('shared open files', () => {
  it('passes the C checks: seeks, fstat after other processes\' changes, dup and fork sharing the offset, reads and writes, stat remembered until a change', () => {
    const r = run(prog, [], { timeout: 60_000 });
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.stdout).toContain('PASSED: 92 checks, 0 failed');
    expect(r.status).toBe(0);
  });

  it('passes them with /tmp a host directory (--dir): files the kernel serves, read and written straight from the process\'s memory', () => {
    const dir = scratch('sharedfiles');
    const r = run(prog, ['--host'], { timeout: 60_000, dirs: [`${dir}::/tmp`], hostEnv: { ...process.env, TABKERNEL_TRACE: '1' } });
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.stdout).toMatch(/PASSED: \d+ checks, 0 failed/);
    expect(fs.readdirSync(dir)).toContain('sf-fsize'); // the files were the host's
    // No window in between: reads and writes of the host files go between the file and the memory.
    const direct = r.stderr.split('\n').filter((l) => /^pid \d+ fd_(readm|writem)\(/.test(l));
    expect(direct.some((l) => l.includes('fd_readm(') && l.endsWith('= 0'))).toBe(true);
    expect(direct.some((l) => l.includes('fd_writem(') && l.endsWith('= 0'))).toBe(true);
  });

  it('answers lseek, fstat, fcntl(F_GETFL), reads, writes and repeated stats of a file in the process', () => {
    const r = run(prog, [], { timeout: 60_000, hostEnv: { ...process.env, TABKERNEL_TRACE: '1' } });
    const lines = r.stderr.split('\n').filter((l) => /^pid \d+ (fd_seek|fd_filestat_get|fd_fdstat_get|fgetmode)\(/.test(l));
    const inProcess = lines.filter((l) => l.endsWith('(in process)'));
    // Every seek is answered in the process (the parent's 2000 in a row among them).
    expect(lines.filter((l) => l.includes('fd_seek(') && !l.endsWith('(in process)'))).toEqual([]);
    expect(inProcess.length).toBeGreaterThan(2000);
    expect(inProcess.some((l) => l.includes('fd_filestat_get('))).toBe(true);
    expect(inProcess.some((l) => l.includes('fgetmode('))).toBe(true);
    // The 100 stats of one path in a row: the first asks the kernel, the rest are remembered.
    const stats = r.stderr.split('\n').filter((l) => /^pid \d+ path_filestat_get\(/.test(l));
    expect(stats.filter((l) => l.endsWith('(in process)')).length).toBeGreaterThanOrEqual(99);
    const io = r.stderr.split('\n').filter((l) => /^pid \d+ fd_(p?read|p?write)\(3,/.test(l));
    for (const call of ['fd_read(', 'fd_write(', 'fd_pread(', 'fd_pwrite(']) {
      expect(io.some((l) => l.includes(call) && l.endsWith('(in process)')), call).toBe(true);
    }
    // Closes of regular files are put off to the next call: the runtime answers them, the kernel does them then.
    const closes = r.stderr.split('\n').filter((l) => /^pid \d+ fd_close\(/.test(l));
    expect(closes.filter((l) => l.endsWith('(in process)')).length).toBeGreaterThan(20);
    expect(closes.filter((l) => l.endsWith('(put off)')).length).toBeGreaterThan(20);
    // An open of the file just closed takes the close back; the directory fd's fdstat, which every open asks, is remembered.
    const opens = r.stderr.split('\n').filter((l) => /^pid \d+ path_open\(/.test(l));
    expect(opens.filter((l) => l.endsWith('(in process)')).length).toBeGreaterThanOrEqual(20);
    const dirstats = r.stderr.split('\n').filter((l) => /^pid 1 fd_fdstat_get\(200\b/.test(l));
    expect(dirstats.filter((l) => !l.endsWith('(in process)')).length).toBeLessThanOrEqual(2);
    expect(dirstats.length).toBeGreaterThan(50);
  });
});
