// The tar writer for the layers tabkernel builds: the same entries always give
// the same bytes. The caller decides the order (layerdiff.ts: parents first,
// names sorted), the owners and the times; this file only encodes, with
// nothing taken from the clock or the host: POSIX ustar headers (a directory's
// name ends in '/'), a name longer than 100 bytes split into ustar's prefix
// and name at a '/' when it fits, and a pax extended header ('x') only for
// what ustar cannot hold — longer or non-ASCII names and link targets, sizes
// from 8 GiB, ids from 2^21 — named `PaxHeaders/NAME` with the entry's mtime.
// User and group names are left empty, devices are 0 unless given. The
// archive ends with two zero blocks and no further padding.
// tar.ts reads what this writes (a unit test checks both ways).
// Spec: POSIX.1-2017 pax(1), "ustar Interchange Format" and "pax Interchange Format".

export type TarKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'chardev' | 'blockdev' | 'fifo';

export interface TarEntry {
  /** Relative, '/'-separated, no trailing '/' (a directory gets one in the header). */
  path: string;
  kind: TarKind;
  /** Permission bits (0o7777). */
  mode: number;
  /** Whole seconds since the epoch. */
  mtime: number;
  uid: number;
  gid: number;
  /** A symlink's target, or a hard link's path (as `path` is written). */
  linkname?: string;
  /** A file's bytes. */
  data?: Uint8Array;
  devmajor?: number;
  devminor?: number;
}

const BLOCK = 512;
const TYPE: Record<TarKind, string> = { file: '0', hardlink: '1', symlink: '2', chardev: '3', blockdev: '4', dir: '5', fifo: '6' };
const MAX_SIZE = 0o77777777777;
const MAX_ID = 0o7777777;
const enc = new TextEncoder();

/** The archive of `entries`, as blocks (a header, a file's data padded to a block, …, two zero blocks). */
export function* writeTar(entries: Iterable<TarEntry>): Generator<Uint8Array, void, undefined> {
  for (const e of entries) yield* entry(e);
  yield new Uint8Array(2 * BLOCK);
}

function* entry(e: TarEntry): Generator<Uint8Array> {
  const name = e.kind === 'dir' ? `${e.path}/` : e.path;
  const data = e.kind === 'file' ? (e.data ?? new Uint8Array(0)) : new Uint8Array(0);
  const link = e.linkname ?? '';
  const pax = new Map<string, string>();
  const fit = ustarName(name);
  if (!fit) pax.set('path', name);
  if (link !== '' && (!isAscii(link) || enc.encode(link).length > 100)) pax.set('linkpath', link);
  if (data.length > MAX_SIZE) pax.set('size', String(data.length));
  if (e.uid > MAX_ID) pax.set('uid', String(e.uid));
  if (e.gid > MAX_ID) pax.set('gid', String(e.gid));
  if (pax.size > 0) {
    const body = paxRecords(pax);
    const base = name.replace(/\/$/, '').split('/').pop() as string;
    const h = header({
      name: truncate(`PaxHeaders/${isAscii(base) ? base : 'entry'}`, 100), prefix: '', type: 'x', mode: 0o644,
      mtime: e.mtime, uid: 0, gid: 0, size: body.length, link: '', devmajor: 0, devminor: 0,
    });
    yield h;
    yield padded(body);
  }
  yield header({
    name: fit ? fit.name : truncate(name, 100),
    prefix: fit ? fit.prefix : '',
    type: TYPE[e.kind],
    mode: e.mode & 0o7777,
    mtime: e.mtime,
    uid: Math.min(e.uid, MAX_ID),
    gid: Math.min(e.gid, MAX_ID),
    size: data.length > MAX_SIZE ? 0 : data.length,
    link: pax.has('linkpath') ? truncate(link, 100) : link,
    devmajor: e.devmajor ?? 0,
    devminor: e.devminor ?? 0,
  });
  if (data.length > 0) yield padded(data);
}

/** The name in ustar's fields: whole, or split into prefix and name at a '/'; null when it needs pax. */
function ustarName(name: string): { name: string; prefix: string } | null {
  if (!isAscii(name)) return null;
  if (name.length <= 100) return { name, prefix: '' };
  // The last '/' that leaves a name of at most 100 bytes and a prefix of at most 155 (a directory's own '/' stays in the name).
  for (let i = name.length - 101; i < name.length - 1; i++) {
    if (i < 0 || name[i] !== '/') continue;
    if (i <= 155 && i > 0) return { prefix: name.slice(0, i), name: name.slice(i + 1) };
  }
  return null;
}

interface Header {
  name: string;
  prefix: string;
  type: string;
  mode: number;
  mtime: number;
  uid: number;
  gid: number;
  size: number;
  link: string;
  devmajor: number;
  devminor: number;
}

function header(h: Header): Uint8Array {
  const b = new Uint8Array(BLOCK);
  put(b, 0, 100, h.name);
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, h.uid);
  octal(b, 116, 8, h.gid);
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, Math.max(0, Math.floor(h.mtime)));
  b[156] = h.type.charCodeAt(0);
  put(b, 157, 100, h.link);
  put(b, 257, 6, 'ustar\0');
  put(b, 263, 2, '00');
  octal(b, 329, 8, h.devmajor);
  octal(b, 337, 8, h.devminor);
  put(b, 345, 155, h.prefix);
  // The checksum: the header's bytes summed with the checksum field as spaces.
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i];
  octal(b, 148, 7, sum);
  b[155] = 0x20;
  return b;
}

/** `v` in octal, zero-padded to len - 1 digits and a NUL. */
function octal(b: Uint8Array, off: number, len: number, v: number): void {
  put(b, off, len, v.toString(8).padStart(len - 1, '0') + '\0');
}

function put(b: Uint8Array, off: number, len: number, s: string): void {
  const bytes = enc.encode(s);
  b.set(bytes.subarray(0, len), off);
}

/** pax records, "LEN key=value\n", LEN counting the whole record with itself; keys sorted. */
function paxRecords(pax: Map<string, string>): Uint8Array {
  let text = '';
  for (const key of [...pax.keys()].sort()) {
    const rest = ` ${key}=${pax.get(key)}\n`;
    const n = enc.encode(rest).length;
    let len = n + String(n).length;
    if (String(len).length !== String(n).length) len = n + String(len).length;
    text += `${len}${rest}`;
  }
  return enc.encode(text);
}

/** `data` followed by zeros to a whole number of blocks. */
function padded(data: Uint8Array): Uint8Array {
  const rem = data.length % BLOCK;
  if (rem === 0) return data;
  const out = new Uint8Array(data.length + BLOCK - rem);
  out.set(data);
  return out;
}

/** Printable for ustar: every character in 1..127 (a NUL would end the field). */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c > 0x7f) return false;
  }
  return true;
}

/** At most `n` bytes of an ASCII string (non-ASCII names go to pax whole). */
function truncate(s: string, n: number): string {
  return isAscii(s) ? s.slice(0, n) : [...s].map((c) => (isAscii(c) ? c : '_')).join('').slice(0, n);
}
