// A build step's layer: what the step changed in its stage's root — the
// upper layer of the overlay it ran in (fs/changeset.ts lists it, parents
// first, names sorted) — as the entries of an OCI layer tar. New and changed
// files, directories, symlinks and devices are themselves; a second name of a
// file is a hard link; a name removed from a lower layer is a whiteout
// `DIR/.wh.NAME`; a directory that replaced a lower one (made over a
// whiteout, or in place of a file) is followed by its opaque marker
// `DIR/.wh..wh..opq`. Made reproducible here: mtimes clamped to the build's
// SOURCE_DATE_EPOCH, owners 0:0 unless the step recorded others (COPY
// --chown), markers with mode 0 and the epoch's time. The root itself gets no
// entry (a layer does not change it).
// tarwriter.ts encodes the entries; layerblob.ts compresses and hashes them.
// Spec: OCI image-spec layer.md ("Changesets", "Whiteouts", "Opaque Whiteout").
import type { UpperChange } from '../fs/changeset.js';
import { OPAQUE_NAME, WH_PREFIX } from '../fs/whiteout.js';
import type { TarEntry } from './tarwriter.js';

export interface Owner {
  uid: number;
  gid: number;
}

export interface DiffOptions {
  /** SOURCE_DATE_EPOCH, in seconds: no mtime is later. */
  epoch: number;
  /** The owner a path was given (COPY --chown); undefined: 0:0. */
  owner?: (path: string) => Owner | undefined;
  /** Paths left out with everything below them (a RUN's mount points). */
  skip?: ReadonlySet<string>;
}

const NS_PER_S = 1_000_000_000n;

/** The layer's entries, in the changes' order (parents first, names sorted). */
export function layerEntries(changes: readonly UpperChange[], o: DiffOptions): TarEntry[] {
  const out: TarEntry[] = [];
  const clamp = (ns: bigint): number => {
    const s = Number(ns / NS_PER_S);
    return Math.max(0, Math.min(s, o.epoch));
  };
  const owned = (path: string): Owner => o.owner?.(path) ?? { uid: 0, gid: 0 };
  const skipped = (path: string): boolean => {
    if (!o.skip || o.skip.size === 0) return false;
    for (let p = path; p !== ''; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') if (o.skip.has(p)) return true;
    return false;
  };
  for (const c of changes) {
    if (c.path === '' || skipped(c.path)) continue;
    switch (c.kind) {
      case 'whiteout': {
        const slash = c.path.lastIndexOf('/');
        const dir = slash < 0 ? '' : c.path.slice(0, slash + 1);
        out.push(marker(`${dir}${WH_PREFIX}${c.path.slice(slash + 1)}`, o.epoch));
        break;
      }
      case 'dir':
        out.push({ path: c.path, kind: 'dir', mode: c.mode, mtime: clamp(c.mtime), ...owned(c.path) });
        if (c.opaque) out.push(marker(`${c.path}/${OPAQUE_NAME}`, o.epoch));
        break;
      case 'file':
        out.push({ path: c.path, kind: 'file', mode: c.mode, mtime: clamp(c.mtime), ...owned(c.path), data: c.data() });
        break;
      case 'symlink':
        out.push({ path: c.path, kind: 'symlink', mode: c.mode, mtime: clamp(c.mtime), ...owned(c.path), linkname: c.target });
        break;
      case 'hardlink':
        out.push({ path: c.path, kind: 'hardlink', mode: 0, mtime: 0, uid: 0, gid: 0, linkname: c.linkname });
        break;
      default:
        out.push({ path: c.path, kind: c.kind, mode: c.mode, mtime: clamp(c.mtime), ...owned(c.path), devmajor: c.major, devminor: c.minor });
    }
  }
  // An opaque root (FROM scratch never has one, but a layer may replace everything) needs its marker too.
  const root = changes.find((c) => c.path === '');
  if (root && root.kind === 'dir' && root.opaque) out.unshift(marker(OPAQUE_NAME, o.epoch));
  return out;
}

/** A whiteout or opaque marker: an empty file of mode 0. */
function marker(path: string, epoch: number): TarEntry {
  return { path, kind: 'file', mode: 0, mtime: epoch, uid: 0, gid: 0, data: new Uint8Array(0) };
}
