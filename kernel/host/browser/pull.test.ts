// The page's image service (pull.ts pageImageService), as the terminal's
// `image` command uses it: a short built-in name is pulled from the layouts
// beside the page (a fake fetch serves them, streamed in chunks) into the
// IndexedDB store (fake-indexeddb), with the digest the CLI's registry gives
// for the same layout; any other name goes to its registry.
import 'fake-indexeddb/auto';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Policy } from '../../policy/policy.js';
import { digestOf } from '../../../test/support/memory-registry.js';
import { nodeImageService } from '../node/images.js';
import { IdbBlobStore } from './blobstore.js';
import { pageImageService } from './pull.js';

const enc = new TextEncoder();
const PAGE = 'http://page.test/';
const IMAGES = `${PAGE}images/`;
/** The layer is sent in chunks of this size, as a network response comes. */
const CHUNK = 64 << 10;

/** A built-in layout NAME as files by their path under images/: index.json, the manifest, config and a 256 KiB layer. */
function layout(name: string): { files: Map<string, Uint8Array>; manifestDigest: string; layerDigest: string } {
  const files = new Map<string, Uint8Array>();
  const blob = (b: Uint8Array): { digest: string; size: number } => {
    const digest = digestOf(b);
    files.set(`${name}/blobs/sha256/${digest.slice(7)}`, b);
    return { digest, size: b.length };
  };
  const config = blob(enc.encode(JSON.stringify({ os: 'wasip1', architecture: 'wasm', config: { Cmd: ['/bin/sh'] }, rootfs: { type: 'layers', diff_ids: [] } })));
  const layer = blob(randomBytes(4 * CHUNK));
  const manifest = blob(enc.encode(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
  })));
  files.set(`${name}/index.json`, enc.encode(JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }],
  })));
  files.set(`${name}/oci-layout`, enc.encode('{"imageLayoutVersion":"1.0.0"}'));
  return { files, manifestDigest: manifest.digest, layerDigest: layer.digest };
}

/** A fetch serving `files` under IMAGES, each body in CHUNK-sized pieces; every URL asked for is in `asked`. */
function pageServer(files: Map<string, Uint8Array>): { fetch: typeof fetch; asked: string[] } {
  const asked: string[] = [];
  const fetchFn = (async (input: string | URL) => {
    const url = String(input);
    asked.push(url);
    const bytes = url.startsWith(IMAGES) ? files.get(url.slice(IMAGES.length)) : undefined;
    if (!bytes) return new Response('no', { status: 404 });
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (at >= bytes.length) return c.close();
        c.enqueue(bytes.slice(at, (at += CHUNK)));
      },
    });
    return new Response(body, { status: 200, headers: { 'content-length': String(bytes.length) } });
  }) as typeof fetch;
  return { fetch: fetchFn, asked };
}

let n = 0;
const opened: IdbBlobStore[] = [];
let store: Promise<IdbBlobStore>;
beforeEach(() => {
  store = IdbBlobStore.open(`pull-test-${n++}`).then((s) => (opened.push(s), s));
});
afterEach(() => {
  vi.unstubAllGlobals();
  for (const s of opened.splice(0)) s.close();
});

/** The service of a page whose built-in images are at IMAGES (`null`: a page that serves none). */
function service(fetchFn: typeof fetch, builtinImages: string | null = IMAGES) {
  return pageImageService({ origin: PAGE, builtinImages: builtinImages ?? undefined, policy: async () => Policy.builtIn(), openStore: () => store, fetch: fetchFn });
}

describe('the page\'s image service and the built-in images', () => {
  it('pulls a short built-in name from the layouts beside the page, streamed, into the store', async () => {
    const { files, manifestDigest, layerDigest } = layout('toolchain');
    const server = pageServer(files);
    // Nothing may go to a registry: the network is a failure.
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('no network in this test')));
    const progress: number[] = [];
    const img = await service(server.fetch).fetch('toolchain', (p) => progress.push(p.done), true);
    expect(img.reference).toBe('builtin/toolchain:latest');
    expect(img.manifestDigest).toBe(manifestDigest);
    expect(await (await store).has(layerDigest)).toBe(true);
    // The layer's progress came as its chunks did: it was never one piece.
    expect(progress.filter((d) => d > 0 && d < 4 * CHUNK).length).toBeGreaterThanOrEqual(3);
    expect(server.asked.every((u) => u.startsWith(IMAGES))).toBe(true);
    // Stored like any pull: listed, and fetched again from the store alone.
    expect((await service(server.fetch).list()).map((s) => s.reference)).toEqual(['builtin/toolchain:latest']);
    const asked = server.asked.length;
    expect((await service(server.fetch).fetch('toolchain')).manifestDigest).toBe(manifestDigest);
    expect(server.asked.length).toBe(asked);
  });

  it('gives the digest the CLI gives for the same layout', async () => {
    const { files, manifestDigest } = layout('toolchain');
    const dir = await mkdtemp(join(tmpdir(), 'tabkernel-builtin-'));
    vi.stubEnv('TABKERNEL_IMAGES', join(dir, 'images'));
    try {
      for (const [rel, bytes] of files) {
        await mkdir(dirname(join(dir, 'images', rel)), { recursive: true });
        await writeFile(join(dir, 'images', rel), bytes);
      }
      const cli = await nodeImageService([], join(dir, 'cache')).fetch('toolchain', undefined, true);
      const page = await service(pageServer(files).fetch).fetch('toolchain', undefined, true);
      expect(cli.manifestDigest).toBe(manifestDigest);
      expect(page.manifestDigest).toBe(cli.manifestDigest);
      expect(page.layers).toEqual(cli.layers);
    } finally {
      vi.unstubAllEnvs();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sends a name with a registry host to that registry, not to the layouts', async () => {
    const { files } = layout('toolchain');
    const server = pageServer(files);
    vi.stubGlobal('fetch', server.fetch);
    await expect(service(server.fetch).fetch('registry.test/toolchain:latest', undefined, true)).rejects.toThrow();
    expect(server.asked[0]).toBe('https://registry.test/v2/');
    expect(server.asked.some((u) => u.startsWith(IMAGES))).toBe(false);
  });

  it('refuses a built-in name on a page that serves no built-in images, saying so', async () => {
    const { files } = layout('toolchain');
    await expect(service(pageServer(files).fetch, null).fetch('toolchain', undefined, true)).rejects.toThrow(/this page serves no built-in images/);
  });

  it('answers root, which is the root image and not a layout, with the registry\'s "no built-in image"', async () => {
    const { files } = layout('toolchain');
    await expect(service(pageServer(files).fetch).fetch('root', undefined, true)).rejects.toThrow(/no built-in image root/);
  });
});
