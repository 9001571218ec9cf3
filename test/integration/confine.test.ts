// Host directories mounted with --dir hold their programs in: the confinement
// corpus of test/programs/confine.c (the stale directory fd escape, `..`,
// symlinks out, loops, cross-mount links, odd names), a race against a host
// process that keeps swapping a directory for a symlink out, and the
// metadata a guest may change on host files (no setuid bits, nothing on the
// read-only root image).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectAllOk, prog, root, run, scratch } from './wasi-cli.js';

/** A host layout: mnt (mounted as /data), mnt2 (/other) and outside/secret.txt beside them. */
function layout(tag: string): { top: string; mnt: string; mnt2: string; outside: string } {
  const top = scratch(tag);
  const mnt = path.join(top, 'mnt');
  const mnt2 = path.join(top, 'mnt2');
  const outside = path.join(top, 'outside');
  for (const d of [mnt, mnt2, outside]) fs.mkdirSync(d);
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'SECRET\n');
  return { top, mnt, mnt2, outside };
}

function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

describe('host directory confinement', () => {
  it('keeps a plain WASI program inside its --dir mounts through the whole corpus', () => {
    const l = layout('confine');
    fs.symlinkSync(path.join(l.outside, 'secret.txt'), path.join(l.mnt, 'hostabs'));
    fs.symlinkSync(l.outside, path.join(l.mnt, 'hostabs-dir'));
    const r = run(prog('confine'), [], { dirs: [`${l.mnt}::/data`, `${l.mnt2}::/other`] });
    expectAllOk(r, 55);
    // Nothing was made or changed outside the mounts.
    expect(tree(l.outside)).toEqual(['secret.txt']);
    expect(fs.readdirSync(l.top).sort()).toEqual(['mnt', 'mnt2', 'outside']);
    expect(tree(l.mnt2)).toEqual([]);
    // The stale fd's writes went to the directory it was opened on, under its new name.
    expect(tree(path.join(l.mnt, 'd.moved'))).toEqual(['new.txt', 'sub']);
    expect(fs.readlinkSync(path.join(l.mnt, 'd'))).toBe('../../../../../../../../');
  });

  it('never reaches outside while a host process swaps a directory for a symlink out', async () => {
    const l = layout('race');
    const r = path.join(l.mnt, 'r');
    fs.mkdirSync(r);
    fs.writeFileSync(path.join(r, 'secret.txt'), 'inside\n');
    fs.writeFileSync(path.join(l.outside, 'secret-outside-only'), '');
    // The racer: rename the directory away, put a symlink out in its place, and back, for ever.
    const racer = spawn(process.execPath, ['-e', `
      const fs = require('fs'); const m = process.argv[1];
      for (;;) {
        try { fs.renameSync(m + '/r', m + '/r.real'); } catch {}
        try { fs.symlinkSync('../outside', m + '/r'); } catch {}
        for (let i = 0; i < 200; i++);
        try { fs.unlinkSync(m + '/r'); } catch {}
        try { fs.renameSync(m + '/r.real', m + '/r'); } catch {}
      }`, l.mnt], { stdio: 'ignore' });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        const guest = spawn(process.execPath, [path.join(root, 'bin/tabkernel.js'), 'run', '--dir', `${l.mnt}::/data`,
          prog('confine'), 'race', '3000'], { stdio: ['ignore', 'pipe', 'inherit'] });
        let s = '';
        guest.stdout.on('data', (d: Buffer) => (s += d.toString()));
        guest.on('error', reject);
        guest.on('close', () => resolve(s));
      });
      expect(out).toMatch(/^opened \d+ leaked 0$/m);
      expect(Number(/opened (\d+)/.exec(out)?.[1])).toBeGreaterThan(0);
    } finally {
      racer.kill('SIGKILL');
    }
    expect(tree(l.outside)).toEqual(['secret-outside-only', 'secret.txt']);
    expect(fs.readFileSync(path.join(l.outside, 'secret.txt'), 'utf8')).toBe('SECRET\n');
  }, 60_000);
});

describe('host file metadata', () => {
  it('keeps setuid, setgid and sticky bits off host files a guest chmods', () => {
    const dir = scratch('chmod');
    fs.mkdirSync(path.join(dir, 'd'));
    const r = run(path.join(root, 'userland/rootfs/bin/sh'),
      ['-c', 'echo x > /data/f; chmod 4755 /data/f; chmod 2755 /data/d; chmod 7777 /data/f; chmod 1777 /data/d; ls -l /data/f'],
      { dirs: [`${dir}::/data`] });
    expect(r.status, r.stderr).toBe(0);
    expect(fs.statSync(path.join(dir, 'f')).mode & 0o7777).toBe(0o777);
    // The sticky bit is the one special bit a directory may take (Linux gives it to /tmp).
    expect(fs.statSync(path.join(dir, 'd')).mode & 0o7777).toBe(0o1777);
    expect(r.stdout).toMatch(/^-rwxrwxrwx /);
  });

  it('refuses to change the times of the read-only root image with EROFS', () => {
    const sh = path.join(root, 'userland/rootfs/bin/sh');
    const before = fs.statSync(sh).mtimeMs;
    const r = run(sh, ['-c', 'touch /bin/sh; echo status $?; touch -d 2000-01-01 /bin/cat; echo status $?']);
    expect(r.stdout).toBe('status 1\nstatus 1\n');
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(fs.statSync(sh).mtimeMs).toBe(before);
  });
});

describe('host file names', () => {
  it('lists, opens, renames and links names that are not UTF-8 (each stray byte as U+EF80 + byte - 0x80)', () => {
    const dir = scratch('names');
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "café" in Latin-1
    fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), latin1]), 'latin-1 name\n');
    const r = run(path.join(root, 'userland/rootfs/bin/sh'),
      ['-c', 'for f in /data/*; do printf "%s\\n" "$f" | od -An -c | tr -s " "; cat "$f"; mv "$f" "$f.old"; ln -s "$(basename "$f").old" "$f"; done; ls /data | wc -l'],
      { dirs: [`${dir}::/data`] });
    expect(r.status, r.stderr).toBe(0);
    // U+EFE9 in UTF-8 is ee bf a9.
    expect(r.stdout).toBe(' / d a t a / c a f 356 277 251 \\n\nlatin-1 name\n2\n');
    const names = fs.readdirSync(dir, { encoding: 'buffer' }).map((b) => b.toString('latin1')).sort();
    expect(names).toEqual(['caf\xe9', 'caf\xe9.old']);
    expect(fs.readlinkSync(Buffer.concat([Buffer.from(`${dir}/`), latin1]), { encoding: 'buffer' }).toString('latin1')).toBe('caf\xe9.old');
  });
});
