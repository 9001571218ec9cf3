// Tar archives for the image tests (kernel/image/*.test.ts): a tree on disk
// archived by GNU tar in each of its formats, a hand-made ustar header for the
// cases GNU tar will not write (names that escape the root, devices as
// non-root), and streams cut into awkward chunks.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LayerEntry } from '../../kernel/image/entry.js';
import type { BlobFile } from '../../kernel/fs/blobfile.js';
import { readTar } from '../../kernel/image/tar.js';

/** Deterministic bytes (an LCG), so a big file compresses like real data would not. */
export function noise(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Long names: over 100 bytes (ustar splits it into prefix/name) and over 255 (pax or GNU 'L' only). */
export const NAME_212 = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(90)}`;
export const NAME_362 = `${'a'.repeat(120)}/${'b'.repeat(120)}/${'c'.repeat(120)}`;
export const LONG_TARGET = `../${'t'.repeat(150)}`;

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): Buffer {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout;
}

/**
 * A tree of every kind tar stores: dirs, files (empty, small, `bigSize` bytes
 * of noise), modes with setuid, a symlink, a hardlink, a fifo, sub-second
 * mtimes; with `long`, the names and the link target that ustar cannot hold.
 */
export function makeTree(opts: { long: boolean; bigSize?: number }): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tartree-'));
  const at = (p: string) => path.join(root, p);
  fs.mkdirSync(at('bin'));
  fs.mkdirSync(at('etc'));
  fs.writeFileSync(at('bin/hello'), 'hello\n');
  fs.chmodSync(at('bin/hello'), 0o755);
  fs.writeFileSync(at('bin/suid'), '#!\n');
  fs.chmodSync(at('bin/suid'), 0o4750);
  fs.symlinkSync('hello', at('bin/hi'));
  fs.linkSync(at('bin/hello'), at('bin/zhello'));
  fs.writeFileSync(at('etc/empty'), '');
  fs.chmodSync(at('etc/empty'), 0o640);
  fs.writeFileSync(at('etc/big'), noise(opts.bigSize ?? 3 * 1024 * 1024 + 123));
  run('mkfifo', [at('etc/fifo')]);
  fs.mkdirSync(path.dirname(at(NAME_212)), { recursive: true });
  fs.writeFileSync(at(NAME_212), 'two hundred\n');
  if (opts.long) {
    fs.mkdirSync(path.dirname(at(NAME_362)), { recursive: true });
    fs.writeFileSync(at(NAME_362), 'three hundred\n');
    fs.symlinkSync(LONG_TARGET, at('bin/far'));
  }
  // Last, so that making the children does not move the directories' times.
  run('touch', ['-h', '-d', '@1600000000.123456789', at('bin/hello'), at('bin/hi'), at('bin')]);
  run('touch', ['-d', '@1500000000', at('etc')]);
  return root;
}

/** GNU tar of `names` in `root`, sorted by name, owner 1234:2345 unless given. */
export function gnuTar(root: string, format: 'posix' | 'gnu' | 'ustar' | 'v7', names: string[], extra: string[] = []): Uint8Array {
  return run('tar', ['-c', `--format=${format}`, '--sort=name', '--owner=u:1234', '--group=g:2345', ...extra, '-C', root, ...names]);
}

/** What an entry should be, read back from the tree with lstat (the archive's `./` prefix removed). */
export interface Expected {
  path: string;
  kind: LayerEntry['kind'];
  mode: number;
  mtimeNs: bigint;
  size: number;
  linkname: string;
}

export function expectedFromTree(root: string, rel: string, kind: LayerEntry['kind'], linkname = ''): Expected {
  const st = fs.lstatSync(path.join(root, rel), { bigint: true });
  return {
    path: rel,
    kind,
    mode: Number(st.mode & 0o7777n),
    mtimeNs: st.mtimeNs,
    size: kind === 'file' ? Number(st.size) : 0,
    linkname: kind === 'symlink' ? fs.readlinkSync(path.join(root, rel)) : linkname,
  };
}

/** `buf` as a stream of `size`-byte chunks (views, as a decoder hands them out). */
export async function* chunked(buf: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, Math.min(i + size, buf.length));
}

/** An entry with its data joined, for comparing. */
export type Read = Omit<LayerEntry, 'data'> & { bytes: Buffer };

export async function readAll(entries: AsyncIterable<LayerEntry>): Promise<Read[]> {
  const out: Read[] = [];
  for await (const e of entries) {
    const { data, ...rest } = e;
    const bytes = Buffer.concat(data);
    if (bytes.length !== e.size) throw new Error(`${e.path}: ${bytes.length} bytes of data, size says ${e.size}`);
    out.push({ ...rest, bytes });
  }
  return out;
}

export interface HeaderFields {
  name: string;
  type?: string;
  size?: number;
  mode?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  prefix?: string;
}

/** One POSIX ustar header block, checksum included. */
export function ustarHeader(f: HeaderFields): Uint8Array {
  const h = new Uint8Array(512);
  const put = (off: number, len: number, s: string) => h.set(Buffer.from(s).subarray(0, len), off);
  const oct = (off: number, len: number, v: number) => put(off, len, v.toString(8).padStart(len - 1, '0') + '\0');
  put(0, 100, f.name);
  oct(100, 8, f.mode ?? 0o644);
  oct(108, 8, 0);
  oct(116, 8, 0);
  oct(124, 12, f.size ?? 0);
  oct(136, 12, f.mtime ?? 0);
  put(156, 1, f.type ?? '0');
  put(157, 100, f.linkname ?? '');
  put(257, 8, 'ustar\x0000');
  oct(329, 8, f.devmajor ?? 0);
  oct(337, 8, f.devminor ?? 0);
  put(345, 155, f.prefix ?? '');
  setChecksum(h);
  return h;
}

/** Recompute a header's checksum after editing it. */
export function setChecksum(h: Uint8Array): void {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(Buffer.from(sum.toString(8).padStart(6, '0') + '\0 '), 148);
}

/** A pax extended header ('x' or 'g') holding `records`, data blocks included. */
export function paxHeader(records: Record<string, string>, type: 'x' | 'g' = 'x'): Uint8Array {
  let body = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(rest) + 1;
    while (String(len).length + Buffer.byteLength(rest) !== len) len++;
    body += `${len}${rest}`;
  }
  const data = Buffer.from(body);
  return archive([ustarHeader({ name: 'PaxHeaders/x', type, size: data.length }), padded(data)]);
}

/** Data padded to whole blocks. */
export function padded(data: Uint8Array | string): Uint8Array {
  const b = typeof data === 'string' ? Buffer.from(data) : data;
  const out = new Uint8Array(Math.ceil(b.length / 512) * 512);
  out.set(b);
  return out;
}

/** Blocks joined, with `end` zero blocks after them (2: a proper end of archive). */
export function archive(blocks: Uint8Array[], end = 0): Uint8Array {
  return Buffer.concat([...blocks, new Uint8Array(512 * end)]);
}

/** A BlobFile over bytes held here (fs/blobfile.ts), counting the bytes read and whether it was closed. */
export function memoryBlob(bytes: Uint8Array): BlobFile & { bytesRead: number; closed: boolean } {
  const blob = {
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    size: bytes.length,
    bytesRead: 0,
    closed: false,
    read(into: Uint8Array, pos: number): number {
      if (blob.closed) throw new Error('read after close');
      const n = Math.max(0, Math.min(into.length, bytes.length - pos));
      into.set(bytes.subarray(pos, pos + n));
      blob.bytesRead += n;
      return n;
    },
    close(): void {
      blob.closed = true;
    },
  };
  return blob;
}

/** readTar of `tar` as a stored blob, each file's bytes taken from where its `at` says. */
export async function readStored(tar: Uint8Array): Promise<Read[]> {
  const out: Read[] = [];
  for await (const e of readTar(memoryBlob(tar))) {
    const { data, at, ...rest } = e;
    if (data.length !== 0) throw new Error(`${e.path}: data handed over from a stored tar`);
    if (e.kind === 'file' && at === undefined) throw new Error(`${e.path}: a file without its offset`);
    out.push({ ...rest, bytes: Buffer.from(e.kind === 'file' ? tar.subarray(at!, at! + e.size) : []) });
  }
  return out;
}
