// The kernel's memory budget and the in-memory file systems' capacity, as a
// guest meets them through the CLI (`--memory`, `--tmp-size`): ENOSPC when
// /tmp is full, `df` and statvfs, /proc/mounts and /proc/meminfo, ENFILE for
// pipes past the budget, a program's memory capped by what the budget has
// left, and the out-of-memory killer when programs together outgrow it.
import { describe, expect, it } from 'vitest';
import { prog, run } from './wasi-cli.js';

describe('in-memory file systems have a capacity', () => {
  it('fails a write to a full /tmp with ENOSPC, and statvfs says it is full', () => {
    const r = run(prog('budget'), ['fill', '/tmp/f'], { flags: ['--tmp-size', '1M'] });
    expect(r.stdout).toBe('write: ENOSPC after 1048576 bytes; free 0 blocks of 4096\n');
    expect(r.status).toBe(0);
  });

  it('shows the space in df, and gives it back when the file is removed', () => {
    const r = run('sh', ['-c', [
      'yes > /tmp/big; echo status $?',
      'df /tmp | tail -n 1',
      'rm /tmp/big; df -k /tmp | tail -n 1',
      'df -h /tmp | head -n 1',
      'df -T -B 4096 /tmp | tail -n 1',
    ].join('; ')], { flags: ['--tmp-size', '2M'] });
    expect(r.stderr).toMatch(/yes: .*No space left on device/);
    expect(r.stdout.split('\n')).toEqual([
      'status 1',
      expect.stringMatching(/^tmpfs +2048 +2048 +0 +100% \/tmp$/),
      expect.stringMatching(/^tmpfs +2048 +0 +2048 +0% \/tmp$/),
      expect.stringMatching(/^Filesystem +Size +Used +Avail +Use% Mounted on$/),
      expect.stringMatching(/^tmpfs +tmpfs +512 +0 +512 +0% \/tmp$/),
      '',
    ]);
  });

  it('lists the mounts in /proc/mounts and df, and the budget in /proc/meminfo', () => {
    const r = run('sh', ['-c', 'cat /proc/mounts; df | sed 1d | cut -c1-14 | sort; head -n 2 /proc/meminfo'], {
      flags: ['--memory', '256M'],
    });
    const lines = r.stdout.split('\n');
    expect(lines).toContain('rootfs / rootfs rw 0 0');
    expect(lines).toContain('tmpfs /tmp tmpfs rw 0 0');
    expect(lines).toContain('proc /proc proc rw 0 0');
    expect(lines).toContain('rootimage /bin hostfs ro 0 0');
    // df leaves out file systems without a size (/proc) unless -a.
    expect(lines.filter((l) => /^(rootfs|tmpfs|proc) +$/.test(l))).toEqual(['rootfs        ', 'tmpfs         ']);
    expect(lines).toContain('MemTotal:         262144 kB');
    expect(lines.find((l) => l.startsWith('MemFree:'))).toMatch(/^MemFree: +\d+ kB$/);
  });

  it("shows a process's own mount table in /proc/PID/mounts (the first namespace's: /proc/mounts)", () => {
    const r = run('sh', ['-c', 'cmp /proc/mounts /proc/$$/mounts && echo same; grep -c . /proc/$$/mounts']);
    const [same, count] = r.stdout.split('\n');
    expect(same).toBe('same');
    expect(Number(count)).toBeGreaterThan(3);
  });

  it('says where a file is: df FILE names its mount', () => {
    const r = run('sh', ['-c', 'echo x > /tmp/a; df /tmp/a /bin/sh / | sed 1d | sed "s/  */ /g" | cut -d" " -f1,6']);
    expect(r.stdout).toBe('tmpfs /tmp\nrootimage /bin\nrootfs /\n');
  });
});

describe('the kernel-wide memory budget', () => {
  it('fails pipe() with ENFILE once pipe rings would pass the budget', () => {
    const r = run(prog('budget'), ['pipes'], { flags: ['--memory', '24M'] });
    const m = /^pipe: (\w+) after (\d+)\n$/.exec(r.stdout);
    expect(m?.[1]).toBe('ENFILE');
    // Before the fd table (about 510 pipes) runs out: the budget stopped it.
    expect(Number(m?.[2])).toBeLessThan(500);
    expect(Number(m?.[2])).toBeGreaterThan(64);
  });

  it('caps a program\'s memory at what the budget has left (malloc returns NULL), even with RLIMIT_AS unlimited', () => {
    const r = run('sh', ['-c', 'ulimit -v unlimited; /data/budget.wasm grow; echo status $?'], {
      flags: ['--memory', '128M'], dirs: [`${prog('budget').replace(/\/budget\.wasm$/, '')}::/data`],
    });
    const m = /^malloc: ENOMEM after (\d+) MiB\nstatus 0\n$/.exec(r.stdout);
    expect(m, r.stdout + r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(128);
    expect(Number(m![1])).toBeGreaterThan(64);
  });

  it('kills the largest process when programs together outgrow the budget, and the shell goes on', () => {
    const r = run('sh', ['-c', '/data/budget.wasm grow hold & /data/budget.wasm grow hold & wait; echo done; echo ok | cat'], {
      flags: ['--memory', '160M'], dirs: [`${prog('budget').replace(/\/budget\.wasm$/, '')}::/data`], timeout: 60_000,
    });
    expect(r.stderr).toMatch(/tabkernel: out of memory: killed process \d+ \(\/data\/budget.wasm\) holding \d+ MiB; guests hold \d+ MiB of a 160 MiB budget/);
    expect(r.stdout).toMatch(/done\nok\n$/);
    expect(r.status).toBe(0);
  });
});
