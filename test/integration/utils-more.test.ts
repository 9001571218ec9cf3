// Utilities beyond the required set (expr printenv readlink realpath mktemp
// tac paste comm nl du which rev whoami id hostname nproc base64 egrep fgrep),
// checked for exact stdout, stderr and exit status against GNU coreutils.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { haveUtils, installed, out, util } from './utils-run.js';
import { root } from './wasi-cli.js';

const ok = (stdout: string) => ({ stdout, stderr: '', status: 0 });

describe.skipIf(!haveUtils('expr', 'printenv'))('expr, printenv', () => {
  it('expr does arithmetic with * / % binding tighter than + -', () => {
    expect(out(util('expr', ['1', '+', '2', '*', '3']))).toEqual(ok('7\n'));
    expect(out(util('expr', ['(', '1', '+', '2', ')', '*', '3']))).toEqual(ok('9\n'));
    expect(out(util('expr', ['10', '%', '3']))).toEqual(ok('1\n'));
  });
  it('expr : matches at the start and yields \\1 or the length', () => {
    expect(out(util('expr', ['abcdef', ':', 'a.c']))).toEqual(ok('3\n'));
    expect(out(util('expr', ['abc', ':', 'a\\(.\\)']))).toEqual(ok('b\n'));
  });
  it('expr length, substr, index; comparisons are numeric for integers', () => {
    expect(out(util('expr', ['length', 'hello']))).toEqual(ok('5\n'));
    expect(out(util('expr', ['substr', 'hello', '2', '3']))).toEqual(ok('ell\n'));
    expect(out(util('expr', ['index', 'hello', 'l']))).toEqual(ok('3\n'));
    expect(out(util('expr', ['10', '<', '9']))).toEqual({ stdout: '0\n', stderr: '', status: 1 });
  });
  it('expr exits 1 for a null result and 2 for errors', () => {
    expect(out(util('expr', ['0', '|', '']))).toEqual({ stdout: '0\n', stderr: '', status: 1 });
    expect(out(util('expr', ['1', '/', '0']))).toEqual({ stdout: '', stderr: 'expr: division by zero\n', status: 2 });
    expect(out(util('expr', ['a', '+', '1']))).toEqual({ stdout: '', stderr: 'expr: non-integer argument\n', status: 2 });
  });
  it('printenv prints one variable, or exits 1 when it is unset', () => {
    expect(out(util('printenv', ['B'], { env: ['A=1', 'B=2'] }))).toEqual(ok('2\n'));
    expect(out(util('printenv', ['C'], { env: ['A=1'] }))).toEqual({ stdout: '', stderr: '', status: 1 });
  });
});

describe.skipIf(!haveUtils('readlink', 'realpath', 'mktemp'))('readlink, realpath, mktemp', () => {
  const files = { 'd/e/': '', f: 'x\n' };
  const links = { le: 'd/e', dangling: 'nope', 'd/up': '../f' };
  it('readlink prints a link target and fails on a non-link', () => {
    expect(out(util('readlink', ['le'], { files, links }))).toEqual(ok('d/e\n'));
    expect(out(util('readlink', ['f'], { files, links }))).toEqual({ stdout: '', stderr: '', status: 1 });
  });
  it('readlink -f resolves every link; -e needs every component', () => {
    expect(out(util('readlink', ['-f', 'd/up'], { files, links }))).toEqual(ok('/f\n'));
    expect(out(util('readlink', ['-f', 'dangling'], { files, links }))).toEqual(ok('/nope\n'));
    expect(out(util('readlink', ['-e', 'dangling'], { files, links })).status).toBe(1);
  });
  it('realpath prints the absolute path and reports a missing directory', () => {
    expect(out(util('realpath', ['le', 'd/../f'], { files, links }))).toEqual(ok('/d/e\n/f\n'));
    expect(out(util('realpath', ['nope/x'], { files, links }))).toEqual({ stdout: '', stderr: 'realpath: nope/x: No such file or directory\n', status: 1 });
  });
  it('mktemp creates a file from the template and prints its name', () => {
    const r = util('mktemp', ['fileXXXXXX']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^file[A-Za-z0-9]{6}\n$/);
    expect(fs.statSync(path.join(r.dir, r.stdout.trim())).isFile()).toBe(true);
    const d = util('mktemp', ['-d', 'dirXXX']);
    expect(fs.statSync(path.join(d.dir, d.stdout.trim())).isDirectory()).toBe(true);
    expect(out(util('mktemp', ['aXX']))).toEqual({ stdout: '', stderr: "mktemp: too few X's in template 'aXX'\n", status: 1 });
  });
});

describe.skipIf(!haveUtils('tac', 'paste', 'comm', 'nl', 'rev', 'base64'))('tac, paste, comm, nl, rev, base64', () => {
  it('tac reverses lines, keeping a missing final newline where GNU does', () => {
    expect(out(util('tac', [], { input: 'a\nb\nc\n' }))).toEqual(ok('c\nb\na\n'));
    expect(out(util('tac', [], { input: 'a\nb' }))).toEqual(ok('ba\n'));
  });
  it('paste joins lines side by side with TAB or -d, or serially with -s', () => {
    const files = { a: '1\n2\n3\n', b: 'x\ny\n' };
    expect(out(util('paste', ['a', 'b'], { files }))).toEqual(ok('1\tx\n2\ty\n3\t\n'));
    expect(out(util('paste', ['-d,', 'a', 'b'], { files }))).toEqual(ok('1,x\n2,y\n3,\n'));
    expect(out(util('paste', ['-s', 'a', 'b'], { files }))).toEqual(ok('1\t2\t3\nx\ty\n'));
  });
  it('comm shows three columns and suppresses them with -1 -2 -3', () => {
    const files = { s1: 'a\nb\nd\n', s2: 'b\nc\nd\ne\n' };
    expect(out(util('comm', ['s1', 's2'], { files }))).toEqual(ok('a\n\t\tb\n\tc\n\t\td\n\te\n'));
    expect(out(util('comm', ['-12', 's1', 's2'], { files }))).toEqual(ok('b\nd\n'));
  });
  it('nl numbers non-empty lines and indents the others', () => {
    expect(out(util('nl', [], { input: 'a\n\nb\n' }))).toEqual(ok('     1\ta\n       \n     2\tb\n'));
    expect(out(util('nl', ['-ba', '-nrz', '-w3', '-s:'], { input: 'a\n\n' }))).toEqual(ok('001:a\n002:\n'));
  });
  it('rev reverses characters, UTF-8 sequences whole', () => {
    expect(out(util('rev', [], { input: 'abc\nh\u00e9\n' }))).toEqual(ok('cba\n\u00e9h\n'));
  });
  it('base64 encodes with 76-column lines and decodes', () => {
    expect(out(util('base64', [], { input: 'hello world' }))).toEqual(ok('aGVsbG8gd29ybGQ=\n'));
    expect(out(util('base64', ['-d'], { input: 'aGVsbG8gd29ybGQ=\n' }))).toEqual(ok('hello world'));
    expect(out(util('base64', ['-d'], { input: 'a@b\n' }))).toEqual({ stdout: '', stderr: 'base64: invalid input\n', status: 1 });
  });
});

describe.skipIf(!haveUtils('du', 'whoami', 'id', 'nproc', 'egrep', 'fgrep'))('du, whoami, id, nproc, egrep, fgrep', () => {
  it('du sums sizes in KiB per directory; -s totals; -c adds a grand total once per inode', () => {
    const files = { 'd/big': 'x'.repeat(5000), 'd/e/s': 'x\n' };
    const r = util('du', ['-s', '-b', 'd/big'], { files });
    expect(out(r)).toEqual(ok('5000\td/big\n'));
    const c = util('du', ['-c', '-s', 'd', 'd/e'], { files });
    expect(c.status).toBe(0);
    const lines = c.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(lines.map((l) => l[1])).toEqual(['d', 'total']);   // d/e was already counted inside d
    expect(Number(lines[1][0])).toBe(Number(lines[0][0]));
  });
  it('whoami and id name the one user, root', () => {
    expect(out(util('whoami', []))).toEqual(ok('root\n'));
    expect(out(util('id', []))).toEqual(ok('uid=0(root) gid=0(root) groups=0(root)\n'));
    expect(out(util('id', ['-un']))).toEqual(ok('root\n'));
  });
  it('nproc prints 1', () => {
    expect(out(util('nproc', []))).toEqual(ok('1\n'));
  });
  it('egrep is grep -E and fgrep is grep -F', () => {
    expect(out(util('egrep', ['a|c'], { input: 'a\nb\nc\n' }))).toEqual(ok('a\nc\n'));
    expect(out(util('fgrep', ['a.c'], { input: 'abc\na.c\n' }))).toEqual(ok('a.c\n'));
    // Links to grep, which takes its name (and mode) from argv[0].
    expect(fs.lstatSync(path.join(root, 'userland/rootfs/bin/egrep')).isSymbolicLink()).toBe(true);
    expect(util('egrep', ['-q', 'x', '/nonexistent']).stderr).toMatch(/^egrep: \/nonexistent: No such file or directory/);
  });
});

describe.skipIf(!installed('which'))('which', () => {
  it('finds a program on PATH and exits 1 for a missing one', () => {
    expect(out(util('which', ['ls', 'nope'], { mount: '/w', guest: true }))).toEqual({ stdout: '/bin/ls\n', stderr: '', status: 1 });
  });
});

describe.skipIf(!haveUtils('md5sum', 'sha1sum', 'sha256sum'))('md5sum, sha1sum, sha256sum', () => {
  it('print "DIGEST  NAME" for files and stdin', () => {
    expect(out(util('md5sum', ['-'], { input: 'abc' }))).toEqual(ok('900150983cd24fb0d6963f7d28e17f72  -\n'));
    expect(out(util('sha1sum', [], { input: 'abc' }))).toEqual(ok('a9993e364706816aba3e25717850c26c9cd0d89d  -\n'));
    expect(out(util('sha256sum', ['e'], { files: { e: '' } }))).toEqual(ok('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  e\n'));
  });
  it('-c checks a list and reports mismatches', () => {
    const files = {
      a: 'abc',
      b: 'x',
      sums: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a\n' +
        '0000000000000000000000000000000000000000000000000000000000000000  b\n',
    };
    expect(out(util('sha256sum', ['-c', 'sums'], { files }))).toEqual({
      stdout: 'a: OK\nb: FAILED\n', stderr: 'sha256sum: WARNING: 1 computed checksum did NOT match\n', status: 1,
    });
  });
});

describe.skipIf(!haveUtils('tty', 'truncate', 'fold'))('tty, truncate, fold', () => {
  it('tty says "not a tty" for a pipe and exits 1', () => {
    expect(out(util('tty', []))).toEqual({ stdout: 'not a tty\n', stderr: '', status: 1 });
  });
  it('truncate sets, grows and shrinks sizes; -c does not create', () => {
    const r = util('truncate', ['-s', '3', 'f', 'new'], { files: { f: 'hello\n' } });
    expect(out(r)).toEqual(ok(''));
    expect(fs.readFileSync(path.join(r.dir, 'f'), 'utf8')).toBe('hel');
    expect(fs.statSync(path.join(r.dir, 'new')).size).toBe(3);
    const r2 = util('truncate', ['-s', '+2', 'f'], { files: { f: 'ab' } });
    expect(fs.statSync(path.join(r2.dir, 'f')).size).toBe(4);
    const r3 = util('truncate', ['-c', '-s', '1', 'none']);
    expect(fs.existsSync(path.join(r3.dir, 'none'))).toBe(false);
  });
  it('fold wraps at -w columns, at blanks with -s', () => {
    expect(out(util('fold', ['-w', '5'], { input: 'abcdefghij\n' }))).toEqual(ok('abcde\nfghij\n'));
    expect(out(util('fold', ['-s', '-w', '10'], { input: 'the quick brown fox\n' }))).toEqual(ok('the quick \nbrown fox\n'));
  });
});

describe.skipIf(!haveUtils('expand', 'split'))('expand, split', () => {
  it('expand turns TABs into spaces to the next stop (-t N or a list)', () => {
    expect(out(util('expand', [], { input: 'a\tb\n' }))).toEqual(ok('a       b\n'));
    expect(out(util('expand', ['-t', '2,5'], { input: '\tx\ty\n' }))).toEqual(ok('  x  y\n'));
  });
  it('split writes xaa, xab, ... of -l lines or -b bytes', () => {
    const r = util('split', ['-l', '2', 'f'], { files: { f: '1\n2\n3\n' } });
    expect(out(r)).toEqual(ok(''));
    expect(fs.readFileSync(path.join(r.dir, 'xaa'), 'utf8')).toBe('1\n2\n');
    expect(fs.readFileSync(path.join(r.dir, 'xab'), 'utf8')).toBe('3\n');
    const r2 = util('split', ['-b', '3', '-d', 'f', 'p'], { files: { f: 'abcdefg' } });
    expect(['p00', 'p01', 'p02'].map((n) => fs.readFileSync(path.join(r2.dir, n), 'utf8'))).toEqual(['abc', 'def', 'g']);
  });
});
