// A directory whose entries are made from kernel state (/proc, /dev/pts):
// nothing can be created, linked, renamed or removed in it, and it opens for
// reading only. Subclasses give lookup, list and stat.
import { Errno, err, type Err } from '../abi/errno.js';
import { DirHandle } from './dirhandle.js';
import type { OpenFile } from './file.js';
import { DirInode, type Inode, type OpenMode } from './inode.js';

export abstract class ReadOnlyDir extends DirInode {
  createFile(): Inode | Err { return err(Errno.ACCES); }
  mkdir(): Errno { return Errno.ACCES; }
  symlink(): Errno { return Errno.ACCES; }
  link(): Errno { return Errno.ACCES; }
  unlink(): Errno { return Errno.ACCES; }
  rmdir(): Errno { return Errno.ACCES; }
  rename(): Errno { return Errno.ACCES; }
  open(mode: OpenMode): OpenFile | Err {
    return mode.write ? err(Errno.ISDIR) : new DirHandle(this, this);
  }
}
