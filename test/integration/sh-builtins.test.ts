// The builtins, each against dash's behaviour and messages.
// Each expectation is dash's output for the same script; the cases run the
// shell of the root image under tabkernel: `node bin/tabkernel.js run sh ...`
// (by its guest name, so it gets the root image's file system).
import { describe, it } from 'vitest';
import { expectSh } from './sh-run.js';

describe('sh: builtins', () => {
  describe('echo and printf', () => {
    it('echo takes -n first and interprets backslash escapes', () => {
      expectSh(
        'echo -n \'a\\tb\'; echo \' c\\101\\0102\'; echo \'cut\\chere\'; echo after',
        { stdout: 'a\tb cAB\ncutafter\n', stderr: '', status: 0 },
      );
    });
    it('printf formats strings, integers, widths and precision', () => {
      expectSh(
        'printf \'%s|%5s|%-5s|%d|%05d|%x|%X|%o|%c|%%|%.2s\\n\' a b c 42 42 255 255 8 xyz abcdef',
        { stdout: 'a|    b|c    |42|00042|ff|FF|10|x|%|ab\n', stderr: '', status: 0 },
      );
    });
    it('printf reuses the format for extra arguments', () => {
      expectSh(
        'printf \'%s=%s\\n\' a 1 b 2 c',
        { stdout: 'a=1\nb=2\nc=\n', stderr: '', status: 0 },
      );
    });
    it('printf expands %b and stops at \\c', () => {
      expectSh(
        'printf \'%b|\' \'x\\ty\' \'one\\ctwo\' never; echo',
        { stdout: 'x\ty|one\n', stderr: '', status: 0 },
      );
    });
    it('printf takes the code of a quoted character', () => {
      expectSh(
        'printf "%d %d\\n" "\'A" \'"a\'',
        { stdout: '65 97\n', stderr: '', status: 0 },
      );
    });
    it('printf reports a bad number and goes on', () => {
      expectSh(
        'printf \'%d\\n\' 12abc; echo $?',
        { stdout: '12\n1\n', stderr: 'sh: 1: printf: 12abc: not completely converted\n', status: 0 },
      );
    });
    it('printf stops at a bad directive with status 2, after what came before it', () => {
      expectSh(
        'printf \'a%yb\\n\'; echo $?',
        { stdout: 'a2\n', stderr: 'sh: 1: printf: %y: invalid directive\n', status: 0 },
      );
    });
    it('printf takes \\x escapes and C length modifiers, as /bin/printf does', () => {
      expectSh(
        'printf \'\\x41%ld\\n\' 7',
        { stdout: 'A7\n', stderr: '', status: 0 },
      );
    });
  });
  describe('read', () => {
    it('splits a line into variables, the last taking the rest', () => {
      expectSh(
        'read a b; echo "[$a][$b]"',
        { stdout: '[one][two  three]\n', stderr: '', status: 0 },
        { input: '  one two  three  \n' },
      );
    });
    it('removes backslashes unless -r', () => {
      expectSh(
        'read a; read -r b; echo "[$a][$b]"',
        { stdout: '[x yz][x\\ y\\z]\n', stderr: '', status: 0 },
        { input: 'x\\ y\\z\nx\\ y\\z\n' },
      );
    });
    it('splits on IFS', () => {
      expectSh(
        'IFS=: read a b c; echo "[$a][$b][$c]"',
        { stdout: '[p][q][:r:]\n', stderr: '', status: 0 },
        { input: 'p:q::r:\n' },
      );
    });
    it('returns 1 at end of input, keeping a partial line', () => {
      expectSh(
        'read a; echo "$? [$a]"; read b; echo "$? [$b]"',
        { stdout: '1 [partial]\n1 []\n', stderr: '', status: 0 },
        { input: 'partial' },
      );
    });
    it('requires a variable name', () => {
      expectSh(
        'read; echo "$? [${REPLY-}]"',
        { stdout: '2 []\n', stderr: 'sh: 1: read: arg count\n', status: 0 },
        { input: 'reply line\n' },
      );
    });
    it('leaves the rest of the input for the next command', () => {
      expectSh(
        'read first; cat',
        { stdout: 'l2\nl3\n', stderr: '', status: 0 },
        { input: 'l1\nl2\nl3\n' },
      );
    });
  });
  describe('test', () => {
    it('compares strings and integers', () => {
      expectSh(
        '[ a = a ] && echo 1; [ a != b ] && echo 2; [ 3 -lt 10 ] && echo 3; [ 10 -le 9 ] || echo 4; [ -2 -gt -3 ] && echo 5',
        { stdout: '1\n2\n3\n4\n5\n', stderr: '', status: 0 },
      );
    });
    it('tests files', () => {
      expectSh(
        'cd /tmp && mkdir -p tdir && echo x > tfile && : > tempty; [ -d tdir ] && echo d; [ -f tfile ] && echo f; [ -s tfile ] && echo s; [ -s tempty ] || echo empty; [ -e /nonexistent ] || echo ne',
        { stdout: 'd\nf\ns\nempty\nne\n', stderr: '', status: 0 },
      );
    });
    it('combines with ! -a -o and parentheses', () => {
      expectSh(
        '[ ! -n "" ] && echo 1; [ a = a -a b = b ] && echo 2; [ a = b -o c = c ] && echo 3; [ \\( a = b \\) -o x ] && echo 4',
        { stdout: '1\n2\n3\n4\n', stderr: '', status: 0 },
      );
    });
    it('follows the rules for one to four arguments', () => {
      expectSh(
        '[ "" ] || echo 1; [ -n ] && echo 2; [ ! ] && echo 3; [ = ] && echo 4; [ ! a = b ] && echo 5',
        { stdout: '1\n2\n3\n4\n5\n', stderr: '', status: 0 },
      );
    });
    it('reports a bad number with status 2', () => {
      expectSh(
        '[ 1 -eq x ]; echo $?',
        { stdout: '2\n', stderr: 'sh: 1: [: Illegal number: x\n', status: 0 },
      );
    });
    it('reports a missing ]', () => {
      expectSh(
        '[ a = a; echo $?',
        { stdout: '2\n', stderr: 'sh: 1: [: missing ]\n', status: 0 },
      );
    });
    it('takes ==, and -a and -o as binary primaries between three arguments', () => {
      expectSh(
        '[ a == a ] && echo 1; [ ! -a x ] && echo 2; [ "" -o x ] && echo 3; [ x -a "" ] || echo 4',
        { stdout: '1\n2\n3\n4\n', stderr: '', status: 0 },
      );
    });
  });
  describe('variables', () => {
    it('export passes variables to commands and unset removes them', () => {
      expectSh(
        'export V=1; sh -c \'echo "V=$V"\'; unset V; sh -c \'echo "V=${V-unset}"\'',
        { stdout: 'V=1\nV=unset\n', stderr: '', status: 0 },
      );
    });
    it('a prefix assignment reaches only that command', () => {
      expectSh(
        'W=2 sh -c \'echo "W=$W"\'; echo "W=${W-unset}"',
        { stdout: 'W=2\nW=unset\n', stderr: '', status: 0 },
      );
    });
    it('readonly refuses assignment and exits a script', () => {
      expectSh(
        'readonly R=1; echo $R; R=2; echo never',
        { stdout: '1\n', stderr: 'sh: 1: R: is read only\n', status: 2 },
      );
    });
    it('export -p and readonly -p list in a reusable form', () => {
      expectSh(
        'export E1="it\'s"; readonly R1=x; export -p | grep E1; readonly -p | grep R1',
        { stdout: 'export E1=\'it\'"\'"\'s\'\nreadonly R1=\'x\'\n', stderr: '', status: 0 },
      );
    });
    it('set with no arguments lists variables', () => {
      expectSh(
        'x1="a b"; set | grep "^x1="',
        { stdout: 'x1=\'a b\'\n', stderr: '', status: 0 },
      );
    });
    it('set -- replaces the positional parameters and shift drops them', () => {
      expectSh(
        'set -- a b c d; shift; echo "$*"; shift 2; echo "$# $1"',
        { stdout: 'b c d\n1 d\n', stderr: '', status: 0 },
      );
    });
    it('shift fails when there are not enough parameters', () => {
      expectSh(
        'set -- a; shift 2; echo never',
        { stdout: '', stderr: 'sh: 1: shift: can\'t shift that many\n', status: 2 },
      );
    });
  });
  describe('options', () => {
    it('set -e exits on a failing command outside conditions', () => {
      expectSh(
        'set -e; false || true; if false; then :; fi; ! true; echo alive; false; echo never',
        { stdout: 'alive\n', stderr: '', status: 1 },
      );
    });
    it('set -e applies inside a subshell', () => {
      expectSh(
        'set -e; (false; echo no); echo never',
        { stdout: '', stderr: '', status: 1 },
      );
    });
    it('set -x traces commands on stderr', () => {
      expectSh(
        'set -x; echo "a b"; x=1; y=2 true',
        { stdout: 'a b\n', stderr: '+ echo a b\n+ x=1\n+ y=2 true\n', status: 0 },
      );
    });
    it('set -o and set +o name options', () => {
      expectSh(
        'set -o errexit -o noglob; echo $-; set +o errexit; echo $-',
        { stdout: 'fe\nf\n', stderr: '', status: 0 },
      );
    });
  });
  describe('eval, dot and exec', () => {
    it('eval joins its arguments and runs them', () => {
      expectSh(
        'x=\'echo $y\'; y=5; eval $x; eval "z=3"; echo $z',
        { stdout: '5\n3\n', stderr: '', status: 0 },
      );
    });
    it('eval reports a syntax error', () => {
      expectSh(
        'eval \'if then\'; echo never',
        { stdout: '', stderr: 'sh: 1: eval: Syntax error: "then" unexpected\n', status: 2 },
      );
    });
    it('. runs a file in the current shell, and return ends it', () => {
      expectSh(
        'cd /tmp && printf "d=1\\nreturn 4\\nd=2\\n" > dotf && . ./dotf; echo "$? $d"',
        { stdout: '4 1\n', stderr: '', status: 0 },
      );
    });
    it('exec replaces the shell', () => {
      expectSh(
        'exec echo replaced; echo never',
        { stdout: 'replaced\n', stderr: '', status: 0 },
      );
    });
    it('exec of a missing command fails with 127', () => {
      expectSh(
        'exec /nonexistent/cmd; echo never',
        { stdout: '', stderr: 'sh: 1: exec: /nonexistent/cmd: not found\n', status: 127 },
      );
    });
  });
  describe('cd and pwd', () => {
    it('cd changes PWD and OLDPWD, cd - goes back', () => {
      expectSh(
        'cd /tmp; cd /; pwd; cd -; echo "$PWD $OLDPWD"',
        { stdout: '/\n/tmp\n/tmp /\n', stderr: '', status: 0 },
      );
    });
    it('cd resolves .. logically', () => {
      expectSh(
        'mkdir -p /tmp/c1/c2 && cd /tmp/c1/c2/.. && pwd',
        { stdout: '/tmp/c1\n', stderr: '', status: 0 },
      );
    });
    it('cd with no argument goes to HOME', () => {
      expectSh(
        'HOME=/tmp; cd; pwd',
        { stdout: '/tmp\n', stderr: '', status: 0 },
      );
    });
    it('cd reports a missing directory', () => {
      expectSh(
        'cd /nonexistent; echo $?',
        { stdout: '2\n', stderr: 'sh: 1: cd: can\'t cd to /nonexistent\n', status: 0 },
      );
    });
  });
  describe('type, command and alias', () => {
    it('type names builtins, keywords, functions and aliases', () => {
      expectSh(
        'f() { :; }; alias a1="echo x"; type echo set if f a1 nosuch; echo $?',
        { stdout: 'echo is a shell builtin\nset is a special shell builtin\nif is a shell keyword\nf is a shell function\na1 is an alias for echo x\nnosuch: not found\n127\n', stderr: '', status: 0 },
      );
    });
    it('command -v prints how a name resolves', () => {
      expectSh(
        'f() { :; }; command -v echo f if; command -v nosuch; echo $?',
        { stdout: 'echo\n127\n', stderr: '', status: 0 },
      );
    });
    it('command keeps a special builtin\'s error from ending the shell', () => {
      expectSh(
        'command shift 5; echo "still here $?"; shift 5; echo never',
        { stdout: 'still here 2\n', stderr: 'sh: 1: shift: can\'t shift that many\nsh: 1: shift: can\'t shift that many\n', status: 2 },
      );
    });
    it('command skips functions', () => {
      expectSh(
        'echo() { printf "function\\n"; }; echo hi; command echo hi',
        { stdout: 'function\nhi\n', stderr: '', status: 0 },
      );
    });
    it('alias lists and unalias removes', () => {
      expectSh(
        'alias b1="echo b" a1="echo a"; alias; unalias a1; alias; unalias a1; echo $?',
        { stdout: 'a1=\'echo a\'\nb1=\'echo b\'\nb1=\'echo b\'\n1\n', stderr: 'unalias: a1 not found\n', status: 0 },
      );
    });
  });
  describe('getopts and umask', () => {
    it('getopts walks options and their arguments', () => {
      expectSh(
        'while getopts ab:c o -a -b arg -ac rest; do echo "$o ${OPTARG-}"; done; echo "OPTIND=$OPTIND"',
        { stdout: 'a \nb arg\na \nc \nOPTIND=5\n', stderr: '', status: 0 },
      );
    });
    it('getopts reports unknown options, or hands them over after a leading :', () => {
      expectSh(
        'getopts a o -z; echo "$? $o"; OPTIND=1; getopts :a o -z; echo "$? $o $OPTARG"',
        { stdout: '0 ?\n0 ? z\n', stderr: 'Illegal option -z\n', status: 0 },
      );
    });
    it('umask prints and sets the mask in octal and symbolic forms', () => {
      expectSh(
        'umask 027; umask; umask -S; umask g+w,o=r; umask',
        { stdout: '0027\nu=rwx,g=rx,o=\n0003\n', stderr: '', status: 0 },
      );
    });
  });
  describe('trap, kill and wait', () => {
    it('runs the EXIT trap on exit, keeping the status', () => {
      expectSh(
        'trap \'echo bye\' EXIT; echo hi; exit 3',
        { stdout: 'hi\nbye\n', stderr: '', status: 3 },
      );
    });
    it('runs a signal trap between commands', () => {
      expectSh(
        'trap \'echo caught\' USR1; kill -USR1 $$; echo after',
        { stdout: 'caught\nafter\n', stderr: '', status: 0 },
      );
    });
    it('lists traps and resets them with -', () => {
      expectSh(
        'trap \'echo x\' INT; trap \'\' TERM; trap; trap - INT TERM; trap; echo end',
        { stdout: 'trap -- \'echo x\' INT\ntrap -- \'\' TERM\nend\n', stderr: '', status: 0 },
      );
    });
    it('ignores a signal with an empty trap', () => {
      expectSh(
        'trap \'\' USR2; kill -USR2 $$; echo survived',
        { stdout: 'survived\n', stderr: '', status: 0 },
      );
    });
    it('kill -l names signals', () => {
      expectSh(
        'kill -l 9 15; kill -l 143',
        { stdout: 'KILL\nTERM\n', stderr: '', status: 0 },
      );
    });
    it('wait returns a background job\'s status', () => {
      expectSh(
        '(exit 5) & wait $!; echo $?',
        { stdout: '5\n', stderr: '', status: 0 },
      );
    });
    it('wait without operands waits for every job', () => {
      expectSh(
        '(sleep 0.2; echo late) & echo early; wait; echo done',
        { stdout: 'early\nlate\ndone\n', stderr: '', status: 0 },
      );
    });
    it('wait for an unknown pid returns 127', () => {
      expectSh(
        'wait 99999; echo $?',
        { stdout: '127\n', stderr: '', status: 0 },
      );
    });
    it('kill terminates a background job, 128+15', () => {
      expectSh(
        'sleep 10 & kill $!; wait $!; echo $?',
        { stdout: '143\n', stderr: 'Terminated\n', status: 0 },
      );
    });
  });
});
