// A ~50 MiB gzip image layer made from a recipe, the same bytes on every host
// that has the same programs: what the browser's image.unpack case unpacks
// (bench/browser/images.ts), where no registry or umoci is at hand. It
// mirrors the Node fixture's big layer (bench/image/fixture.ts) part for part:
//  - bin/: the root image's programs, and lib/N/ further copies of them
//    (wasm code, as flite.wasm and the others are in the fixture) until the
//    programs make PROGRAMS bytes;
//  - share/src/: SMALL bytes of small text files (40 dirs of ~30, 64 B–10 KiB
//    of words, ~1,200 entries) for the per-entry cost (the fixture's
//    node_modules files);
//  - data/: seeded noise, NOISE_RANDOM bytes of random bytes and NOISE_TEXT of
//    random hex text, in 1 MiB files, so the layer compresses about as a
//    real one does (the fixture's: 76.7 MB of tar into 52.7 MB).
// The tar is ustar written here (regular files and directories, mtime 0,
// names under 100 bytes); gzip is fflate's (level 6, no mtime), the
// compressor tabkernel builds images with, so the blob's digest is fixed.
// Host-neutral: no DOM, no node:*.
// Spec: POSIX.1-2017 pax(1) "ustar Interchange Format"; RFC 1952 (gzip).
import { gzipSync } from 'fflate';

const MiB = 1 << 20;
const PROGRAMS = 25.5 * MiB;
const SMALL = 6 * MiB;
const NOISE_RANDOM = 22 * MiB;
const NOISE_TEXT = 20 * MiB;

export interface SyntheticLayer {
  /** The layer blob (gzip). */
  gz: Uint8Array;
  /** Bytes of the tar inside it. */
  tarBytes: number;
  entries: number;
}

/** xorshift32: the recipe's only source of noise. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function randomBytes(seed: number, size: number): Uint8Array {
  const next = rng(seed);
  const out = new Uint8Array(size);
  const w = new Uint32Array(out.buffer, 0, size >>> 2);
  for (let i = 0; i < w.length; i++) w[i] = next();
  return out;
}

const HEX = new TextEncoder().encode('0123456789abcdef');

/** Random hex text: `size` characters, a newline every 64. */
function hexText(seed: number, size: number): Uint8Array {
  const raw = randomBytes(seed, size >>> 1);
  const out = new Uint8Array(size);
  for (let i = 0; i < raw.length; i++) {
    out[2 * i] = HEX[raw[i] >>> 4];
    out[2 * i + 1] = HEX[raw[i] & 15];
  }
  for (let i = 64; i < size; i += 65) out[i] = 0x0a;
  return out;
}

const WORDS = ('const let function return if else for while import export from default class extends new this ' +
  'async await yield true false null undefined typeof instanceof throw try catch finally switch case break ' +
  'continue value length index buffer result options error callback module require exports object array ' +
  'string number push map filter reduce slice join split node path file data stream read write open close').split(' ');
const PUNCT = ['(', ')', '{', '}', ';', '.', ',', ' = ', ' => ', '\n', '\n  ', ' '];

/** A small source-like text file of `size` bytes. */
function textFile(seed: number, size: number): Uint8Array {
  const next = rng(seed);
  let s = '';
  while (s.length < size) s += WORDS[next() % WORDS.length] + PUNCT[next() % PUNCT.length];
  return new TextEncoder().encode(s.slice(0, size));
}

/** Writes a ustar archive into a list of blocks. */
class TarWriter {
  readonly parts: Uint8Array[] = [];
  bytes = 0;
  entries = 0;

  dir(name: string): void {
    this.header(`${name}/`, 0o755, 0, 0x35 /* '5' */);
  }

  file(name: string, mode: number, data: Uint8Array): void {
    this.header(name, mode, data.length, 0x30 /* '0' */);
    this.push(data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) this.push(new Uint8Array(pad));
  }

  /** The two zero blocks that end an archive; the whole tar. */
  finish(): Uint8Array {
    this.push(new Uint8Array(1024));
    const out = new Uint8Array(this.bytes);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private header(name: string, mode: number, size: number, type: number): void {
    if (name.length >= 100) throw new Error(`synthetic layer: name too long for ustar: ${name}`);
    const h = new Uint8Array(512);
    const put = (off: number, s: string) => h.set(new TextEncoder().encode(s), off);
    const octal = (off: number, len: number, v: number) => put(off, v.toString(8).padStart(len - 1, '0'));
    put(0, name);
    octal(100, 8, mode);
    octal(108, 8, 0); // uid
    octal(116, 8, 0); // gid
    octal(124, 12, size);
    octal(136, 12, 0); // mtime
    h[156] = type;
    put(257, 'ustar\0');
    put(263, '00');
    // The checksum: the header's bytes summed with its own field as spaces.
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    put(148, sum.toString(8).padStart(6, '0') + '\0 ');
    this.push(h);
    this.entries++;
  }

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.bytes += b.length;
  }
}

/** The layer, from `programs` (name → bytes: the root image's bin/). */
export function syntheticLayer(programs: ReadonlyArray<readonly [string, Uint8Array]>): SyntheticLayer {
  if (programs.length === 0) throw new Error('synthetic layer: no programs');
  const sorted = [...programs].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const t = new TarWriter();
  // 1. The programs, then copies until they make PROGRAMS bytes.
  let code = 0;
  for (let copy = 0; code < PROGRAMS; copy++) {
    const dir = copy === 0 ? 'bin' : `lib/${copy}`;
    if (copy === 1) t.dir('lib');
    t.dir(dir);
    for (const [name, data] of sorted) {
      if (code >= PROGRAMS) break;
      t.file(`${dir}/${name}`, 0o755, data);
      code += data.length;
    }
  }
  // 2. Small text files.
  t.dir('share');
  t.dir('share/src');
  const sizes = rng(7);
  let small = 0;
  for (let d = 0; small < SMALL; d++) {
    t.dir(`share/src/pkg${d}`);
    for (let f = 0; f < 30 && small < SMALL; f++) {
      const size = 64 + (sizes() % (10 * 1024 - 64));
      t.file(`share/src/pkg${d}/file${f}.js`, 0o644, textFile(d * 1000 + f, size));
      small += size;
    }
  }
  // 3. Noise.
  t.dir('data');
  for (let i = 0; i * MiB < NOISE_RANDOM; i++) t.file(`data/random-${i}.bin`, 0o644, randomBytes(1000 + i, MiB));
  for (let i = 0; i * MiB < NOISE_TEXT; i++) t.file(`data/text-${i}.txt`, 0o644, hexText(2000 + i, MiB));
  const tar = t.finish();
  return { gz: gzipSync(tar, { level: 6, mtime: 0 }), tarBytes: tar.length, entries: t.entries };
}
