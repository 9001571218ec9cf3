// The browser platform for the suite (core/suite.ts), inside the suite's Web
// Worker (suite-worker.ts): tabkernel is a Kernel on the browser host
// (kernel/host/browser/host.ts) with its processes in nested Web Workers (in
// Firefox, workers the page starts: page-workers.ts), as the page's kernel worker builds it, with the page's root image (rootfs.json,
// kernel/host/browser/image.ts) for the programs the benchmarks run (sh, seq,
// grep, wc, true). node:wasi and native do not exist here: the suite reports
// them as n/a; the in-thread reference is browser_wasi_shim (the npm package
// @bjorn3/browser_wasi_shim) running the same syscalls.wasm on this worker's
// thread with a /tmp of its own in memory. --load's busy workers are nested
// Web Workers (the floor workers' entry). image.unpack: images.ts.
import { Kernel } from '../../kernel/kernel.js';
import { BrowserHost } from '../../kernel/host/browser/host.js';
import type { LayerTree } from '../../kernel/fs/layer.js';
import { fetchRootImage } from '../../kernel/host/browser/image.js';
import { isGecko, type PageWorkers } from '../../kernel/host/browser/page-workers.js';
import { floorSab, type FloorMessage, type FloorMode, type FloorReply } from '../core/floor.js';
import type { Sample } from '../core/stats.js';
import { KernelRunner } from '../core/runner.js';
import { loadSab, type LoadMessage } from '../core/load.js';
import { ConsoleStdout, File, OpenFile, PreopenDirectory, WASI } from '@bjorn3/browser_wasi_shim';
import { BrowserImages } from './images.js';
import type { Manifest } from '../../kernel/host/browser/image.js';
import type { Platform, Program } from '../core/suite.js';
import syscallsUrl from '../programs/bin/syscalls.wasm?url';
import procsUrl from '../programs/bin/procs.wasm?url';
import jumpsUrl from '../programs/bin/jumps.wasm?url';
import jumpsInvokeUrl from '../programs/bin/jumps-invoke.wasm?url';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`fetching ${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

export class BrowserPlatform implements Platform {
  readonly name = isGecko() ? 'firefox' : 'chromium';
  readonly tmp = { guest: '/tmp', host: '' };
  private readonly runner: KernelRunner;
  private readonly modules = new Map<Program, Promise<WebAssembly.Module>>();
  readonly images: BrowserImages;

  private constructor(private readonly wasm: Record<Program, Uint8Array>, image: LayerTree, workers: PageWorkers | null, imageUrl: string, log: (line: string) => void) {
    this.images = new BrowserImages(() => rootPrograms(imageUrl), log);
    this.runner = new KernelRunner(wasm, (output) => {
      const host = new BrowserHost((msg) => msg.type === 'output' && output(msg.fd, msg.data), {
        startWorker: workers ? () => workers.start() : undefined,
      });
      const kernel = new Kernel(host);
      // As the page's kernel: the root image under the root file system (one layer, shared by every kernel).
      kernel.vfs.stackOn(image, 'rootimage');
      return kernel;
    });
  }

  /**
   * `imageUrl`: the root image's manifest, loaded as the page's kernel loads it.
   * `workers`: the page starts the process workers (Firefox: page-workers.ts), else they nest.
   */
  static async create(imageUrl: string, workers: PageWorkers | null, log: (line: string) => void): Promise<BrowserPlatform> {
    const image = await fetchRootImage(imageUrl, null, () => {});
    const wasm = {
      syscalls: await fetchBytes(syscallsUrl), procs: await fetchBytes(procsUrl),
      jumps: await fetchBytes(jumpsUrl), 'jumps-invoke': await fetchBytes(jumpsInvokeUrl),
    };
    return new BrowserPlatform(wasm, image, workers, imageUrl, log);
  }

  tabkernel(prog: Program, args: string[]): Promise<string> {
    return this.runner.program(prog, args);
  }

  tabkernelShell(script: string): Promise<string> {
    return this.runner.shell(script);
  }

  /**
   * browser_wasi_shim: the program instantiated on this thread, its stdout
   * collected, /tmp an empty in-memory directory of the shim's own.
   */
  async shim(prog: Program, args: string[]): Promise<string> {
    let module = this.modules.get(prog);
    if (!module) this.modules.set(prog, (module = WebAssembly.compile(this.wasm[prog] as Uint8Array<ArrayBuffer>)));
    const decoder = new TextDecoder();
    let out = '';
    let err = '';
    const fds = [
      new OpenFile(new File([])),
      new ConsoleStdout((b) => (out += decoder.decode(b, { stream: true }))),
      new ConsoleStdout((b) => (err += new TextDecoder().decode(b))),
      new PreopenDirectory('/tmp', new Map()),
    ];
    const wasi = new WASI([prog, ...args], [], fds, { debug: false });
    const instance = await WebAssembly.instantiate(await module, { wasi_snapshot_preview1: wasi.wasiImport });
    const status = wasi.start(instance as unknown as Parameters<WASI['start']>[0]);
    if (status !== 0) throw new Error(`browser_wasi_shim ${args[0]}: exit ${status}: ${err} ${out.slice(-300)}`);
    return out + decoder.decode();
  }

  /** `n` busy-loop workers (core/load.ts), nested in this worker as the process workers are. */
  async load(n: number): Promise<() => Promise<void>> {
    const stop = loadSab();
    const workers = Array.from({ length: n }, floorWorker);
    await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
      w.onmessage = resolve;
      w.onerror = (e) => reject(new Error(e.message || 'load worker failed'));
      w.postMessage({ role: 'load', stop } satisfies LoadMessage);
    })));
    return async () => {
      Atomics.store(new Int32Array(stop), 0, 1);
      for (const w of workers) w.terminate();
    };
  }

  cleanup(): Promise<void> {
    return this.images.cleanup();
  }

  floor(mode: FloorMode, batches: number, targetMs: number): Promise<Sample[]> {
    const sab = mode === 'postMessage' ? undefined : floorSab(mode);
    const ch = mode === 'postMessage' ? new MessageChannel() : null;
    return pair(
      { role: 'server', mode, sab, port: ch?.port1, batches, targetMs },
      { role: 'client', mode, sab, port: ch?.port2, batches, targetMs },
    );
  }

  ring(chunk: number, batches: number, targetMs: number): Promise<Sample[]> {
    const sab = floorSab('ring');
    return pair({ role: 'writer', mode: 'ring', sab, batches, targetMs, chunk }, { role: 'reader', mode: 'ring', sab, batches, targetMs, chunk });
  }
}

/** The root image's programs (bin/ of its manifest at `imageUrl`), name → bytes; from the HTTP cache. */
async function rootPrograms(imageUrl: string): Promise<Array<[string, Uint8Array]>> {
  const manifest = (await (await fetch(imageUrl)).json()) as Manifest;
  const out: Array<[string, Uint8Array]> = [];
  for (const e of manifest.entries) {
    const m = e.type === 'file' ? /^\/?bin\/([^/]+)$/.exec(e.path) : null;
    if (m && e.type === 'file') out.push([m[1], await fetchBytes(new URL(e.url, imageUrl).href)]);
  }
  return out;
}

function floorWorker(): Worker {
  return new Worker(new URL('./floor-worker.ts', import.meta.url), { type: 'module' });
}

/** Two floor workers: `other` serves, `measurer` measures and replies. */
async function pair(other: FloorMessage, measurer: FloorMessage): Promise<Sample[]> {
  const a = floorWorker();
  const b = floorWorker();
  try {
    const r = await new Promise<FloorReply>((resolve, reject) => {
      b.onmessage = (e: MessageEvent<FloorReply>) => resolve(e.data);
      a.onerror = b.onerror = (e) => reject(new Error(e.message || 'floor worker failed'));
      a.postMessage(other, other.port ? [other.port] : []);
      b.postMessage(measurer, measurer.port ? [measurer.port] : []);
    });
    if ('error' in r) throw new Error(r.error);
    return r.samples;
  } finally {
    a.terminate();
    b.terminate();
  }
}
