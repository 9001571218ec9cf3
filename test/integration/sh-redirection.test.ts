// Redirections and here-documents.
// Each expectation is dash's output for the same script; the cases run the
// shell of the root image under tabkernel: `node bin/tabkernel.js run sh ...`
// (by its guest name, so it gets the root image's file system).
import { describe, it } from 'vitest';
import { expectSh } from './sh-run.js';

describe('sh: redirection', () => {
  describe('redirections', () => {
    it('writes, appends and reads files', () => {
      expectSh(
        'cd /tmp && echo one > r1 && echo two >> r1 && cat < r1',
        { stdout: 'one\ntwo\n', stderr: '', status: 0 },
      );
    });
    it('duplicates stderr onto stdout with 2>&1', () => {
      expectSh(
        '{ echo out; echo err >&2; } 2>&1 | sed "s/^/got: /"',
        { stdout: 'got: out\ngot: err\n', stderr: '', status: 0 },
      );
    });
    it('applies redirections left to right', () => {
      expectSh(
        'cd /tmp && { echo out; echo err >&2; } 2>&1 >r2 | sed "s/^/pipe: /"; cat r2',
        { stdout: 'pipe: err\nout\n', stderr: '', status: 0 },
      );
    });
    it('sends "not found" where the command\'s stderr goes (regression: it went to the shell\'s)', () => {
      expectSh(
        'nosuch 2>/dev/null; echo $?; /nosuch 2>/tmp/e; echo $?; cat /tmp/e; x=$(nosuch 2>&1); echo "[$x]"',
        { stdout: '127\n127\nsh: 1: /nosuch: not found\n[sh: 1: nosuch: not found]\n', stderr: '', status: 0 },
      );
    });
    it('opens a file read-write with <>', () => {
      expectSh(
        'cd /tmp && echo data > r3 && cat <> r3',
        { stdout: 'data\n', stderr: '', status: 0 },
      );
    });
    it('closes a descriptor with >&-', () => {
      expectSh(
        'echo gone >&-; echo $?',
        { stdout: '1\n', stderr: 'sh: 1: echo: echo: I/O error\n', status: 0 },
      );
    });
    it('keeps redirections of exec without a command', () => {
      expectSh(
        'cd /tmp && exec 5> r4; echo to5 >&5; exec 5>&-; cat r4',
        { stdout: 'to5\n', stderr: '', status: 0 },
      );
    });
    it('redirects a brace group and a loop', () => {
      expectSh(
        'cd /tmp && { echo a; echo b; } > r5; cat r5; for i in 1 2; do echo $i; done > r6; cat r6',
        { stdout: 'a\nb\n1\n2\n', stderr: '', status: 0 },
      );
    });
    it('refuses to clobber with set -C except through >|', () => {
      expectSh(
        'cd /tmp && echo a > r7; set -C; echo b > r7; echo $?; echo c >| r7; cat r7',
        { stdout: '2\nc\n', stderr: 'sh: 1: cannot create r7: File exists\n', status: 0 },
      );
    });
    it('reports a missing input file with status 2', () => {
      expectSh(
        'cat < /nonexistent; echo $?',
        { stdout: '2\n', stderr: 'sh: 1: cannot open /nonexistent: No such file\n', status: 0 },
      );
    });
    it('reports a directory that does not exist', () => {
      expectSh(
        'echo x > /nonexistent/f; echo $?',
        { stdout: '2\n', stderr: 'sh: 1: cannot create /nonexistent/f: Directory nonexistent\n', status: 0 },
      );
    });
    it('redirects a builtin and restores the descriptor afterwards', () => {
      expectSh(
        'cd /tmp && echo builtin > r8; echo after; cat r8',
        { stdout: 'after\nbuiltin\n', stderr: '', status: 0 },
      );
    });
    it('creates a file from a redirection alone', () => {
      expectSh(
        'cd /tmp && rm -f r9 && > r9 && [ -f r9 ] && echo made',
        { stdout: 'made\n', stderr: '', status: 0 },
      );
    });
  });
  describe('here-documents', () => {
    it('expand parameters, $( ) and backslashes', () => {
      expectSh(
        'x=val\ncat <<EOF\n$x $(echo cmd) `echo bq` \\$x \\\\ "q" \'q\'\nEOF',
        { stdout: 'val cmd bq $x \\ "q" \'q\'\n', stderr: '', status: 0 },
      );
    });
    it('are literal when the delimiter is quoted', () => {
      expectSh(
        'cat <<\'EOF\'\n$x $(echo cmd) \\$\nEOF',
        { stdout: '$x $(echo cmd) \\$\n', stderr: '', status: 0 },
      );
    });
    it('strip leading tabs with <<-', () => {
      expectSh(
        'cat <<-EOF\n\tindented\n\t\tmore\n\tEOF',
        { stdout: 'indented\nmore\n', stderr: '', status: 0 },
      );
    });
    it('are read in order when a line has two', () => {
      expectSh(
        'cat <<A; cat <<B\nfirst\nA\nsecond\nB',
        { stdout: 'first\nsecond\n', stderr: '', status: 0 },
      );
    });
    it('feed a loop', () => {
      expectSh(
        'while read l; do echo "<$l>"; done <<EOF\none\ntwo\nEOF',
        { stdout: '<one>\n<two>\n', stderr: '', status: 0 },
      );
    });
    it('hold command substitutions that span lines', () => {
      expectSh(
        'cat <<EOF\n$(echo one\necho two)\nEOF',
        { stdout: 'one\ntwo\n', stderr: '', status: 0 },
      );
    });
    it('can be larger than a pipe buffer', () => {
      expectSh(
        'i=0; { while [ $i -lt 3000 ]; do echo "line $i of a long here-document"; i=$((i+1)); done; } > /tmp/hd.sh.in; { echo "cat <<EOF"; cat /tmp/hd.sh.in; echo EOF; } > /tmp/hd.sh; sh /tmp/hd.sh | wc -l',
        { stdout: '3000\n', stderr: '', status: 0 },
      );
    });
  });
});
