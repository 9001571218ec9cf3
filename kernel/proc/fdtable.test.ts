import { describe, expect, it } from 'vitest';
import { Errno } from '../abi/errno.js';
import { Filetype } from '../abi/wasi.js';
import { OpenFile } from '../fs/file.js';
import { FD_LIMIT, FdTable } from './fdtable.js';

class Probe extends OpenFile {
  readonly filetype = Filetype.UNKNOWN;
  released = 0;
  override release(): void {
    this.released++;
  }
}

const entry = (file: OpenFile) => ({ file, rightsBase: 0, rightsInheriting: 0 });

describe('fd table', () => {
  it('hands out the lowest free fd', () => {
    const t = new FdTable();
    const f = new Probe(true, true);
    expect(t.alloc(entry(f))).toBe(0);
    expect(t.alloc(entry(f))).toBe(1);
    t.close(0);
    expect(t.alloc(entry(f))).toBe(0);
  });

  it('refuses a lowest fd below 0 or at the limit with EINVAL, and hands out none', () => {
    const t = new FdTable();
    const f = new Probe(true, true);
    expect(t.alloc(entry(f), -1)).toEqual({ errno: Errno.INVAL });
    expect(t.alloc(entry(f), -1_000_000)).toEqual({ errno: Errno.INVAL });
    expect(t.alloc(entry(f), FD_LIMIT)).toEqual({ errno: Errno.INVAL });
    expect(t.alloc(entry(f), FD_LIMIT - 1)).toBe(FD_LIMIT - 1);
    expect(t.alloc(entry(f), FD_LIMIT - 1)).toEqual({ errno: Errno.MFILE });
    expect(f.refs).toBe(1);
  });

  it('releases a description only when its last fd closes', () => {
    const t = new FdTable();
    const f = new Probe(true, true);
    t.alloc(entry(f));
    t.alloc(entry(f));
    t.close(0);
    expect(f.released).toBe(0);
    t.close(1);
    expect(f.released).toBe(1);
  });

  it('renumbers onto an open fd, closing it, and fails with BADF onto a closed one', () => {
    const t = new FdTable();
    const a = new Probe(true, true);
    const b = new Probe(true, true);
    t.alloc(entry(a));
    t.alloc(entry(b));
    expect(t.renumber(0, 5)).toBe(Errno.BADF);
    expect(t.renumber(0, 1)).toBe(Errno.SUCCESS);
    expect(b.released).toBe(1);
    expect(t.get(1)?.file).toBe(a);
    expect(t.get(0)).toBeUndefined();
  });

  it('fails a second close of the same fd with BADF', () => {
    const t = new FdTable();
    t.alloc(entry(new Probe(true, true)));
    expect(t.close(0)).toBe(Errno.SUCCESS);
    expect(t.close(0)).toBe(Errno.BADF);
  });
});
