// The small utilities (basename dirname pwd sleep tee yes date uname env cmp
// od), each behaviour checked for exact stdout, stderr and exit status
// against GNU coreutils.
import { describe, expect, it } from 'vitest';
import { haveUtils, out, readBack, util } from './utils-run.js';

const ok = (stdout: string) => ({ stdout, stderr: '', status: 0 });

describe.skipIf(!haveUtils('basename', 'dirname', 'pwd', 'sleep', 'tee'))('basename, dirname, pwd, sleep, tee', () => {
  it('basename strips directories, trailing slashes and a suffix', () => {
    expect(out(util('basename', ['/a/b/c.txt', '.txt']))).toEqual(ok('c\n'));
    expect(out(util('basename', ['a/b/']))).toEqual(ok('b\n'));
    expect(out(util('basename', ['/']))).toEqual(ok('/\n'));
    expect(out(util('basename', ['-s', '.c', 'x.c', 'y/z.c']))).toEqual(ok('x\nz\n'));
  });
  it('dirname strips the last component, "." when none is left', () => {
    expect(out(util('dirname', ['/a/b/c', 'a/b/', 'file', '/', '//x']))).toEqual(ok('/a/b\na\n.\n/\n/\n'));
  });
  it('pwd prints the working directory', () => {
    expect(out(util('pwd', [], { files: { 'sub/': '' }, cwd: '/sub' }))).toEqual(ok('/sub\n'));
  });
  it('sleep accepts fractions and suffixes, and rejects junk', () => {
    expect(out(util('sleep', ['0.05', '0.01s']))).toEqual(ok(''));
    expect(out(util('sleep', ['x']))).toEqual({
      stdout: '', status: 1, stderr: "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n",
    });
  });
  it('tee copies stdin to stdout and files; -a appends', () => {
    const r = util('tee', ['f', 'g'], { input: 'hi\n' });
    expect(out(r)).toEqual(ok('hi\n'));
    expect(readBack(r, 'f') + readBack(r, 'g')).toBe('hi\nhi\n');
    const r2 = util('tee', ['-a', 'f'], { input: 'more\n', files: { f: 'old\n' } });
    expect(readBack(r2, 'f')).toBe('old\nmore\n');
  });
});

describe.skipIf(!haveUtils('date', 'uname', 'env'))('date, uname, env', () => {
  it('date -d @SECONDS prints the default format in UTC', () => {
    expect(out(util('date', ['-d', '@1234567890']))).toEqual(ok('Fri Feb 13 23:31:30 UTC 2009\n'));
  });
  it('date +FORMAT takes strftime conversions, %N, %s and GNU padding flags', () => {
    expect(out(util('date', ['-u', '-d', '@1234567890.5', '+%Y-%m-%d %H:%M:%S.%N %s %-d %_m %j %A %Z %:z']))).toEqual(
      ok('2009-02-13 23:31:30.500000000 1234567890 13  2 044 Friday UTC +00:00\n'));
  });
  it('date -d parses ISO dates; -I and -R print standard forms', () => {
    expect(out(util('date', ['-d', '2020-02-29 13:14:15', '+%s']))).toEqual(ok('1582982055\n'));
    expect(out(util('date', ['-I', '-d', '@0']))).toEqual(ok('1970-01-01\n'));
    expect(out(util('date', ['-R', '-d', '@0']))).toEqual(ok('Thu, 01 Jan 1970 00:00:00 +0000\n'));
  });
  it('date rejects an invalid date', () => {
    expect(out(util('date', ['-d', 'bogus']))).toEqual({ stdout: '', stderr: "date: invalid date 'bogus'\n", status: 1 });
  });
  it('uname prints the kernel name; -m the machine', () => {
    expect(out(util('uname', []))).toEqual(ok('wasi\n'));
    expect(out(util('uname', ['-m']))).toEqual(ok('wasm32\n'));
  });
  it('env prints the environment; -i empties it, -u removes, NAME=VALUE adds', () => {
    expect(out(util('env', [], { env: ['A=1', 'B=2'] }))).toEqual(ok('A=1\nB=2\n'));
    expect(out(util('env', ['-u', 'A', 'C=3'], { env: ['A=1', 'B=2'] }))).toEqual(ok('B=2\nC=3\n'));
    expect(out(util('env', ['-i', 'X=y'], { env: ['A=1'] }))).toEqual(ok('X=y\n'));
  });
});

describe.skipIf(!haveUtils('cmp', 'od'))('cmp, od', () => {
  const files = { a: 'abc\ndef\n', b: 'abc\ndxf\n', c: 'abc\n', e: '' };
  it('cmp exits 0 for identical files and reports the first difference with 1', () => {
    expect(out(util('cmp', ['a', 'a'], { files }))).toEqual(ok(''));
    expect(out(util('cmp', ['a', 'b'], { files }))).toEqual({ stdout: 'a b differ: byte 6, line 2\n', stderr: '', status: 1 });
  });
  it('cmp -l lists every difference; -s is silent', () => {
    expect(out(util('cmp', ['-l', 'a', 'b'], { files }))).toEqual({ stdout: '6 145 170\n', stderr: '', status: 1 });
    expect(out(util('cmp', ['-s', 'a', 'b'], { files }))).toEqual({ stdout: '', stderr: '', status: 1 });
  });
  it('cmp reports EOF on the shorter file, and trouble with 2', () => {
    expect(out(util('cmp', ['a', 'c'], { files }))).toEqual({ stdout: '', stderr: 'cmp: EOF on c after byte 4, line 1\n', status: 1 });
    expect(out(util('cmp', ['e', 'a'], { files }))).toEqual({ stdout: '', stderr: 'cmp: EOF on e which is empty\n', status: 1 });
    expect(out(util('cmp', ['a', 'nope'], { files }))).toEqual({ stdout: '', stderr: 'cmp: nope: No such file or directory\n', status: 2 });
  });
  it('od prints octal words by default and collapses repeats with *', () => {
    expect(out(util('od', [], { input: 'abc\n' }))).toEqual(ok('0000000 061141 005143\n0000004\n'));
    expect(out(util('od', [], { input: '0'.repeat(32) }))).toEqual(ok('0000000 030060 030060 030060 030060 030060 030060 030060 030060\n*\n0000040\n'));
  });
  it('od -c shows characters and escapes; -x hex words', () => {
    expect(out(util('od', ['-c'], { input: 'a\t\0\xff\n' }))).toEqual(ok('0000000   a  \\t  \\0 303 277  \\n\n0000006\n'));
    expect(out(util('od', ['-x'], { input: 'abcd' }))).toEqual(ok('0000000 6261 6463\n0000004\n'));
  });
  it('od -A and -t choose the offset radix and types; types line up', () => {
    expect(out(util('od', ['-An', '-tx1'], { input: 'AB' }))).toEqual(ok(' 41 42\n'));
    expect(out(util('od', ['-Ad', '-tc', '-tx1'], { input: 'AB' }))).toEqual(ok('0000000   A   B\n         41  42\n0000002\n'));
    expect(out(util('od', ['-Ax', '-tu2', '-N', '4'], { input: 'abcdef' }))).toEqual(ok('000000 25185 25699\n000004\n'));
  });
});
