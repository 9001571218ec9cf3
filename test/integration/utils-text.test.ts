// Text utilities (cat echo printf head tail wc sort uniq tr cut seq true
// false), each behaviour checked for exact stdout, stderr and exit status
// against GNU coreutils' output for the same input.
import { describe, expect, it } from 'vitest';
import { haveUtils, out, util } from './utils-run.js';

const ok = (stdout: string) => ({ stdout, stderr: '', status: 0 });
const nums = '3\n10\n2\n-1\n2\n';

describe.skipIf(!haveUtils('cat', 'echo', 'printf'))('cat, echo, printf', () => {
  it('cat concatenates files and "-" (stdin) in order', () => {
    const r = util('cat', ['a', '-', 'b'], { files: { a: 'A\n', b: 'B' }, input: 'in\n' });
    expect(out(r)).toEqual(ok('A\nin\nB'));
  });
  it('cat reads stdin without operands', () => {
    expect(out(util('cat', [], { input: 'x\ny' }))).toEqual(ok('x\ny'));
  });
  it('cat reports a missing file, goes on, and exits 1', () => {
    const r = util('cat', ['nope', 'a'], { files: { a: 'A\n' } });
    expect(out(r)).toEqual({ stdout: 'A\n', stderr: 'cat: nope: No such file or directory\n', status: 1 });
  });
  it('cat refuses a directory', () => {
    const r = util('cat', ['d'], { files: { 'd/': '' } });
    expect(out(r)).toEqual({ stdout: '', stderr: 'cat: d: Is a directory\n', status: 1 });
  });
  it('cat -n numbers lines, -b only non-blank ones, -s squeezes blank runs', () => {
    const files = { f: 'a\n\n\nb\n' };
    expect(out(util('cat', ['-n', 'f'], { files }))).toEqual(ok('     1\ta\n     2\t\n     3\t\n     4\tb\n'));
    expect(out(util('cat', ['-b', 'f'], { files }))).toEqual(ok('     1\ta\n\n\n     2\tb\n'));
    expect(out(util('cat', ['-s', 'f'], { files }))).toEqual(ok('a\n\nb\n'));
  });
  it('cat -A shows tabs, line ends and control characters', () => {
    expect(out(util('cat', ['-A'], { input: 'a\tb\x01\n' }))).toEqual(ok('a^Ib^A$\n'));
  });
  it('echo joins arguments; -n drops the newline', () => {
    expect(out(util('echo', ['a', 'b  c']))).toEqual(ok('a b  c\n'));
    expect(out(util('echo', ['-n', 'x']))).toEqual(ok('x'));
  });
  it('echo -e interprets escapes and stops at \\c; unknown options are words', () => {
    expect(out(util('echo', ['-e', 'a\\tb\\x41\\0101\\n\\cz']))).toEqual(ok('a\tbAA\n'));
    expect(out(util('echo', ['-x', '-n']))).toEqual(ok('-x -n\n'));
  });
  it('printf formats every POSIX conversion with flags, width and precision', () => {
    const r = util('printf', ['%d|%5.2f|%-4s|%05d|%x|%X|%o|%c|%e|%g|%i|%u|%%|%+d\n', '42', '3.14159', 'ab', '7', '255', '255', '8', 'xyz', '1234.5', '0.0001', '-3', '5', '9']);
    expect(out(r)).toEqual(ok('42| 3.14|ab  |00007|ff|FF|10|x|1.234500e+03|0.0001|-3|5|%|+9\n'));
  });
  it('printf reuses the format while arguments remain and pads missing ones', () => {
    expect(out(util('printf', ['%s=%s\n', 'a', '1', 'b']))).toEqual(ok('a=1\nb=\n'));
  });
  it('printf takes * widths, %b escapes and the value of a quoted character', () => {
    expect(out(util('printf', ['[%*d][%.*s][%b][%d]\n', '4', '7', '2', 'abc', 'x\\ty', "'A"]))).toEqual(ok('[   7][ab][x\ty][65]\n'));
  });
  it('printf stops all output at \\c inside %b', () => {
    expect(out(util('printf', ['%b-%s', 'one\\ctwo', 'never']))).toEqual(ok('one'));
  });
  it('printf reports a non-numeric argument and exits 1', () => {
    expect(out(util('printf', ['%d\n', 'abc']))).toEqual({ stdout: '0\n', stderr: 'printf: abc: expected numeric value\n', status: 1 });
  });
  it('printf stops at a bad directive with status 2, as the shell\'s builtin (the same code)', () => {
    expect(out(util('printf', ['a%yb\n']))).toEqual({ stdout: 'a', stderr: 'printf: %y: invalid directive\n', status: 2 });
  });
});

describe.skipIf(!haveUtils('head', 'tail'))('head, tail', () => {
  const files = { f: '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n', g: 'a\nb' };
  it('head prints 10 lines by default; -n N and -N take N', () => {
    expect(out(util('head', ['f'], { files }))).toEqual(ok('1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n'));
    expect(out(util('head', ['-n', '2', 'f'], { files }))).toEqual(ok('1\n2\n'));
    expect(out(util('head', ['-3', 'f'], { files }))).toEqual(ok('1\n2\n3\n'));
  });
  it('head -n -N prints all but the last N lines; -c counts bytes', () => {
    expect(out(util('head', ['-n', '-10', 'f'], { files }))).toEqual(ok('1\n2\n'));
    expect(out(util('head', ['-c', '3', 'f'], { files }))).toEqual(ok('1\n2'));
    expect(out(util('head', ['-c', '-21', 'f'], { files }))).toEqual(ok('1\n2\n3\n'));
  });
  it('head prints a header per file when given several', () => {
    expect(out(util('head', ['-n1', 'f', 'g'], { files }))).toEqual(ok('==> f <==\n1\n\n==> g <==\na\n'));
  });
  it('head reports a file it cannot open', () => {
    expect(out(util('head', ['nope']))).toEqual({ stdout: '', stderr: "head: cannot open 'nope' for reading: No such file or directory\n", status: 1 });
  });
  it('tail prints the last 10 lines by default; -n N and -N take N', () => {
    expect(out(util('tail', ['f'], { files }))).toEqual(ok('3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n'));
    expect(out(util('tail', ['-n', '2', 'f'], { files }))).toEqual(ok('11\n12\n'));
    expect(out(util('tail', ['-1', 'g'], { files }))).toEqual(ok('b'));
  });
  it('tail -n +N starts at line N; -c N and -c +N count bytes', () => {
    expect(out(util('tail', ['-n', '+11', 'f'], { files }))).toEqual(ok('11\n12\n'));
    expect(out(util('tail', ['-c', '3', 'f'], { files }))).toEqual(ok('12\n'));
    expect(out(util('tail', ['-c', '+3', 'g'], { files }))).toEqual(ok('b'));
  });
  it('tail reads stdin and prints headers for several files', () => {
    expect(out(util('tail', ['-n1'], { input: 'x\ny\n' }))).toEqual(ok('y\n'));
    expect(out(util('tail', ['-n1', 'g', '-'], { files, input: 'z\n' }))).toEqual(ok('==> g <==\nb\n==> standard input <==\nz\n'));
  });
});

describe.skipIf(!haveUtils('wc'))('wc', () => {
  const files = { f: 'one two\nthree\n', g: 'x' };
  it('prints lines, words and bytes aligned to the total size, then a total', () => {
    expect(out(util('wc', ['f', 'g'], { files }))).toEqual(ok(' 2  3 14 f\n 0  1  1 g\n 2  4 15 total\n'));
  });
  it('prints one unpadded count for one operand', () => {
    expect(out(util('wc', ['-l', 'f'], { files }))).toEqual(ok('2 f\n'));
    expect(out(util('wc', ['-lc'], { input: 'a\n\nno newline' }))).toEqual(ok('      2      13\n'));
    expect(out(util('wc', ['-w'], { input: 'a b c' }))).toEqual(ok('3\n'));
  });
  it('pads to 7 columns for stdin', () => {
    expect(out(util('wc', [], { input: 'a b\n' }))).toEqual(ok('      1       2       4\n'));
  });
  it('-m counts UTF-8 characters, -c bytes', () => {
    expect(out(util('wc', ['-m', '-c'], { input: 'h\u00e9\n' }))).toEqual(ok('      3       4\n'));
  });
  it('reports a missing file and exits 1', () => {
    expect(out(util('wc', ['nope']))).toEqual({ stdout: '', stderr: 'wc: nope: No such file or directory\n', status: 1 });
  });
});

describe.skipIf(!haveUtils('sort', 'uniq'))('sort, uniq', () => {
  it('sort orders bytewise; -r reverses; -n compares numbers', () => {
    expect(out(util('sort', [], { input: 'b\nB\na\n' }))).toEqual(ok('B\na\nb\n'));
    expect(out(util('sort', ['-r'], { input: 'b\nB\na\n' }))).toEqual(ok('b\na\nB\n'));
    expect(out(util('sort', ['-n'], { input: nums }))).toEqual(ok('-1\n2\n2\n3\n10\n'));
  });
  it('sort -u drops duplicates; -f folds case', () => {
    expect(out(util('sort', ['-nu'], { input: nums }))).toEqual(ok('-1\n2\n3\n10\n'));
    expect(out(util('sort', ['-f'], { input: 'b\nA\na\nB\n' }))).toEqual(ok('A\na\nB\nb\n'));
  });
  it('sort -t -k sorts on a field, numerically with n, and -s keeps input order of ties', () => {
    const input = 'x:3\ny:1\nz:2\nw:1\n';
    expect(out(util('sort', ['-t:', '-k2n'], { input }))).toEqual(ok('w:1\ny:1\nz:2\nx:3\n'));
    expect(out(util('sort', ['-s', '-t:', '-k2,2n'], { input }))).toEqual(ok('y:1\nw:1\nz:2\nx:3\n'));
  });
  it('sort -k without -t keeps the blanks before a field in the key, unless -b', () => {
    expect(out(util('sort', ['-k2'], { input: 'a  c\nb b\n' }))).toEqual(ok('a  c\nb b\n'));
    expect(out(util('sort', ['-b', '-k2'], { input: 'a  c\nb b\n' }))).toEqual(ok('b b\na  c\n'));
  });
  it('sort -c reports the first disorder and exits 1', () => {
    expect(out(util('sort', ['-c'], { input: 'a\nc\nb\n' }))).toEqual({ stdout: '', stderr: 'sort: -:3: disorder: b\n', status: 1 });
  });
  it('sort -o writes the output file even when it is an input', () => {
    const r = util('sort', ['-o', 'f', 'f'], { files: { f: 'b\na\n' } });
    expect(out(r)).toEqual(ok(''));
  });
  it('uniq collapses adjacent duplicates; -c counts; -d and -u select', () => {
    const input = 'a\na\nb\nc\nc\nc\na\n';
    expect(out(util('uniq', [], { input }))).toEqual(ok('a\nb\nc\na\n'));
    expect(out(util('uniq', ['-c'], { input }))).toEqual(ok('      2 a\n      1 b\n      3 c\n      1 a\n'));
    expect(out(util('uniq', ['-d'], { input }))).toEqual(ok('a\nc\n'));
    expect(out(util('uniq', ['-u'], { input }))).toEqual(ok('b\na\n'));
  });
  it('uniq -i ignores case, -f skips fields', () => {
    expect(out(util('uniq', ['-i'], { input: 'A\na\nb\n' }))).toEqual(ok('A\nb\n'));
    expect(out(util('uniq', ['-f1'], { input: '1 x\n2 x\n3 y\n' }))).toEqual(ok('1 x\n3 y\n'));
  });
});

describe.skipIf(!haveUtils('tr', 'cut'))('tr, cut', () => {
  it('tr maps ranges and classes', () => {
    expect(out(util('tr', ['a-z', 'A-Z'], { input: 'hello\n' }))).toEqual(ok('HELLO\n'));
    expect(out(util('tr', ['[:upper:]', '[:lower:]'], { input: 'ABc\n' }))).toEqual(ok('abc\n'));
  });
  it('tr pads a short SET2 with its last byte', () => {
    expect(out(util('tr', ['abc', 'x'], { input: 'aabbcc\n' }))).toEqual(ok('xxxxxx\n'));
  });
  it('tr -d deletes, -s squeezes, -c complements', () => {
    expect(out(util('tr', ['-d', 'aeiou'], { input: 'education\n' }))).toEqual(ok('dctn\n'));
    expect(out(util('tr', ['-s', ' '], { input: 'a   b  c\n' }))).toEqual(ok('a b c\n'));
    expect(out(util('tr', ['-cd', '0-9'], { input: 'a1b2c3\n' }))).toEqual(ok('123'));
    expect(out(util('tr', ['-c', 'a-z\\n', '_'], { input: 'ab-c d\n' }))).toEqual(ok('ab_c_d\n'));
  });
  it('tr needs two sets to translate', () => {
    expect(out(util('tr', ['a']))).toEqual({
      stdout: '', status: 1,
      stderr: "tr: missing operand after 'a'\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n",
    });
  });
  it('cut -d -f selects fields and passes lines without the delimiter', () => {
    const input = 'a:b:c\nnone\n1:2\n';
    expect(out(util('cut', ['-d:', '-f2'], { input }))).toEqual(ok('b\nnone\n2\n'));
    expect(out(util('cut', ['-d:', '-f1,3-'], { input }))).toEqual(ok('a:c\nnone\n1\n'));
    expect(out(util('cut', ['-s', '-d:', '-f2'], { input }))).toEqual(ok('b\n2\n'));
  });
  it('cut -c and -b select characters and bytes; the default delimiter is TAB', () => {
    expect(out(util('cut', ['-c2-4'], { input: 'abcdef\n' }))).toEqual(ok('bcd\n'));
    expect(out(util('cut', ['-b', '1,3'], { input: 'abcdef\n' }))).toEqual(ok('ac\n'));
    expect(out(util('cut', ['-f2'], { input: 'x\ty\tz\n' }))).toEqual(ok('y\n'));
  });
  it('cut needs a list', () => {
    expect(out(util('cut', []))).toEqual({
      stdout: '', status: 1,
      stderr: "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n",
    });
  });
});

describe.skipIf(!haveUtils('seq', 'true', 'false'))('seq, true, false', () => {
  it('seq counts from 1, from FIRST, and by INCR (also downwards)', () => {
    expect(out(util('seq', ['3']))).toEqual(ok('1\n2\n3\n'));
    expect(out(util('seq', ['2', '4']))).toEqual(ok('2\n3\n4\n'));
    expect(out(util('seq', ['10', '-3', '1']))).toEqual(ok('10\n7\n4\n1\n'));
  });
  it('seq prints decimals as the operands have them, and reaches LAST exactly', () => {
    expect(out(util('seq', ['0', '0.1', '0.3']))).toEqual(ok('0.0\n0.1\n0.2\n0.3\n'));
  });
  it('seq -s joins, -w pads with zeros, -f formats', () => {
    expect(out(util('seq', ['-s', ',', '3']))).toEqual(ok('1,2,3\n'));
    expect(out(util('seq', ['-w', '8', '10']))).toEqual(ok('08\n09\n10\n'));
    expect(out(util('seq', ['-f', '%03g', '2']))).toEqual(ok('001\n002\n'));
  });
  it('seq formats integers itself, exactly as printf would, and stops at LAST however large INCR is', () => {
    expect(out(util('seq', ['0', '1000000000', '999999999']))).toEqual(ok('0\n'));
    expect(out(util('seq', ['4294967294', '4294967297']))).toEqual(ok('4294967294\n4294967295\n4294967296\n4294967297\n'));
    expect(out(util('seq', ['--', '-4294967297', '4294967296', '4294967297']))).toEqual(ok('-4294967297\n-1\n4294967295\n'));
    expect(out(util('seq', ['9007199254740990', '9007199254740992']))).toEqual(ok('9007199254740990\n9007199254740991\n9007199254740992\n'));
    expect(out(util('seq', ['-w', '-10', '7', '5']))).toEqual(ok('-10\n-03\n004\n'));
    expect(out(util('seq', ['-5', '-3']))).toEqual(ok('-5\n-4\n-3\n'));
    expect(out(util('seq', ['5', '3']))).toEqual(ok(''));
    expect(out(util('seq', ['1', '1e2', '250']))).toEqual(ok('1\n101\n201\n'));
    const sep = 'x'.repeat(1500);   // longer than seq keeps in its own buffer
    expect(out(util('seq', ['-s', sep, '3']))).toEqual(ok(`1${sep}2${sep}3\n`));
  });
  it('seq writes long sequences whole (64 KiB pieces through stdio)', () => {
    const r = util('seq', ['1', '100000']);
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBe(588895);
    expect(r.stdout.endsWith('99999\n100000\n')).toBe(true);
    expect(r.stdout.split('\n').slice(0, -1).every((l, i) => l === String(i + 1))).toBe(true);
  });
  it('seq refuses a zero increment', () => {
    expect(out(util('seq', ['1', '0', '2']))).toEqual({
      stdout: '', status: 1, stderr: "seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n",
    });
  });
  it('true exits 0 and false exits 1, whatever the arguments', () => {
    expect(out(util('true', ['--bogus']))).toEqual(ok(''));
    expect(out(util('false', ['x']))).toEqual({ stdout: '', stderr: '', status: 1 });
  });
});
