// The shell grammar: lists, pipelines, compound commands, functions, syntax errors.
// Each expectation is dash's output for the same script; the cases run the
// shell of the root image under tabkernel: `node bin/tabkernel.js run sh ...`
// (by its guest name, so it gets the root image's file system).
import { describe, it } from 'vitest';
import { expectSh } from './sh-run.js';

describe('sh: grammar', () => {
  describe('lists', () => {
    it('runs commands separated by ; and newlines in order', () => {
      expectSh(
        'echo a; echo b\necho c',
        { stdout: 'a\nb\nc\n', stderr: '', status: 0 },
      );
    });
    it('runs the right of && only after success and of || only after failure', () => {
      expectSh(
        'true && echo and1; false && echo and2; false || echo or1; true || echo or2',
        { stdout: 'and1\nor1\n', stderr: '', status: 0 },
      );
    });
    it('gives && and || equal precedence, left to right', () => {
      expectSh(
        'false && echo x || echo y; true || echo x && echo z',
        { stdout: 'y\nz\n', stderr: '', status: 0 },
      );
    });
    it('inverts the status of a pipeline with !', () => {
      expectSh(
        '! true; echo $?; ! false; echo $?',
        { stdout: '1\n0\n', stderr: '', status: 0 },
      );
    });
    it('runs a group in the current shell', () => {
      expectSh(
        'x=1; { x=2; echo in; }; echo $x',
        { stdout: 'in\n2\n', stderr: '', status: 0 },
      );
    });
    it('runs a subshell in a copy of the environment', () => {
      expectSh(
        'x=1; (x=2; echo $x; cd /); echo $x',
        { stdout: '2\n1\n', stderr: '', status: 0 },
      );
    });
    it('returns the exit status of a subshell', () => {
      expectSh(
        '(exit 7); echo $?',
        { stdout: '7\n', stderr: '', status: 0 },
      );
    });
  });
  describe('pipelines', () => {
    it('connects stdout to stdin across external commands', () => {
      expectSh(
        'printf "b\\na\\nc\\n" | sort | head -n 2',
        { stdout: 'a\nb\n', stderr: '', status: 0 },
      );
    });
    it('takes the status of the last command', () => {
      expectSh(
        'false | true; echo $?; true | false; echo $?',
        { stdout: '0\n1\n', stderr: '', status: 0 },
      );
    });
    it('runs a builtin at the end of a pipeline in a subshell', () => {
      expectSh(
        'x=0; echo 5 | read x; echo "x=$x"',
        { stdout: 'x=0\n', stderr: '', status: 0 },
      );
    });
    it('feeds a while loop from a pipe', () => {
      expectSh(
        'printf "1\\n2\\n3\\n" | while read n; do echo "n$n"; done',
        { stdout: 'n1\nn2\nn3\n', stderr: '', status: 0 },
      );
    });
    it('pipes into and out of a brace group', () => {
      expectSh(
        '{ echo a; echo b; } | { read x; read y; echo "$y$x"; } | cat',
        { stdout: 'ba\n', stderr: '', status: 0 },
      );
    });
    it('pipes into a function', () => {
      expectSh(
        'f() { while read l; do echo "f:$l"; done; }; printf "p\\nq\\n" | f',
        { stdout: 'f:p\nf:q\n', stderr: '', status: 0 },
      );
    });
    it('ends a forked writer loop when its reader exits (SIGPIPE)', () => {
      expectSh(
        'while :; do echo y; done | head -n 2; f() { while :; do echo f; done; }; f | head -n 1; (while :; do echo s; done) | head -n 1; echo end',
        { stdout: 'y\ny\nf\ns\nend\n', stderr: '', status: 0 },
      );
    });
    it('reports a missing command in a pipeline and takes the last status', () => {
      expectSh(
        'nosuchcmd | cat; echo $?',
        { stdout: '0\n', stderr: 'sh: 1: nosuchcmd: not found\n', status: 0 },
      );
    });
  });
  describe('compound commands', () => {
    it('takes the first true branch of if/elif/else', () => {
      expectSh(
        'if false; then echo 1; elif true; then echo 2; else echo 3; fi',
        { stdout: '2\n', stderr: '', status: 0 },
      );
    });
    it('has status 0 when no if branch runs', () => {
      expectSh(
        'if false; then echo x; fi; echo $?',
        { stdout: '0\n', stderr: '', status: 0 },
      );
    });
    it('loops while the condition holds', () => {
      expectSh(
        'i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; done',
        { stdout: '1\n2\n3\n', stderr: '', status: 0 },
      );
    });
    it('loops until the condition holds', () => {
      expectSh(
        'i=3; until [ $i -eq 0 ]; do echo $i; i=$((i-1)); done',
        { stdout: '3\n2\n1\n', stderr: '', status: 0 },
      );
    });
    it('iterates for over words, globs and "$@"', () => {
      expectSh(
        'for w in a "b c" d; do echo "[$w]"; done; set -- x "y z"; for a; do echo "<$a>"; done',
        { stdout: '[a]\n[b c]\n[d]\n<x>\n<y z>\n', stderr: '', status: 0 },
      );
    });
    it('matches case patterns with | and globs, first match wins', () => {
      expectSh(
        'for w in x.c x.h zz "a b"; do case $w in *.c|*.h) echo "src $w";; "a b") echo quoted;; z*) echo z;; *) echo other;; esac; done',
        { stdout: 'src x.c\nsrc x.h\nz\nquoted\n', stderr: '', status: 0 },
      );
    });
    it('matches a case pattern with a leading (', () => {
      expectSh(
        'case y in (y) echo yes;; esac',
        { stdout: 'yes\n', stderr: '', status: 0 },
      );
    });
    it('breaks and continues, also N levels out', () => {
      expectSh(
        'for i in 1 2 3; do for j in a b c; do [ $j = b ] && continue 2; [ $i = 3 ] && break 2; echo $i$j; done; done; echo end',
        { stdout: '1a\n2a\nend\n', stderr: '', status: 0 },
      );
    });
    it('parses keywords across newlines', () => {
      expectSh(
        'if true\nthen\n  for i in 1 2\n  do\n    echo $i\n  done\nfi',
        { stdout: '1\n2\n', stderr: '', status: 0 },
      );
    });
  });
  describe('functions', () => {
    it('have their own positional parameters and restore the caller\'s', () => {
      expectSh(
        'set -- a b; f() { echo "$# $1"; set -- z; echo $1; }; f x y w; echo "$# $1"',
        { stdout: '3 x\nz\n2 a\n', stderr: '', status: 0 },
      );
    });
    it('return a status with return', () => {
      expectSh(
        'f() { return 3; echo no; }; f; echo $?',
        { stdout: '3\n', stderr: '', status: 0 },
      );
    });
    it('recurse through command substitution', () => {
      expectSh(
        'fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }; fact 5',
        { stdout: '120\n', stderr: '', status: 0 },
      );
    });
    it('have local variables', () => {
      expectSh(
        'x=g; f() { local x=l; echo $x; }; f; echo $x',
        { stdout: 'l\ng\n', stderr: '', status: 0 },
      );
    });
    it('keep prefix assignments temporary', () => {
      expectSh(
        'x=old; f() { echo "in:$x"; }; x=new f; echo "out:$x"',
        { stdout: 'in:new\nout:old\n', stderr: '', status: 0 },
      );
    });
    it('apply redirections on the definition at each call', () => {
      expectSh(
        'f() { echo body; } > /tmp/sh-fn-out; f; cat /tmp/sh-fn-out',
        { stdout: 'body\n', stderr: '', status: 0 },
      );
    });
  });
  describe('syntax', () => {
    it('treats # as a comment only at the start of a word', () => {
      expectSh(
        'echo a # comment\necho b#c',
        { stdout: 'a\nb#c\n', stderr: '', status: 0 },
      );
    });
    it('joins lines with backslash-newline', () => {
      expectSh(
        'echo one \\\ntwo; ec\\\nho three',
        { stdout: 'one two\nthree\n', stderr: '', status: 0 },
      );
    });
    it('expands aliases in command position', () => {
      expectSh(
        'alias say="echo said"\nsay it\nunalias say',
        { stdout: 'said it\n', stderr: '', status: 0 },
      );
    });
    it('reports an unexpected keyword with status 2', () => {
      expectSh(
        'echo before\nif true; then echo x; fi fi',
        { stdout: 'before\n', stderr: 'sh: 2: Syntax error: "fi" unexpected\n', status: 2 },
      );
    });
    it('reports end of file inside a compound command', () => {
      expectSh(
        'while true; do echo x',
        { stdout: '', stderr: 'sh: 1: Syntax error: end of file unexpected (expecting "done")\n', status: 2 },
      );
    });
    it('reports an unterminated quote', () => {
      expectSh(
        'echo \'abc',
        { stdout: '', stderr: 'sh: 1: Syntax error: Unterminated quoted string\n', status: 2 },
      );
    });
    it('reports an unexpected )', () => {
      expectSh(
        'echo )',
        { stdout: '', stderr: 'sh: 1: Syntax error: ")" unexpected\n', status: 2 },
      );
    });
    it('reads commands from standard input', () => {
      expectSh(
        'echo first\nx=2\necho "second $x"\n',
        { stdout: 'first\nsecond 2\n', stderr: '', status: 0 },
        { viaStdin: true },
      );
    });
    it('stops at a syntax error in standard input after running what came before', () => {
      expectSh(
        'echo ran\nfi\necho never\n',
        { stdout: 'ran\n', stderr: 'sh: 2: Syntax error: "fi" unexpected\n', status: 2 },
        { viaStdin: true },
      );
    });
  });
});
