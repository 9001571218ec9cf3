// The browser host's gzip decoder for image layers (image/compression.ts's
// Inflater): DecompressionStream('gzip'), native and faster than fflate
// (notes/IMAGES.md: 186 vs 109 MB/s). Each chunk it reads out is a new buffer,
// so the tar reader may keep views of them.
// Spec: WHATWG Compression Streams; RFC 1952 (gzip).
import type { ByteStream, Inflater } from '../../image/compression.js';

/** gunzip `input`; a corrupt or truncated stream fails the iteration. */
export const browserInflate: Inflater = (input) => through(input, new DecompressionStream('gzip'));

/** `input` pushed through a TransformStream, read out as an async iterable. */
async function* through(input: ByteStream, t: { writable: WritableStream<BufferSource>; readable: ReadableStream<Uint8Array> }): AsyncGenerator<Uint8Array> {
  const writer = t.writable.getWriter();
  const reader = t.readable.getReader();
  // Writes run beside the reads; a write waits while the readable side is full.
  // An input error aborts the writable side, which errors the reads with it.
  const pump = (async () => {
    try {
      for await (const chunk of input) await writer.write(chunk as Uint8Array<ArrayBuffer>);
      await writer.close();
    } catch (e) {
      await writer.abort(e).catch(() => {});
    }
  })();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield value;
    }
  } finally {
    // Stopped early (or failed): cancelling fails the pending write, which ends the pump and the input.
    await reader.cancel().catch(() => {});
    await pump;
  }
}
