import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTar } from './tar.js';
import { writeTar, type TarEntry } from './tarwriter.js';

const enc = new TextEncoder();
const bytesOf = (entries: TarEntry[]) => Buffer.concat([...writeTar(entries)]);

async function readBack(tar: Uint8Array) {
  const out = [];
  for await (const e of readTar((async function* () {
    yield tar;
  })())) out.push({ ...e, data: Buffer.concat(e.data).toString('utf8') });
  return out;
}

const LONG_DIR = `${'d'.repeat(60)}/${'e'.repeat(60)}`;
const entries: TarEntry[] = [
  { path: 'bin', kind: 'dir', mode: 0o755, mtime: 0, uid: 0, gid: 0 },
  { path: 'bin/hello', kind: 'file', mode: 0o4755, mtime: 86400, uid: 1000, gid: 100, data: enc.encode('hi\n') },
  { path: 'bin/link', kind: 'symlink', mode: 0o777, mtime: 0, uid: 0, gid: 0, linkname: 'hello' },
  { path: 'bin/hard', kind: 'hardlink', mode: 0, mtime: 0, uid: 0, gid: 0, linkname: 'bin/hello' },
  { path: 'dev/null', kind: 'chardev', mode: 0o666, mtime: 0, uid: 0, gid: 0, devmajor: 1, devminor: 3 },
  { path: 'fifo', kind: 'fifo', mode: 0o600, mtime: 0, uid: 0, gid: 0 },
  { path: `${LONG_DIR}/file-with-a-long-name`, kind: 'file', mode: 0o644, mtime: 0, uid: 0, gid: 0, data: enc.encode('split into prefix and name') },
  { path: 'x'.repeat(180), kind: 'file', mode: 0o644, mtime: 0, uid: 0, gid: 0, data: enc.encode('pax path') },
  { path: 'café/naïve.txt', kind: 'file', mode: 0o644, mtime: 0, uid: 0, gid: 0, data: enc.encode('unicode') },
  { path: 'far', kind: 'symlink', mode: 0o777, mtime: 0, uid: 0, gid: 0, linkname: `/${'t'.repeat(150)}` },
  { path: 'big-ids', kind: 'file', mode: 0o644, mtime: 0, uid: 3_000_000, gid: 2_500_000, data: new Uint8Array(0) },
  { path: '.wh.gone', kind: 'file', mode: 0, mtime: 0, uid: 0, gid: 0, data: new Uint8Array(0) },
];

describe('the tar writer', () => {
  it('writes what the tar reader reads back: kinds, modes, times, owners, targets, bytes', async () => {
    const got = await readBack(bytesOf(entries));
    expect(got.map((e) => e.path)).toEqual(entries.map((e) => e.path));
    for (const [i, e] of entries.entries()) {
      const g = got[i];
      expect({ kind: g.kind, mode: g.mode, mtime: g.mtime, uid: g.uid, gid: g.gid }, e.path)
        .toEqual({ kind: e.kind, mode: e.mode, mtime: BigInt(e.mtime) * 1_000_000_000n, uid: e.uid, gid: e.gid });
      if (e.linkname) expect(g.linkname).toBe(e.linkname);
      if (e.data) expect(g.data).toBe(Buffer.from(e.data).toString('utf8'));
      if (e.kind === 'chardev') expect([g.devmajor, g.devminor]).toEqual([1, 3]);
    }
  });

  it('gives the same bytes for the same entries (nothing from the clock or the host)', () => {
    const a = createHash('sha256').update(bytesOf(entries)).digest('hex');
    const b = createHash('sha256').update(bytesOf(entries.map((e) => ({ ...e })))).digest('hex');
    expect(a).toBe(b);
  });

  it('uses ustar fields where they fit and pax only where they do not', () => {
    const tar = bytesOf(entries);
    const text = tar.toString('latin1');
    // The split name: no pax record for it.
    expect(text).not.toContain(`path=${LONG_DIR}`);
    expect(text).toContain(`path=${'x'.repeat(180)}`);
    expect(text).toContain(Buffer.from('path=café/naïve.txt').toString('latin1'));
    expect(text).toContain(`linkpath=/${'t'.repeat(150)}`);
    expect(text).toContain('uid=3000000');
    // Headers are ustar ("ustar\0" "00"), the archive ends with two zero blocks.
    expect(text.slice(257, 265)).toBe('ustar\u000000');
    expect(tar.subarray(tar.length - 1024).every((b) => b === 0)).toBe(true);
    expect(tar.length % 512).toBe(0);
  });

  it('is read by GNU tar with the same names, modes and owners', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-tarwriter-'));
    try {
      const file = path.join(dir, 'layer.tar');
      fs.writeFileSync(file, bytesOf(entries));
      const r = spawnSync('tar', ['--numeric-owner', '-tvf', file], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(entries.length);
      expect(lines[0]).toMatch(/^drwxr-xr-x 0\/0 +0 1970-01-01 00:00 bin\/$/);
      expect(lines[1]).toMatch(/^-rwsr-xr-x 1000\/100 +3 1970-01-02 00:00 bin\/hello$/);
      expect(lines[2]).toMatch(/bin\/link -> hello$/);
      expect(lines[3]).toMatch(/bin\/hard link to bin\/hello$/);
      expect(lines[6]).toMatch(new RegExp(`${LONG_DIR}/file-with-a-long-name$`));
      expect(lines[7]).toMatch(new RegExp(`${'x'.repeat(180)}$`));
      expect(lines[8]).toMatch(/café\/naïve\.txt$/);
      const x = spawnSync('tar', ['-xf', file, '-C', dir, '--no-same-owner', 'bin/hello', `${LONG_DIR}/file-with-a-long-name`]);
      expect(x.status, String(x.stderr)).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'bin/hello'), 'utf8')).toBe('hi\n');
      expect(fs.readFileSync(path.join(dir, LONG_DIR, 'file-with-a-long-name'), 'utf8')).toBe('split into prefix and name');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes an empty archive as two zero blocks', () => {
    const tar = bytesOf([]);
    expect(tar.length).toBe(1024);
    expect(tar.every((b) => b === 0)).toBe(true);
  });
});
