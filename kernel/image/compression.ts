// Layer compression: from a layer's media type and its bytes to the tar
// stream that tar.ts reads. gzip goes through the host's native inflater when
// it gives one (host/node/inflate.ts: node:zlib; host/browser/inflate.ts:
// DecompressionStream — both about twice fflate's speed, notes/IMAGES.md),
// else through fflate's streaming Gunzip; zstd through fzstd's streaming
// decoder; an uncompressed tar passes through.
//
// The media type says whether this is a layer at all: one that is not in
// LAYER_MEDIA_TYPES (encrypted layers, foreign formats) is refused with an
// error naming it. What the bytes are is then sniffed from their first block,
// as containerd and moby do: a layer labelled gzip that is really a plain tar
// (or the other way round) is read as what it is. This is safe because the
// blob's digest was verified before (the label decides nothing about trust),
// and kind to registries that mislabel. Bytes that are neither gzip, zstd nor
// a tar are refused with an error naming the media type and the first bytes.
// fflate and fzstd are imported when a stream first needs them: evaluating
// them builds their tables (10–40 ms on the 2-core VM), which every start of
// the CLI paid before, though a run that unpacks no layer never uses them.
// Spec: OCI image-spec media-types.md and layer.md; Docker image manifest v2
// schema 2; RFC 1952 (gzip magic), RFC 8878 (zstd frame magic).
import { looksLikeTar } from './tar.js';
import { concatBytes } from '../lib/bytes.js';

export type ByteStream = AsyncIterable<Uint8Array>;

/**
 * A host's native gzip decoder: node:zlib's createGunzip in Node,
 * DecompressionStream('gzip') in the browser. It must hand out chunks it does
 * not reuse: the tar reader keeps views of them as file data.
 */
export type Inflater = (input: ByteStream) => ByteStream;

export type Compression = 'none' | 'gzip' | 'zstd';

/** The layer media types this kernel reads, and the compression each names. */
export const LAYER_MEDIA_TYPES: Readonly<Record<string, Compression>> = {
  'application/vnd.oci.image.layer.v1.tar': 'none',
  'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
  // Deprecated by the spec, but still valid and still met.
  'application/vnd.oci.image.layer.nondistributable.v1.tar': 'none',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd': 'zstd',
  'application/vnd.docker.image.rootfs.diff.tar': 'none',
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'gzip',
};

/** A layer this kernel cannot decode; the message names its media type. */
export class LayerFormatError extends Error {
  override name = 'LayerFormatError';
}

/** The compression `mediaType` names; throws LayerFormatError for one that is no layer this kernel reads. */
export function layerCompression(mediaType: string): Compression {
  const bare = mediaType.split(';')[0].trim().toLowerCase();
  const c = Object.hasOwn(LAYER_MEDIA_TYPES, bare) ? LAYER_MEDIA_TYPES[bare] : undefined;
  if (c === undefined) throw new LayerFormatError(`unsupported layer media type ${JSON.stringify(mediaType)} (unsupported compression or not a tar layer)`);
  return c;
}

/** The compression the first bytes show (gzip: 1f 8b 08; zstd: a frame or a skippable frame), or null. */
export function sniffCompression(head: Uint8Array): Compression | null {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  if (head.length >= 4 && (head[0] & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18) return 'zstd';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return null;
}

export interface DecompressOptions {
  /** The host's native gzip decoder; fflate when absent. */
  inflate?: Inflater;
}

/**
 * The tar stream inside a layer blob of `mediaType`. Throws (while iterated)
 * LayerFormatError for an unsupported media type, bytes that are no layer,
 * or corrupt compressed data; an error of `input` itself passes through as it is.
 */
export async function* decompressLayer(mediaType: string, input: ByteStream, opts: DecompressOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const declared = layerCompression(mediaType);
  const { head, rest, cancel } = await peek(input, 512);
  const actual = sniffCompression(head) ?? (looksLikeTar(head) ? 'none' : null);
  if (actual === null) {
    const what = declared === 'none' ? 'a tar' : `${declared} data or a tar`;
    await cancel();
    throw new LayerFormatError(`layer of type ${mediaType} is not ${what} (it starts with ${hex(head.subarray(0, 8))})`);
  }
  if (actual === 'none') {
    yield* rest;
    return;
  }
  const decode = actual === 'zstd' ? unzstd : (opts.inflate ?? gunzip);
  const failures = new WeakSet<object>();
  try {
    yield* decode(marked(rest, failures));
  } catch (e) {
    // The source's own failure (a network error) is no corruption: pass it on as it is.
    if (typeof e === 'object' && e !== null && failures.has(e)) throw e;
    throw new LayerFormatError(`layer of type ${mediaType}: corrupt ${actual} data: ${(e as Error).message}`, { cause: e });
  }
}

/** `input`, with each error it throws recorded in `failures` (so it can be told from a decoder's). */
async function* marked(input: ByteStream, failures: WeakSet<object>): AsyncGenerator<Uint8Array> {
  try {
    yield* input;
  } catch (e) {
    if (typeof e === 'object' && e !== null) failures.add(e);
    throw e;
  }
}

/** gunzip in JavaScript (fflate's streaming Gunzip, multi-member), for hosts without a native inflater. */
export function gunzip(input: ByteStream): AsyncGenerator<Uint8Array, void, undefined> {
  return pushed(async (emit) => new (await import('fflate')).Gunzip(emit), input);
}

/** zstd (fzstd's streaming decoder, all frames of the stream). */
export function unzstd(input: ByteStream): AsyncGenerator<Uint8Array, void, undefined> {
  return pushed(async (emit) => new (await import('fzstd')).Decompress(emit), input);
}

/** A push-style decoder (fflate's and fzstd's shape: push(chunk, final), output to a callback) as a stream. */
async function* pushed(
  make: (emit: (chunk: Uint8Array) => void) => Promise<{ push(chunk: Uint8Array, final?: boolean): void }>,
  input: ByteStream,
): AsyncGenerator<Uint8Array, void, undefined> {
  const out: Uint8Array[] = [];
  const d = await make((chunk) => {
    if (chunk.length) out.push(chunk);
  });
  for await (const chunk of input) {
    d.push(chunk);
    yield* drainQueue(out);
  }
  d.push(new Uint8Array(0), true);
  yield* drainQueue(out);
}

/** What a push-style decoder produced so far; empties `q`. */
function* drainQueue(q: Uint8Array[]): Generator<Uint8Array> {
  for (let i = 0; i < q.length; i++) yield q[i];
  q.length = 0;
}

/** The first `n` bytes of `input` (fewer if it is shorter), and the whole stream again (or `cancel` to drop it). */
async function peek(input: ByteStream, n: number): Promise<{ head: Uint8Array; rest: ByteStream; cancel: () => Promise<unknown> }> {
  const it = input[Symbol.asyncIterator]();
  const first: Uint8Array[] = [];
  let len = 0;
  let done = false;
  while (len < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    first.push(r.value);
    len += r.value.length;
  }
  const head = first.length === 1 ? first[0] : concatBytes(first, len);
  async function* rest(): AsyncGenerator<Uint8Array> {
    try {
      yield* first;
      while (!done) {
        const r = await it.next();
        if (r.done) done = true;
        else yield r.value;
      }
    } finally {
      // Stopped early (perhaps still inside `first`): let the source go.
      if (!done) {
        done = true;
        await it.return?.();
      }
    }
  }
  return { head, rest: rest(), cancel: async () => done || (await it.return?.()) };
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ') || 'nothing: it is empty';
}
