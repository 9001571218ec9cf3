// An overlay file system: read-only image layers (layer.ts) under a writable
// upper layer (a MemFs), merged into one tree whose root can be mounted, or be
// a container's root. This file holds the directories, where the merging is:
// lookup goes top-down (upper, then each layer from the top); a whiteout hides
// the name below its layer, an opaque directory everything below it; readdir
// merges the layers' names (markers hidden, each name once, sorted). Files,
// symlinks and devices, and their copy-up, are in copyup.ts; the markers the
// upper holds in whiteout.ts; the list of the upper's changes in changeset.ts.
//
// Changes go to the upper: a directory is copied up (made there, with its
// mode and times) before anything is created in it; removing or renaming away
// a name that a lower layer has leaves a whiteout; mkdir over a whiteout makes
// an opaque directory; rmdir needs the directory empty as merged.
// Renaming a directory that has lower contents is EXDEV (overlayfs without
// redirect_dir: mv copies instead). Names starting with `.wh.` are reserved:
// looking one up is ENOENT, creating one EINVAL.
// Every object stands for one path and keeps its inode number while it lives
// (dev is the overlay's); hard links show one number. statvfs is the upper's.
// Spec: Linux Documentation/filesystems/overlayfs.rst; OCI image-spec layer.md;
// POSIX rename(2), rmdir(2), unlink(2) for the errnos.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import { upperChanges, type UpperChange } from './changeset.js';
import { OverlayDevice, OverlayFile, OverlaySymlink, UpperDevice, addKeepingTimes, isLeaf, type OverlayContext, type OverlayLeaf } from './copyup.js';
import { DirHandle } from './dirhandle.js';
import { SocketInode } from './socketnode.js';
import type { OpenFile } from './file.js';
import { DirInode, allocDev, type FsStat, type Inode, type OpenMode, type Stat } from './inode.js';
import type { LayerDir, LayerNode, LayerTree } from './layer.js';
import { MemDir, MemFile, MemSymlink, type MemFs } from './memfs.js';
import { WHITEOUT, addWhiteout, clearMarkers, dropWhiteout, isOpaque, isReserved, markOpaque } from './whiteout.js';

export class Overlay implements OverlayContext {
  readonly dev = allocDev();
  readonly root: OverlayDir;
  private nextIno = 1n;
  private readonly inos = new WeakMap<object, bigint>();

  /** `lowers`: the image's layers, bottom first; `upper`: where changes go. */
  constructor(lowers: readonly LayerTree[], readonly upperFs: MemFs) {
    const stack: LayerDir[] = [];
    for (const l of [...lowers].reverse()) {
      stack.push(l.root);
      if (l.root.opaque) break;
    }
    this.root = new OverlayDir(this, null, '', upperFs.root, isOpaque(upperFs.root) ? [] : stack);
  }

  ino(key: object): bigint {
    let ino = this.inos.get(key);
    if (ino === undefined) this.inos.set(key, (ino = this.nextIno++));
    return ino;
  }
  keepIno(key: object, ino: bigint): void {
    this.inos.set(key, ino);
  }

  /** What the upper layer holds: the changes made to the image, parents first (for a snapshot or a new layer). */
  changes(): UpperChange[] {
    return upperChanges(this.upperFs);
  }
}

/** What a name is in a directory's layers: the upper inode and/or the lower nodes it merges (top first). */
interface Found {
  upper: Inode | null;
  lower: LayerNode[];
}

export class OverlayDir extends DirInode {
  /** Removed from the tree: nothing can be found or made in it. */
  dead = false;
  /** The objects of the names looked up so far: one per path while it exists. */
  private readonly children = new Map<string, OverlayDir | OverlayLeaf>();
  readonly ino: bigint;

  constructor(
    readonly ov: Overlay,
    public parent: OverlayDir | null,
    public name: string,
    /** This directory in the upper layer; null until copied up. */
    public upper: MemDir | null,
    /** The lower directories merged here, top first (ending at an opaque one). */
    readonly lowers: readonly LayerDir[],
  ) {
    super();
    this.ino = ov.ino(upper ?? lowers[0]);
  }

  // --- what it is -----------------------------------------------------------

  stat(): Stat | Err {
    const base = { dev: this.ov.dev, ino: this.ino, filetype: Filetype.DIRECTORY };
    if (this.upper) {
      const st = this.upper.stat();
      // Merged with lower directories, the link count is unknown: 1, as overlayfs says.
      return { ...st, ...base, nlink: this.lowers.length > 0 ? 1n : st.nlink };
    }
    const top = this.attrs();
    const nlink = this.lowers.length > 1 ? 1n : 2n + BigInt([...this.lowers[0].entries.values()].filter((n) => n.kind === 'dir').length);
    return { ...base, nlink, size: BigInt(this.lowers[0].entries.size), atim: top.mtime, mtim: top.mtime, ctim: top.mtime };
  }
  /** The lower directory whose attributes show: the topmost one a layer gave explicitly. */
  private attrs(): LayerDir {
    return this.lowers.find((d) => !d.implicit) ?? this.lowers[0];
  }
  override getMode(): number {
    return this.upper?.getMode() ?? this.attrs().mode;
  }
  override setMode(mode: number): Errno {
    const u = this.ensureUpper();
    return isErr(u) ? u.errno : u.setMode(mode);
  }
  override setTimes(atim: bigint | undefined, mtim: bigint | undefined): Errno {
    const u = this.ensureUpper();
    return isErr(u) ? u.errno : u.setTimes(atim, mtim);
  }
  override fsStat(): FsStat {
    return this.ov.upperFs.fsStat();
  }
  open(mode: OpenMode): OpenFile | Err {
    if (mode.write) return err(Errno.ISDIR);
    return new DirHandle(this, this.parent ?? this);
  }

  /** This directory in the upper layer, made there (and its parents) if it is not yet. */
  ensureUpper(): MemDir | Err {
    if (this.upper) return this.upper;
    if (this.dead || !this.parent) return err(Errno.NOENT);
    const pu = this.parent.ensureUpper();
    if (isErr(pu)) return pu;
    const dir = new MemDir(this.ov.upperFs, pu);
    const top = this.attrs();
    dir.meta.mode = top.mode;
    dir.meta.atim = dir.meta.mtim = top.mtime;
    addKeepingTimes(pu, this.name, dir);
    pu.meta.nlink++;
    this.ov.keepIno(dir, this.ino);
    this.upper = dir;
    return dir;
  }

  // --- lookup and readdir ---------------------------------------------------

  /** Resolve `name` top-down through the upper and the lower layers; null when nothing (visible) has it. */
  private find(name: string): Found | null {
    let top: Inode | null = null;
    const u = this.upper?.lookup(name);
    if (u && !isErr(u)) {
      if (u === WHITEOUT) return null;
      if (!(u instanceof DirInode) || isOpaque(u)) return { upper: u, lower: [] };
      top = u;
    }
    const lower: LayerNode[] = [];
    for (const layer of this.lowers) {
      const n = layer.entries.get(name);
      if (n) {
        // A non-directory ends the search: it shows only if nothing above has the name.
        if (n.kind !== 'dir') {
          if (!top && lower.length === 0) lower.push(n);
          break;
        }
        lower.push(n);
        if (n.opaque) break;
      }
      if (layer.whiteouts.has(name)) break;
    }
    return top || lower.length > 0 ? { upper: top, lower } : null;
  }

  /** Whether a lower layer has `name` visible here: removing the upper's entry would show it, so a whiteout must stay. */
  private lowerHas(name: string): boolean {
    for (const layer of this.lowers) {
      if (layer.entries.has(name)) return true;
      if (layer.whiteouts.has(name)) return false;
    }
    return false;
  }

  /** The object for `name` as `f` found it: the cached one if it still stands for the same nodes. */
  private child(name: string, f: Found): OverlayDir | OverlayLeaf {
    const cached = this.children.get(name);
    if (cached && sameNodes(cached, f)) return cached;
    if (cached) markDead(cached);
    const made = this.make(name, f);
    this.children.set(name, made);
    return made;
  }

  private make(name: string, f: Found): OverlayDir | OverlayLeaf {
    const place = { dir: this, name };
    const u = f.upper, l = f.lower[0] ?? null;
    if (u instanceof MemDir) return new OverlayDir(this.ov, this, name, u, f.lower as LayerDir[]);
    if (u instanceof MemFile) return new OverlayFile(this.ov, place, u, null);
    if (u instanceof MemSymlink) return new OverlaySymlink(this.ov, place, u, null);
    if (u instanceof UpperDevice) return new OverlayDevice(this.ov, place, u, null);
    if (u) throw new Error(`overlay: unexpected upper inode at ${name}`);
    switch (l.kind) {
      case 'dir': return new OverlayDir(this.ov, this, name, null, f.lower as LayerDir[]);
      case 'file': return new OverlayFile(this.ov, place, null, l);
      case 'symlink': return new OverlaySymlink(this.ov, place, null, l);
      default: return new OverlayDevice(this.ov, place, null, l);
    }
  }

  lookup(name: string): Inode | Err {
    if (this.dead || isReserved(name)) return err(Errno.NOENT);
    const f = this.find(name);
    if (!f) {
      const gone = this.children.get(name);
      if (gone) this.forget(name, gone);
      return err(Errno.NOENT);
    }
    // A socket's name is only ever in the upper layer, and has nothing to copy up: itself.
    if (f.upper instanceof SocketInode) return f.upper;
    return this.child(name, f);
  }

  /** The merged names, each once, sorted (so the order never depends on what was copied up). */
  list(): Array<[string, Inode]> | Err {
    if (this.dead) return []; // a removed directory (someone's cwd) reads as empty, as on Linux
    const names = new Set<string>();
    const hidden = new Set<string>();
    for (const [name, node] of this.upper?.list() ?? []) {
      if (node === WHITEOUT) hidden.add(name);
      else if (!isReserved(name)) names.add(name);
    }
    for (const layer of this.lowers) {
      for (const name of layer.entries.keys()) if (!hidden.has(name)) names.add(name);
      for (const name of layer.whiteouts) hidden.add(name);
    }
    const out: Array<[string, Inode]> = [];
    for (const name of [...names].sort()) {
      const node = this.lookup(name);
      if (!isErr(node)) out.push([name, node]);
    }
    return out;
  }

  // --- changes --------------------------------------------------------------

  /** The checks every new name goes through; then the upper directory it goes in, with any whiteout of it gone. */
  private makeRoom(name: string): MemDir | Err {
    if (this.dead) return err(Errno.NOENT);
    if (isReserved(name)) return err(Errno.INVAL);
    if (this.find(name)) return err(Errno.EXIST);
    const pu = this.ensureUpper();
    if (!isErr(pu)) dropWhiteout(pu, name);
    return pu;
  }

  createFile(name: string): Inode | Err {
    const pu = this.makeRoom(name);
    if (isErr(pu)) return pu;
    const made = pu.createFile(name);
    return isErr(made) ? made : this.lookup(name);
  }

  /** mkdir over a whiteout makes an opaque directory: the lower one it replaced stays hidden. */
  mkdir(name: string): Errno {
    const overWhiteout = this.upper?.lookup(name) === WHITEOUT;
    const pu = this.makeRoom(name);
    if (isErr(pu)) return pu.errno;
    const e = pu.mkdir(name);
    if (e !== Errno.SUCCESS) return e;
    if (overWhiteout || this.lowerHas(name)) markOpaque(pu.lookup(name) as MemDir);
    return Errno.SUCCESS;
  }

  symlink(name: string, target: string): Errno {
    const pu = this.makeRoom(name);
    return isErr(pu) ? pu.errno : pu.symlink(name, target);
  }

  override mksock(name: string, filetype: Filetype.SOCKET_STREAM | Filetype.SOCKET_DGRAM): Inode | Err {
    if (this.find(name)) return err(Errno.ADDRINUSE);
    const pu = this.makeRoom(name);
    return isErr(pu) ? pu : pu.mksock(name, filetype);
  }

  /** A hard link: the target is copied up first, and the link made in the upper. */
  link(name: string, target: Inode): Errno {
    if (target instanceof OverlayDir) return target.ov === this.ov ? Errno.PERM : Errno.XDEV;
    if (!isLeaf(target) || target.leaf.ov !== this.ov) return Errno.XDEV;
    if (this.dead) return Errno.NOENT;
    if (isReserved(name)) return Errno.INVAL;
    if (this.find(name)) return Errno.EXIST;
    const u = target.leaf.copyUp();
    if (isErr(u)) return u.errno;
    const pu = this.makeRoom(name);
    return isErr(pu) ? pu.errno : pu.link(name, u);
  }

  unlink(name: string): Errno {
    if (this.dead || isReserved(name)) return Errno.NOENT;
    const f = this.find(name);
    if (!f) return Errno.NOENT;
    if (isDir(f)) return Errno.ISDIR;
    return this.remove(name, f);
  }

  rmdir(name: string): Errno {
    if (this.dead || isReserved(name)) return Errno.NOENT;
    const f = this.find(name);
    if (!f) return Errno.NOENT;
    if (!isDir(f)) return Errno.NOTDIR;
    const dir = this.child(name, f) as OverlayDir;
    if (!dir.emptyAsMerged()) return Errno.NOTEMPTY;
    return this.remove(name, f);
  }

  /** Take `name` out: the upper's entry goes, and a whiteout stays where a lower layer has the name. */
  private remove(name: string, f: Found): Errno {
    const whiteout = this.lowerHas(name);
    const pu = whiteout ? this.ensureUpper() : this.upper;
    if (isErr(pu)) return pu.errno;
    if (f.upper instanceof MemDir) {
      clearMarkers(f.upper);
      const e = pu!.rmdir(name);
      if (e !== Errno.SUCCESS) return e;
    } else if (f.upper) {
      const e = pu!.unlink(name);
      if (e !== Errno.SUCCESS) return e;
    }
    if (whiteout) addWhiteout(pu!, name);
    const gone = this.children.get(name);
    if (gone) this.forget(name, gone);
    return Errno.SUCCESS;
  }

  emptyAsMerged(): boolean {
    const all = this.list();
    return !isErr(all) && all.length === 0;
  }

  private forget(name: string, node: OverlayDir | OverlayLeaf): void {
    this.children.delete(name);
    markDead(node);
  }

  /**
   * rename(2) in the merged tree: checks first (nothing changes when one fails),
   * then copy-up, the rename in the upper, a whiteout where the source was
   * over a lower entry, an opaque marker when a directory lands on a name a
   * lower layer has.
   */
  rename(name: string, to: DirInode, toName: string): Errno {
    if (!(to instanceof OverlayDir) || to.ov !== this.ov) return Errno.XDEV;
    if (this.dead || to.dead || isReserved(name)) return Errno.NOENT;
    if (isReserved(toName)) return Errno.INVAL;
    const src = this.find(name);
    if (!src) return Errno.NOENT;
    if (to === this && name === toName) return Errno.SUCCESS;
    // Sockets' names are not moved (the overlay's leaves know no such kind).
    if (src.upper instanceof SocketInode || to.find(toName)?.upper instanceof SocketInode) return Errno.XDEV;
    const node = this.child(name, src);
    const dst = to.find(toName);
    const refusal = checkRename(node, dst && to.child(toName, dst), to);
    if (refusal !== null) return refusal;
    // Changes from here on.
    if (isLeaf(node)) {
      const u = node.leaf.copyUp();
      if (isErr(u)) return u.errno;
    }
    const pu = this.ensureUpper(), tu = to.ensureUpper();
    if (isErr(pu)) return pu.errno;
    if (isErr(tu)) return tu.errno;
    dropWhiteout(tu, toName);
    if (dst?.upper instanceof MemDir) clearMarkers(dst.upper);
    const srcOverLower = this.lowerHas(name), dstOverLower = to.lowerHas(toName);
    const r = pu.rename(name, tu, toName);
    if (r !== Errno.SUCCESS) return r;
    if (node instanceof OverlayDir && dstOverLower) markOpaque(node.upper!);
    if (srcOverLower) addWhiteout(pu, name);
    this.children.delete(name);
    const old = to.children.get(toName);
    if (old) markDead(old);
    to.children.set(toName, node);
    if (node instanceof OverlayDir) [node.parent, node.name] = [to, toName];
    else node.leaf.place = { dir: to, name: toName };
    return Errno.SUCCESS;
  }

  /** Whether `dir` is this directory or beneath it. */
  holds(dir: OverlayDir): boolean {
    for (let d: OverlayDir | null = dir; d; d = d.parent) if (d === this) return true;
    return false;
  }
}

/**
 * rename(2)'s answer before anything changes: null to go on, else the result
 * (SUCCESS without doing anything when both names are one file, as POSIX says).
 */
function checkRename(node: OverlayDir | OverlayLeaf, dst: OverlayDir | OverlayLeaf | null, to: OverlayDir): Errno | null {
  if (node instanceof OverlayDir) {
    // Without redirect_dir, overlayfs moves only directories that are wholly in the upper.
    if (node.lowers.length > 0) return Errno.XDEV;
    if (node.holds(to)) return Errno.INVAL;
    if (dst && !(dst instanceof OverlayDir)) return Errno.NOTDIR;
    if (dst instanceof OverlayDir && !dst.emptyAsMerged()) return Errno.NOTEMPTY;
    return null;
  }
  if (dst instanceof OverlayDir) return Errno.ISDIR;
  if (dst && sameFile(node, dst)) return Errno.SUCCESS;
  return null;
}

/** Two names of one file (POSIX: rename between them does nothing). */
function sameFile(a: OverlayLeaf, b: OverlayLeaf): boolean {
  return a.leaf.upper ? a.leaf.upper === b.leaf.upper : !b.leaf.upper && a.leaf.lower === b.leaf.lower;
}

function isDir(f: Found): boolean {
  return f.upper ? f.upper instanceof DirInode : f.lower[0].kind === 'dir';
}

/** Whether the cached object still stands for what a lookup found. */
function sameNodes(node: OverlayDir | OverlayLeaf, f: Found): boolean {
  if (node instanceof OverlayDir) {
    return node.upper === f.upper && node.lowers.length === f.lower.length && node.lowers.every((d, i) => d === f.lower[i]);
  }
  return f.upper ? node.leaf.upper === f.upper : !node.leaf.upper && node.leaf.lower === f.lower[0];
}

function markDead(node: OverlayDir | OverlayLeaf): void {
  if (node instanceof OverlayDir) node.dead = true;
  else node.leaf.dead = true;
}

