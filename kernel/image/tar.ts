// The tar reader: turns a layer's decompressed byte stream, in chunks of any
// size, into LayerEntry values (entry.ts), one per member, holding no more
// than one entry's data at a time. compression.ts undoes the compression
// before this; unpack.ts applies the entries.
//
// Read: ustar headers (name with prefix), pax extended headers ('x' for the
// next entry, 'g' for all that follow: path, linkpath, size, mtime with a
// fraction, uid, gid, SCHILY.devmajor/devminor; a zero-length value deletes),
// GNU long names and link names ('L', 'K'), GNU and old v7 headers (a regular
// file whose name ends in '/' is a directory), numbers in octal or base-256.
// Every header's checksum is verified (unsigned or signed byte sum, as GNU tar
// accepts). A file's data is handed over as views into the input chunks (a
// copy only where a header straddles two chunks); header-only types ('1'..'6')
// carry no data whatever their size field says, as POSIX specifies.
//
// Names are normalized as entry.ts says (`./bin/x` and `bin/x` alike, no
// trailing '/'); an absolute name or one with a `..` component, for an entry
// or for a hard link's target, is refused with a TarError naming it. An entry
// for the root itself (`./`, or `/` as umoci writes it) is skipped: a layer
// does not change its root.
//
// The archive ends at the first zero block (POSIX writes two; GNU tar stops at
// a lone one too); the stream after it is read and ignored, so a decoder
// beneath still checks its trailer. A stream that ends where a header would
// start, or right after an entry's last data byte (its padding and the end
// blocks missing), ends the archive too: Go's archive/tar reads the same, and
// umoci 0.4's `insert` writes such layers (the blob's digest already vouches
// that these are all the bytes its author meant). A stream that ends inside a
// header or inside an entry's data is truncated: an error, as are a corrupt
// header, GNU sparse files and unknown entry types.
// Spec: POSIX.1-2017 pax(1), "pax Interchange Format" and "ustar Interchange
// Format"; GNU tar manual, "Basic Tar Format" (GNU extensions, base-256).
import type { BlobFile } from '../fs/blobfile.js';
import type { EntryKind, LayerEntry } from './entry.js';
import { concatBytes } from '../lib/bytes.js';

/** A damaged, truncated or unsafe archive; the message names the entry or the byte offset. */
export class TarError extends Error {
  override name = 'TarError';
}

const BLOCK = 512;
/** The most bytes one extended header (a pax record set, a GNU long name) may hold. */
const MAX_META = 1 << 20;

/** Header fields' offsets (ustar; a GNU header has no prefix), and their lengths in L. */
const enum F {
  NAME = 0, MODE = 100, UID = 108, GID = 116, SIZE = 124, MTIME = 136, CHKSUM = 148, TYPE = 156,
  LINKNAME = 157, MAGIC = 257, DEVMAJOR = 329, DEVMINOR = 337, PREFIX = 345,
}
const enum L { NAME = 100, ID = 8, NUM = 12, PREFIX = 155 }

/** Extended header values that override header fields (pax keywords). */
type Pax = Map<string, string>;

/** What extended headers said about the entry that follows them. */
interface Pending {
  pax: Pax | null;
  /** GNU 'L' */
  longName: string | null;
  /** GNU 'K' */
  longLink: string | null;
}

/**
 * Read a tar stream, or a tar stored as a file; yields its entries in order.
 * From a file, a regular file's entry has no data but where its bytes are
 * (`at`): only the headers are read. Throws TarError.
 */
export async function* readTar(input: AsyncIterable<Uint8Array> | BlobFile): AsyncGenerator<LayerEntry, void, undefined> {
  const stored = 'read' in input;
  const r: Cursor = stored ? new FileCursor(input) : new StreamCursor(input[Symbol.asyncIterator]());
  const global: Pax = new Map();
  let pending: Pending = { pax: null, longName: null, longLink: null };
  try {
    for (;;) {
      const at = r.offset;
      const h = await r.block();
      if (!h) {
        if (at === 0) throw new TarError('empty stream: not a tar archive');
        if (pending.pax || pending.longName !== null || pending.longLink !== null) throw new TarError(`truncated: the stream ends at byte ${at}, after an extended header`);
        return; // no end-of-archive block: the archive ends with the stream
      }
      if (isZero(h)) {
        if (pending.pax || pending.longName !== null || pending.longLink !== null) throw new TarError(`an extended header at the end of the archive (byte ${at}) describes no entry`);
        await r.drain();
        return;
      }
      verifyChecksum(h, at);
      const type = h[F.TYPE];
      if (type === T.PAX || type === T.PAX_GLOBAL || type === T.GNU_LONGNAME || type === T.GNU_LONGLINK) {
        const body = await readMeta(r, h, at);
        if (type === T.PAX) pending.pax = mergePax(pending.pax ?? new Map(), parsePax(body, at));
        else if (type === T.PAX_GLOBAL) mergePax(global, parsePax(body, at));
        else if (type === T.GNU_LONGNAME) pending.longName = text(body, 0, body.length);
        else pending.longLink = text(body, 0, body.length);
        continue;
      }
      if (type === T.VOLUME) {
        // A GNU volume label names the archive, not a file: skip it.
        const size = num(h, F.SIZE, L.NUM, 'size', 'volume label', at);
        if (!(await r.take(size + pad(size), null))) throw new TarError(`truncated: the stream ends inside the volume label at byte ${at}`);
        pending = { pax: null, longName: null, longLink: null };
        continue;
      }
      const e = makeEntry(h, at, global, pending);
      pending = { pax: null, longName: null, longLink: null };
      // Only data types carry data (a dumpdir's is a listing we do not need).
      const follows = DATA_TYPES.has(type) ? e.size : 0;
      if (e.kind !== 'file') e.size = 0;
      if (stored && e.kind === 'file') e.at = r.offset;
      if (!(await r.take(follows, e.kind === 'file' && !stored ? e.data : null))) throw new TarError(`${e.path}: truncated: the stream ends inside its data`);
      const padded = await r.take(pad(follows), null);
      if (e.path !== '') yield e;
      if (!padded) return; // the stream ends after the data, without padding or end blocks

    }
  } finally {
    await r.close();
  }
}

/** Type flags (POSIX ustar, pax and GNU), as bytes. */
const enum T {
  AREG = 0, REG = 0x30, LINK = 0x31, SYMLINK = 0x32, CHR = 0x33, BLK = 0x34, DIR = 0x35,
  FIFO = 0x36, CONTIG = 0x37, PAX = 0x78, PAX_GLOBAL = 0x67, GNU_LONGNAME = 0x4c,
  GNU_LONGLINK = 0x4b, DUMPDIR = 0x44, VOLUME = 0x56, GNU_SPARSE = 0x53,
}

const KINDS = new Map<number, EntryKind>([
  [T.AREG, 'file'], [T.REG, 'file'], [T.CONTIG, 'file'], [T.LINK, 'hardlink'],
  [T.SYMLINK, 'symlink'], [T.CHR, 'chardev'], [T.BLK, 'blockdev'], [T.DIR, 'dir'],
  [T.FIFO, 'fifo'], [T.DUMPDIR, 'dir'],
]);

/** Types whose data blocks follow the header (the size field counts them). */
const DATA_TYPES = new Set<number>([T.AREG, T.REG, T.CONTIG, T.DUMPDIR]);

/** The entry a header describes, with extended headers applied and names checked. */
function makeEntry(h: Uint8Array, at: number, global: Pax, pending: Pending): LayerEntry {
  const pax = pending.pax || global.size ? withGlobal(global, pending.pax) : null;
  const rawPath = pax?.get('path') ?? pending.longName ?? headerName(h);
  const type = h[F.TYPE];
  let kind = KINDS.get(type);
  if (kind === undefined) throw new TarError(`${rawPath}: unsupported entry type ${typeName(type)}`);
  if (kind === 'file' && type !== T.CONTIG && rawPath.endsWith('/')) kind = 'dir';
  const path = normalize(rawPath, rawPath, 'name');
  if (path === '' && kind !== 'dir') throw new TarError(`${rawPath}: a ${kind} entry names the root`);
  const rawLink = pax?.get('linkpath') ?? pending.longLink ?? text(h, F.LINKNAME, L.NAME);
  const device = kind === 'chardev' || kind === 'blockdev';
  const linkname = kind === 'hardlink' ? normalize(rawLink, rawPath, 'hard link target') : kind === 'symlink' ? rawLink : '';
  if (kind === 'hardlink' && linkname === '') throw new TarError(`${rawPath}: a hard link to the root (or to nothing)`);
  return {
    path,
    kind,
    mode: num(h, F.MODE, L.ID, 'mode', rawPath, at) & 0o7777,
    mtime: pax?.has('mtime') ? paxTime(pax.get('mtime') as string, rawPath) : BigInt(num(h, F.MTIME, L.NUM, 'mtime', rawPath, at, true)) * NS,
    uid: paxNum(pax, 'uid', rawPath) ?? num(h, F.UID, L.ID, 'uid', rawPath, at),
    gid: paxNum(pax, 'gid', rawPath) ?? num(h, F.GID, L.ID, 'gid', rawPath, at),
    linkname,
    // The bytes that follow the header, for data types; readTar zeroes it for other kinds.
    size: DATA_TYPES.has(type) ? paxNum(pax, 'size', rawPath) ?? num(h, F.SIZE, L.NUM, 'size', rawPath, at) : 0,
    data: [],
    devmajor: device ? paxNum(pax, 'SCHILY.devmajor', rawPath) ?? num(h, F.DEVMAJOR, L.ID, 'devmajor', rawPath, at) : 0,
    devminor: device ? paxNum(pax, 'SCHILY.devminor', rawPath) ?? num(h, F.DEVMINOR, L.ID, 'devminor', rawPath, at) : 0,
  };
}

const NS = 1_000_000_000n;

/** A ustar name: prefix '/' name when the header is POSIX ustar and has a prefix. */
function headerName(h: Uint8Array): string {
  const name = text(h, F.NAME, L.NAME);
  // "ustar\0" (POSIX) has a prefix field; GNU's "ustar " and v7's nothing do not.
  const posix = h[F.MAGIC] === 0x75 && h[F.MAGIC + 4] === 0x72 && h[F.MAGIC + 5] === 0 && h[F.PREFIX] !== 0;
  return posix ? `${text(h, F.PREFIX, L.PREFIX)}/${name}` : name;
}

/**
 * `raw` normalized as entry.ts says: relative, without `.` or empty
 * components ('' is the root). Absolute names and `..` components are refused:
 * they would land outside the root. `entry` and `what` name it in the error.
 */
export function normalize(raw: string, entry: string, what: string): string {
  // umoci's `insert SRC /` writes the root itself as "/": a directory entry for
  // the root (readTar skips it), not a name outside it.
  if (what === 'name' && /^\/+$/.test(raw)) return '';
  if (raw.startsWith('/')) throw new TarError(`${entry}: absolute ${what} ${JSON.stringify(raw)} refused`);
  if (raw.includes('\0')) throw new TarError(`${entry}: ${what} contains a NUL byte`);
  const parts = raw.split('/');
  let clean = true;
  for (const p of parts) {
    if (p === '..') throw new TarError(`${entry}: ${what} ${JSON.stringify(raw)} has a '..' component: refused`);
    if (p === '' || p === '.') clean = false;
  }
  return clean ? raw : parts.filter((p) => p !== '' && p !== '.').join('/');
}

/** A header's checksum must match its bytes (summed unsigned, or signed as some old tars did). */
function verifyChecksum(h: Uint8Array, at: number): void {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= F.CHKSUM && i < F.CHKSUM + 8 ? 0x20 : h[i];
    unsigned += b;
    signed += b < 0x80 ? b : b - 0x100;
  }
  const stored = octal(h, F.CHKSUM, 8);
  if (stored !== unsigned && stored !== signed) {
    throw new TarError(`corrupt header at byte ${at} (${JSON.stringify(text(h, F.NAME, L.NAME))}): checksum ${Number.isNaN(stored) ? 'unreadable' : stored} != ${unsigned}`);
  }
}

function isZero(h: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (h[i] !== 0) return false;
  return true;
}

/** Data is padded with zeros to a whole block. */
function pad(n: number): number {
  return (BLOCK - (n % BLOCK)) % BLOCK;
}

/**
 * A numeric header field: octal digits (leading spaces, ending at a space or
 * NUL), or GNU's base-256 (high bit of the first byte set; 0xff: negative,
 * which only `mtime` may be).
 */
function num(h: Uint8Array, off: number, len: number, field: string, entry: string, at: number, signed = false): number {
  const v = h[off] & 0x80 ? base256(h, off, len) : octal(h, off, len);
  if (Number.isNaN(v) || (v < 0 && !signed)) throw new TarError(`${entry}: corrupt header at byte ${at}: bad ${field} field`);
  return v;
}

/** Octal digits; NaN when a byte is no digit, space or NUL. */
function octal(h: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let i = off;
  while (i < end && h[i] === 0x20) i++;
  let v = 0;
  for (; i < end; i++) {
    const c = h[i];
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) return NaN;
    v = v * 8 + (c - 0x30);
  }
  return v;
}

/** Big-endian two's complement in the field's bytes after the marker bit; NaN beyond 2^53. */
function base256(h: Uint8Array, off: number, len: number): number {
  const negative = h[off] === 0xff;
  let v = negative ? 0 : h[off] & 0x7f;
  for (let i = off + 1; i < off + len; i++) v = v * 256 + (negative ? 0xff - h[i] : h[i]);
  if (!Number.isSafeInteger(v)) return NaN;
  return negative ? -v - 1 : v;
}

const utf8 = new TextDecoder();

/** A NUL-terminated (or field-long) string: ASCII directly, anything else as UTF-8. */
function text(b: Uint8Array, off: number, len: number): string {
  const lim = off + len;
  let end = off;
  let ascii = true;
  while (end < lim && b[end] !== 0) {
    if (b[end] > 0x7f) ascii = false;
    end++;
  }
  if (!ascii || end - off > 4096) return utf8.decode(b.subarray(off, end));
  return String.fromCharCode.apply(null, b.subarray(off, end) as unknown as number[]);
}

function typeName(type: number): string {
  const c = String.fromCharCode(type);
  const known = type === T.GNU_SPARSE ? ' (GNU sparse file)' : '';
  return (type >= 0x20 && type < 0x7f ? `'${c}'` : `0x${type.toString(16)}`) + known;
}

/** An extended header's body (pax records or a GNU long name), copied whole. */
async function readMeta(r: Cursor, h: Uint8Array, at: number): Promise<Uint8Array> {
  const size = num(h, F.SIZE, L.NUM, 'size', 'extended header', at);
  if (size > MAX_META) throw new TarError(`extended header at byte ${at} is ${size} bytes (more than ${MAX_META})`);
  const pieces: Uint8Array[] = [];
  if (!(await r.take(size, pieces)) || !(await r.take(pad(size), null))) {
    throw new TarError(`truncated: the stream ends inside the extended header at byte ${at}`);
  }
  return pieces.length === 1 ? pieces[0] : concatBytes(pieces, size);
}

/**
 * pax records, "LEN KEYWORD=VALUE\n" each, LEN counting the whole record in
 * bytes. Sparse files (GNU.sparse.*) are refused: their data is not the file.
 */
function parsePax(b: Uint8Array, at: number): Pax {
  const out: Pax = new Map();
  let i = 0;
  while (i < b.length && b[i] !== 0) {
    let len = 0;
    let j = i;
    while (j < b.length && b[j] >= 0x30 && b[j] <= 0x39) len = len * 10 + (b[j++] - 0x30);
    const end = i + len;
    if (j === i || b[j] !== 0x20 || end > b.length || b[end - 1] !== 0x0a) {
      throw new TarError(`corrupt pax extended header at byte ${at}: bad record at offset ${i}`);
    }
    const record = utf8.decode(b.subarray(j + 1, end - 1));
    const eq = record.indexOf('=');
    if (eq <= 0) throw new TarError(`corrupt pax extended header at byte ${at}: record without '='`);
    const key = record.slice(0, eq);
    if (key.startsWith('GNU.sparse.')) throw new TarError(`unsupported GNU sparse file (pax header at byte ${at})`);
    out.set(key, record.slice(eq + 1));
    i = end;
  }
  return out;
}

/** Records of `from` into `into`. A zero-length value is kept as '': withGlobal reads it as "deleted". */
function mergePax(into: Pax, from: Pax): Pax {
  for (const [k, v] of from) into.set(k, v);
  return into;
}

/** An entry's effective pax values: its own over the global ones, '' meaning "use the header field". */
function withGlobal(global: Pax, own: Pax | null): Pax {
  const all = new Map(global);
  if (own) for (const [k, v] of own) all.set(k, v);
  for (const [k, v] of all) if (v === '') all.delete(k);
  return all;
}

/** A pax decimal value (uid, gid, size, SCHILY.dev*), or null when absent. */
function paxNum(pax: Pax | null, key: string, entry: string): number | null {
  const v = pax?.get(key);
  if (v === undefined) return null;
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(n)) throw new TarError(`${entry}: bad pax ${key} ${JSON.stringify(v)}`);
  return n;
}

/** A pax time, "[-]SECONDS[.FRACTION]", in nanoseconds (digits past the ninth dropped). */
function paxTime(v: string, entry: string): bigint {
  const m = /^(-?)([0-9]+)(?:\.([0-9]*))?$/.exec(v);
  if (!m) throw new TarError(`${entry}: bad pax mtime ${JSON.stringify(v)}`);
  const ns = BigInt(m[2]) * NS + BigInt((m[3] ?? '').slice(0, 9).padEnd(9, '0'));
  return m[1] ? -ns : ns;
}

/** Where the reader is in the archive. `offset` counts the bytes consumed. */
interface Cursor {
  readonly offset: number;
  /** The next 512 bytes; null at the end of the archive. Throws when it ends inside the block. */
  block(): Promise<Uint8Array | null>;
  /** The next `n` bytes, pushed to `out` (dropped when null); false when the archive ends first. */
  take(n: number, out: Uint8Array[] | null): Promise<boolean>;
  /** Read the rest and drop it. */
  drain(): Promise<void>;
  /** Let the source go (a consumer that stopped early, or an error). */
  close(): Promise<void>;
}

/** How much of a stored tar FileCursor reads at once: a run of small files' headers in one read. */
const WINDOW = 64 * 1024;

/**
 * A stored tar: headers and extended headers are read where they are, data
 * that is dropped is skipped without reading. Headers come through a window
 * of the file (one read for the headers of many small files).
 */
class FileCursor implements Cursor {
  offset = 0;
  private readonly window = new Uint8Array(WINDOW);
  private windowAt = 0;
  private windowLength = 0;

  constructor(private readonly f: BlobFile) {}

  async block(): Promise<Uint8Array | null> {
    if (this.offset >= this.f.size) return null;
    if (this.f.size - this.offset < BLOCK) throw new TarError(`truncated: the stream ends inside the header at byte ${this.offset}`);
    if (this.offset < this.windowAt || this.offset + BLOCK > this.windowAt + this.windowLength) {
      this.windowAt = this.offset;
      this.windowLength = this.f.read(this.window, this.offset);
      if (this.windowLength < BLOCK) throw new TarError(`truncated: the stream ends inside the header at byte ${this.offset}`);
    }
    const b = this.window.slice(this.offset - this.windowAt, this.offset - this.windowAt + BLOCK);
    this.offset += BLOCK;
    return b;
  }

  async take(n: number, out: Uint8Array[] | null): Promise<boolean> {
    const k = Math.min(n, this.f.size - this.offset);
    if (out && k > 0) {
      const b = new Uint8Array(k);
      const got = this.f.read(b, this.offset);
      out.push(b.subarray(0, got));
      if (got < k) {
        this.offset += got;
        return false;
      }
    }
    this.offset += k;
    return k === n;
  }

  async drain(): Promise<void> {
    this.offset = this.f.size;
  }

  async close(): Promise<void> {}
}

/**
 * The input stream as a cursor over its current chunk. Blocks and data are
 * handed out as views of the chunks; only a header split across chunks is
 * copied.
 */
class StreamCursor implements Cursor {
  private chunk: Uint8Array = new Uint8Array(0);
  private pos = 0;
  offset = 0;
  private ended = false;

  constructor(private readonly it: AsyncIterator<Uint8Array>) {}

  /** Make sure the current chunk has bytes left; false at the end of the stream. */
  private async fill(): Promise<boolean> {
    while (this.pos === this.chunk.length) {
      if (this.ended) return false;
      const r = await this.it.next();
      if (r.done) {
        this.ended = true;
        return false;
      }
      this.chunk = r.value;
      this.pos = 0;
    }
    return true;
  }

  /** The next 512 bytes; null at the end of the stream. Throws when it ends inside the block. */
  async block(): Promise<Uint8Array | null> {
    if (this.chunk.length - this.pos >= BLOCK) {
      const b = this.chunk.subarray(this.pos, this.pos + BLOCK);
      this.pos += BLOCK;
      this.offset += BLOCK;
      return b;
    }
    if (!(await this.fill())) return null;
    const b = new Uint8Array(BLOCK);
    const at = this.offset;
    const parts: Uint8Array[] = [];
    if (!(await this.take(BLOCK, parts))) throw new TarError(`truncated: the stream ends inside the header at byte ${at}`);
    let o = 0;
    for (const p of parts) {
      b.set(p, o);
      o += p.length;
    }
    return b;
  }

  /** The next `n` bytes, as views pushed to `out` (dropped when null); false when the stream ends first. */
  async take(n: number, out: Uint8Array[] | null): Promise<boolean> {
    while (n > 0) {
      if (this.pos === this.chunk.length && !(await this.fill())) return false;
      const k = Math.min(n, this.chunk.length - this.pos);
      if (out) out.push(this.chunk.subarray(this.pos, this.pos + k));
      this.pos += k;
      this.offset += k;
      n -= k;
    }
    return true;
  }

  /** Read the rest of the stream and drop it. */
  async drain(): Promise<void> {
    this.pos = this.chunk.length;
    while (await this.fill()) this.pos = this.chunk.length;
  }

  /** Let the source go (a consumer that stopped early, or an error). */
  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.it.return?.();
    }
  }
}

/**
 * Whether `b` opens a tar archive: a header whose checksum holds, or the zero
 * block of an empty archive (compression.ts sniffs layers with it).
 */
export function looksLikeTar(b: Uint8Array): boolean {
  if (b.length < BLOCK) return false;
  const h = b.subarray(0, BLOCK);
  if (isZero(h)) return true;
  try {
    verifyChecksum(h, 0);
    return true;
  } catch (_) {
    return false;
  }
}
