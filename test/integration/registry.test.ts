// Pulling from a real registry (Debian's docker-registry, test/support/registry.ts):
// tags and digests, platform indexes, Wasm artifacts, verification (a tampered
// blob is refused and nothing of it cached), Basic and Bearer auth with blobs
// behind a 307, interrupted pulls, and a store that outlives the registry.
import { spawn } from 'node:child_process';
import { buildSync } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirBlobStore } from '../../kernel/host/node/blobstore.js';
import { nodeRegistry, nodeSha256 } from '../../kernel/host/node/registry.js';
import { MediaType } from '../../kernel/image/media.js';
import { cachedImage, ensureImage, pull, type LayerProgress, type PullOptions } from '../../kernel/image/pull.js';
import type { RegistryClient } from '../../kernel/image/registry.js';
import {
  buildImage, COMPONENT_HEADER, EMPTY_MODULE, getManifest, pushBlob, putManifest, startRegistry, type TestRegistry,
} from '../support/registry.js';

const work = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'pull-'));

async function freshStore(): Promise<DirBlobStore> {
  return DirBlobStore.open(path.join(work(), 'cache'));
}

/** A client that sees no auth file of the user running the tests. */
function client(authFile?: string): RegistryClient {
  return nodeRegistry({ env: { HOME: work(), ...(authFile ? { REGISTRY_AUTH_FILE: authFile } : {}) } });
}

function opts(store: DirBlobStore, registry: RegistryClient, extra: Partial<PullOptions> = {}): PullOptions {
  return { registry, store, sha256: nodeSha256, ...extra };
}

/** Nothing under blobs/ but `keep`, and no temp file left behind. */
async function expectOnly(store: DirBlobStore, keep: string[]): Promise<void> {
  expect((await store.list()).sort()).toEqual([...keep].sort());
  expect(fs.readdirSync(path.join(store.dir, 'tmp'))).toEqual([]);
}

const hello = (): Uint8Array => new Uint8Array([...EMPTY_MODULE, 0x00, 0x01, 0x02]);

describe('pull from an anonymous registry', () => {
  let reg: TestRegistry;
  let dir: string;
  let handDigest: string;

  beforeAll(async () => {
    reg = await startRegistry();
    dir = work();
    const layout = buildImage(dir, 'one', { files: { '/bin/hello.wasm': hello(), '/etc/motd': 'hi\n' }, entrypoint: ['/bin/hello.wasm'] });
    await reg.pushLayout(layout, 'one', 'tk/hand:1');
    handDigest = (await getManifest(reg, 'tk/hand', '1')).digest;
  });
  afterAll(async () => reg?.stop());

  it('pulls by tag: stores manifest, config and layers under their digests and sets the ref', async () => {
    const store = await freshStore();
    const progress: LayerProgress[] = [];
    const img = await pull(`${reg.host}/tk/hand:1`, opts(store, client(), { onProgress: (p) => progress.push(p) }));
    expect(img.reference).toBe(`${reg.host}/tk/hand:1`);
    expect(img.manifestDigest).toBe(handDigest);
    expect(img.kind).toBe('image');
    expect(img.config.os).toBe('wasi');
    expect(img.config.config?.Entrypoint).toEqual(['/bin/hello.wasm']);
    expect(img.layers).toHaveLength(2);
    expect((await store.list()).sort()).toEqual([handDigest, img.configDigest, ...img.layers.map((l) => l.digest)].sort());
    expect((await store.refs()).get(img.reference)?.digest).toBe(handDigest);
    for (const l of img.layers) {
      const last = progress.filter((p) => p.digest === l.digest).at(-1)!;
      expect(last).toMatchObject({ done: l.size, total: l.size, cached: false, count: 2 });
    }
    expect(fs.existsSync(path.join(store.dir, 'oci-layout'))).toBe(true);
  });

  it('pulls by digest, and does not fetch layers the store already holds', async () => {
    const store = await freshStore();
    await pull(`${reg.host}/tk/hand:1`, opts(store, client()));
    const progress: LayerProgress[] = [];
    const img = await pull(`${reg.host}/tk/hand@${handDigest}`, opts(store, client(), { onProgress: (p) => progress.push(p) }));
    expect(img.manifestDigest).toBe(handDigest);
    expect(img.reference).toBe(`${reg.host}/tk/hand@${handDigest}`);
    expect(progress.every((p) => p.cached)).toBe(true);
  });

  it('answers HEAD with the digest a tag names, and undefined for an unknown tag', async () => {
    const registry = client();
    await registry.ping(reg.host);
    expect((await registry.headManifest(reg.host, 'tk/hand', '1'))?.digest).toBe(handDigest);
    expect(await registry.headManifest(reg.host, 'tk/hand', 'nope')).toBeUndefined();
  });

  it('names the reference when a tag is unknown', async () => {
    await expect(pull(`${reg.host}/tk/hand:nope`, opts(await freshStore(), client())))
      .rejects.toThrow(`manifest ${reg.host}/tk/hand:nope not found: HTTP 404: MANIFEST_UNKNOWN`);
  });

  it('removes an image and only the blobs no other image uses', async () => {
    const store = await freshStore();
    const a = await pull(`${reg.host}/tk/hand:1`, opts(store, client()));
    await pull(`${reg.host}/tk/hand@${handDigest}`, opts(store, client()));
    expect(await store.remove(a.reference)).toEqual([]); // the digest ref still uses all of it
    const deleted = await store.remove(`${reg.host}/tk/hand@${handDigest}`);
    expect(deleted.sort()).toEqual([handDigest, a.configDigest, ...a.layers.map((l) => l.digest)].sort());
    await expectOnly(store, []);
  });

  describe('an index', () => {
    let wasm: { digest: string; size: number };
    let linux: { digest: string; size: number };
    const entry = (m: { digest: string; size: number }, os: string, architecture: string): object =>
      ({ mediaType: MediaType.OCI_MANIFEST, digest: m.digest, size: m.size, platform: { os, architecture } });
    const putIndex = (tag: string, manifests: object[]): Promise<unknown> =>
      putManifest(reg, 'tk/multi', tag, JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OCI_INDEX, manifests }), MediaType.OCI_INDEX);

    beforeAll(async () => {
      await reg.pushLayout(buildImage(dir, 'l', { files: { '/bin/true': 'ELF' }, os: 'linux', architecture: 'amd64' }), 'l', 'tk/multi:amd64');
      await reg.pushLayout(buildImage(dir, 'w', { files: { '/app.wasm': hello() } }), 'w', 'tk/multi:wasm');
      linux = await getManifest(reg, 'tk/multi', 'amd64');
      wasm = await getManifest(reg, 'tk/multi', 'wasm');
    });

    it('resolves to its wasi/wasm entry, past a linux/amd64 one', async () => {
      await putIndex('1', [entry(linux, 'linux', 'amd64'), entry(wasm, 'wasi', 'wasm')]);
      const store = await freshStore();
      const img = await pull(`${reg.host}/tk/multi:1`, opts(store, client()));
      expect(img.manifestDigest).toBe(wasm.digest);
      expect((await store.refs()).get(`${reg.host}/tk/multi:1`)?.digest).toBe(wasm.digest);
    });

    it('accepts wasip1/wasm32 as the wasm platform too', async () => {
      await putIndex('p1', [entry(wasm, 'wasip1', 'wasm32')]);
      const img = await pull(`${reg.host}/tk/multi:p1`, opts(await freshStore(), client()));
      expect(img.manifestDigest).toBe(wasm.digest);
    });

    it('names the platforms offered when none fits', async () => {
      await putIndex('none', [entry(linux, 'linux', 'amd64'), { ...entry(linux, 'linux', 'arm64'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }]);
      await expect(pull(`${reg.host}/tk/multi:none`, opts(await freshStore(), client())))
        .rejects.toThrow(/no image for wasi\/wasm; the index offers linux\/amd64, linux\/arm64\/v8/);
    });

    it('refuses a wasip2 entry as a component', async () => {
      await putIndex('p2', [entry(wasm, 'wasip2', 'wasm')]);
      await expect(pull(`${reg.host}/tk/multi:p2`, opts(await freshStore(), client()))).rejects.toThrow(/WASI preview 2 components are not supported/);
    });

    it('refuses a manifest reached by tag whose config is for another platform, storing nothing', async () => {
      const store = await freshStore();
      await expect(pull(`${reg.host}/tk/multi:amd64`, opts(store, client()))).rejects.toThrow(/is for linux\/amd64/);
      await expectOnly(store, []);
    });

    it('refuses an index entry whose size is not that of the manifest', async () => {
      await putIndex('lies', [{ ...entry(wasm, 'wasi', 'wasm'), size: wasm.size + 1 }]);
      await expect(pull(`${reg.host}/tk/multi:lies`, opts(await freshStore(), client()))).rejects.toThrow(new RegExp(`${wasm.digest}: size`));
    });
  });

  describe('a Wasm artifact', () => {
    async function pushArtifact(tag: string, module: Uint8Array, layerType: string): Promise<{ digest: string }> {
      const config = await pushBlob(reg, 'tk/art', JSON.stringify({ architecture: 'wasm', os: 'wasip1', layerDigests: [] }));
      const layer = await pushBlob(reg, 'tk/art', module);
      const manifest = {
        schemaVersion: 2,
        mediaType: MediaType.OCI_MANIFEST,
        config: { mediaType: MediaType.WASM_CONFIG, ...config },
        layers: [{ mediaType: layerType, ...layer }],
      };
      await putManifest(reg, 'tk/art', tag, JSON.stringify(manifest), MediaType.OCI_MANIFEST);
      return layer;
    }

    it('with an application/wasm core module is a wasm-artifact image', async () => {
      await pushArtifact('core', hello(), MediaType.WASM_LAYER);
      const img = await pull(`${reg.host}/tk/art:core`, opts(await freshStore(), client()));
      expect(img.kind).toBe('wasm-artifact');
      expect(img.config.os).toBe('wasip1');
      expect(img.layers[0].mediaType).toBe(MediaType.WASM_LAYER);
    });

    it("with runwasi's layer type holding a core module is accepted", async () => {
      await pushArtifact('runwasi', new Uint8Array([...EMPTY_MODULE, 9]), MediaType.RUNWASI_LAYER);
      expect((await pull(`${reg.host}/tk/art:runwasi`, opts(await freshStore(), client()))).kind).toBe('wasm-artifact');
    });

    it('holding a component is refused before its layer is stored', async () => {
      const layer = await pushArtifact('component', new Uint8Array([...COMPONENT_HEADER, 1, 2, 3]), MediaType.RUNWASI_LAYER);
      const store = await freshStore();
      await expect(pull(`${reg.host}/tk/art:component`, opts(store, client()))).rejects.toThrow(/WASI preview 2 components are not supported/);
      expect(await store.has(layer.digest)).toBe(false);
      expect((await store.refs()).size).toBe(0);
    });
  });

  describe('a tampered blob', () => {
    it('is refused with its digest named, nothing of it cached; repaired, the same store pulls', async () => {
      await reg.pushLayout(buildImage(dir, 't', { files: { '/bin/t.wasm': new Uint8Array(64 << 10).fill(7) } }), 't', 'tk/tamper:1');
      const m = JSON.parse((await getManifest(reg, 'tk/tamper', '1')).json) as { layers: Array<{ digest: string }> };
      const layer = m.layers[0].digest;
      const file = reg.blobFile(layer);
      const good = fs.readFileSync(file);
      const bad = Buffer.from(good);
      bad[bad.length >> 1] ^= 0xff;
      fs.writeFileSync(file, bad);

      const store = await freshStore();
      const ref = `${reg.host}/tk/tamper:1`;
      const failed = pull(ref, opts(store, client()));
      await expect(failed).rejects.toThrow(new RegExp(`${layer}: content hashes to sha256:`));
      await expect(failed).rejects.toThrow(/nothing of it was stored/);
      expect(await store.has(layer)).toBe(false);
      expect((await store.refs()).size).toBe(0);
      expect(fs.readdirSync(path.join(store.dir, 'tmp'))).toEqual([]);

      fs.writeFileSync(file, good);
      const img = await pull(ref, opts(store, client()));
      expect(await store.has(layer)).toBe(true);
      expect(img.layers[0].digest).toBe(layer);
    });

    it('in a manifest is refused by the Docker-Content-Digest check', async () => {
      const { digest, json } = await getManifest(reg, 'tk/hand', '1');
      const file = reg.blobFile(digest);
      const tampered = json.replace('"schemaVersion":2', '"schemaVersion": 2');
      expect(tampered).not.toBe(json);
      fs.writeFileSync(file, tampered);
      try {
        await expect(pull(`${reg.host}/tk/hand:1`, opts(await freshStore(), client()))).rejects.toThrow(new RegExp(`${digest}: manifest .* hashes to`));
      } finally {
        fs.writeFileSync(file, json);
      }
    });
  });

  it('keeps a pulled image usable from the store with the registry stopped', async () => {
    const store = await freshStore();
    const ref = `${reg.host}/tk/hand:1`;
    const pulled = await pull(ref, opts(store, client()));
    await reg.restart(); // make sure a later restart works, then stop for this test
    await reg.stop().catch(() => undefined);
    const cached = await cachedImage(store, ref);
    expect(cached).toEqual(pulled);
    expect(await ensureImage(ref, opts(store, client()))).toEqual(pulled);
    await expect(pull(ref, opts(store, client()))).rejects.toThrow(); // a pull by tag asks the registry
  });
});

describe('pull with Basic auth (htpasswd)', () => {
  let reg: TestRegistry;
  let authFile: string;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    const dir = work();
    await reg.pushLayout(buildImage(dir, 'b', { files: { '/app.wasm': hello() } }), 'b', 'tk/basic:1');
    authFile = reg.writeAuthFile(path.join(dir, 'auth.json'));
  });
  afterAll(async () => reg?.stop());

  it('pulls with the credentials of the file REGISTRY_AUTH_FILE names', async () => {
    const img = await pull(`${reg.host}/tk/basic:1`, opts(await freshStore(), client(authFile)));
    expect(img.kind).toBe('image');
  });

  it('finds credentials in $DOCKER_CONFIG/config.json when REGISTRY_AUTH_FILE is unset', async () => {
    const dockerConfig = work();
    fs.copyFileSync(authFile, path.join(dockerConfig, 'config.json'));
    const registry = nodeRegistry({ env: { HOME: work(), DOCKER_CONFIG: dockerConfig } });
    expect((await pull(`${reg.host}/tk/basic:1`, opts(await freshStore(), registry))).kind).toBe('image');
  });

  it('fails clearly without credentials, and with wrong ones', async () => {
    await expect(pull(`${reg.host}/tk/basic:1`, opts(await freshStore(), client()))).rejects.toThrow(/authentication required, and no credentials/);
    const wrong = path.join(work(), 'auth.json');
    fs.writeFileSync(wrong, JSON.stringify({ auths: { [`http://${reg.host}`]: { auth: Buffer.from('tk:nope').toString('base64') } } }));
    await expect(pull(`${reg.host}/tk/basic:1`, opts(await freshStore(), client(wrong)))).rejects.toThrow(/credentials for user "tk" were refused/);
  });
});

describe('pull with Bearer tokens, blobs behind a 307', () => {
  let reg: TestRegistry;
  let authFile: string;
  let big: string;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', redirect: true });
    const dir = work();
    await reg.pushLayout(buildImage(dir, 'k', { files: { '/app.wasm': hello(), '/etc/a': 'a', '/etc/b': 'b' } }), 'k', 'tk/tok:1');
    // Random bytes do not compress: the layer is about as large as the file.
    await reg.pushLayout(buildImage(dir, 'big', { files: { '/big': randomBytes(4 << 20) } }), 'big', 'tk/big:1');
    const m = JSON.parse((await getManifest(reg, 'tk/big', '1')).json) as { layers: Array<{ digest: string }> };
    big = m.layers[0].digest;
    authFile = reg.writeAuthFile(path.join(dir, 'auth.json'));
  });
  afterAll(async () => reg?.stop());

  it('gets one token per scope with the user\'s credentials, and never sends Authorization to the blob host', async () => {
    reg.tokenRequests.length = 0;
    reg.blobRequests.length = 0;
    const img = await pull(`${reg.host}/tk/tok:1`, opts(await freshStore(), client(authFile)));
    expect(img.layers).toHaveLength(3);
    const scoped = reg.tokenRequests.filter((r) => r.url.includes('scope=repository%3Atk%2Ftok%3Apull'));
    expect(scoped).toHaveLength(1);
    expect(scoped[0].headers.authorization).toMatch(/^Basic /);
    expect(reg.blobRequests.length).toBe(4); // config and three layers, all through the 307
    expect(reg.blobRequests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('pings /v2/ with a token for no scope', async () => {
    await client(authFile).ping(reg.host);
  });

  it('is refused without credentials when the issuer gives anonymous users nothing', async () => {
    await expect(pull(`${reg.host}/tk/tok:1`, opts(await freshStore(), client()))).rejects.toThrow(/401/);
  });

  it('leaves no partial blob when the connection is cut mid-blob; a retry completes', async () => {
    const store = await freshStore();
    reg.cutBlobsAfter = 1 << 20;
    const progress: LayerProgress[] = [];
    try {
      await expect(pull(`${reg.host}/tk/big:1`, opts(store, client(authFile), { onProgress: (p) => progress.push(p) }))).rejects.toThrow();
      expect(progress.at(-1)).toMatchObject({ digest: big, done: 1 << 20 }); // it failed mid-blob
    } finally {
      reg.cutBlobsAfter = undefined;
    }
    expect(await store.has(big)).toBe(false);
    expect(fs.readdirSync(path.join(store.dir, 'tmp'))).toEqual([]);
    expect((await store.refs()).size).toBe(0);
    await pull(`${reg.host}/tk/big:1`, opts(store, client(authFile)));
    expect(await store.has(big)).toBe(true);
  });

  it('leaves no blob under its digest when the pulling process is killed mid-blob', async () => {
    const child = path.join(work(), 'pull-child.js');
    buildSync({ entryPoints: [path.join(__dirname, '../support/pull-child.ts')], outfile: child, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });
    const cache = path.join(work(), 'cache');
    const env = { ...process.env, HOME: work(), REGISTRY_AUTH_FILE: authFile };
    reg.hangBlobsAfter = 1 << 20;
    const proc = spawn(process.execPath, [child, cache, `${reg.host}/tk/big:1`], { env, stdio: 'ignore' });
    const exited = new Promise((r) => proc.once('exit', r));
    try {
      // Wait until the big layer's temp file holds the first MiB, then kill.
      const tmp = path.join(cache, 'tmp');
      const hex = big.slice('sha256:'.length);
      for (let i = 0; ; i++) {
        const f = fs.existsSync(tmp) ? fs.readdirSync(tmp).find((n) => n.startsWith(hex)) : undefined;
        if (f && fs.statSync(path.join(tmp, f)).size >= 1 << 20) break;
        if (i > 400) throw new Error('the child never started writing the big layer');
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      proc.kill('SIGKILL');
      await exited;
      reg.hangBlobsAfter = undefined;
    }
    expect(proc.signalCode).toBe('SIGKILL');
    const store = await DirBlobStore.open(cache);
    expect(await store.has(big)).toBe(false);
    expect((await store.refs()).size).toBe(0);
    await pull(`${reg.host}/tk/big:1`, opts(store, client(authFile)));
    expect(await store.has(big)).toBe(true);
  });

  it('leaves no partial blob when the pull is aborted mid-blob', async () => {
    const store = await freshStore();
    const abort = new AbortController();
    const pulling = pull(`${reg.host}/tk/big:1`, opts(store, client(authFile), {
      signal: abort.signal,
      onProgress: (p) => {
        if (p.digest === big && p.done > 0 && p.done < p.total) abort.abort();
      },
    }));
    await expect(pulling).rejects.toThrow(/abort/i);
    expect(await store.has(big)).toBe(false);
    expect(fs.readdirSync(path.join(store.dir, 'tmp'))).toEqual([]);
  });
});

describe('pull with anonymous Bearer tokens in "access_token"', () => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', tokenField: 'access_token', anonymousPull: true });
    await reg.pushLayout(buildImage(work(), 'a', { files: { '/app.wasm': hello() } }), 'a', 'tk/anon:1');
  });
  afterAll(async () => reg?.stop());

  it('pulls with an anonymous token', async () => {
    reg.tokenRequests.length = 0;
    expect((await pull(`${reg.host}/tk/anon:1`, opts(await freshStore(), client()))).kind).toBe('image');
    expect(reg.tokenRequests.length).toBeGreaterThan(0);
    expect(reg.tokenRequests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}
