// Word expansion: quoting, parameters, $( ), $(( )), field splitting, globbing, tilde.
// Each expectation is dash's output for the same script; the cases run the
// shell of the root image under tabkernel: `node bin/tabkernel.js run sh ...`
// (by its guest name, so it gets the root image's file system).
import { describe, it } from 'vitest';
import { expectSh } from './sh-run.js';

describe('sh: expansion', () => {
  describe('quoting', () => {
    it('keeps single quotes literal', () => {
      expectSh(
        'echo \'$x "q" \\\\ `c`\'',
        { stdout: '$x "q" \\ `c`\n', stderr: '', status: 0 },
      );
    });
    it('expands $ and ` but not globs inside double quotes', () => {
      expectSh(
        'x=v; echo "$x $(echo c) `echo b` * \\$x \\\\ \\"q\\""',
        { stdout: 'v c b * $x \\ "q"\n', stderr: '', status: 0 },
      );
    });
    it('takes a backslash-escaped character literally', () => {
      expectSh(
        'echo \\$x \\* a\\ b \\\\',
        { stdout: '$x * a b \\\n', stderr: '', status: 0 },
      );
    });
    it('keeps empty quoted arguments as fields', () => {
      expectSh(
        'f() { echo $#; }; f "" \'\' a; e=; f $e; f "$e"',
        { stdout: '3\n0\n1\n', stderr: '', status: 0 },
      );
    });
  });
  describe('parameters', () => {
    it('expands positional parameters, $# and ${10}', () => {
      expectSh(
        'echo "$# $1 $2 ${10} ${11}"',
        { stdout: '11 a b j k\n', stderr: '', status: 0 },
        { args: ['sh', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'] },
      );
    });
    it('expands $0 to the name after the -c string', () => {
      expectSh(
        'echo $0',
        { stdout: 'myname\n', stderr: '', status: 0 },
        { args: ['myname'] },
      );
    });
    it('expands $? $$ $! consistently', () => {
      expectSh(
        'false; echo $?; [ "$$" -gt 0 ] && echo pid; sleep 0 & [ "$!" -gt 0 ] && echo bgpid; wait',
        { stdout: '1\npid\nbgpid\n', stderr: '', status: 0 },
      );
    });
    it('expands $- to the set options', () => {
      expectSh(
        'set -e; set -u; echo $-',
        { stdout: 'ue\n', stderr: '', status: 0 },
      );
    });
    it('separates "$@" into fields and joins "$*" with IFS', () => {
      expectSh(
        'set -- a "b c"; for x in "$@"; do echo "[$x]"; done; IFS=-; echo "$*"',
        { stdout: '[a]\n[b c]\na-b c\n', stderr: '', status: 0 },
      );
    });
    it('drops "$@" entirely when there are no parameters', () => {
      expectSh(
        'set --; f() { echo $#; }; f "$@"; f "x$@y"',
        { stdout: '0\n1\n', stderr: '', status: 0 },
      );
    });
    it('uses defaults with :- and -', () => {
      expectSh(
        'x=; unset y; echo "${x:-d1} ${x-d2} ${y-d3} ${y:-d4}"',
        { stdout: 'd1  d3 d4\n', stderr: '', status: 0 },
      );
    });
    it('assigns defaults with := ', () => {
      expectSh(
        'unset y; echo ${y:=set}; echo $y',
        { stdout: 'set\nset\n', stderr: '', status: 0 },
      );
    });
    it('substitutes alternatives with :+ and +', () => {
      expectSh(
        'x=1; e=; echo "[${x:+alt}] [${e:+alt}] [${e+alt}] [${u+alt}]"',
        { stdout: '[alt] [] [alt] []\n', stderr: '', status: 0 },
      );
    });
    it('fails with a message on ${x:?}', () => {
      expectSh(
        'echo ${nope:?is required}; echo never',
        { stdout: '', stderr: 'sh: 1: nope: is required\n', status: 2 },
      );
    });
    it('counts characters with ${#x}', () => {
      expectSh(
        'x=hello; echo ${#x}',
        { stdout: '5\n', stderr: '', status: 0 },
      );
    });
    it('removes prefixes and suffixes by pattern', () => {
      expectSh(
        'v=dir/file.tar.gz; echo ${v%.*} ${v%%.*} ${v#*/} ${v##*.}',
        { stdout: 'dir/file.tar dir/file file.tar.gz gz\n', stderr: '', status: 0 },
      );
    });
    it('quotes pattern characters from the operand when quoted', () => {
      expectSh(
        'x="a*b"; s="*"; echo ${x#"$s"} ${x#*"$s"}',
        { stdout: 'a*b b\n', stderr: '', status: 0 },
      );
    });
    it('splits the unquoted word of ${x-word}, literal text included', () => {
      expectSh(
        'unset u; for w in ${u-a b} "${u-c d}"; do echo "[$w]"; done',
        { stdout: '[a]\n[b]\n[c d]\n', stderr: '', status: 0 },
      );
    });
    it('joins $* and $@ with the first IFS character where nothing is split', () => {
      expectSh(
        'IFS=:; set -- a b; x=$*; y="$@"; echo "$x $y"',
        { stdout: 'a:b a:b\n', stderr: '', status: 0 },
      );
    });
    it('makes assignments one after another', () => {
      expectSh(
        'a=1 b=$a; echo $b',
        { stdout: '1\n', stderr: '', status: 0 },
      );
    });
    it('keeps single quotes literal inside "${x-...}" but not in patterns', () => {
      expectSh(
        'unset u; x=abc; echo "${u-\'q\'}" "${x#\'a\'}"',
        { stdout: '\'q\' bc\n', stderr: '', status: 0 },
      );
    });
    it('reports a malformed ${...} when it is expanded', () => {
      expectSh(
        'echo before; echo ${x;y}; echo never',
        { stdout: 'before\n', stderr: 'sh: 1: Bad substitution\n', status: 2 },
      );
    });
    it('fails on an unset variable under set -u', () => {
      expectSh(
        'set -u; echo ${ok-fine}; echo $missing; echo never',
        { stdout: 'fine\n', stderr: 'sh: 1: missing: parameter not set\n', status: 2 },
      );
    });
  });
  describe('command substitution', () => {
    it('replaces $( ) and backquotes with output, trailing newlines removed', () => {
      expectSh(
        'x=$(printf "a\\n\\n"); echo "[$x]" `echo b`',
        { stdout: '[a] b\n', stderr: '', status: 0 },
      );
    });
    it('nests, with quotes inside', () => {
      expectSh(
        'echo "$(echo "in $(echo deep)")"',
        { stdout: 'in deep\n', stderr: '', status: 0 },
      );
    });
    it('runs in a subshell', () => {
      expectSh(
        'x=1; y=$(x=2; echo $x); echo $x $y',
        { stdout: '1 2\n', stderr: '', status: 0 },
      );
    });
    it('sets $? for an assignment-only command', () => {
      expectSh(
        'x=$(exit 3); echo $?',
        { stdout: '3\n', stderr: '', status: 0 },
      );
    });
    it('splits unquoted output into fields', () => {
      expectSh(
        'set -- $(echo "a  b"); echo $#',
        { stdout: '2\n', stderr: '', status: 0 },
      );
    });
    it('captures the output of an external pipeline', () => {
      expectSh(
        'echo "$(printf "3\\n1\\n2\\n" | sort | tr "\\n" " ")"',
        { stdout: '1 2 3 \n', stderr: '', status: 0 },
      );
    });
    it('parses case inside $( )', () => {
      expectSh(
        'echo $(case x in x) echo matched;; esac)',
        { stdout: 'matched\n', stderr: '', status: 0 },
      );
    });
  });
  describe('arithmetic', () => {
    it('follows C precedence', () => {
      expectSh(
        'echo $((2 + 3 * 4)) $(((2 + 3) * 4)) $((7 / 2)) $((-7 % 3)) $((1 << 4)) $((2 > 1 ? 10 : 20))',
        { stdout: '14 20 3 -1 16 10\n', stderr: '', status: 0 },
      );
    });
    it('reads and assigns variables', () => {
      expectSh(
        'x=5; echo $((x * 2)) $((y = x + 1)) $y $((x += 10)) $x',
        { stdout: '10 6 6 15 15\n', stderr: '', status: 0 },
      );
    });
    it('supports every assignment operator', () => {
      expectSh(
        'x=10; : $((x-=3)) $((x*=2)) $((x/=7)) $((x%=3)) $((x<<=3)) $((x>>=1)) $((x|=1)) $((x&=6)) $((x^=3)); echo $x',
        { stdout: '3\n', stderr: '', status: 0 },
      );
    });
    it('short-circuits && || and ?:', () => {
      expectSh(
        'echo $((0 && 1/0)) $((1 || 1/0)) $((1 ? 2 : 1/0))',
        { stdout: '0 1 2\n', stderr: '', status: 0 },
      );
    });
    it('reads hex and octal constants', () => {
      expectSh(
        'echo $((0x1F)) $((010)) $((~0)) $((!3))',
        { stdout: '31 8 -1 0\n', stderr: '', status: 0 },
      );
    });
    it('reports division by zero', () => {
      expectSh(
        'echo $((1 / 0)); echo never',
        { stdout: '', stderr: 'sh: 1: arithmetic expression: division by zero: "1 / 0"\n', status: 2 },
      );
    });
  });
  describe('field splitting', () => {
    it('splits on default IFS whitespace', () => {
      expectSh(
        'x="  a  b   c "; set -- $x; echo $#',
        { stdout: '3\n', stderr: '', status: 0 },
      );
    });
    it('keeps empty fields between non-whitespace IFS characters', () => {
      expectSh(
        'IFS=:; x="a::b:"; for f in $x; do echo "[$f]"; done',
        { stdout: '[a]\n[]\n[b]\n', stderr: '', status: 0 },
      );
    });
    it('does not split when IFS is empty', () => {
      expectSh(
        'IFS=; x="a b"; set -- $x; echo $#',
        { stdout: '1\n', stderr: '', status: 0 },
      );
    });
    it('does not split assignments or quoted expansions', () => {
      expectSh(
        'x="a   b"; y=$x; echo "$y"',
        { stdout: 'a   b\n', stderr: '', status: 0 },
      );
    });
  });
  describe('pathname expansion', () => {
    it('expands * ? and [...] to sorted names', () => {
      expectSh(
        'mkdir -p /tmp/gl && cd /tmp/gl && touch b.txt a.txt c.log .hid && echo *.txt; echo ?.log; echo [ab].*; echo [!a].txt; echo *',
        { stdout: 'a.txt b.txt\nc.log\na.txt b.txt\nb.txt\na.txt b.txt c.log\n', stderr: '', status: 0 },
      );
    });
    it('leaves a pattern that matches nothing as it is', () => {
      expectSh(
        'echo /nonexistent/*.x',
        { stdout: '/nonexistent/*.x\n', stderr: '', status: 0 },
      );
    });
    it('does not expand quoted or escaped pattern characters', () => {
      expectSh(
        'cd /tmp && echo "*" \'*\' \\*',
        { stdout: '* * *\n', stderr: '', status: 0 },
      );
    });
    it('is turned off by set -f', () => {
      expectSh(
        'cd / && set -f && echo *',
        { stdout: '*\n', stderr: '', status: 0 },
      );
    });
  });
  describe('tilde expansion', () => {
    it('expands ~ to $HOME at word start and after = in assignments', () => {
      expectSh(
        'HOME=/home/me; echo ~ ~/x "~"; y=~/z; echo $y',
        { stdout: '/home/me /home/me/x ~\n/home/me/z\n', stderr: '', status: 0 },
      );
    });
  });
});
