import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { gzipSync } from 'node:zlib';
import { gzipSync as fflateGzip } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserInflate } from '../host/browser/inflate.js';
import { nodeInflate } from '../host/node/inflate.js';
import { chunked, gnuTar, makeTree, noise, readAll, type Read } from '../../test/support/tarball.js';
import {
  LayerFormatError, decompressLayer, gunzip, layerCompression, sniffCompression, unzstd, type Inflater,
} from './compression.js';
import { readTar } from './tar.js';

const OCI = 'application/vnd.oci.image.layer.v1.tar';
const DOCKER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/** zstd by the reference CLI (fzstd only decodes). CI installs it (.ci/run). */
function zstd(data: Uint8Array, args: string[] = []): Uint8Array {
  const r = spawnSync('zstd', ['-q', '-c', ...args], { input: data, maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`zstd CLI needed for these tests (apt-get install zstd): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`zstd: ${r.stderr.toString()}`);
  return r.stdout;
}

const digested = (entries: Read[]) => entries.map(({ bytes, ...e }) => ({ ...e, sha256: createHash('sha256').update(bytes).digest('hex') }));

async function entriesOf(mediaType: string, blob: Uint8Array, inflate?: Inflater, chunk = 64 * 1024) {
  return digested(await readAll(readTar(decompressLayer(mediaType, chunked(blob, chunk), { inflate }))));
}

async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const p of stream) parts.push(p);
  return Buffer.concat(parts);
}

describe('layer media types', () => {
  it('names the compression of OCI and Docker layer types', () => {
    expect(layerCompression(OCI)).toBe('none');
    expect(layerCompression(`${OCI}+gzip`)).toBe('gzip');
    expect(layerCompression(`${OCI}+zstd`)).toBe('zstd');
    expect(layerCompression('application/vnd.oci.image.layer.nondistributable.v1.tar+gzip')).toBe('gzip');
    expect(layerCompression('application/vnd.oci.image.layer.nondistributable.v1.tar+zstd')).toBe('zstd');
    expect(layerCompression(DOCKER_GZIP)).toBe('gzip');
    expect(layerCompression('application/vnd.docker.image.rootfs.diff.tar')).toBe('none');
    expect(layerCompression('application/vnd.docker.image.rootfs.foreign.diff.tar.gzip')).toBe('gzip');
  });

  it('refuses an unsupported media type with an error naming it', async () => {
    for (const t of [`${OCI}+bzip2`, `${OCI}+gzip+encrypted`, 'application/vnd.wasm.content.layer.v1+wasm', 'toString']) {
      expect(() => layerCompression(t)).toThrow(LayerFormatError);
      expect(() => layerCompression(t)).toThrow(`unsupported layer media type ${JSON.stringify(t)}`);
    }
    await expect(bytesOf(decompressLayer(`${OCI}+lz4`, chunked(new Uint8Array(1024), 512)))).rejects.toThrow(/\+lz4/);
  });

  it('sniffs gzip, zstd (and its skippable frames) from the first bytes', () => {
    expect(sniffCompression(gzipSync('x'))).toBe('gzip');
    expect(sniffCompression(zstd(Buffer.from('x')))).toBe('zstd');
    expect(sniffCompression(new Uint8Array([0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0]))).toBe('zstd');
    expect(sniffCompression(new Uint8Array(512))).toBe(null);
  });
});

describe('decompressLayer', () => {
  let root: string;
  let tar: Uint8Array;
  let want: Awaited<ReturnType<typeof entriesOf>>;
  beforeAll(async () => {
    root = makeTree({ long: true });
    tar = gnuTar(root, 'posix', ['.']);
    want = await entriesOf(OCI, tar);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('passes an uncompressed tar through', async () => {
    expect(want.length).toBeGreaterThan(10);
    expect(await entriesOf(`${OCI}`, tar, undefined, 511)).toEqual(want);
  });

  it('gives the same entries through node:zlib, DecompressionStream and the fflate fallback', async () => {
    const gz = gzipSync(tar);
    expect(await entriesOf(`${OCI}+gzip`, gz, nodeInflate)).toEqual(want);
    expect(await entriesOf(DOCKER_GZIP, gz, browserInflate, 513)).toEqual(want);
    expect(await entriesOf(`${OCI}+gzip`, gz, undefined, 511)).toEqual(want);
    // fflate's compressor too (the one tabkernel builds layers with).
    expect(await entriesOf(`${OCI}+gzip`, fflateGzip(tar), nodeInflate)).toEqual(want);
  });

  it('reads multi-member gzip with every inflater', async () => {
    const two = Buffer.concat([gzipSync(tar.subarray(0, 100_000)), gzipSync(tar.subarray(100_000))]);
    for (const inflate of [nodeInflate, browserInflate, undefined]) {
      expect(await entriesOf(`${OCI}+gzip`, two, inflate)).toEqual(want);
    }
  });

  it('reads zstd made by the zstd CLI, in any chunk size, several frames too', async () => {
    const z = zstd(tar);
    expect(await entriesOf(`${OCI}+zstd`, z)).toEqual(want);
    expect(await entriesOf(`${OCI}+zstd`, z, undefined, 513)).toEqual(want);
    const frames = Buffer.concat([zstd(tar.subarray(0, 70_000)), zstd(tar.subarray(70_000), ['-19'])]);
    expect(await entriesOf(`${OCI}+zstd`, frames, undefined, 4096)).toEqual(want);
  });

  it('reads what the bytes are when the media type mislabels them (plain tar as gzip, gzip as tar, zstd as gzip)', async () => {
    expect(await entriesOf(`${OCI}+gzip`, tar, nodeInflate)).toEqual(want);
    expect(await entriesOf(OCI, gzipSync(tar))).toEqual(want);
    expect(await entriesOf(DOCKER_GZIP, zstd(tar), nodeInflate)).toEqual(want);
  });

  it('refuses bytes that are neither compressed nor a tar, naming the media type', async () => {
    await expect(entriesOf(`${OCI}+gzip`, noise(4096))).rejects.toThrow(
      new RegExp(`layer of type ${OCI.replace(/\./g, '\\.')}\\+gzip is not gzip data or a tar \\(it starts with [0-9a-f ]+\\)`),
    );
    await expect(entriesOf(OCI, new Uint8Array(0))).rejects.toThrow(/is not a tar \(it starts with nothing/);
  });

  it('fails on corrupt or truncated gzip and zstd, naming the media type', async () => {
    const gz = gzipSync(tar);
    const cut = gz.subarray(0, gz.length >> 1);
    for (const inflate of [nodeInflate, browserInflate, undefined]) {
      await expect(entriesOf(`${OCI}+gzip`, cut, inflate), String(inflate)).rejects.toThrow(/layer of type .*\+gzip: corrupt gzip data/);
    }
    const bad = Buffer.from(gz);
    bad.fill(0xa5, 2000, 2100);
    await expect(entriesOf(`${OCI}+gzip`, bad, nodeInflate)).rejects.toThrow(/corrupt gzip data/);
    const z = zstd(tar);
    await expect(entriesOf(`${OCI}+zstd`, z.subarray(0, z.length - 1000))).rejects.toThrow(/corrupt zstd data/);
  });

  it('streams: the decoders hand out many chunks, not one', async () => {
    const big = noise(2 << 20);
    let n = 0;
    for await (const c of unzstd(chunked(zstd(big), 65536))) n += c.length > 0 ? 1 : 0;
    expect(n).toBeGreaterThan(4);
    n = 0;
    for await (const c of gunzip(chunked(gzipSync(big), 65536))) n += c.length > 0 ? 1 : 0;
    expect(n).toBeGreaterThan(4);
  });

  it('carries an error of the source through every inflater, unwrapped (it is no corruption)', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield gzipSync(tar).subarray(0, 1000);
      throw new Error('network gone');
    }
    for (const inflate of [nodeInflate, browserInflate]) {
      await expect(bytesOf(inflate(failing()))).rejects.toThrow(/network gone/);
    }
    for (const inflate of [nodeInflate, browserInflate, undefined]) {
      await expect(bytesOf(decompressLayer(`${OCI}+gzip`, failing(), { inflate })), String(inflate)).rejects.toThrow(/^network gone$/);
    }
  });

  it('lets go of the source when the reader stops early', async () => {
    const gz = gzipSync(tar);
    for (const inflate of [nodeInflate, browserInflate, undefined]) {
      let closed = false;
      async function* source(): AsyncGenerator<Uint8Array> {
        try {
          yield* chunked(gz, 4096);
        } finally {
          closed = true;
        }
      }
      for await (const e of readTar(decompressLayer(`${OCI}+gzip`, source(), { inflate }))) if (e.path === 'bin') break;
      await new Promise((r) => setTimeout(r, 10));
      expect(closed, String(inflate)).toBe(true);
    }
  });
});
