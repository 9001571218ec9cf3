import { describe, expect, it } from 'vitest';
import { PRECACHE_MAX_BYTES, precacheOf } from './build.js';

describe('the precache list of a build', () => {
  const file = (fileName: string, bytes: number) => ({ fileName, source: new Uint8Array(bytes) });

  it('lists the page as ./ and every file but source maps and the service worker, sorted', () => {
    const p = precacheOf([file('b.js', 1), file('index.html', 1), file('b.js.map', 1), file('sw.js', 1), file('a.css', 1)]);
    expect(p.files).toEqual(['a.css', 'b.js', './']);
  });

  it('leaves out a file over PRECACHE_MAX_BYTES (the clang layer), which the runtime cache keeps once used', () => {
    const p = precacheOf([file('index.html', 1), file('images/toolchain/blobs/sha256/big', PRECACHE_MAX_BYTES + 1), file('images/toolchain/index.json', 1)]);
    expect(p.files).toEqual(['images/toolchain/index.json', './']);
    expect(precacheOf([file('index.html', 1), file('x', PRECACHE_MAX_BYTES)]).files).toEqual(['./', 'x']);
  });

  it('leaves out Binaryen\'s chunk, which the kernel worker imports only for a program that forks', () => {
    const p = precacheOf([file('index.html', 1), file('assets/binaryen-POwApeNo.js', 1), file('assets/kernel-worker-DW3GFDKt.js', 1)]);
    expect(p.files).toEqual(['assets/kernel-worker-DW3GFDKt.js', './']);
  });
});
