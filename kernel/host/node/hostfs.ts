// Host directories mounted into the VFS (`--dir HOST::GUEST`). Every inode is a
// host path; lookups use lstat, so symlinks come back to the kernel's own path
// resolution (fs/path.ts) and are confined like any other: nothing here ever
// follows a host symlink or a `..`, so a guest cannot leave the mounted root.
// Open regular files hold a host fd for their lifetime.
import fs from 'node:fs';
import { Errno, err, isErr, type Err } from '../../abi/errno.js';
import { Filetype } from '../../abi/wasi.js';
import { DirHandle } from '../../fs/dirhandle.js';
import type { OpenFile } from '../../fs/file.js';
import { DirInode, FileInode, Inode, SymlinkInode, type MetaStore, type OpenMode, type Stat } from '../../fs/inode.js';
import { RegularFileHandle, type FileData } from '../../fs/regular.js';
import { hostErrno } from './errno.js';

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

function filetypeOf(st: fs.BigIntStats | fs.Stats): Filetype {
  if (st.isFile()) return Filetype.REGULAR_FILE;
  if (st.isDirectory()) return Filetype.DIRECTORY;
  if (st.isSymbolicLink()) return Filetype.SYMBOLIC_LINK;
  if (st.isCharacterDevice()) return Filetype.CHARACTER_DEVICE;
  if (st.isBlockDevice()) return Filetype.BLOCK_DEVICE;
  if (st.isSocket()) return Filetype.SOCKET_STREAM;
  return Filetype.UNKNOWN;
}

/**
 * Node sets file times only as floating-point seconds (about µs precision), but
 * WASI promises nanoseconds. So the exact times a guest set are remembered, with
 * what the host stored for them, and reported while the host still has those.
 */
const exactTimes = new Map<string, { atimHost: bigint; atim: bigint; mtimHost: bigint; mtim: bigint }>();

function toStat(st: fs.BigIntStats): Stat {
  const exact = exactTimes.get(`${st.dev}:${st.ino}`);
  return {
    dev: st.dev, ino: st.ino, filetype: filetypeOf(st), nlink: st.nlink, size: st.size,
    atim: exact && exact.atimHost === st.atimeNs ? exact.atim : st.atimeNs,
    mtim: exact && exact.mtimHost === st.mtimeNs ? exact.mtim : st.mtimeNs,
    ctim: st.ctimeNs,
  };
}

function statPath(path: string): Stat | Err {
  return host(() => toStat(fs.lstatSync(path, { bigint: true })));
}

/** utimes with nanosecond times; an undefined time keeps the current one. */
function modeAt(path: string): number {
  try {
    return fs.lstatSync(path).mode & 0o7777;
  } catch {
    return 0;
  }
}

function setTimesAt(path: string, atim: bigint | undefined, mtim: bigint | undefined): Errno {
  const cur = host(() => fs.lstatSync(path, { bigint: true }));
  if (isErr(cur)) return cur.errno;
  const sec = (ns: bigint): number => Number(ns) / 1e9;
  const e = hostE(() => fs.lutimesSync(path, sec(atim ?? cur.atimeNs), sec(mtim ?? cur.mtimeNs)));
  if (e !== Errno.SUCCESS) return e;
  const now = host(() => fs.lstatSync(path, { bigint: true }));
  if (isErr(now)) return Errno.SUCCESS;
  const before = toStat(cur);
  exactTimes.set(`${now.dev}:${now.ino}`, {
    atimHost: now.atimeNs, atim: atim ?? before.atim, mtimHost: now.mtimeNs, mtim: mtim ?? before.mtim,
  });
  return Errno.SUCCESS;
}

/** The inode for whatever is at `path` now. */
function inodeAt(path: string, readOnly: boolean): Inode | Err {
  const st = host(() => fs.lstatSync(path));
  if (isErr(st)) return st;
  if (st.isDirectory()) return new HostDir(path, readOnly);
  if (st.isSymbolicLink()) return new HostSymlink(path);
  return new HostFile(path, filetypeOf(st), readOnly);
}

/** A host inode's times and permission bits: the host file's own. */
class HostMeta implements MetaStore {
  constructor(readonly path: string, readonly readOnly: boolean) {}
  setTimes(atim: bigint | undefined, mtim: bigint | undefined): Errno {
    return setTimesAt(this.path, atim, mtim);
  }
  getMode(): number {
    return modeAt(this.path);
  }
  setMode(mode: number): Errno {
    if (this.readOnly) return Errno.ROFS;
    return hostE(() => fs.chmodSync(this.path, mode));
  }
}

export class HostDir extends DirInode {
  override readonly meta: HostMeta;
  /** readOnly: a view that refuses every change with EROFS (the root image). */
  constructor(readonly path: string, readonly readOnly = false) {
    super();
    this.meta = new HostMeta(path, readOnly);
  }

  child(name: string): string {
    return this.path === '/' ? `/${name}` : `${this.path}/${name}`;
  }

  stat(): Stat | Err {
    return statPath(this.path);
  }
  open(mode: OpenMode): OpenFile | Err {
    if (mode.write) return err(Errno.ISDIR);
    return new DirHandle(this, new HostDir(this.child('..')));
  }

  lookup(name: string): Inode | Err {
    return inodeAt(this.child(name), this.readOnly);
  }
  list(): Array<[string, Inode]> | Err {
    const names = host(() => fs.readdirSync(this.path));
    if (isErr(names)) return names;
    const out: Array<[string, Inode]> = [];
    for (const name of names) {
      const node = inodeAt(this.child(name), this.readOnly);
      if (!isErr(node)) out.push([name, node]);
    }
    return out;
  }
  createFile(name: string): Inode | Err {
    if (this.readOnly) return err(Errno.ROFS);
    const p = this.child(name);
    const fd = host(() => fs.openSync(p, 'wx', 0o666));
    if (isErr(fd)) return fd;
    fs.closeSync(fd);
    return new HostFile(p, Filetype.REGULAR_FILE);
  }
  mkdir(name: string): Errno {
    if (this.readOnly) return Errno.ROFS;
    return hostE(() => fs.mkdirSync(this.child(name), 0o777));
  }
  symlink(name: string, target: string): Errno {
    if (this.readOnly) return Errno.ROFS;
    return hostE(() => fs.symlinkSync(target, this.child(name)));
  }
  link(name: string, target: Inode): Errno {
    if (this.readOnly) return Errno.ROFS;
    if (!(target instanceof HostFile || target instanceof HostSymlink)) {
      return target instanceof DirInode ? Errno.PERM : Errno.XDEV;
    }
    return hostE(() => fs.linkSync(target.path, this.child(name)));
  }
  unlink(name: string): Errno {
    if (this.readOnly) return Errno.ROFS;
    const e = hostE(() => fs.unlinkSync(this.child(name)));
    // Linux says EISDIR for unlink(2) on a directory; some systems say EPERM.
    return e === Errno.PERM && fs.lstatSync(this.child(name), { throwIfNoEntry: false })?.isDirectory() ? Errno.ISDIR : e;
  }
  rmdir(name: string): Errno {
    if (this.readOnly) return Errno.ROFS;
    return hostE(() => fs.rmdirSync(this.child(name)));
  }
  rename(name: string, to: DirInode, toName: string): Errno {
    if (this.readOnly) return Errno.ROFS;
    if (!(to instanceof HostDir)) return Errno.XDEV;
    return hostE(() => fs.renameSync(this.child(name), to.child(toName)));
  }
}

export class HostSymlink extends SymlinkInode {
  override readonly meta: HostMeta;
  constructor(readonly path: string) {
    super();
    this.meta = new HostMeta(path, true); // chmod never changes a symlink itself
  }
  stat(): Stat | Err {
    return statPath(this.path);
  }
  readlink(): string | Err {
    return host(() => fs.readlinkSync(this.path));
  }
}

export class HostFile extends FileInode {
  override readonly meta: HostMeta;
  constructor(readonly path: string, override readonly filetype: Filetype, readonly readOnly = false) {
    super();
    this.meta = new HostMeta(path, readOnly);
  }
  stat(): Stat | Err {
    return statPath(this.path);
  }
  open(mode: OpenMode): OpenFile | Err {
    // Only regular files are opened: a host FIFO or device would block the kernel.
    if (this.filetype !== Filetype.REGULAR_FILE) return err(Errno.NXIO);
    if (mode.write && this.readOnly) return err(Errno.ROFS);
    const fd = host(() => fs.openSync(this.path, mode.write ? 'r+' : 'r'));
    if (isErr(fd)) return fd;
    return new HostFileHandle(this, new HostFileData(fd), mode.read, mode.write);
  }
}

/** A host fd as the byte store of an open regular file. */
class HostFileData implements FileData {
  constructor(readonly fd: number) {}

  fileSize(): number {
    return fs.fstatSync(this.fd).size;
  }
  readAt(pos: number, max: number): Uint8Array | Err {
    const buf = new Uint8Array(max);
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
  constructor(file: HostFile, readonly data: HostFileData, readable: boolean, writable: boolean) {
    super(file, data, readable, writable);
  }
  /** fstat, so a file unlinked while open still answers. */
  override stat(): Stat | Err {
    return host(() => toStat(fs.fstatSync(this.data.fd, { bigint: true })));
  }
  override sync(): Errno {
    return hostE(() => fs.fsyncSync(this.data.fd));
  }
  override release(): void {
    fs.closeSync(this.data.fd);
  }
}

/** The root of a mount: a real directory, path made canonical. */
export function hostDirectory(hostPath: string, readOnly = false): DirInode | Error {
  try {
    const real = fs.realpathSync(hostPath);
    if (!fs.statSync(real).isDirectory()) return new Error('not a directory');
    return new HostDir(real, readOnly);
  } catch (e) {
    return new Error((e as Error).message);
  }
}
