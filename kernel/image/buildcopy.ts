// COPY and ADD: which files a step copies (the plan), what they are (their
// inputs digest, for the layer cache) and copying them into the stage's root.
// Sources are read from a directory inode — the build context (less what
// .dockerignore excludes), another stage's root (`--from=STAGE`) or an
// image's (`--from=IMAGE`) — and written through the stage root's overlay, so
// the step's layer is its upper (layerdiff.ts), as for RUN.
// Docker's rules: a source directory's contents are copied, not the directory;
// a file goes to DEST/NAME when DEST ends in '/' or is a directory, else to
// DEST; several sources (or a wildcard) need a DEST ending in '/'; a relative
// DEST is under WORKDIR; missing parents are made (0755); a source symlink is
// followed, symlinks inside a copied directory are copied as they are; modes
// are kept (or set by --chmod), as are mtimes (layerdiff.ts clamps them);
// wildcards (`*`, `?`, `[…]`, `**`) match paths from the source's root; a
// source may not leave it. ADD also unpacks a local tar archive (plain, gzip
// or zstd) into DEST, keeping the owners it records; any other file is copied
// as COPY would. ADD of a URL is refused: builds have no network.
// Spec: the Dockerfile reference, "COPY" and "ADD".
import { Errno, errnoLabel, isErr } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import { DirInode, SymlinkInode, type Inode } from '../fs/inode.js';
import { MountNamespace } from '../fs/namespace.js';
import { resolveAbsolute } from '../fs/path.js';
import { decompressLayer, sniffCompression, type Inflater } from './compression.js';
import type { Sha256 } from './digest.js';
import { DockerIgnore, compile } from './dockerignore.js';
import { cleanPath } from '../lib/pathname.js';
import type { Owner } from './layerdiff.js';
import { looksLikeTar, readTar } from './tar.js';
import { concatBytes } from '../lib/bytes.js';

/** One thing a COPY or ADD makes, at an absolute path of the stage's root ('' never: the root is not copied). */
export type CopyItem =
  | { path: string; kind: 'dir'; mode: number; mtime: bigint; owner?: Owner }
  | { path: string; kind: 'file'; mode: number; mtime: bigint; data: Uint8Array; owner?: Owner }
  | { path: string; kind: 'symlink'; mode: number; mtime: bigint; target: string; owner?: Owner };

/** Where a COPY's sources are: a root directory, and what of it may not be copied. */
export interface CopySource {
  root: DirInode;
  ignore: DockerIgnore;
  /** How it is named in errors ("the build context", "stage builder"). */
  name: string;
}

export interface CopyRequest {
  sources: readonly string[];
  dest: string;
  /** The stage's working directory (absolute). */
  workdir: string;
  /** --chmod, as permission bits. */
  chmod?: number;
  /** ADD: unpack local archives. */
  add: boolean;
}

/** A COPY or ADD that cannot be done (a missing source, a bad DEST): the message says why. */
export class CopyError extends Error {
  override name = 'CopyError';
}

const WILDCARD = /[*?[]/;

/**
 * What `req` copies from `from` into a root that looks like `dest` (the
 * stage's root before the step: it says whether DEST is a directory).
 */
export async function planCopy(from: CopySource, req: CopyRequest, dest: DirInode, inflate?: Inflater): Promise<CopyItem[]> {
  const found: Array<{ path: string; node: Inode }> = [];
  let wildcard = false;
  for (const src of req.sources) {
    if (req.add && (/^[a-z][a-z0-9+.-]*:\/\//i.test(src) || /^git@/.test(src))) {
      throw new CopyError(`ADD ${src}: URLs are not supported (a build has no network): download it into the build context and ADD the file`);
    }
    const rel = inside(src, from.name);
    if (WILDCARD.test(rel)) {
      wildcard = true;
      const matches = matching(from, rel);
      if (matches.length === 0) throw new CopyError(`no source files match ${JSON.stringify(src)} in ${from.name}`);
      found.push(...matches);
      continue;
    }
    const node = lookup(from.root, rel);
    if (node === null || (rel !== '' && from.ignore.excluded(rel))) {
      const why = node !== null ? ' (excluded by .dockerignore)' : '';
      throw new CopyError(`${JSON.stringify(src)} not found in ${from.name}${why}`);
    }
    found.push({ path: rel, node });
  }
  const destPath = absolute(req.dest, req.workdir);
  const toDir = req.dest.endsWith('/') || req.dest === '.' || isDirectory(dest, destPath);
  if ((found.length > 1 || wildcard) && !toDir) {
    throw new CopyError(`with several sources (or a wildcard) the destination must be a directory ending in '/': ${JSON.stringify(req.dest)}`);
  }
  const items: CopyItem[] = [];
  for (const { path, node } of found) {
    if (node instanceof DirInode) {
      if (destPath !== '') items.push({ path: destPath, kind: 'dir', mode: node.getMode(), mtime: mtimeOf(node) });
      walk(from, node, path, destPath, items);
      continue;
    }
    const name = path.split('/').pop() as string;
    const target = toDir ? join(destPath, name) : destPath;
    if (target === '') throw new CopyError(`cannot copy a file onto the root directory`);
    const data = readAll(node, `${from.name}: ${path}`);
    const archive = req.add ? await unpackable(data, inflate) : null;
    if (archive) items.push(...(await archiveItems(archive, destPath, inflate)));
    else items.push({ path: target, kind: 'file', mode: node.getMode(), mtime: mtimeOf(node), data });
  }
  if (req.chmod !== undefined) for (const it of items) if (it.kind !== 'symlink') it.mode = req.chmod;
  return items;
}

/** Feed the items' paths, kinds, modes, times and bytes to `h`: the step's inputs digest. */
export function hashItems(items: readonly CopyItem[], epoch: number, h: Sha256): void {
  const enc = new TextEncoder();
  for (const it of items) {
    const mtime = Math.min(Number(it.mtime / 1_000_000_000n), epoch);
    const owner = it.owner ? `${it.owner.uid}:${it.owner.gid}` : '';
    const body = it.kind === 'file' ? `${it.data.length}` : it.kind === 'symlink' ? it.target : '';
    h.update(enc.encode(`${it.kind}\0${it.path}\0${it.mode.toString(8)}\0${mtime}\0${owner}\0${body}\0`));
    if (it.kind === 'file') h.update(it.data);
  }
}

/**
 * Make the items in `root` (the step's overlay): missing parents as 0755
 * directories (their paths added to `made`), what is in the way of a file or
 * symlink replaced. Throws CopyError naming the path that could not be made.
 */
export function applyCopy(root: DirInode, items: readonly CopyItem[], made: string[]): void {
  const ns = new MountNamespace(root);
  for (const it of items) {
    const fail = (what: string, e: Errno): never => {
      throw new CopyError(`cannot ${what} /${it.path} (E${errnoLabel(e)})`);
    };
    const parent = mkdirp(ns, it.path.split('/').slice(0, -1), made);
    if (typeof parent === 'number') fail('make the parent directory of', parent);
    const dir = parent as DirInode;
    const name = it.path.split('/').pop() as string;
    const existing = dir.lookup(name);
    const there = isErr(existing) ? null : ns.cross(existing);
    if (it.kind === 'dir') {
      // An existing directory (or a symlink to one) is copied into.
      const r = resolveAbsolute(ns, '/', `/${it.path}`, true);
      if (!isErr(r) && r.node instanceof DirInode) {
        r.node.setMode(it.mode);
        continue;
      }
      if (there) {
        const e = dir.unlink(name);
        if (e !== Errno.SUCCESS) fail('replace', e);
      }
      const e = dir.mkdir(name);
      if (e !== Errno.SUCCESS) fail('make directory', e);
      const made = dir.lookup(name);
      if (!isErr(made)) made.setMode(it.mode);
      continue;
    }
    if (there instanceof DirInode) throw new CopyError(`cannot copy ${it.kind === 'file' ? 'a file' : 'a symlink'} onto the directory /${it.path}`);
    if (there) {
      const e = dir.unlink(name);
      if (e !== Errno.SUCCESS) fail('replace', e);
    }
    if (it.kind === 'symlink') {
      const e = dir.symlink(name, it.target);
      if (e !== Errno.SUCCESS) fail('make symlink', e);
      continue;
    }
    const file = dir.createFile(name);
    if (isErr(file)) return fail('create', file.errno);
    const f = file.open({ read: false, write: true });
    if (isErr(f)) return fail('open', f.errno);
    for (let off = 0; off < it.data.length; ) {
      const n = f.write(it.data.subarray(off));
      if (isErr(n)) return fail('write', n.errno);
      off += n;
    }
    f.release();
    file.setMode(it.mode);
    file.setTimes(undefined, it.mtime);
  }
}

/** The directory at `names` under the namespace's root, made (0755) where missing. */
function mkdirp(ns: MountNamespace, names: string[], made: string[]): DirInode | Errno {
  let path = '';
  for (const name of names) {
    path = join(path, name);
    const r = resolveAbsolute(ns, '/', `/${path}`, true);
    if (isErr(r)) return r.errno;
    if (r.node instanceof DirInode) continue;
    if (r.node) return Errno.NOTDIR;
    const e = r.parent.mkdir(r.name);
    if (e !== Errno.SUCCESS) return e;
    made.push(path);
  }
  const r = resolveAbsolute(ns, '/', `/${path}`, true);
  if (isErr(r)) return r.errno;
  return r.node instanceof DirInode ? r.node : Errno.NOTDIR;
}

/** A source path made relative to its root; one that leaves the root is refused. */
function inside(src: string, from: string): string {
  let depth = 0;
  for (const c of src.split('/')) {
    if (c === '..') depth--;
    else if (c !== '' && c !== '.') depth++;
    if (depth < 0) throw new CopyError(`${JSON.stringify(src)} is outside ${from}`);
  }
  return cleanPath(src);
}

/** `dest` as an absolute path of the stage's root, without its leading '/' ('' is the root). */
function absolute(dest: string, workdir: string): string {
  return cleanPath(dest.startsWith('/') ? dest : `${workdir}/${dest}`);
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/** What `path` (relative, '' the root) names under `root`, a final symlink followed; null if nothing. */
function lookup(root: DirInode, path: string): Inode | null {
  if (path === '') return root;
  const r = resolveAbsolute(new MountNamespace(root), '/', `/${path}`, true);
  return isErr(r) ? null : r.node;
}

function isDirectory(root: DirInode, path: string): boolean {
  return lookup(root, path) instanceof DirInode;
}

/** Every path under the source's root that `pattern` matches (not descending into matches), sorted. */
function matching(from: CopySource, pattern: string): Array<{ path: string; node: Inode }> {
  const re = compile(pattern);
  const out: Array<{ path: string; node: Inode }> = [];
  const visit = (dir: DirInode, prefix: string): void => {
    for (const [name, node] of sortedEntries(dir)) {
      const path = join(prefix, name);
      if (from.ignore.excluded(path) && !(node instanceof DirInode && from.ignore.hasExceptions)) continue;
      if (re.test(path) && !from.ignore.excluded(path)) {
        const target = lookup(from.root, path);
        if (target) out.push({ path, node: target });
        continue;
      }
      if (node instanceof DirInode) visit(node, path);
    }
  };
  visit(from.root, '');
  return out;
}

/** A directory's contents as items under `destDir`, parents first, names sorted; symlinks kept as such. */
function walk(from: CopySource, dir: DirInode, srcPath: string, destDir: string, items: CopyItem[]): void {
  for (const [name, node] of sortedEntries(dir)) {
    const src = join(srcPath, name);
    const dst = join(destDir, name);
    const excluded = from.ignore.excluded(src);
    if (node instanceof DirInode) {
      if (excluded && !from.ignore.hasExceptions) continue;
      const at = items.length;
      items.push({ path: dst, kind: 'dir', mode: node.getMode(), mtime: mtimeOf(node) });
      walk(from, node, src, dst, items);
      // An excluded directory is kept only to hold what an exception brought back.
      if (excluded && items.length === at + 1) items.pop();
      continue;
    }
    if (excluded) continue;
    if (node instanceof SymlinkInode) {
      const target = node.readlink();
      if (isErr(target)) throw new CopyError(`${from.name}: ${src}: cannot read the symlink (E${errnoLabel(target.errno)})`);
      items.push({ path: dst, kind: 'symlink', mode: 0o777, mtime: mtimeOf(node), target });
      continue;
    }
    if (node.filetype === Filetype.REGULAR_FILE) {
      items.push({ path: dst, kind: 'file', mode: node.getMode(), mtime: mtimeOf(node), data: readAll(node, `${from.name}: ${src}`) });
    }
    // Devices, FIFOs and sockets of a context are not copied (Docker copies them; a build context has none worth having).
  }
}

function sortedEntries(dir: DirInode): Array<[string, Inode]> {
  const list = dir.list();
  if (isErr(list)) throw new CopyError(`cannot list a directory (E${errnoLabel(list.errno)})`);
  return [...list].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function mtimeOf(node: Inode): bigint {
  const st = node.stat();
  return isErr(st) ? 0n : st.mtim;
}

/** A file's bytes, read whole. */
function readAll(node: Inode, what: string): Uint8Array {
  const f = node.open({ read: true, write: false });
  if (isErr(f)) throw new CopyError(`${what}: cannot open (E${errnoLabel(f.errno)})`);
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const got = f.read(1 << 20);
      if (isErr(got)) throw new CopyError(`${what}: cannot read (E${errnoLabel(got.errno)})`);
      if (got.length === 0) break;
      parts.push(got.slice());
      size += got.length;
    }
  } finally {
    f.release();
  }
  return parts.length === 1 ? parts[0] : concatBytes(parts, size);
}

/** A local archive ADD unpacks: a tar, plain or compressed (gzip, zstd); null for any other file. */
async function unpackable(data: Uint8Array, inflate?: Inflater): Promise<{ mediaType: string; data: Uint8Array } | null> {
  const compression = sniffCompression(data.subarray(0, 8));
  if (compression === null) return looksLikeTar(data.subarray(0, 512)) ? { mediaType: 'application/vnd.oci.image.layer.v1.tar', data } : null;
  const mediaType = `application/vnd.oci.image.layer.v1.tar+${compression}`;
  // Decompressed only far enough to see whether a tar is inside.
  try {
    for await (const head of decompressLayer(mediaType, once(data), { inflate })) return looksLikeTar(head.subarray(0, 512)) ? { mediaType, data } : null;
  } catch {
    return null; // compressed, but no tar inside: copied as a file
  }
  return null;
}

async function* once(data: Uint8Array): AsyncGenerator<Uint8Array> {
  yield data;
}

/** An archive's entries as items under `destDir`: owners kept, hard links copied, devices left out. */
async function archiveItems(archive: { mediaType: string; data: Uint8Array }, destDir: string, inflate?: Inflater): Promise<CopyItem[]> {
  const items: CopyItem[] = [];
  const files = new Map<string, Uint8Array>();
  for await (const e of readTar(decompressLayer(archive.mediaType, once(archive.data), { inflate }))) {
    const path = join(destDir, e.path);
    const owner = { uid: e.uid, gid: e.gid };
    switch (e.kind) {
      case 'dir': items.push({ path, kind: 'dir', mode: e.mode, mtime: e.mtime, owner }); break;
      case 'file': {
        const data = (e.data.length === 1 ? e.data[0].slice() : concatBytes(e.data, e.size));
        files.set(e.path, data);
        items.push({ path, kind: 'file', mode: e.mode, mtime: e.mtime, data, owner });
        break;
      }
      case 'symlink': items.push({ path, kind: 'symlink', mode: 0o777, mtime: e.mtime, target: e.linkname, owner }); break;
      case 'hardlink': {
        const data = files.get(e.linkname);
        if (!data) throw new CopyError(`archive: ${e.path}: a hard link to ${e.linkname}, which is not an earlier file of the archive`);
        items.push({ path, kind: 'file', mode: e.mode, mtime: e.mtime, data, owner });
        break;
      }
      default: break; // devices and FIFOs
    }
  }
  return items;
}

