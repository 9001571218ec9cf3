// Layer unpack throughput, the reading half: a ~50 MiB layer (the userland's
// wasm binaries copied until they make half of it, then the small files
// (≤ 64 KiB) of node_modules for many entries) read by image/tar.ts, plain
// and through each decoder (image/compression.ts with node:zlib,
// DecompressionStream, fflate; fzstd). MB/s counts the tar's bytes; each run
// touches every data piece, as an unpacker copying it would.
// Run: node bench/layer.js [MiB] (not part of `npm run bench`'s suite yet).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { browserInflate } from '../../kernel/host/browser/inflate.js';
import { nodeInflate } from '../../kernel/host/node/inflate.js';
import { decompressLayer, type Inflater } from '../../kernel/image/compression.js';
import { readTar } from '../../kernel/image/tar.js';

const MiB = 1 << 20;

/** The layer's tree: binaries to half of `size`, then the small files of node_modules. */
function makeLayer(root: string, size: number): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-bench-'));
  let bytes = 0;
  for (let copy = 0; bytes < size / 2; copy++) {
    fs.mkdirSync(path.join(dir, `bin${copy}`));
    for (const f of fs.readdirSync(path.join(root, 'userland/rootfs/bin'))) {
      const src = path.join(root, 'userland/rootfs/bin', f);
      if (!fs.lstatSync(src).isFile()) continue;
      fs.copyFileSync(src, path.join(dir, `bin${copy}`, f));
      bytes += fs.statSync(src).size;
    }
  }
  const walk = (from: string, to: string): void => {
    for (const e of fs.readdirSync(from, { withFileTypes: true })) {
      if (bytes >= size) return;
      if (e.isDirectory() && e.name !== '.cache') {
        fs.mkdirSync(path.join(to, e.name));
        walk(path.join(from, e.name), path.join(to, e.name));
      } else if (e.isFile()) {
        const size = fs.statSync(path.join(from, e.name)).size;
        if (size > 64 * 1024) continue; // small files only: the per-entry cost
        fs.copyFileSync(path.join(from, e.name), path.join(to, e.name));
        bytes += size;
      }
    }
  };
  for (let copy = 0; bytes < size; copy++) {
    fs.mkdirSync(path.join(dir, `lib${copy}`));
    walk(path.join(root, 'node_modules'), path.join(dir, `lib${copy}`));
  }
  const r = spawnSync('tar', ['-c', '--format=posix', '--sort=name', '-C', dir, '.'], { maxBuffer: 1 << 30 });
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`tar: ${r.stderr}`);
  return r.stdout;
}

async function* chunked(buf: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, Math.min(i + size, buf.length));
}

/** Read every entry, touching each piece of data (as an unpacker copying it would). */
async function consume(stream: AsyncIterable<Uint8Array>): Promise<number> {
  let entries = 0;
  let sum = 0;
  for await (const e of readTar(stream)) {
    entries++;
    for (const d of e.data) sum += d[0] ?? 0;
  }
  return entries + (sum & 0);
}

async function measure(name: string, tarBytes: number, run: () => Promise<number>): Promise<void> {
  const times: number[] = [];
  let entries = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    entries = await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mbps = (ms: number) => (tarBytes / 1e6 / (ms / 1000)).toFixed(0);
  console.log(`${name.padEnd(34)} ${mbps(times[2]).padStart(5)} MB/s median  (${mbps(times[4])}–${mbps(times[0])}; ${entries} entries)`);
}

export async function main(root: string, mib: number): Promise<void> {
  const tar = makeLayer(root, mib * MiB);
  const gz = gzipSync(tar);
  const zs = spawnSync('zstd', ['-q', '-c'], { input: tar, maxBuffer: 1 << 30 }).stdout;
  console.log(`layer: tar ${(tar.length / MiB).toFixed(1)} MiB, gzip ${(gz.length / MiB).toFixed(1)} MiB, zstd ${(zs.length / MiB).toFixed(1)} MiB; node ${process.version}; MB/s of tar bytes, 5 runs`);
  const chunk = 64 * 1024;
  await measure('tar (64 KiB chunks)', tar.length, () => consume(chunked(tar, chunk)));
  await measure('tar (4 KiB chunks)', tar.length, () => consume(chunked(tar, 4096)));
  const gzType = 'application/vnd.oci.image.layer.v1.tar+gzip';
  const inflaters: Array<[string, Inflater | undefined]> = [['node:zlib', nodeInflate], ['DecompressionStream', browserInflate], ['fflate', undefined]];
  for (const [name, inflate] of inflaters) {
    await measure(`gunzip (${name}) + tar`, tar.length, () => consume(decompressLayer(gzType, chunked(gz, chunk), { inflate })));
  }
  await measure('unzstd (fzstd) + tar', tar.length, () => consume(decompressLayer('application/vnd.oci.image.layer.v1.tar+zstd', chunked(zs, chunk))));
}
