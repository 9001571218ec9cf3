// The CLI's standard input as the first process's host stream. Read through
// process.stdin — libuv's stream for a pipe or terminal, not a thread-pool
// read: an fs.read in flight on a pipe would keep the OS process from exiting
// (Node joins its thread pool at exit) — and only while the kernel wants
// bytes: the stream is paused after each chunk, so input the program never
// asks for stays in the pipe for whoever reads it next. `done` is never
// called from inside read(): the kernel parks the reader after asking
// (fs/devices.ts, HostStreamFile), and an answer given before that would
// wake nobody, so a chunk already here is handed over in a microtask.
import type { HostStream } from '../../hostapi.js';

export function processStdin(isatty: boolean): HostStream {
  /** Chunks read ahead of a request; null is end of file (or a read error). */
  const chunks: Array<Uint8Array | null> = [];
  let pending: ((data: Uint8Array | null) => void) | null = null;
  let listening = false;

  const deliver = (): void => {
    if (!pending || chunks.length === 0) return;
    const done = pending;
    pending = null;
    done(chunks.shift()!);
  };
  const listen = (): void => {
    listening = true;
    process.stdin.on('data', (d: Buffer) => {
      process.stdin.pause();
      chunks.push(new Uint8Array(d.buffer, d.byteOffset, d.length));
      deliver();
    });
    process.stdin.on('end', () => (chunks.push(null), deliver()));
    process.stdin.on('error', () => (chunks.push(null), deliver()));
  };

  return {
    isatty,
    // `max` is not passed on: a stream hands over what it has, and the kernel keeps the rest.
    read(_max, done) {
      pending = done;
      if (chunks.length > 0) return queueMicrotask(deliver);
      if (!listening) listen();
      process.stdin.resume();
    },
  };
}
