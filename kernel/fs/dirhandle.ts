// Open directories: fd_readdir's view of a DirInode. Cookies are positions in
// the listing `.`, `..`, then the entries in the directory's own order; an entry's
// d_next is the cookie of the one after it. The listing is taken once, when
// reading starts at cookie 0 (opendir, rewinddir), and later calls page through
// it: listing a directory of N entries costs N lookups, not N per call. Entries
// made or removed since then show up after the next rewind, as POSIX allows
// for readdir(3).
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import { OpenFile, type DirEntry } from './file.js';
import type { DirInode, Inode } from './inode.js';

export class DirHandle extends OpenFile {
  readonly filetype = Filetype.DIRECTORY;

  /** The listing being paged through; null until the first read. */
  private listing: DirEntry[] | null = null;

  /** `path`: where it is in the tree (OpenFile.path), when the opener knows. */
  constructor(readonly dir: DirInode, readonly parent: DirInode, path?: string) {
    super(true, false);
    this.path = path;
  }

  override get inode(): Inode {
    return this.dir;
  }

  // A directory fd has no bytes and no offset: reading is ISDIR, and the calls
  // that would change its contents or move its offset are BADF (wasmtime's
  // answers); seek refuses before it looks at its whence.
  override read(): Uint8Array | Err {
    return err(Errno.ISDIR);
  }
  override write(): number | Err {
    return err(Errno.BADF);
  }
  override pread(): Uint8Array | Err {
    return err(Errno.ISDIR);
  }
  override seek(): bigint | Err {
    return err(Errno.BADF);
  }
  override setSize(): Errno {
    return Errno.BADF;
  }
  override allocate(): Errno {
    return Errno.BADF;
  }
  override advise(): Errno {
    return Errno.BADF;
  }
  override readdir(cookie: bigint): DirEntry[] | Err {
    if (cookie === 0n || this.listing === null) {
      const all = this.list();
      if (isErr(all)) return all;
      this.listing = all;
    }
    if (cookie >= BigInt(this.listing.length)) return [];
    return this.listing.slice(Number(cookie));
  }

  private list(): DirEntry[] | Err {
    const entries = this.dir.list();
    if (isErr(entries)) return entries;
    const all: DirEntry[] = [dotEntry('.', this.dir), dotEntry('..', this.parent)];
    for (const [name, node] of entries) {
      const st = node.stat();
      all.push({ name, ino: isErr(st) ? 0n : st.ino, filetype: node.filetype });
    }
    return all;
  }
}

function dotEntry(name: string, dir: DirInode): DirEntry {
  const st = dir.stat();
  return { name, ino: isErr(st) ? 0n : st.ino, filetype: Filetype.DIRECTORY };
}
