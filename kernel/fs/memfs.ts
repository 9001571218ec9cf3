// The in-memory file system: directories as ordered maps, regular files as
// growable byte arrays, symlinks as strings. It backs `/`, `/tmp` and every
// directory not served by another file system.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import { DirInode, FileInode, Inode, Meta, SymlinkInode, allocDev, type OpenMode, type Stat } from './inode.js';
import { DirHandle } from './dirhandle.js';
import { RegularFileHandle, type FileData } from './regular.js';
import type { OpenFile } from './file.js';

export class MemFs {
  readonly dev = allocDev();
  private nextIno = 1n;
  readonly root: MemDir;

  constructor() {
    this.root = new MemDir(this, null);
  }

  meta(): Meta {
    return new Meta(this.dev, this.nextIno++);
  }
}

export class MemDir extends DirInode {
  override readonly meta: Meta;
  private readonly entries = new Map<string, Inode>();

  constructor(readonly fs: MemFs, public parent: MemDir | null) {
    super();
    this.meta = fs.meta();
    this.meta.nlink = 2n;
  }

  stat(): Stat {
    return this.meta.stat(Filetype.DIRECTORY, BigInt(this.entries.size));
  }
  open(mode: OpenMode): OpenFile | Err {
    if (mode.write) return err(Errno.ISDIR);
    return new DirHandle(this, this.parent ?? this);
  }

  lookup(name: string): Inode | Err {
    return this.entries.get(name) ?? err(Errno.NOENT);
  }
  list(): Array<[string, Inode]> {
    return [...this.entries];
  }
  get empty(): boolean {
    return this.entries.size === 0;
  }

  /** Attach an inode under `name` (used to build trees, e.g. /dev). */
  add(name: string, node: Inode): void {
    this.entries.set(name, node);
    if (node instanceof MemDir) node.parent = this;
    this.meta.touchModified();
  }

  createFile(name: string): Inode | Err {
    if (this.entries.has(name)) return err(Errno.EXIST);
    const file = new MemFile(this.fs);
    this.add(name, file);
    return file;
  }
  mkdir(name: string): Errno {
    if (this.entries.has(name)) return Errno.EXIST;
    this.add(name, new MemDir(this.fs, this));
    this.meta.nlink++;
    return Errno.SUCCESS;
  }
  symlink(name: string, target: string): Errno {
    if (this.entries.has(name)) return Errno.EXIST;
    this.add(name, new MemSymlink(this.fs, target));
    return Errno.SUCCESS;
  }
  link(name: string, target: Inode): Errno {
    if (this.entries.has(name)) return Errno.EXIST;
    if (!(target instanceof MemFile || target instanceof MemSymlink) || target.fs !== this.fs) {
      return target instanceof MemDir ? Errno.PERM : Errno.XDEV;
    }
    target.meta.nlink++;
    target.meta.touchChanged();
    this.add(name, target);
    return Errno.SUCCESS;
  }
  unlink(name: string): Errno {
    const node = this.entries.get(name);
    if (!node) return Errno.NOENT;
    if (node instanceof DirInode) return Errno.ISDIR;
    this.entries.delete(name);
    if (node instanceof MemFile || node instanceof MemSymlink) {
      node.meta.nlink--;
      node.meta.touchChanged();
    }
    this.meta.touchModified();
    return Errno.SUCCESS;
  }
  rmdir(name: string): Errno {
    const node = this.entries.get(name);
    if (!node) return Errno.NOENT;
    if (!(node instanceof DirInode)) return Errno.NOTDIR;
    if (node instanceof MemDir && !node.empty) return Errno.NOTEMPTY;
    if (!(node instanceof MemDir)) return Errno.BUSY; // a mount point's host directory
    this.entries.delete(name);
    node.meta.nlink = 0n;
    this.meta.nlink--;
    this.meta.touchModified();
    return Errno.SUCCESS;
  }
  rename(name: string, to: DirInode, toName: string): Errno {
    const node = this.entries.get(name);
    if (!node) return Errno.NOENT;
    if (!(to instanceof MemDir) || to.fs !== this.fs) return Errno.XDEV;
    if (to === this && name === toName) return Errno.SUCCESS;
    if (node instanceof MemDir && isAncestor(node, to)) return Errno.INVAL;
    const existing = to.entries.get(toName);
    if (existing) {
      if (existing === node) return Errno.SUCCESS;
      if (node instanceof DirInode) {
        if (!(existing instanceof DirInode)) return Errno.NOTDIR;
        if (existing instanceof MemDir && !existing.empty) return Errno.NOTEMPTY;
        to.meta.nlink--;
      } else if (existing instanceof DirInode) {
        return Errno.ISDIR;
      } else if (existing instanceof MemFile || existing instanceof MemSymlink) {
        existing.meta.nlink--;
      }
    }
    this.entries.delete(name);
    to.entries.set(toName, node);
    if (node instanceof MemDir) {
      node.parent = to;
      this.meta.nlink--;
      if (!existing) to.meta.nlink++;
    }
    this.meta.touchModified();
    to.meta.touchModified();
    return Errno.SUCCESS;
  }
}

function isAncestor(dir: MemDir, of: MemDir): boolean {
  for (let d: MemDir | null = of; d; d = d.parent) if (d === dir) return true;
  return false;
}

export class MemFile extends FileInode implements FileData {
  override readonly meta: Meta;
  private bytes: Uint8Array = new Uint8Array(0);
  size = 0;

  constructor(readonly fs: MemFs, content?: Uint8Array) {
    super();
    this.meta = fs.meta();
    if (content) {
      this.bytes = content;
      this.size = content.length;
    }
  }

  stat(): Stat {
    return this.meta.stat(Filetype.REGULAR_FILE, BigInt(this.size));
  }
  open(mode: OpenMode): OpenFile | Err {
    return new RegularFileHandle(this, this, mode.read, mode.write);
  }

  fileSize(): number {
    return this.size;
  }
  readAt(pos: number, max: number): Uint8Array {
    if (pos >= this.size) return new Uint8Array(0);
    const end = Math.min(this.size, pos + max);
    return this.bytes.slice(pos, end);
  }
  writeAt(pos: number, data: Uint8Array): number | Err {
    const end = pos + data.length;
    if (end > MAX_FILE) return err(Errno.FBIG);
    this.reserve(end);
    this.bytes.set(data, pos);
    if (end > this.size) this.size = end;
    this.meta.touchModified();
    return data.length;
  }
  truncate(size: number): Errno {
    if (size > MAX_FILE) return Errno.FBIG;
    if (size > this.size) {
      this.reserve(size);
      this.bytes.fill(0, this.size, size);
    } else {
      this.bytes.fill(0, size, this.size);
    }
    this.size = size;
    this.meta.touchModified();
    return Errno.SUCCESS;
  }

  /** The file's bytes (a copy). */
  contents(): Uint8Array {
    return this.bytes.slice(0, this.size);
  }

  private reserve(n: number): void {
    if (n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(n, this.bytes.length * 2, 64));
    grown.set(this.bytes.subarray(0, this.size));
    this.bytes = grown;
  }
}

/** Files live in memory: cap one at 1 GiB so a runaway write fails with FBIG. */
const MAX_FILE = 1 << 30;

export class MemSymlink extends SymlinkInode {
  override readonly meta: Meta;

  constructor(readonly fs: MemFs, readonly target: string) {
    super();
    this.meta = fs.meta();
  }

  stat(): Stat {
    return this.meta.stat(Filetype.SYMBOLIC_LINK, BigInt(new TextEncoder().encode(this.target).length));
  }
  readlink(): string {
    return this.target;
  }
}

export { isErr };
