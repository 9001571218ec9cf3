// The image cases in Node (core/suite.ts ImageBench): the images come from
// bench/image/fixture.ts (built with umoci, served by a loopback
// docker-registry started on first use).
//  - pull: tabkernel's pull (kernel/image/pull.ts with the CLI's registry
//    client, hashing and blob store) into a fresh store directory, against
//    `skopeo copy docker://REF oci:DIR` of the same image (a process per copy,
//    as a user runs it);
//  - push: tabkernel's push (kernel/image/push.ts pushManifest, the CLI's
//    registry client) of the big image from a store holding it, against
//    `skopeo copy oci:LAYOUT docker://REF` of the same image from its OCI
//    layout; each sample to a fresh loopback registry of its own, started
//    and stopped untimed, so every byte goes up. (skopeo remembers where it
//    has seen each blob — /var/lib/containers/cache/blob-info-cache-v1.boltdb
//    as root — and mounts it from there: to another repository of a registry
//    it pushed to before, its "push" took 65–215 ms instead of ~500.)
//  - unpack: the layer blob from the store through ImageLayers.trees — node:zlib,
//    the tar reader, a LayerTree — as a container's first start does it,
//    against GNU tar extracting the same blob into a directory;
//  - start: a kernel on the driver's thread (as core/runner.ts builds one)
//    whose host reads images from a pulled store; the time from Boot.run to
//    the container's first byte on stdout. Cold: a fresh kernel per run (its
//    layers unpacked from the cached blobs, the program compiled, a first
//    worker booted); warm: another container of the same image in a kernel
//    that ran one; cli: `tabkernel run REF` as a process, to its first byte.
//    The reference ('rootfs') is the same program from the root image in the
//    same kind of kernel (or `tabkernel run echo`): what the program costs
//    without an image.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DirBlobStore } from '../../kernel/host/node/blobstore.js';
import { NodeHost } from '../../kernel/host/node/host.js';
import { nodeImageService } from '../../kernel/host/node/images.js';
import { nodeInflate } from '../../kernel/host/node/inflate.js';
import { storeLayerSource } from '../../kernel/image/rootfs.js';
import { nodeRegistry, nodeSha256 } from '../../kernel/host/node/registry.js';
import type { WorkerHandle } from '../../kernel/hostapi.js';
import { pull, type ImageDescription } from '../../kernel/image/pull.js';
import { pushManifest } from '../../kernel/image/push.js';
import { ImageLayers } from '../../kernel/image/rootfs.js';
import { Kernel } from '../../kernel/kernel.js';
import type { RunRequest } from '../../kernel/abi/messages.js';
import { MemoryBudget } from '../../kernel/mm/budget.js';
import { startRegistry } from '../../test/support/registry.js';
import { imageFixture, type ImageFixture } from '../image/fixture.js';
import type { ImageBench, StartMode } from '../core/suite.js';

/**
 * A host that can be retired: a kernel has no shutdown, and one that goes idle
 * refills its worker pool, so a cold start's kernel would leave workers
 * booting into the next sample. Retired, it ends its workers and starts none.
 */
class BenchHost extends NodeHost {
  private readonly started: WorkerHandle[] = [];
  private retired = false;

  override startProcessWorker(): WorkerHandle {
    if (this.retired) return { postMessage: () => {}, onMessage: () => {}, onError: () => {}, terminate: () => {} };
    const w = super.startProcessWorker();
    this.started.push(w);
    return w;
  }

  retire(): void {
    this.retired = true;
    for (const w of this.started.splice(0)) w.terminate();
  }
}

export class NodeImages implements ImageBench {
  private fixture: Promise<ImageFixture> | undefined;
  private readonly dir: string;
  /** A store holding both images (pulled once, untimed), for unpack and start. */
  private cached: Promise<{ store: DirBlobStore; big: ImageDescription; echo: ImageDescription }> | undefined;
  /** Cold starts' kernels, and the warm one. */
  private readonly hosts: BenchHost[] = [];
  private warm: { kernel: Kernel; host: BenchHost; out: { first: (() => void) | null } } | undefined;

  constructor(private readonly root: string, private readonly log: (line: string) => void) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabkernel-bench-images-'));
  }

  private images(): Promise<ImageFixture> {
    this.fixture ??= imageFixture(this.root, this.log);
    return this.fixture;
  }

  private store(): Promise<{ store: DirBlobStore; big: ImageDescription; echo: ImageDescription }> {
    this.cached ??= (async () => {
      const f = await this.images();
      const store = await DirBlobStore.open(path.join(this.dir, 'cached'));
      const opts = { registry: nodeRegistry(), store, sha256: nodeSha256 };
      return { store, big: await pull(f.big.ref, opts), echo: await pull(f.echo.ref, opts) };
    })();
    return this.cached;
  }

  async pullBytes(): Promise<number> {
    return (await this.images()).big.compressed;
  }

  async pull(subject: 'tabkernel' | 'skopeo'): Promise<number> {
    const f = await this.images();
    const into = fs.mkdtempSync(path.join(this.dir, `pull-${subject}-`));
    try {
      const t0 = performance.now();
      if (subject === 'tabkernel') {
        const store = await DirBlobStore.open(into);
        await pull(f.big.ref, { registry: nodeRegistry(), store, sha256: nodeSha256 });
      } else {
        await run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', f.big.docker, `oci:${into}:t`]);
      }
      return performance.now() - t0;
    } finally {
      fs.rmSync(into, { recursive: true, force: true });
    }
  }

  async pushBytes(): Promise<number> {
    const { big } = await this.store();
    return big.layers.reduce((n, l) => n + l.size, 0);
  }

  async push(subject: 'tabkernel' | 'skopeo'): Promise<number> {
    const [f, { store, big }] = await Promise.all([this.images(), this.store()]);
    const manifest = (await store.get(big.manifestDigest))!;
    const reg = await startRegistry();
    try {
      const dest = `${reg.host}/bench/${subject}:1`;
      const t0 = performance.now();
      if (subject === 'tabkernel') {
        await pushManifest(dest, { bytes: manifest, mediaType: big.manifestMediaType }, store, { registry: nodeRegistry(), sha256: nodeSha256 });
      } else {
        await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${f.big.layout}:t`, `docker://${dest}`]);
      }
      return performance.now() - t0;
    } finally {
      await reg.stop();
    }
  }

  async unpackBytes(): Promise<number> {
    const { store, big } = await this.store();
    let n = 0;
    for (const l of big.layers) n += gunzipSync((await store.get(l.digest))!).length;
    return n;
  }

  async unpack(): Promise<number> {
    const { store, big } = await this.store();
    const layers = new ImageLayers(storeLayerSource(store, nodeInflate), new MemoryBudget(8 * 2 ** 30));
    const t0 = performance.now();
    const trees = await layers.trees(big.layers);
    const ms = performance.now() - t0;
    if (trees instanceof Error) throw trees;
    for (const t of trees) t.release();
    return ms;
  }

  /**
   * GNU tar extracting the same layer into a fresh directory (gzip through
   * its zlib, files into the page cache). umoci 0.4 ends its layers without
   * the end blocks, which GNU tar reports as an unexpected EOF (status 2)
   * after extracting everything: that, and only that, is accepted.
   */
  async unpackNative(): Promise<number> {
    const { store, big } = await this.store();
    const into = fs.mkdtempSync(path.join(this.dir, 'untar-'));
    try {
      const t0 = performance.now();
      for (const l of big.layers) {
        await run('tar', ['-xzf', store.blobPath(l.digest), '-C', into]).catch((e: Error) => {
          if (!/exit code 2|Command failed/.test(e.message) || !/Unexpected EOF in archive/.test(e.message)) throw e;
        });
      }
      return performance.now() - t0;
    } finally {
      fs.rmSync(into, { recursive: true, force: true });
    }
  }

  async start(mode: StartMode, subject: 'tabkernel' | 'rootfs'): Promise<number> {
    const { store, echo } = await this.store();
    const k = mode === 'warm' ? (this.warm ??= this.kernel(store)) : this.kernel(store);
    const req: RunRequest = subject === 'tabkernel'
      ? { type: 'run', argv: ['/bin/echo', 'hi'], env: [], cwd: '/', mounts: [], image: { reference: echo.reference, layers: echo.layers } }
      : { type: 'run', argv: ['echo', 'hi'], env: ['PATH=/bin'], cwd: '/', mounts: [] };
    const first = new Promise<number>((resolve) => (k.out.first = () => resolve(performance.now())));
    const t0 = performance.now();
    const ended = k.kernel.boot.run(req);
    const notice = await Promise.race([ended, first.then(() => null)]);
    if (notice) throw new Error(`image.start (${subject}): exit ${notice.status} before any output: ${notice.error ?? ''}`);
    const ms = (await first) - t0;
    const exit = await ended;
    if (exit.status !== 0) throw new Error(`image.start (${subject}): exit ${exit.status} ${exit.error ?? ''}`);
    if (mode === 'cold') k.host.retire();
    return ms;
  }

  /**
   * `tabkernel run REF` (the image from the cache) or `tabkernel run echo`
   * (the root image's) as a user runs it: a new Node process, the CLI's
   * store lookup, a kernel worker; the time to its first byte on stdout.
   */
  async startCli(subject: 'tabkernel' | 'rootfs'): Promise<number> {
    const { store, echo } = await this.store();
    const args = subject === 'tabkernel' ? ['run', echo.reference, 'hi'] : ['run', 'echo', 'hi'];
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(this.root, 'bin/tabkernel.js'), ...args], {
      env: { ...process.env, TABKERNEL_CACHE: store.dir }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const first = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', () => resolve(performance.now()));
      child.once('exit', (status) => reject(new Error(`tabkernel ${args.join(' ')}: exit ${status} before any output: ${err}`)));
    });
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
    if (child.exitCode !== 0) throw new Error(`tabkernel ${args.join(' ')}: exit ${child.exitCode}: ${err}`);
    return first - t0;
  }

  private kernel(store: DirBlobStore): { kernel: Kernel; host: BenchHost; out: { first: (() => void) | null } } {
    const out: { first: (() => void) | null } = { first: null };
    const host = new BenchHost({
      processWorker: new URL(`file://${this.root}/dist/process-worker.js`),
      stdio: [
        { isatty: false, read: (_max, done) => setTimeout(() => done(new Uint8Array(0)), 0) },
        { isatty: false, write: () => (out.first?.(), (out.first = null), true) },
        { isatty: false, write: () => true },
      ],
      rootfs: path.join(this.root, 'userland/rootfs'),
      images: nodeImageService([], store.dir),
    });
    this.hosts.push(host);
    return { kernel: new Kernel(host), host, out };
  }

  async stop(): Promise<void> {
    for (const h of this.hosts) h.retire();
    if (this.fixture) await (await this.fixture).stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, (e, _stdout, stderr) => (e ? reject(new Error(`${file} ${args.join(' ')}: ${e.message} ${stderr}`)) : resolve()));
  });
}
