// Unpacking: a layer's entries (entry.ts, from the tar reader) applied, in
// order, to a fresh layer tree (fs/layer.ts), which is then read-only and
// shared by every container of every image that has the layer. OCI's deletion
// names become what they mean: `DIR/.wh.NAME` a whiteout of NAME in DIR,
// `DIR/.wh..wh..opq` an opaque DIR; they are never files of the tree.
// Each file's pieces are copied into the layer's chunks as they arrive, so
// the decompressed stream can be dropped piece by piece — unless the entries
// are views of one buffer read for this layer alone (`keep`: an uncompressed
// blob read whole), which the layer's files then keep as they are, or the
// entries of a stored blob read headers only (`blob`), whose files' bytes the
// layer reads from there.
// UnpackedLayers keeps one tree per layer digest: unpacked once, whoever asks.
// Decisions: uid/gid are dropped (everyone is root in tabkernel); device nodes
// and FIFOs are kept as such (they hide lower entries as extracting them
// would) and cannot be opened (ENXIO); a hard link must name an earlier
// entry of the same layer (else the unpack fails with NOENT, as tar reports it);
// the bytes are charged to the budget given, once per layer (NOSPC when they
// do not fit), and given back by LayerTree.release.
// Spec: OCI image-spec layer.md ("Whiteouts", "Opaque Whiteout"); POSIX pax.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import type { BlobFile } from '../fs/blobfile.js';
import { LayerBuilder, type LayerTree } from '../fs/layer.js';
import type { MemoryBudget } from '../mm/budget.js';
import type { LayerEntry } from './entry.js';

const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';

export interface UnpackOptions {
  /** What the layer's file bytes are charged to (none: uncounted). */
  budget?: MemoryBudget;
  /** The entries' data are views of one buffer the layer may keep (LayerBuilder's `keep`). */
  keep?: boolean;
  /** The stored blob the entries were read from headers only (their files' `at`): the layer reads its bytes there. */
  blob?: BlobFile;
}

/** A layer's entries, in archive order, and where their bytes are (UnpackOptions' `keep` and `blob`). */
export interface LayerEntries {
  entries: AsyncIterable<LayerEntry> | Iterable<LayerEntry>;
  keep?: boolean;
  blob?: BlobFile;
}

/** Build one layer's tree from its entries, in archive order. */
export async function unpackLayer(
  entries: AsyncIterable<LayerEntry> | Iterable<LayerEntry>,
  opts: UnpackOptions = {},
): Promise<LayerTree | Err> {
  const b = new LayerBuilder(opts.budget ?? null, opts.keep ?? false, opts.blob ?? null);
  try {
    for await (const e of entries) {
      const r = apply(b, e);
      if (r !== Errno.SUCCESS) {
        b.abandon();
        return err(r);
      }
    }
  } catch (e) {
    b.abandon(); // the stream failed (a bad archive, a network error): nothing stays charged
    throw e;
  }
  return b.finish();
}

/** One entry: a deletion marker, or a node at its path. */
function apply(b: LayerBuilder, e: LayerEntry): Errno {
  const slash = e.path.lastIndexOf('/');
  const dir = slash < 0 ? '' : e.path.slice(0, slash);
  const name = e.path.slice(slash + 1);
  if (name === OPAQUE) {
    b.opaque(dir);
    return Errno.SUCCESS;
  }
  if (name.startsWith(WH)) {
    b.whiteout(dir === '' ? name.slice(WH.length) : `${dir}/${name.slice(WH.length)}`);
    return Errno.SUCCESS;
  }
  switch (e.kind) {
    case 'dir': b.dir(e.path, e.mode, e.mtime); return Errno.SUCCESS;
    case 'file': return b.file(e.path, e.mode, e.mtime, e.size, e.data, e.at);
    case 'symlink': b.symlink(e.path, e.mode, e.mtime, e.linkname); return Errno.SUCCESS;
    case 'hardlink': return b.hardlink(e.path, e.linkname);
    case 'chardev': case 'blockdev': case 'fifo':
      b.device(e.path, e.kind, e.mode, e.mtime, e.devmajor, e.devminor);
      return Errno.SUCCESS;
  }
}

/**
 * The unpacked layers, by digest: the first request unpacks, every later one
 * (and any made while it runs) shares the tree. A failed unpack is forgotten,
 * so the next request tries again.
 */
export class UnpackedLayers {
  private readonly trees = new Map<string, Promise<LayerTree | Err>>();

  constructor(private readonly budget?: MemoryBudget) {}

  get(digest: string, open: () => LayerEntries | Promise<LayerEntries>): Promise<LayerTree | Err> {
    let tree = this.trees.get(digest);
    if (!tree) {
      tree = (async () => {
        const { entries, keep, blob } = await open();
        return unpackLayer(entries, { budget: this.budget, keep, blob });
      })();
      this.trees.set(digest, tree);
      const forget = (): void => void this.trees.delete(digest);
      tree.then((t) => isErr(t) && forget(), forget);
    }
    return tree;
  }

  /** Whether the layer is unpacked or being unpacked. */
  has(digest: string): boolean {
    return this.trees.has(digest);
  }

  /** Drop the layer (no image uses it any more): its bytes go back to the budget. */
  async drop(digest: string): Promise<void> {
    const tree = this.trees.get(digest);
    this.trees.delete(digest);
    const t = await tree;
    if (t && !isErr(t)) t.release();
  }
}
