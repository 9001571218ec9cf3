// The Node host's program history (programs.ts): the prefetch's hint, in a file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileProgramHistory, HISTORY_LENGTH } from './programs.js';

describe('the program history file', () => {
  it('keeps the programs noted, the most recent first, one entry per path, a few of them, for the next reader', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-programs-'));
    const file = path.join(dir, 'sub', 'programs.json');
    const h = new FileProgramHistory(file);
    expect(h.list()).toEqual([]);
    h.note({ path: '/usr/bin/clang', name: 'sha256:a@0+1' });
    h.note({ path: '/usr/bin/lua', name: 'sha256:b@0+1' });
    h.note({ path: '/usr/bin/clang', name: 'sha256:c@0+1' });   // the same path, new bytes
    const expected = [{ path: '/usr/bin/clang', name: 'sha256:c@0+1' }, { path: '/usr/bin/lua', name: 'sha256:b@0+1' }];
    expect(h.list()).toEqual(expected);
    expect(new FileProgramHistory(file).list()).toEqual(expected);
    for (let i = 0; i < 20; i++) h.note({ path: `/bin/p${i}`, name: `sha256:p@${i}+1` });
    expect(new FileProgramHistory(file).list()).toHaveLength(HISTORY_LENGTH);
    expect(new FileProgramHistory(file).list()[0]).toEqual({ path: '/bin/p19', name: 'sha256:p@19+1' });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['programs.json']);   // nothing left aside
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a file that is not its own as empty, drops bad entries, and survives a write that fails', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-programs-'));
    const file = path.join(dir, 'programs.json');
    fs.writeFileSync(file, '{ not json');
    expect(new FileProgramHistory(file).list()).toEqual([]);
    fs.writeFileSync(file, JSON.stringify([{ path: 'relative', name: 'x' }, { path: '/ok', name: 'y' }, 7, null, { path: '/no-name' }]));
    expect(new FileProgramHistory(file).list()).toEqual([{ path: '/ok', name: 'y' }]);
    // A directory where the file should be: the note is kept in memory only.
    const blocked = new FileProgramHistory(path.join(file, 'inside'));
    blocked.note({ path: '/p', name: 'n' });
    expect(blocked.list()).toEqual([{ path: '/p', name: 'n' }]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
