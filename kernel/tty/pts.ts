// The PTY devices: /dev/ptmx (opening it makes a new pair and yields the
// master), /dev/pts/N (the slaves), and /dev/tty (the opener's controlling
// terminal, resolved by path_open since it depends on who opens it).
// Spec: POSIX posix_openpt(3); Linux pts(4) for the names.
import { Errno, err, type Err } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import type { OpenFile } from '../fs/file.js';
import { Inode, allocDev, type OpenMode, type Stat } from '../fs/inode.js';
import { ReadOnlyDir } from '../fs/rodir.js';
import { Pty, PtyMaster, PtySlave } from './pty.js';
import type { GroupSignaller } from './terminal.js';

const dev = allocDev();

function charStat(ino: bigint): Stat {
  return { dev, ino, filetype: Filetype.CHARACTER_DEVICE, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
}

export class PtyTable {
  private readonly ptys = new Map<number, Pty>();

  constructor(private readonly signal: GroupSignaller) {}

  create(): Pty {
    let n = 0;
    while (this.ptys.has(n)) n++;
    const pty = new Pty(n, this.signal);
    this.ptys.set(n, pty);
    return pty;
  }

  get(n: number): Pty | undefined {
    return this.ptys.get(n);
  }

  /** Forget pairs whose both sides are closed. */
  reap(): void {
    for (const [n, p] of this.ptys) if (!p.masterOpen && p.slaves === 0 && !p.sink) this.ptys.delete(n);
  }

  /** Pairs with a side still open (Kernel.census). */
  get size(): number {
    this.reap();
    return this.ptys.size;
  }

  all(): Pty[] {
    this.reap();
    return [...this.ptys.values()];
  }
}

export class PtmxInode extends Inode {
  readonly filetype = Filetype.CHARACTER_DEVICE;
  constructor(private readonly table: PtyTable) {
    super();
  }
  stat(): Stat {
    return charStat(2n);
  }
  open(): OpenFile | Err {
    this.table.reap();
    return new PtyMaster(this.table.create());
  }
}

class PtsInode extends Inode {
  readonly filetype = Filetype.CHARACTER_DEVICE;
  constructor(readonly pty: Pty) {
    super();
  }
  stat(): Stat {
    return charStat(BigInt(0x100 + this.pty.index));
  }
  open(mode: OpenMode): OpenFile | Err {
    if (!this.pty.masterOpen && !this.pty.sink) return err(Errno.IO);
    return new PtySlave(this.pty, mode.read, mode.write);
  }
}

export class PtsDir extends ReadOnlyDir {
  constructor(private readonly table: PtyTable) {
    super();
  }
  stat(): Stat {
    return { ...charStat(3n), filetype: Filetype.DIRECTORY };
  }
  lookup(name: string): Inode | Err {
    const pty = /^[0-9]+$/.test(name) ? this.table.get(Number(name)) : undefined;
    return pty && (pty.masterOpen || pty.sink) ? new PtsInode(pty) : err(Errno.NOENT);
  }
  list(): Array<[string, Inode]> {
    return this.table.all().map((p) => [String(p.index), new PtsInode(p)]);
  }
}

/** /dev/tty: opened through the opener's controlling terminal (syscall/path.ts). */
export class DevTtyInode extends Inode {
  readonly filetype = Filetype.CHARACTER_DEVICE;
  stat(): Stat {
    return charStat(1n);
  }
  open(): OpenFile | Err {
    return err(Errno.NXIO);
  }
}

export { PtySlave };
