// File utilities (ls mkdir rmdir rm cp mv ln touch stat find test), each
// behaviour checked for exact stdout, stderr and exit status against GNU
// coreutils/findutils, and for what it leaves in the directory.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exists, haveUtils, out, readBack, util } from './utils-run.js';

const ok = (stdout: string) => ({ stdout, stderr: '', status: 0 });
const fail = (stderr: string, status = 1) => ({ stdout: '', stderr, status });
const T2020 = 1577880000;   // 2020-01-01 12:00:00 UTC
const tree = {
  files: { 'a.txt': 'hello\n', 'b.bin': 'x'.repeat(5000), 'd/': '', 'd/e/': '', 'd/e/g': 'g\n', '.hid': '' },
  links: { lnk: 'a.txt' },
  mtimes: { 'a.txt': T2020, 'b.bin': T2020 + 60, d: T2020 + 120, lnk: T2020 },
};

describe.skipIf(!haveUtils('ls'))('ls', () => {
  it('lists names sorted, one per line when not on a terminal, hiding dot files', () => {
    expect(out(util('ls', [], tree))).toEqual(ok('a.txt\nb.bin\nd\nlnk\n'));
  });
  it('-a shows . and .. and dot files; -A only dot files', () => {
    expect(out(util('ls', ['-a'], tree))).toEqual(ok('.\n..\n.hid\na.txt\nb.bin\nd\nlnk\n'));
    expect(out(util('ls', ['-A'], tree))).toEqual(ok('.hid\na.txt\nb.bin\nd\nlnk\n'));
  });
  it('-l prints mode, links, owner, size, date and link targets, after a total', () => {
    expect(out(util('ls', ['-l', 'a.txt', 'b.bin', 'lnk'], tree))).toEqual(ok(
      '-rw-r--r-- 1 root root    6 Jan  1  2020 a.txt\n' +
      '-rw-r--r-- 1 root root 5000 Jan  1  2020 b.bin\n' +
      'lrwxrwxrwx 1 root root    5 Jan  1  2020 lnk -> a.txt\n'));
  });
  it('-lh prints sizes in K/M', () => {
    expect(out(util('ls', ['-lh', 'b.bin'], tree))).toEqual(ok('-rw-r--r-- 1 root root 4.9K Jan  1  2020 b.bin\n'));
  });
  it('-t sorts newest first, -S largest first, -r reverses', () => {
    expect(out(util('ls', ['-t', 'a.txt', 'b.bin', 'd'], tree))).toEqual(ok('b.bin\na.txt\n\nd:\ne\n'));
    expect(out(util('ls', ['-S', '-d', 'a.txt', 'b.bin', 'd'], tree))).toEqual(ok('b.bin\nd\na.txt\n'));
    expect(out(util('ls', ['-r'], tree))).toEqual(ok('lnk\nd\nb.bin\na.txt\n'));
  });
  it('-d lists a directory itself; -F and -p mark types', () => {
    expect(out(util('ls', ['-d', 'd'], tree))).toEqual(ok('d\n'));
    expect(out(util('ls', ['-F'], tree))).toEqual(ok('a.txt\nb.bin\nd/\nlnk@\n'));
    expect(out(util('ls', ['-p'], tree))).toEqual(ok('a.txt\nb.bin\nd/\nlnk\n'));
  });
  it('-R lists subdirectories after their parent, each under a header', () => {
    expect(out(util('ls', ['-R', 'd'], tree))).toEqual(ok('d:\ne\n\nd/e:\ng\n'));
  });
  it('lists files first, then each directory under a header', () => {
    expect(out(util('ls', ['d', 'a.txt'], tree))).toEqual(ok('a.txt\n\nd:\ne\n'));
  });
  it('reports a missing operand with status 2 and still lists the rest', () => {
    expect(out(util('ls', ['nope', 'a.txt'], tree))).toEqual({
      stdout: 'a.txt\n', stderr: "ls: cannot access 'nope': No such file or directory\n", status: 2,
    });
  });
  it('rejects an unknown option with status 2', () => {
    expect(out(util('ls', ['-Q']))).toEqual(fail("ls: invalid option -- 'Q'\nTry 'ls --help' for more information.\n", 2));
  });
});

describe.skipIf(!haveUtils('mkdir', 'rmdir', 'rm'))('mkdir, rmdir, rm', () => {
  it('mkdir creates directories and fails on an existing one', () => {
    const r = util('mkdir', ['x', 'y'], tree);
    expect(out(r)).toEqual(ok(''));
    expect(fs.statSync(path.join(r.dir, 'y')).isDirectory()).toBe(true);
    expect(out(util('mkdir', ['d'], tree))).toEqual(fail("mkdir: cannot create directory 'd': File exists\n"));
  });
  it('mkdir -p creates parents and accepts existing directories', () => {
    const r = util('mkdir', ['-p', 'p/q/r', 'd'], tree);
    expect(out(r)).toEqual(ok(''));
    expect(exists(r, 'p/q/r')).toBe(true);
  });
  it('mkdir without -p fails when the parent is missing', () => {
    expect(out(util('mkdir', ['p/q']))).toEqual(fail("mkdir: cannot create directory 'p/q': No such file or directory\n"));
  });
  it('rmdir removes empty directories only; -p removes the parents too', () => {
    expect(out(util('rmdir', ['d'], tree))).toEqual(fail("rmdir: failed to remove 'd': Directory not empty\n"));
    const r = util('rmdir', ['-p', 'p/q'], { files: { 'p/q/': '' } });
    expect(out(r)).toEqual(ok(''));
    expect(exists(r, 'p')).toBe(false);
  });
  it('rm removes files and symlinks (not their targets); refuses directories without -r', () => {
    const r = util('rm', ['lnk', 'd'], tree);
    expect(out(r)).toEqual(fail("rm: cannot remove 'd': Is a directory\n"));
    expect(exists(r, 'lnk')).toBe(false);
    expect(exists(r, 'a.txt')).toBe(true);
  });
  it('rm -r removes a tree; -f ignores missing operands', () => {
    const r = util('rm', ['-rf', 'd', 'nope'], tree);
    expect(out(r)).toEqual(ok(''));
    expect(exists(r, 'd')).toBe(false);
    expect(out(util('rm', ['nope']))).toEqual(fail("rm: cannot remove 'nope': No such file or directory\n"));
  });
  it('rm -r refuses . and ..', () => {
    expect(out(util('rm', ['-r', '.'], tree))).toEqual(fail("rm: refusing to remove '.' or '..' directory: skipping '.'\n"));
  });
});

describe.skipIf(!haveUtils('cp', 'mv', 'ln', 'touch'))('cp, mv, ln, touch', () => {
  it('cp copies a file, or several into a directory', () => {
    const r = util('cp', ['a.txt', 'c'], tree);
    expect(out(r)).toEqual(ok(''));
    expect(readBack(r, 'c')).toBe('hello\n');
    const r2 = util('cp', ['a.txt', 'b.bin', 'd'], tree);
    expect(out(r2)).toEqual(ok(''));
    expect(readBack(r2, 'd/b.bin')).toBe('x'.repeat(5000));
  });
  it('cp omits directories without -r and copies trees with it', () => {
    expect(out(util('cp', ['d', 'x'], tree))).toEqual(fail("cp: -r not specified; omitting directory 'd'\n"));
    const r = util('cp', ['-r', 'd', 'x'], tree);
    expect(out(r)).toEqual(ok(''));
    expect(readBack(r, 'x/e/g')).toBe('g\n');
  });
  it('cp -p keeps modification times', () => {
    const r = util('cp', ['-p', 'a.txt', 'c'], tree);
    expect(out(r)).toEqual(ok(''));
    expect(fs.statSync(path.join(r.dir, 'c')).mtimeMs).toBe(T2020 * 1000);
  });
  it('cp refuses to copy a file onto itself and names a missing source', () => {
    expect(out(util('cp', ['a.txt', 'a.txt'], tree))).toEqual(fail("cp: 'a.txt' and 'a.txt' are the same file\n"));
    expect(out(util('cp', ['nope', 'x']))).toEqual(fail("cp: cannot stat 'nope': No such file or directory\n"));
  });
  it('mv renames, moves into a directory, and refuses to move a directory into itself', () => {
    const r = util('mv', ['a.txt', 'z'], tree);
    expect(out(r)).toEqual(ok(''));
    expect(exists(r, 'a.txt')).toBe(false);
    expect(readBack(r, 'z')).toBe('hello\n');
    const r2 = util('mv', ['a.txt', 'b.bin', 'd'], tree);
    expect(out(r2)).toEqual(ok(''));
    expect(exists(r2, 'd/a.txt') && exists(r2, 'd/b.bin')).toBe(true);
    expect(out(util('mv', ['d', 'd/e'], tree))).toEqual(fail("mv: cannot move 'd' to a subdirectory of itself, 'd/e/d'\n"));
  });
  it('cp and mv -t DIR need a directory, and move or copy the sources into it', () => {
    for (const u of ['cp', 'mv']) {
      expect(out(util(u, ['-t', 'a.txt', 'b.bin'], tree))).toEqual(fail(`${u}: target directory 'a.txt': Not a directory\n`));
      const r = util(u, ['-t', 'd', 'a.txt', 'b.bin'], tree);
      expect(out(r)).toEqual(ok(''));
      expect(readBack(r, 'd/a.txt')).toBe('hello\n');
      expect(exists(r, 'b.bin')).toBe(u === 'cp');
    }
  });
  it('ln -s makes a symlink; -f replaces an existing name', () => {
    const r = util('ln', ['-s', 'a.txt', 's'], tree);
    expect(out(r)).toEqual(ok(''));
    expect(fs.readlinkSync(path.join(r.dir, 's'))).toBe('a.txt');
    expect(out(util('ln', ['-s', 'b.bin', 'lnk'], tree))).toEqual(fail("ln: failed to create symbolic link 'lnk': File exists\n"));
    const r2 = util('ln', ['-sf', 'b.bin', 'lnk'], tree);
    expect(out(r2)).toEqual(ok(''));
    expect(fs.readlinkSync(path.join(r2.dir, 'lnk'))).toBe('b.bin');
  });
  it('ln without -s makes a hard link', () => {
    const r = util('ln', ['a.txt', 'h'], tree);
    expect(out(r)).toEqual(ok(''));
    expect(fs.statSync(path.join(r.dir, 'h')).ino).toBe(fs.statSync(path.join(r.dir, 'a.txt')).ino);
  });
  it('touch creates a file, -c does not, -t and -d set the time', () => {
    const r = util('touch', ['new'], tree);
    expect(out(r)).toEqual(ok(''));
    expect(readBack(r, 'new')).toBe('');
    const r2 = util('touch', ['-c', 'new']);
    expect(out(r2)).toEqual(ok(''));
    expect(exists(r2, 'new')).toBe(false);
    const r3 = util('touch', ['-t', '202101020304.05', 'a.txt'], tree);
    expect(out(r3)).toEqual(ok(''));
    expect(fs.statSync(path.join(r3.dir, 'a.txt')).mtimeMs).toBe(Date.UTC(2021, 0, 2, 3, 4, 5));
    const r4 = util('touch', ['-d', '2022-03-04 05:06:07', 'a.txt'], tree);
    expect(fs.statSync(path.join(r4.dir, 'a.txt')).mtimeMs).toBe(Date.UTC(2022, 2, 4, 5, 6, 7));
  });
  it('touch fails when the directory is missing', () => {
    expect(out(util('touch', ['no/f']))).toEqual(fail("touch: cannot touch 'no/f': No such file or directory\n"));
  });
});

describe.skipIf(!haveUtils('stat', 'find'))('stat, find', () => {
  it('stat -c prints the requested fields', () => {
    expect(out(util('stat', ['-c', '%n %s %F %a %A %Y', 'a.txt', 'd', 'lnk'], tree))).toEqual(ok(
      `a.txt 6 regular file 644 -rw-r--r-- ${T2020}\nd 4096 directory 755 drwxr-xr-x ${T2020 + 120}\nlnk 5 symbolic link 777 lrwxrwxrwx ${T2020}\n`));
  });
  it('stat -L follows a symlink; a missing file is an error', () => {
    expect(out(util('stat', ['-L', '-c', '%n %F', 'lnk'], tree))).toEqual(ok('lnk regular file\n'));
    expect(out(util('stat', ['nope']))).toEqual(fail("stat: cannot statx 'nope': No such file or directory\n"));
  });
  it('find prints every path below the start, directories before their contents', () => {
    const r = util('find', ['d'], tree);
    expect(out(r)).toEqual(ok('d\nd/e\nd/e/g\n'));
  });
  it('find -name, -type, -maxdepth and -mindepth select', () => {
    expect(out(util('find', ['.', '-name', '*.txt'], tree))).toEqual(ok('./a.txt\n'));
    expect(out(util('find', ['d', '-type', 'f'], tree))).toEqual(ok('d/e/g\n'));
    expect(out(util('find', ['d', '-maxdepth', '1'], tree))).toEqual(ok('d\nd/e\n'));
    expect(out(util('find', ['d', '-mindepth', '2'], tree))).toEqual(ok('d/e/g\n'));
    expect(out(util('find', ['.', '-type', 'l'], tree))).toEqual(ok('./lnk\n'));
  });
  it('find combines tests with !, -o and parentheses, and -prune cuts a tree', () => {
    expect(out(util('find', ['d', '!', '-type', 'd'], tree))).toEqual(ok('d/e/g\n'));
    expect(out(util('find', ['d', '-name', 'e', '-o', '-name', 'g'], tree))).toEqual(ok('d/e\nd/e/g\n'));
    expect(out(util('find', ['d', '-name', 'e', '-prune', '-o', '-print'], tree))).toEqual(ok('d\n'));
  });
  it('find reports a missing start and an unknown predicate', () => {
    expect(out(util('find', ['nope']))).toEqual(fail("find: 'nope': No such file or directory\n"));
    expect(out(util('find', ['.', '-bogus']))).toEqual(fail("find: unknown predicate `-bogus'\n"));
  });
});

describe.skipIf(!haveUtils('test', '['))('test, [', () => {
  const st = (args: string[], name = 'test') => util(name, args, tree).status;
  it('one argument is true when not empty', () => {
    expect([st(['x']), st(['']), st([])]).toEqual([0, 1, 1]);
  });
  it('file primaries: -e -f -d -h -L -s -r -w', () => {
    expect([st(['-e', 'a.txt']), st(['-f', 'd']), st(['-d', 'd']), st(['-h', 'lnk']), st(['-L', 'a.txt']),
      st(['-s', 'a.txt']), st(['-s', '.hid']), st(['-r', 'a.txt']), st(['-e', 'nope'])]).toEqual([0, 1, 0, 0, 1, 0, 1, 0, 1]);
  });
  it('string and integer comparisons', () => {
    expect([st(['a', '=', 'a']), st(['a', '!=', 'a']), st(['-n', '']), st(['-z', '']), st(['2', '-lt', '10']),
      st(['3', '-ge', '4']), st(['5', '-eq', '5'])]).toEqual([0, 1, 1, 0, 0, 1, 0]);
  });
  it('! ( ) -a -o combine, -a binding tighter', () => {
    expect([st(['!', '-f', 'd']), st(['(', 'x', ')']), st(['', '-o', 'x', '-a', '']), st(['x', '-o', 'x', '-a', ''])]).toEqual([0, 0, 1, 0]);
  });
  it('-nt and -ot compare modification times', () => {
    expect([st(['d', '-nt', 'a.txt']), st(['a.txt', '-ot', 'b.bin'])]).toEqual([0, 0]);
  });
  it('a bad integer is an error with status 2', () => {
    expect(out(util('test', ['x', '-eq', '1']))).toEqual(fail('test: Illegal number: x\n', 2));
  });
  it('[ needs its closing ]', () => {
    expect(st(['-d', 'd', ']'], '[')).toBe(0);
    expect(out(util('[', ['-d', 'd']))).toEqual(fail('[: missing ]\n', 2));
  });
});
