// Open directories: fd_readdir's view of a DirInode. Cookies are positions in
// the listing `.`, `..`, then the entries in the directory's own order; an entry's
// d_next is the cookie of the one after it. A directory changed between calls
// may skip or repeat entries, as POSIX allows for readdir(3).
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import { OpenFile, type DirEntry } from './file.js';
import type { DirInode, Inode } from './inode.js';

export class DirHandle extends OpenFile {
  readonly filetype = Filetype.DIRECTORY;

  constructor(readonly dir: DirInode, readonly parent: DirInode) {
    super(true, false);
  }

  override get inode(): Inode {
    return this.dir;
  }

  override read(): Uint8Array | Err {
    return err(Errno.ISDIR);
  }
  override write(): number | Err {
    return err(Errno.BADF);
  }
  override pread(): Uint8Array | Err {
    return err(Errno.ISDIR);
  }
  override readdir(cookie: bigint): DirEntry[] | Err {
    const entries = this.dir.list();
    if (isErr(entries)) return entries;
    const all: DirEntry[] = [dotEntry('.', this.dir), dotEntry('..', this.parent)];
    for (const [name, node] of entries) {
      const st = node.stat();
      all.push({ name, ino: isErr(st) ? 0n : st.ino, filetype: node.filetype });
    }
    if (cookie >= BigInt(all.length)) return [];
    return all.slice(Number(cookie));
  }
}

function dotEntry(name: string, dir: DirInode): DirEntry {
  const st = dir.stat();
  return { name, ino: isErr(st) ? 0n : st.ino, filetype: Filetype.DIRECTORY };
}
