import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isErr } from '../abi/errno.js';
import { readBlobRange, storedName, type StoredRange } from '../fs/blobfile.js';
import { MountNamespace } from '../fs/namespace.js';
import type { ProgramHistory, ProgramRecord } from '../hostapi.js';
import { ImageLayers } from '../image/rootfs.js';
import { MemoryBudget } from '../mm/budget.js';
import { gnuTar, memoryBlob } from '../../test/support/tarball.js';
import { Loader } from './loader.js';
import { IN_PLACE_ROOM } from './memimport.js';
import { compileProgram, ModuleCache, type CompiledProgram } from './modules.js';
import { Prefetch } from './prefetch.js';

const TAR = 'application/vnd.oci.image.layer.v1.tar';
// (module (import "wasi_snapshot_preview1" "fd_write" …) (memory 1) (export "memory") (func (export "_start") …))
const HELLO = Buffer.from('AGFzbQEAAAABDAJgBH9/f38Bf2AAAAIjARZ3YXNpX3NuYXBzaG90X3ByZXZpZXcxCGZkX3dyaXRlAAADAgEBBQMBAAEHEwIGbWVtb3J5AgAGX3N0YXJ0AAEKHQEbAEEAQRA2AgBBBEEDNgIAQQFBAEEBQQgQABoLCwkBAEEQCwNoaQo=', 'base64');

/** An uncompressed layer holding `files` (bytes, mode 0755). */
function layer(files: Record<string, Uint8Array>): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-prefetch-'));
  for (const [p, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), bytes, { mode: 0o755 });
  }
  const t = gnuTar(dir, 'posix', [...new Set(Object.keys(files).map((p) => p.split('/')[0]))]);
  fs.rmSync(dir, { recursive: true });
  return t;
}

/** A container of the one layer `tar`, left in its stored blob; the blob, to count its reads. */
async function container(tar: Uint8Array): Promise<{ ns: MountNamespace; blob: ReturnType<typeof memoryBlob> }> {
  const blob = memoryBlob(tar);
  const layers = new ImageLayers({ blob: () => new Error('no stream'), file: async () => blob }, new MemoryBudget(1 << 30));
  const ov = await layers.overlay([{ digest: 'sha256:layer', mediaType: TAR }]);
  if (ov instanceof Error) throw ov;
  return { ns: new MountNamespace(ov.root, 'overlay', 'test'), blob };
}

class MemoryHistory implements ProgramHistory {
  records: ProgramRecord[] = [];
  notes = 0;
  list(): ProgramRecord[] {
    return this.records;
  }
  note(r: ProgramRecord): void {
    this.notes++;
    this.records = [r, ...this.records.filter((e) => e.path !== r.path)];
  }
}

/** A kernel's loader and prefetch over `history`; `compileStored` stands in for the host's compile thread. */
function kernelParts(history: MemoryHistory, compileStored?: (r: StoredRange) => Promise<CompiledProgram>) {
  const modules = new ModuleCache();
  const loader = new Loader(modules);
  const compiled: StoredRange[] = [];
  const results: Array<Promise<CompiledProgram>> = [];
  const host = {
    programHistory: history,
    compileStored: (r: StoredRange) => {
      compiled.push(r);
      const p = compileStored ? compileStored(r) : compileProgram(readBlobRange(r.blob, r.at, r.size, IN_PLACE_ROOM), true);
      results.push(p);
      return p;
    },
  };
  const prefetch = new Prefetch(modules, host, null, 1);
  loader.loadedStored = (p, r) => prefetch.loaded(p, r);
  return { loader, prefetch, compiled, results };
}

async function load(loader: Loader, ns: MountNamespace, path: string): Promise<WebAssembly.Module> {
  const prog = await loader.load(ns, '/', path, [path]);
  if (isErr(prog)) throw new Error(`load ${path}: errno ${prog.errno}`);
  return prog.module;
}

describe('program prefetch', () => {
  const tar = layer({ 'usr/bin/hello': HELLO });

  it('remembers a program loaded from a stored layer, and compiles it at the next container\'s start', async () => {
    const history = new MemoryHistory();
    const first = kernelParts(history);
    const a = await container(tar);
    first.prefetch.start(a.ns);                 // nothing remembered yet
    expect(first.compiled).toEqual([]);
    await load(first.loader, a.ns, '/usr/bin/hello');
    const name = storedOf(a.ns, '/usr/bin/hello');
    expect(history.records).toEqual([{ path: '/usr/bin/hello', name }]);
    // Loaded again in this kernel: remembered once.
    await load(first.loader, a.ns, '/usr/bin/hello');
    expect(history.notes).toBe(1);

    // The next kernel: the container's start has the program compiled, and the loader runs that module.
    const next = kernelParts(history);
    const b = await container(tar);
    next.prefetch.start(b.ns);
    expect(next.compiled.map((r) => storedName(r))).toEqual([name]);
    const m = await load(next.loader, b.ns, '/usr/bin/hello');
    expect(m).toBe((await next.results[0]).module);
    expect(WebAssembly.Module.exports(m).map((e) => e.name)).toEqual(['memory', '_start']);
  });

  it('passes over a remembered path that now holds other bytes, or nothing', async () => {
    const history = new MemoryHistory();
    history.records = [
      { path: '/usr/bin/hello', name: 'sha256:elsewhere@512+1000' },
      { path: '/usr/bin/gone', name: 'sha256:elsewhere@0+1' },
      { path: '/usr', name: 'sha256:elsewhere@0+1' },
    ];
    const k = kernelParts(history);
    const c = await container(tar);
    k.prefetch.start(c.ns);
    expect(k.compiled).toEqual([]);
    await load(k.loader, c.ns, '/usr/bin/hello');
    expect(history.records[0]).toEqual({ path: '/usr/bin/hello', name: storedOf(c.ns, '/usr/bin/hello') });
  });

  it('loads the program itself when the prefetch fails', async () => {
    const history = new MemoryHistory();
    const c = await container(tar);
    history.records = [{ path: '/usr/bin/hello', name: storedOf(c.ns, '/usr/bin/hello') }];
    const k = kernelParts(history, async () => {
      throw new Error('the compile thread exited');
    });
    k.prefetch.start(c.ns);
    expect(k.compiled).toHaveLength(1);
    const m = await load(k.loader, c.ns, '/usr/bin/hello');
    expect(WebAssembly.Module.exports(m).map((e) => e.name)).toEqual(['memory', '_start']);
  });

  it('does not remember small programs', async () => {
    const history = new MemoryHistory();
    const modules = new ModuleCache();
    const loader = new Loader(modules);
    const prefetch = new Prefetch(modules, { programHistory: history });   // the default size: 4 MiB
    loader.loadedStored = (p, r) => prefetch.loaded(p, r);
    await load(loader, (await container(tar)).ns, '/usr/bin/hello');
    expect(history.records).toEqual([]);
  });
});

function storedOf(ns: MountNamespace, p: string): string {
  let n: unknown = ns.root;
  for (const part of p.split('/').filter(Boolean)) n = (n as { lookup(name: string): unknown }).lookup(part);
  const r = (n as { stored(): StoredRange | null }).stored();
  if (!r) throw new Error(`${p} is not stored`);
  return storedName(r);
}
