// The Node host's gzip decoder for image layers (image/compression.ts's
// Inflater): node:zlib, native and about twice as fast as fflate
// (notes/IMAGES.md: 236 vs 109 MB/s). zlib hands out slices of output buffers
// it never writes again, so the tar reader may keep views of them.
// Spec: RFC 1952 (gzip); Node's zlib and stream.pipeline documentation.
import { Readable, pipeline } from 'node:stream';
import type * as NodeZlib from 'node:zlib';
import type { Inflater } from '../../image/compression.js';
import { lazyBuiltin } from './lazy.js';

const zlib = lazyBuiltin<typeof NodeZlib>('node:zlib');

/**
 * Output chunk size. zlib inflates on libuv's thread pool one output chunk at
 * a time, each a round trip to this thread: with zlib's default 16 KiB, and
 * still with 64 KiB, the round trips cost more than the copying after them
 * (bench image.unpack, alternating runs under load: 64 KiB 172 and 202 MB/s
 * median in two sets, 256 KiB 265, 1 MiB 225). Letting zlib run further
 * ahead (a larger readableHighWaterMark) did not help on two cores.
 */
const CHUNK = 256 * 1024;

/** gunzip `input` (multi-member streams too); a corrupt or truncated stream fails the iteration. */
export const nodeInflate: Inflater = (input) => {
  const gunzip = zlib.createGunzip({ chunkSize: CHUNK });
  // pipeline carries an error of either side to the other and ends the source
  // when the consumer stops early; its callback has nothing left to do.
  pipeline(Readable.from(input, { objectMode: false }), gunzip, () => {});
  return gunzip;
};
