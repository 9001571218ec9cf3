// Program prefetch, as an operating system's launch prefetcher does it: the
// large programs containers loaded from image layers are remembered by the
// host (their path and their bytes' name, fs/blobfile.ts storedName), and a
// new container whose root holds the same bytes at the same path has them
// compiled at its start, on the host's compile thread, while its first
// processes run. A cold `make` in the toolchain image reaches its first
// `clang` about a second in; clang's 75 MB module takes about as long to
// read and compile, all of it on the kernel's thread when the loader does it
// (docs/BENCHMARKS.md). The history is a hint: an entry whose path now holds
// other bytes is passed over, and a prefetch that fails leaves the loader to
// read and compile the program as if none had been tried (proc/loader.ts).
import { storedName, type StoredRange } from '../fs/blobfile.js';
import { FileInode } from '../fs/inode.js';
import type { MountNamespace } from '../fs/namespace.js';
import { resolveAbsolute } from '../fs/path.js';
import type { Host } from '../hostapi.js';
import { isErr } from '../abi/errno.js';
import type { ModuleCache } from './modules.js';

/** Programs at least this large are remembered: a smaller one compiles in a few milliseconds, less than the hop to another thread. */
export const PREFETCH_BYTES = 4 << 20;

export class Prefetch {
  constructor(
    private readonly modules: ModuleCache,
    private readonly host: Pick<Host, 'compileStored' | 'programHistory'>,
    private readonly trace: ((line: string) => void) | null = null,
    private readonly minBytes = PREFETCH_BYTES,
  ) {}

  /** A container's root is ready: have the remembered programs it holds compiled. */
  start(ns: MountNamespace): void {
    const { compileStored, programHistory } = this.host;
    if (!compileStored || !programHistory) return;
    let records;
    try {
      records = programHistory.list();
    } catch {
      return;
    }
    for (const { path, name } of records) {
      const r = resolveAbsolute(ns, '/', path, true);
      if (isErr(r) || !(r.node instanceof FileInode)) continue;
      const stored = r.node.stored();
      if (!stored || storedName(stored) !== name || this.modules.named(name)) continue;
      this.trace?.(`prefetch ${path}: compiling it off the kernel's thread`);
      // A failure is the loader's to recover from (it reads and compiles the program itself).
      this.modules.adopt(name, compileStored.call(this.host, stored)).catch((e: Error) => this.trace?.(`prefetch ${path}: ${e.message}`));
    }
  }

  /** The loader compiled a program from a stored blob (proc/loader.ts Loader.loadedStored): remember it if it is large. */
  loaded(path: string, r: StoredRange): void {
    if (r.size < this.minBytes || !this.host.programHistory) return;
    const name = storedName(r);
    try {
      const first = this.host.programHistory.list()[0];
      if (first?.path !== path || first.name !== name) this.host.programHistory.note({ path, name });
    } catch {
      // A hint not kept.
    }
  }
}
