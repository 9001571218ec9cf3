// Opening a resolved name: O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY and the
// no-follow rule, shared by path_open and spawn's open file action.
// Spec: POSIX open(2); wasmtime's errnos where WASI leaves a choice.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { Fdflags, Oflags } from '../abi/wasi.js';
import type { OpenFile } from './file.js';
import { DirInode, SymlinkInode, type Inode } from './inode.js';
import type { Resolved } from './path.js';
import { RegularFileHandle } from './regular.js';

export interface OpenRequest {
  oflags: number;   // WASI oflags
  read: boolean;
  write: boolean;
  fdflags: number;  // WASI fdflags
  /**
   * The mode a file this open creates takes: open(2)'s mode less the umask
   * (default 0666 less a umask of 022). WASI's path_open has no mode: the
   * kernel gives 0666 & ~umask, and tabkernel's libc chmods the new file when
   * open(2) asked for other bits (userland/libc/creat.c).
   */
  mode?: number;
  /**
   * The mode a file this open creates takes if its first bytes turn out to be
   * a WebAssembly module (0777 & ~umask, as a linker's open(…, 0777) gives):
   * WASI's path_open carries no mode, so a program linked in the tab would
   * otherwise not be executable (regular.ts, RegularFileHandle.execIfWasm).
   */
  wasmMode?: number;
}

export function openResolved(r: Resolved, req: OpenRequest): OpenFile | Err {
  const creat = (req.oflags & Oflags.CREAT) !== 0;
  const wantDir = (req.oflags & Oflags.DIRECTORY) !== 0;
  // wasmtime: O_DIRECTORY does not combine with creating or truncating.
  if (wantDir && (req.oflags & (Oflags.CREAT | Oflags.EXCL | Oflags.TRUNC))) return err(Errno.INVAL);
  let node: Inode | null = r.node;
  const created = node === null;
  if (node === null) {
    if (!creat) return err(Errno.NOENT);
    if (wantDir || r.trailingSlash) return err(r.trailingSlash ? Errno.ISDIR : Errno.INVAL);
    const created = r.parent.createFile(r.name);
    if (isErr(created)) return created;
    node = created;
    if (req.mode !== undefined) node.setMode(req.mode);
  } else {
    if (creat && (req.oflags & Oflags.EXCL)) return err(Errno.EXIST);
    if (node instanceof SymlinkInode) return err(wantDir ? Errno.NOTDIR : Errno.LOOP);
    const isDir = node instanceof DirInode;
    if ((wantDir || r.trailingSlash) && !isDir) return err(Errno.NOTDIR);
    if (isDir && (req.write || (req.oflags & Oflags.TRUNC))) return err(Errno.ISDIR);
  }
  const file = node.open({ read: req.read, write: req.write });
  if (isErr(file)) return file;
  if (req.oflags & Oflags.TRUNC) {
    const e = file.setSize(0n);
    if (e !== Errno.SUCCESS) {
      file.release();
      return err(e);
    }
  }
  file.fdflags = req.fdflags & (Fdflags.APPEND | Fdflags.NONBLOCK | Fdflags.DSYNC | Fdflags.RSYNC | Fdflags.SYNC);
  if (created && req.wasmMode !== undefined && file instanceof RegularFileHandle) file.execIfWasm = req.wasmMode;
  return file;
}

/** open(2) flags as wasi-libc defines them, split into WASI terms. */
export function fromLibcFlags(flags: number): OpenRequest & { follow: boolean } {
  const O_RDONLY = 0x04000000, O_WRONLY = 0x10000000, O_NOFOLLOW = 0x01000000;
  return {
    oflags: (flags >>> 12) & 0xf,
    read: (flags & O_RDONLY) !== 0 || (flags & O_WRONLY) === 0,
    write: (flags & O_WRONLY) !== 0,
    fdflags: flags & 0x1f,
    follow: (flags & O_NOFOLLOW) === 0,
  };
}
