// Host directories mounted into the VFS (`--dir HOST::GUEST`, the root image).
//
// Confinement. The kernel's walk (fs/path.ts) resolves every component itself,
// so the host must never resolve more than one: each host call names a single
// entry of a directory the kernel holds open, as `/proc/self/fd/N/NAME` — Linux
// resolves the magic link `/proc/self/fd/N` to the open directory itself,
// whatever its path has become (Node has no openat(2); this is its equivalent).
// The last component is never followed either: lstat, lutimes, O_NOFOLLOW opens,
// chmod through an O_PATH fd. So a directory renamed, or replaced by a symlink,
// while a guest holds it cannot carry a later call outside the mount: a held
// directory is the directory (POSIX's semantics for an open directory fd), and
// a name is looked up in it and nowhere else.
//
// Directory handles. A HostDir holds an O_PATH fd of its directory, opened from
// its parent's with O_DIRECTORY|O_NOFOLLOW and checked against the (dev, ino)
// its lookup saw. The mount root and directories a guest has open are pinned;
// the rest are cached per mount, least recently used closed first, and reopened
// from their parent on demand (ENOENT if that name no longer holds the same
// directory). Open regular files hold a host fd for their lifetime.
// Names and symlink targets are host bytes; hostname.ts maps those that are
// not UTF-8 to names a guest can see and use. Each inode's stat, times and
// mode are its HostMeta's (hostmeta.ts).
import fs from 'node:fs';
import { Errno, err, isErr, type Err } from '../../abi/errno.js';
import { Filetype } from '../../abi/wasi.js';
import { DirHandle } from '../../fs/dirhandle.js';
import type { OpenFile } from '../../fs/file.js';
import { DirInode, EMPTY_FS, FileInode, Inode, SymlinkInode, type FsStat, type OpenMode, type Stat } from '../../fs/inode.js';
import { RegularFileHandle, type FileData } from '../../fs/regular.js';
import { hostErrno } from './errno.js';
import { fromHostName, toHostName } from './hostname.js';
import { HostMeta, filetypeOf, identity, toStat, type HostPlace } from './hostmeta.js';

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
/** Linux's O_PATH (x86-64 and arm64): a handle for naming, not for I/O. Node does not export it. */
const O_PATH = 0o10000000;
/** Unpinned directory handles kept open per mount. */
const DIR_CACHE = 64;
/** Deepest chain of parents reopened to reach one directory. */
const MAX_REOPEN_DEPTH = 4096;

/** Run a host call, turning a thrown error into its errno. */
function host<T>(f: () => T): T | Err {
  try {
    return f();
  } catch (e) {
    return err(hostErrno(e));
  }
}
function hostE(f: () => void): Errno {
  try {
    f();
    return Errno.SUCCESS;
  } catch (e) {
    return hostErrno(e);
  }
}

const fdPath = (fd: number): string => `/proc/self/fd/${fd}`;

/**
 * One mounted host directory tree: whether it is read-only, and its cache of
 * open directory handles. Renames and links never cross from one mount to
 * another (EXDEV), even two mounts of the same host tree, as on Linux.
 */
class HostMount {
  /** Directories with an open handle, by host (dev, ino): a held fd keeps the inode number from reuse. */
  readonly dirs = new Map<string, HostDir>();
  /** The unpinned ones, least recently used first. */
  private readonly lru = new Set<HostDir>();

  constructor(readonly readOnly: boolean) {}

  /** `dir` was just used: it goes to the back of the queue; the oldest beyond the cache size are closed. */
  used(dir: HostDir): void {
    if (dir.pinned) return;
    this.lru.delete(dir);
    this.lru.add(dir);
    while (this.lru.size > DIR_CACHE) {
      const oldest = this.lru.values().next().value!;
      this.lru.delete(oldest);
      if (this.dirs.get(oldest.key) === oldest) this.dirs.delete(oldest.key);
      oldest.close();
    }
  }
  pinned(dir: HostDir): void {
    this.lru.delete(dir);
  }

  /** The inode for the entry `name` of `parent`, whose lstat is `st`. */
  inode(parent: HostDir, name: string, st: fs.BigIntStats): Inode {
    if (st.isDirectory()) return this.dirs.get(identity(st)) ?? new HostDir(this, parent, name, identity(st));
    const entry = new HostEntry(parent, name);
    if (st.isSymbolicLink()) return new HostSymlink(entry);
    return new HostFile(entry, filetypeOf(st));
  }
}

export class HostDir extends DirInode implements HostPlace {
  override readonly meta: HostMeta;
  /** The O_PATH fd of this directory; -1 while closed. */
  private fd = -1;
  private pins = 0;

  /**
   * parent and name: where the directory was found, for reopening it (null for
   * the mount root, whose handle is never closed). key: its host (dev, ino).
   */
  constructor(readonly mount: HostMount, private readonly parent: HostDir | null, private readonly name: string, readonly key: string) {
    super();
    this.meta = new HostMeta(this);
  }

  get pinned(): boolean {
    return this.pins > 0;
  }
  /** Keep the handle open (an open directory fd of a guest, a mount root). */
  pin(): Errno {
    const fd = this.handle();
    if (isErr(fd)) return fd.errno;
    this.pins++;
    this.mount.pinned(this);
    return Errno.SUCCESS;
  }
  unpin(): void {
    if (--this.pins === 0) this.mount.used(this);
  }
  /** Called by the mount when it evicts this handle from its cache. */
  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
  /** Adopt an fd already opened and checked (the mount root). */
  adopt(fd: number): void {
    this.fd = fd;
    this.mount.dirs.set(this.key, this);
  }

  /** This directory's open handle, reopened through the parent if the cache closed it. */
  handle(depth = 0): number | Err {
    if (this.fd >= 0) {
      this.mount.used(this);
      return this.fd;
    }
    if (!this.parent || depth > MAX_REOPEN_DEPTH) return err(Errno.NOENT);
    const dir = this.parent.handle(depth + 1);
    if (isErr(dir)) return dir;
    const fd = host(() => fs.openSync(`${fdPath(dir)}/${this.name}`, O_PATH | O_DIRECTORY | O_NOFOLLOW));
    if (isErr(fd)) return fd.errno === Errno.LOOP ? err(Errno.NOENT) : fd;
    const st = host(() => fs.fstatSync(fd, { bigint: true }));
    // Another directory now has this name: the one this inode was is gone from here.
    if (isErr(st) || identity(st) !== this.key) {
      fs.closeSync(fd);
      return err(Errno.NOENT);
    }
    this.fd = fd;
    if (!this.mount.dirs.has(this.key)) this.mount.dirs.set(this.key, this);
    this.mount.used(this);
    return fd;
  }

  /** The host path of entry `name` (one component) of this directory, resolved by the host through the held handle. */
  at(name: string): fs.PathLike | Err {
    // The walk hands over single components only; anything else would let the host resolve.
    if (name === '' || name === '.' || name === '..' || name.includes('/')) return err(Errno.INVAL);
    const fd = this.handle();
    if (isErr(fd)) return fd;
    const host = toHostName(name);
    return typeof host === 'string' ? `${fdPath(fd)}/${host}` : Buffer.concat([Buffer.from(`${fdPath(fd)}/`), host]);
  }

  /** Run `f` with this directory and `other` both held open (no eviction between computing their paths and using them). */
  private withBoth<T>(other: HostDir, f: () => T): T | Err {
    const a = this.pin();
    if (a !== Errno.SUCCESS) return err(a);
    const b = other.pin();
    if (b !== Errno.SUCCESS) {
      this.unpin();
      return err(b);
    }
    try {
      return f();
    } finally {
      other.unpin();
      this.unpin();
    }
  }

  lstat(): fs.BigIntStats | Err {
    const fd = this.handle();
    return isErr(fd) ? fd : host(() => fs.fstatSync(fd, { bigint: true }));
  }
  /** statvfs: the host file system's own figures. */
  override fsStat(): FsStat {
    const fd = this.handle();
    const st = isErr(fd) ? fd : host(() => fs.statfsSync(fdPath(fd)));
    if (isErr(st)) return EMPTY_FS;
    return { bsize: st.bsize, blocks: st.blocks, bfree: st.bfree, bavail: st.bavail, files: st.files, ffree: st.ffree, namemax: 255 };
  }
  utimes(atimeSec: number, mtimeSec: number): Errno {
    // Through the magic link, which names the directory itself.
    const fd = this.handle();
    return isErr(fd) ? fd.errno : hostE(() => fs.utimesSync(fdPath(fd), atimeSec, mtimeSec));
  }
  chmod(mode: number): Errno {
    const fd = this.handle();
    return isErr(fd) ? fd.errno : hostE(() => fs.chmodSync(fdPath(fd), mode & 0o1777));
  }

  stat(): Stat | Err {
    return this.meta.stat();
  }
  open(mode: OpenMode): OpenFile | Err {
    if (mode.write) return err(Errno.ISDIR);
    const e = this.pin();
    if (e !== Errno.SUCCESS) return err(e);
    return new HostDirHandle(this, this.parent ?? this);
  }

  lookup(name: string): Inode | Err {
    const p = this.at(name);
    if (isErr(p)) return p;
    const st = host(() => fs.lstatSync(p, { bigint: true }));
    return isErr(st) ? st : this.mount.inode(this, name, st);
  }
  list(): Array<[string, Inode]> | Err {
    const fd = this.handle();
    if (isErr(fd)) return fd;
    const raw = host(() => fs.readdirSync(fdPath(fd), { encoding: 'buffer' }));
    if (isErr(raw)) return raw;
    const out: Array<[string, Inode]> = [];
    for (const name of raw.map(fromHostName)) {
      const node = this.lookup(name);
      if (!isErr(node)) out.push([name, node]);
    }
    return out;
  }
  createFile(name: string): Inode | Err {
    if (this.mount.readOnly) return err(Errno.ROFS);
    const p = this.at(name);
    if (isErr(p)) return p;
    // O_EXCL: never through a symlink that appeared at this name.
    const fd = host(() => fs.openSync(p, O_WRONLY | O_CREAT | O_EXCL, 0o666));
    if (isErr(fd)) return fd;
    fs.closeSync(fd);
    return new HostFile(new HostEntry(this, name), Filetype.REGULAR_FILE);
  }
  mkdir(name: string): Errno {
    if (this.mount.readOnly) return Errno.ROFS;
    const p = this.at(name);
    return isErr(p) ? p.errno : hostE(() => fs.mkdirSync(p, 0o777));
  }
  symlink(name: string, target: string): Errno {
    if (this.mount.readOnly) return Errno.ROFS;
    const p = this.at(name);
    return isErr(p) ? p.errno : hostE(() => fs.symlinkSync(toHostName(target), p));
  }
  link(name: string, target: Inode): Errno {
    if (this.mount.readOnly) return Errno.ROFS;
    if (!(target instanceof HostFile || target instanceof HostSymlink)) {
      return target instanceof DirInode ? Errno.PERM : Errno.XDEV;
    }
    const from = target.entry;
    if (from.mount !== this.mount) return Errno.XDEV;
    const r = this.withBoth(from.dir, () => {
      const src = from.path();
      const dst = this.at(name);
      if (isErr(src)) return src.errno;
      if (isErr(dst)) return dst.errno;
      // link(2) does not follow a symlink at `src`.
      return hostE(() => fs.linkSync(src, dst));
    });
    return isErr(r) ? r.errno : r;
  }
  unlink(name: string): Errno {
    if (this.mount.readOnly) return Errno.ROFS;
    const p = this.at(name);
    if (isErr(p)) return p.errno;
    const e = hostE(() => fs.unlinkSync(p));
    // Linux says EISDIR for unlink(2) on a directory; some systems say EPERM.
    return e === Errno.PERM && fs.lstatSync(p, { throwIfNoEntry: false })?.isDirectory() ? Errno.ISDIR : e;
  }
  rmdir(name: string): Errno {
    if (this.mount.readOnly) return Errno.ROFS;
    const p = this.at(name);
    return isErr(p) ? p.errno : hostE(() => fs.rmdirSync(p));
  }
  rename(name: string, to: DirInode, toName: string): Errno {
    if (this.mount.readOnly) return Errno.ROFS;
    if (!(to instanceof HostDir) || to.mount !== this.mount) return Errno.XDEV;
    const r = this.withBoth(to, () => {
      const src = this.at(name);
      const dst = to.at(toName);
      if (isErr(src)) return src.errno;
      if (isErr(dst)) return dst.errno;
      return hostE(() => fs.renameSync(src, dst));
    });
    return isErr(r) ? r.errno : r;
  }
}

/** An open host directory: its handle stays pinned until the last fd closes. */
class HostDirHandle extends DirHandle {
  constructor(readonly hostDir: HostDir, parent: DirInode) {
    super(hostDir, parent);
  }
  override release(): void {
    this.hostDir.unpin();
  }
}

/** A non-directory: a name in a held directory. */
class HostEntry implements HostPlace {
  constructor(readonly dir: HostDir, readonly name: string) {}

  get mount(): HostMount {
    return this.dir.mount;
  }
  path(): fs.PathLike | Err {
    return this.dir.at(this.name);
  }
  lstat(): fs.BigIntStats | Err {
    const p = this.path();
    return isErr(p) ? p : host(() => fs.lstatSync(p, { bigint: true }));
  }
  utimes(atimeSec: number, mtimeSec: number): Errno {
    const p = this.path();
    return isErr(p) ? p.errno : hostE(() => fs.lutimesSync(p, atimeSec, mtimeSec));
  }
  chmod(mode: number): Errno {
    // chmod(2) follows symlinks and Linux has no lchmod: change the mode
    // through an O_PATH handle of the entry itself, refusing a symlink.
    const p = this.path();
    if (isErr(p)) return p.errno;
    const fd = host(() => fs.openSync(p, O_PATH | O_NOFOLLOW));
    if (isErr(fd)) return fd.errno;
    try {
      const st = host(() => fs.fstatSync(fd));
      if (isErr(st)) return st.errno;
      if (st.isSymbolicLink()) return Errno.NOTSUP;
      return hostE(() => fs.chmodSync(fdPath(fd), mode & 0o777));
    } finally {
      fs.closeSync(fd);
    }
  }
}

export class HostSymlink extends SymlinkInode {
  override readonly meta: HostMeta;
  constructor(readonly entry: HostEntry) {
    super();
    this.meta = new HostMeta(entry);
  }
  stat(): Stat | Err {
    return this.meta.stat();
  }
  override setMode(): Errno {
    return Errno.NOTSUP; // Linux: a symlink's mode cannot be changed
  }
  readlink(): string | Err {
    const p = this.entry.path();
    return isErr(p) ? p : host(() => fromHostName(fs.readlinkSync(p, { encoding: 'buffer' })));
  }
}

export class HostFile extends FileInode {
  override readonly meta: HostMeta;
  constructor(readonly entry: HostEntry, override readonly filetype: Filetype) {
    super();
    this.meta = new HostMeta(entry);
  }
  stat(): Stat | Err {
    return this.meta.stat();
  }
  open(mode: OpenMode): OpenFile | Err {
    // Only regular files are opened: a host FIFO or device would block the kernel.
    if (this.filetype !== Filetype.REGULAR_FILE) return err(Errno.NXIO);
    if (mode.write && this.entry.mount.readOnly) return err(Errno.ROFS);
    const p = this.entry.path();
    if (isErr(p)) return p;
    const access = mode.write ? (mode.read ? O_RDWR : O_WRONLY) : O_RDONLY;
    // O_NOFOLLOW: a symlink put at this name since the lookup is not followed;
    // O_NONBLOCK: nor does a FIFO put there block the kernel before the check below.
    const fd = host(() => fs.openSync(p, access | O_NOFOLLOW | O_NONBLOCK));
    if (isErr(fd)) return fd;
    const st = host(() => fs.fstatSync(fd));
    if (isErr(st) || !st.isFile()) {
      fs.closeSync(fd);
      return err(isErr(st) ? st.errno : Errno.NXIO);
    }
    return new HostFileHandle(this, new HostFileData(fd), mode.read, mode.write);
  }
}

/** A host fd as the byte store of an open regular file. */
class HostFileData implements FileData {
  constructor(readonly fd: number) {}

  fileSize(): number {
    return fs.fstatSync(this.fd).size;
  }
  readAt(pos: number, max: number, into?: Uint8Array): Uint8Array | Err {
    // Straight into the caller's buffer (the process's data window): one copy fewer, no allocation.
    const buf = into ?? new Uint8Array(max);
    const n = host(() => fs.readSync(this.fd, buf, 0, max, pos));
    return isErr(n) ? n : buf.subarray(0, n);
  }
  writeAt(pos: number, data: Uint8Array): number | Err {
    return host(() => fs.writeSync(this.fd, data, 0, data.length, pos));
  }
  truncate(size: number): Errno {
    return hostE(() => fs.ftruncateSync(this.fd, size));
  }
}

class HostFileHandle extends RegularFileHandle {
  /** The metadata as the open file has it (not by name: the file may have been unlinked or renamed since). */
  private readonly meta: HostMeta;
  constructor(file: HostFile, readonly data: HostFileData, readable: boolean, writable: boolean) {
    super(file, data, readable, writable);
    const fd = data.fd;
    this.meta = new HostMeta({
      mount: file.entry.mount,
      lstat: () => host(() => fs.fstatSync(fd, { bigint: true })),
      utimes: (atimeSec, mtimeSec) => hostE(() => fs.futimesSync(fd, atimeSec, mtimeSec)),
      chmod: (mode) => hostE(() => fs.fchmodSync(fd, mode & 0o777)),
    });
  }
  /** fstat, so a file unlinked while open still answers. */
  override stat(): Stat | Err {
    return host(() => toStat(fs.fstatSync(this.data.fd, { bigint: true })));
  }
  /** futimens(2): on the open file, unlinked or not. */
  override setTimes(atim: bigint | undefined, mtim: bigint | undefined): Errno {
    return this.meta.setTimes(atim, mtim);
  }
  /** The mode, and fchmod(2): likewise. */
  override getMode(): number {
    return this.meta.getMode();
  }
  override setMode(mode: number): Errno {
    return this.meta.setMode(mode & 0o7777);
  }
  override sync(): Errno {
    return hostE(() => fs.fsyncSync(this.data.fd));
  }
  override release(): void {
    fs.closeSync(this.data.fd);
  }
}

/** The root of a mount: a real directory, held open for the kernel's lifetime. */
export function hostDirectory(hostPath: string, readOnly = false): DirInode | Error {
  if (!fs.existsSync('/proc/self/fd')) return new Error('host directories need Linux /proc');
  let fd = -1;
  try {
    fd = fs.openSync(fs.realpathSync(hostPath), O_PATH | O_DIRECTORY);
    const st = fs.fstatSync(fd, { bigint: true });
    const root = new HostDir(new HostMount(readOnly), null, '', identity(st));
    root.adopt(fd);
    root.pin();
    return root;
  } catch (e) {
    if (fd >= 0) fs.closeSync(fd);
    const code = (e as { code?: string }).code;
    return new Error(code === 'ENOTDIR' ? 'not a directory' : (e as Error).message);
  }
}
