// grep and sed, each behaviour checked for exact stdout, stderr and exit
// status against GNU grep 3 and GNU sed 4.
import { describe, expect, it } from 'vitest';
import { haveUtils, out, readBack, util } from './utils-run.js';

const ok = (stdout: string) => ({ stdout, stderr: '', status: 0 });
const text = 'hello world\nfoo bar\nHello again\nfoobar baz\n\nthe end\n';
const files = { t: text, u: 'abc\nfoo\n', 'dir/sub/x': 'deep foo\n', 'dir/y': 'nope\n' };

describe.skipIf(!haveUtils('grep'))('grep', () => {
  it('prints matching lines and exits 0; exits 1 when nothing matches', () => {
    expect(out(util('grep', ['foo'], { input: text }))).toEqual(ok('foo bar\nfoobar baz\n'));
    expect(out(util('grep', ['zzz'], { input: text }))).toEqual({ stdout: '', stderr: '', status: 1 });
  });
  it('exits 2 for a missing file, even when another file matched', () => {
    expect(out(util('grep', ['foo', 'nope', 'u'], { files }))).toEqual({
      stdout: 'u:foo\n', stderr: 'grep: nope: No such file or directory\n', status: 2,
    });
  });
  it('-s hides messages about files; -q prints nothing and exits 0 on a match', () => {
    expect(out(util('grep', ['-s', 'foo', 'nope'], { files }))).toEqual({ stdout: '', stderr: '', status: 2 });
    expect(out(util('grep', ['-q', 'foo', 'nope', 'u'], { files }))).toEqual({ stdout: '', stderr: 'grep: nope: No such file or directory\n', status: 0 });
  });
  it('-i ignores case, -v inverts, -c counts, -n numbers', () => {
    expect(out(util('grep', ['-i', 'hello'], { input: text }))).toEqual(ok('hello world\nHello again\n'));
    expect(out(util('grep', ['-vc', 'o'], { input: text }))).toEqual(ok('2\n'));
    expect(out(util('grep', ['-n', 'end'], { input: text }))).toEqual(ok('6:the end\n'));
  });
  it('-w matches whole words, -x whole lines, -o only the matches', () => {
    expect(out(util('grep', ['-w', 'foo'], { input: text }))).toEqual(ok('foo bar\n'));
    expect(out(util('grep', ['-x', 'foo'], { files }))).toEqual({ stdout: '', stderr: '', status: 1 });
    expect(out(util('grep', ['-x', 'foo', 'u'], { files }))).toEqual(ok('foo\n'));
    expect(out(util('grep', ['-o', 'o[a-z]'], { input: text }))).toEqual(ok('or\noo\noo\n'));
  });
  it('-E takes extended regexes, -F fixed strings; basic regexes have \\( \\) and back-references', () => {
    expect(out(util('grep', ['-E', '^(foo|the) '], { input: text }))).toEqual(ok('foo bar\nthe end\n'));
    expect(out(util('grep', ['-F', 'o.b'], { input: 'foo.bar\nfooxbar\n' }))).toEqual(ok('foo.bar\n'));
    expect(out(util('grep', ['\\(o\\)\\1'], { input: text }))).toEqual(ok('foo bar\nfoobar baz\n'));
  });
  it('-e gives several patterns; an empty pattern matches every line', () => {
    expect(out(util('grep', ['-e', 'end', '-e', 'again'], { input: text }))).toEqual(ok('Hello again\nthe end\n'));
    expect(out(util('grep', ['-c', ''], { input: text }))).toEqual(ok('6\n'));
  });
  it('names files when there are several; -h and -H override', () => {
    expect(out(util('grep', ['foo', 't', 'u'], { files }))).toEqual(ok('t:foo bar\nt:foobar baz\nu:foo\n'));
    expect(out(util('grep', ['-h', 'foo', 't', 'u'], { files }))).toEqual(ok('foo bar\nfoobar baz\nfoo\n'));
    expect(out(util('grep', ['-H', 'abc', 'u'], { files }))).toEqual(ok('u:abc\n'));
  });
  it('-l lists matching files, -L the others, -c counts per file', () => {
    expect(out(util('grep', ['-l', 'foo', 't', 'u', 'dir/y'], { files }))).toEqual(ok('t\nu\n'));
    expect(out(util('grep', ['-L', 'foo', 't', 'u', 'dir/y'], { files }))).toEqual(ok('dir/y\n'));
    expect(out(util('grep', ['-c', 'foo', 't', 'u'], { files }))).toEqual(ok('t:2\nu:1\n'));
  });
  it('-r searches directories; a directory without -r is reported', () => {
    expect(out(util('grep', ['-r', 'foo', 'dir'], { files }))).toEqual(ok('dir/sub/x:deep foo\n'));
    expect(out(util('grep', ['foo', 'dir'], { files }))).toEqual({ stdout: '', stderr: 'grep: dir: Is a directory\n', status: 2 });
  });
  it('-A -B -C print context with -- between groups', () => {
    expect(out(util('grep', ['-A1', 'hello'], { input: text }))).toEqual(ok('hello world\nfoo bar\n'));
    expect(out(util('grep', ['-B1', 'end'], { input: text }))).toEqual(ok('\nthe end\n'));
    expect(out(util('grep', ['-n', '-C0', 'o'], { input: 'o\nx\no\n' }))).toEqual(ok('1:o\n--\n3:o\n'));
  });
  it('-m stops after NUM matching lines; options may follow operands', () => {
    expect(out(util('grep', ['-m1', 'foo'], { input: text }))).toEqual(ok('foo bar\n'));
    expect(out(util('grep', ['foo', '-c'], { input: text }))).toEqual(ok('2\n'));
  });
  it('searches patterns without special characters as fixed strings, with the same results', () => {
    // metacharacters keep their meaning; plain text, -i, -w, -x, -o and -v are unchanged
    expect(out(util('grep', ['a.c'], { input: 'a.c\nabc\n' }))).toEqual(ok('a.c\nabc\n'));
    expect(out(util('grep', ['x(1)'], { input: 'x(1)\nx1\n' }))).toEqual(ok('x(1)\n'));
    expect(out(util('grep', ['-E', 'x(1)'], { input: 'x(1)\nx1\n' }))).toEqual(ok('x1\n'));
    expect(out(util('grep', ['-i', 'LO w'], { input: text }))).toEqual(ok('hello world\n'));
    expect(out(util('grep', ['-ow', 'foo'], { input: 'foobar foo\n' }))).toEqual(ok('foo\n'));
    expect(out(util('grep', ['-vx', 'foo'], { input: 'foo\nfoo \n' }))).toEqual(ok('foo \n'));
  });
  it('finds lines wherever they fall in its reads: long lines, a last line without a newline, NUL bytes', () => {
    const long = 'x'.repeat(300000);
    expect(out(util('grep', ['-c', 'y'], { input: `${long}y${long}\n${long}\nay` }))).toEqual(ok('2\n'));
    expect(out(util('grep', ['7'], { input: 'a\nb7' }))).toEqual(ok('b7\n'));
    const lines = Array.from({ length: 30000 }, (_, i) => `${i}\n`);
    expect(out(util('grep', ['999'], { input: lines.join('') }))).toEqual(ok(lines.filter((l) => l.includes('999')).join('')));
    expect(out(util('grep', ['7'], { input: 'a\0b\nc7\n' }))).toEqual({ stdout: '', stderr: 'grep: (standard input): binary file matches\n', status: 0 });
  });
  it('reports a bad regex with status 2, in GNU words', () => {
    expect(out(util('grep', ['-E', '(a'], { input: text }))).toEqual({ stdout: '', stderr: 'grep: Unmatched ( or \\(\n', status: 2 });
  });
});

describe.skipIf(!haveUtils('sed'))('sed', () => {
  const five = 'one\ntwo\nthree\nfour\nfive\n';
  const sed = (args: string[], input = five) => out(util('sed', args, { input }));
  it('s/// replaces the first match; g every one; N the Nth; I ignores case', () => {
    expect(sed(['s/o/0/'], 'foo boo\n')).toEqual(ok('f0o boo\n'));
    expect(sed(['s/o/0/g'], 'foo boo\n')).toEqual(ok('f00 b00\n'));
    expect(sed(['s/o/0/3'], 'foo boo\n')).toEqual(ok('foo b0o\n'));
    expect(sed(['s/O/0/gI'], 'foo\n')).toEqual(ok('f00\n'));
  });
  it('s/// replacement takes &, \\1..\\9 and \\n; -E takes extended regexes', () => {
    expect(sed(['s/\\(h\\)\\(i\\)/\\2\\1[&]/'], 'hi\n')).toEqual(ok('ih[hi]\n'));
    expect(sed(['-E', 's/(o+)/<\\1>/g'], 'foo boo\n')).toEqual(ok('f<oo> b<oo>\n'));
    expect(sed(['s/ /\\n/'], 'a b\n')).toEqual(ok('a\nb\n'));
  });
  it('empty matches are replaced between characters, not right after a match', () => {
    expect(sed(['s/x*/-/g'], 'abc\n')).toEqual(ok('-a-b-c-\n'));
    expect(sed(['s/a*/x/g'], 'baaac\n')).toEqual(ok('xbxcx\n'));
  });
  it('-n with p prints only what is asked; s///p prints substituted lines', () => {
    expect(sed(['-n', '2p'])).toEqual(ok('two\n'));
    expect(sed(['-n', 's/t/T/p'])).toEqual(ok('Two\nThree\n'));
  });
  it('addresses: numbers, $, /re/, ranges, step, +N and !', () => {
    expect(sed(['-n', '$p'])).toEqual(ok('five\n'));
    expect(sed(['/two/,/four/d'])).toEqual(ok('one\nfive\n'));
    expect(sed(['2!d'])).toEqual(ok('two\n'));
    expect(sed(['1~2d'])).toEqual(ok('two\nfour\n'));
    expect(sed(['2,+1d'])).toEqual(ok('one\nfour\nfive\n'));
    expect(sed(['0,/o/d'])).toEqual(ok('two\nthree\nfour\nfive\n'));
  });
  it('q prints and quits (with an exit code), Q quits silently', () => {
    expect(sed(['2q'])).toEqual(ok('one\ntwo\n'));
    expect(sed(['2q5'])).toEqual({ stdout: 'one\ntwo\n', stderr: '', status: 5 });
    expect(sed(['2Q'])).toEqual(ok('one\n'));
  });
  it('a, i and c add and change lines, in one-line and backslash forms', () => {
    expect(sed(['2a added'], 'x\ny\n')).toEqual(ok('x\ny\nadded\n'));
    expect(sed(['1i\\\nbefore'], 'x\n')).toEqual(ok('before\nx\n'));
    expect(sed(['1,2c gone'], 'x\ny\nz\n')).toEqual(ok('gone\nz\n'));
  });
  it('y transliterates; = prints line numbers; l shows non-printing characters', () => {
    expect(sed(['y/abc/xyz/'], 'aabbcc\n')).toEqual(ok('xxyyzz\n'));
    expect(sed(['-n', '$='])).toEqual(ok('5\n'));
    expect(sed(['-n', 'l'], 'a\tb\\\n')).toEqual(ok('a\\tb\\\\$\n'));
  });
  it('hold space, N, D, P and branches: join lines and reverse a file', () => {
    expect(sed([':a;N;$!ba;s/\\n/,/g'])).toEqual(ok('one,two,three,four,five\n'));
    expect(sed(['1!G;h;$!d'], 'a\nb\nc\n')).toEqual(ok('c\nb\na\n'));
    expect(sed(['$!N;P;D'], 'a\nb\nc\n')).toEqual(ok('a\nb\nc\n'));
    expect(sed(['s/a/A/;tx;s/$/ no/;b;:x;s/$/ yes/'], 'a\nb\n')).toEqual(ok('A yes\nb no\n'));
  });
  it('blocks group commands under one address; -e joins script pieces', () => {
    expect(sed(['-n', '/t/{s/t/T/;p}'])).toEqual(ok('Two\nThree\n'));
    expect(sed(['-e', 's/one/1/', '-e', 's/two/2/'])).toEqual(ok('1\n2\nthree\nfour\nfive\n'));
  });
  it('keeps a missing final newline missing', () => {
    expect(sed(['s/b/B/'], 'a\nb')).toEqual(ok('a\nB'));
  });
  it('-i edits a file in place, -i.bak keeps a backup', () => {
    const r = util('sed', ['-i', 's/foo/FOO/', 'u'], { files });
    expect(out(r)).toEqual(ok(''));
    expect(readBack(r, 'u')).toBe('abc\nFOO\n');
    const r2 = util('sed', ['-i.bak', '1d', 'u'], { files });
    expect(readBack(r2, 'u')).toBe('foo\n');
    expect(readBack(r2, 'u.bak')).toBe('abc\nfoo\n');
  });
  it('-s treats files separately for $ and line numbers', () => {
    expect(out(util('sed', ['-s', '-n', '$p', 't', 'u'], { files }))).toEqual(ok('the end\nfoo\n'));
  });
  it('reports script errors with the GNU position and status 1', () => {
    expect(sed(['k'])).toEqual({ stdout: '', stderr: 'sed: -e expression #1, char 1: unknown command: `k\'\n', status: 1 });
    expect(sed(['s/a/b'])).toEqual({ stdout: '', stderr: 'sed: -e expression #1, char 5: unterminated `s\' command\n', status: 1 });
  });
  it('reports an unreadable file with status 2 and goes on', () => {
    expect(out(util('sed', ['p', 'nope', 'u'], { files }))).toEqual({
      stdout: 'abc\nabc\nfoo\nfoo\n', stderr: "sed: can't read nope: No such file or directory\n", status: 2,
    });
  });
});
