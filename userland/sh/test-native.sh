#!/bin/sh
# Comparison of userland/sh against dash (not run in CI).
# Builds sh with the host's gcc, then runs every case below through both
# shells, each invoked as "sh" (so error messages carry the same name), in a
# scratch directory, and compares stdout, stderr and exit status.
# With -t, "ours" is the wasm build under tabkernel instead (`tabkernel run sh`,
# the root image's /bin/sh; or TK_SH_DIR=DIR mounts DIR at /opt and runs /opt/sh),
# in the guest's /tmp/run; outputs naming the scratch directory then differ.
# Usage: [SH_CFLAGS=...] userland/sh/test-native.sh [-v] [-t] [CASE-NAME-SUBSTRING]
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/sh-native-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
VERBOSE=0 TK=0
while [ $# -gt 0 ]; do
  case $1 in
    -v) VERBOSE=1 ;;
    -t) TK=1 ;;
    *) break ;;
  esac
  shift
done
FILTER=${1:-}
mkdir -p "$WORK/ours" "$WORK/dash" "$WORK/run"
# SH_CFLAGS adds flags, e.g. SH_CFLAGS='-fsanitize=address,undefined -g'.
gcc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Werror ${SH_CFLAGS:-} -o "$WORK/ours/sh" "$ROOT"/userland/sh/*.c "$ROOT"/userland/common/*.c || exit 1
ln -s "$(command -v dash)" "$WORK/dash/sh"
SETUP='mkdir d && : > d/a.txt && : > d/b.txt && : > d/.hidden && : > d/c.log && echo data > file && printf "l1\nl2 x\nl3\n" > lines; '

# run_one WHICH SCRIPT: stdout, stderr and status into $WORK/WHICH.{out,err,status}
run_one() {
  if [ "$1" = ours ] && [ $TK = 1 ]; then
    set -- node "$ROOT/bin/tabkernel.js" run --env PATH=/bin:/usr/bin --env HOME=/home/u
    if [ -n "${TK_SH_DIR:-}" ]; then set -- "$@" --dir "$TK_SH_DIR::/opt" /opt/sh; else set -- "$@" sh; fi
    "$@" -c "rm -rf /tmp/run; mkdir -p /tmp/run && cd /tmp/run && $SETUP$script" sh arg1 'arg 2' \
      > "$WORK/ours.out" 2> "$WORK/ours.err" < "$WORK/lines"
    echo $? > "$WORK/ours.status"
    return
  fi
  rm -rf "$WORK/run" && mkdir -p "$WORK/run" && cd "$WORK/run" &&
  env -i PATH=/usr/bin:/bin HOME=/home/u "$WORK/$1/sh" -c "$SETUP$script" sh arg1 'arg 2' \
    > "$WORK/$1.out" 2> "$WORK/$1.err" < "$WORK/lines"
  echo $? > "$WORK/$1.status"
}
printf 'l1\nl2 x\nl3\n' > "$WORK/lines"

pass=0 fail=0
run_case() { # name script
  script=$2
  run_one dash
  run_one ours
  if cmp -s "$WORK/dash.out" "$WORK/ours.out" && cmp -s "$WORK/dash.err" "$WORK/ours.err" &&
     cmp -s "$WORK/dash.status" "$WORK/ours.status"; then
    pass=$((pass + 1))
    [ $VERBOSE = 1 ] && echo "ok $1"
  else
    fail=$((fail + 1))
    echo "FAIL $1"
    for f in out err status; do
      cmp -s "$WORK/dash.$f" "$WORK/ours.$f" || {
        echo "  --- dash $f"; sed 's/^/  | /' "$WORK/dash.$f"
        echo "  --- ours $f"; sed 's/^/  | /' "$WORK/ours.$f"
      }
    done
  fi
}

name='' script=''
flush() {
  if [ -n "$name" ]; then
    case $name in *"$FILTER"*) run_case "$name" "$script" ;; esac
  fi
}
while IFS= read -r line; do
  case $line in
    '#### '*) flush; name=${line#'#### '}; script='' ;;
    *) script="$script$line
" ;;
  esac
done <<CASES_EOF
$(sed '1,/^__CASES__$/d' "$0")
CASES_EOF
flush
echo "passed $pass, failed $fail"
[ $fail = 0 ]
exit
__CASES__
#### echo and quoting
echo a 'b  c' "d  $1" \e\f "x\"y" 'it''s'
echo "$@" "$#" $0
echo -n no-newline; echo
echo 'a\tb' "c\nd" '\101'
#### parameters
x=5 y= ; echo ${x:-d} ${y:-d} ${y-d} ${z-d} ${z:+p} ${x:+p} ${x+p}
echo ${w:=assigned} $w; echo ${#x} ${#w}
v=hello.tar.gz; echo ${v%.*} ${v%%.*} ${v#*.} ${v##*.} ${v#nomatch}
set -- a b c d e f g h i j k; echo $# ${10} ${11} $9
echo "$*" ; IFS=:; echo "$*"; IFS=' '
#### special parameters
echo $? ; false; echo $?; (exit 7); echo $?
echo $- ; set -f; echo $-
echo ${#@} ${#*}
#### param error
echo ${unset_var?custom message}; echo not reached
#### param null error
x=; echo ${x:?}
#### nounset
set -u; echo ${undefined-ok}; echo $undefined; echo after
#### arithmetic
i=3; echo $((i+=2)) $i $((i*2)) $((7/2)) $((7%3)) $((-7/2)) $((1<<4)) $((0x1f)) $((010))
echo $((1 && 0)) $((1 || x)) $((2 > 1 ? 10 : 20)) $((~0)) $((!5)) $((3 & 5)) $((3 | 5)) $((3 ^ 5))
echo $(( (1+2) * 3 )) $((i == 5)) $((i != 5)) $((j)) $((a=b=4)) $a $b
x=2; echo $(( x ** 1 ))
#### arith division by zero
echo $((1/0)); echo after
#### arith syntax
echo $((1+)); echo after
#### command substitution
echo "$(echo a; echo b)" $(echo c   d) `echo e` "$(echo "nested $(echo inner)")"
x=$(printf 'a\n\n\n'); echo "[$x]"
echo $(false) $?; x=$(exit 3); echo $?
echo "$(cd /; pwd)"; pwd >/dev/null
#### field splitting
x='a b  c'; for i in $x; do echo "[$i]"; done
IFS=:; x='a::b:'; for i in $x; do echo "[$i]"; done
IFS=' :'; x=' a : b  c '; for i in $x; do echo "[$i]"; done
unset IFS; x='  p  q  '; set -- $x; echo $#
IFS=; x='no split'; set -- $x; echo $#
set -- "" a ""; echo $#; for i in "$@"; do echo "[$i]"; done
set --; for i in "$@"; do echo never; done; echo "x$@y"
#### globbing
echo d/*.txt; echo d/*; echo d/.h*; echo d/[ab].txt d/[!a].txt; echo 'd/*' "d/*"; echo d/nomatch*
x='d/*.log'; echo $x; set -f; echo d/*
echo d/?.txt
#### tilde
echo ~ ~/x "~" x=~ ; y=~/z; echo $y
#### if while until for case
if false; then echo 1; elif true; then echo 2; else echo 3; fi
i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo w$i; done
until [ $i -eq 0 ]; do i=$((i-1)); done; echo u$i
for a in 1 2; do for b in x y; do echo $a$b; done; done
for a; do echo "arg:$a"; done
case x.c in *.h) echo h;; *.c|*.cc) echo c;; esac
case "a b" in "a b") echo quoted;; esac
case '*' in \*) echo star;; esac
case x in [a-z]) echo range;; esac
case y in (y) echo paren;; esac
#### break continue
for i in 1 2 3 4; do if [ $i = 2 ]; then continue; fi; if [ $i = 4 ]; then break; fi; echo $i; done
for i in 1 2; do for j in a b c; do [ $j = b ] && continue 2; echo $i$j; done; done
for i in 1 2; do for j in a b; do break 2; done; echo no; done; echo out
i=0; while true; do i=$((i+1)); [ $i -gt 3 ] && break; done; echo $i
#### functions
f() { echo "in f: $# $1 $2"; shift; echo "after shift: $1"; return 4; }
f one two; echo "status $? args $1"
g() { local x=inner; echo $x; }; x=outer; g; echo $x
h() { for i in 1 2 3; do [ $i = 2 ] && return $i; done; }; h; echo $?
r() { if [ $1 -le 0 ]; then echo 0; else echo $(( $1 + $(r $(( $1 - 1 ))) )); fi; }; r 4
#### pipelines and lists
echo abc | cat | cat; echo $?
false | true; echo $?; true | false; echo $?
! true; echo $?; ! false; echo $?
true && echo and; false && echo no; false || echo or; true || echo no
echo a; echo b; { echo c; echo d; } | cat
(echo sub; exit 3); echo $?
x=1; (x=2; echo $x); echo $x
printf '1\n2\n3\n' | while read l; do echo "got $l"; done
echo x | { read v; echo "v=$v"; }
#### redirections
echo out > f1; cat f1; echo more >> f1; cat f1
cat < f1 | wc -l
echo err 1>&2 2>/dev/null
{ echo o; echo e >&2; } 2>&1 | cat
exec 3> f3; echo to3 >&3; exec 3>&-; cat f3
cat <> f3; echo x 2>f4 >&2; cat f4
echo hi >| f5; cat f5; set -C; echo no > f5; echo $?; set +C
cat < nonexistent; echo $?
echo in | (cat <&0)
#### here documents
x=val
cat <<EOF
plain $x $(echo cmd) `echo bq` \$x \\ "q" 'q'
EOF
cat <<'EOF'
quoted $x $(echo cmd)
EOF
cat <<-EOF
	tabs stripped $x
	EOF
cat <<A; cat <<B
first
A
second
B
cat <<E\OF
bs-quoted $x
EOF
f() { cat <<X
in function $1
X
}; f arg
#### set -e
set -e; false || true; if false; then :; fi; ! true; echo alive; false; echo dead
#### set -e in function and subshell
set -e; f() { false; echo no; }; f || echo caught; (false); echo dead
#### set -x
set -x; echo traced "a b"; x=1; y=2 true
#### read builtin
read a b; echo "[$a][$b]"; read -r line; echo "[$line]"; read c; echo "[$c] $?"; read d; echo "[$d] $?"
#### read IFS
echo 'a:b:c:d' | { IFS=: read x y; echo "[$x][$y]"; }
echo '  lead  trail  ' | { read x; echo "[$x]"; }
printf 'esc\\ aped x\n' | { read a b; echo "[$a][$b]"; }
printf 'no newline' | { read a; echo "[$a] $?"; }
echo 'a:b:' | { IFS=: read x y; echo "[$x][$y]"; }
echo 'a:b::' | { IFS=: read x y; echo "[$x][$y]"; }
#### printf
printf '%s-%d-%5s-%-5s|%x %o %c %%\n' str 42 r l 255 8 char
printf '%s\n' a b c; printf '%b\n' 'a\tb\101'; printf 'x\101\n'
printf '%05.1f %e %g\n' 3.14159 1234.5 0.0001; printf "%d\n" "'A"
printf '%s %s\n' 1 2 3; printf 'noargs %s|%d\n'
printf '%d\n' abc; echo $?
#### test builtin
test 1 -eq 1 && echo eq; [ a = a ] && echo seq; [ a != b ] && echo sne
[ -z "" ] && echo z; [ -n x ] && echo n; [ -f file ] && echo f; [ -d d ] && echo d; [ -e nope ] || echo ne
[ 2 -gt 1 -a 1 -lt 2 ] && echo and; [ 1 -gt 2 -o 1 -lt 2 ] && echo or; [ ! -d file ] && echo not
[ \( 1 -eq 1 \) ] && echo paren; [ abc \< abd ] && echo lt; [ ] || echo empty; [ x ] && echo one
[ 1 -eq a ]; echo $?; [ a b ]; echo $?; [ a; echo $?
#### eval and dot
eval 'x=1; echo $x'; eval echo '$x' '$((x+1))'
echo 'echo dotted $1; y=fromdot' > dotf; . ./dotf; echo $y
#### exit status of not found
nosuchcommand; echo $?
./file; echo $?
#### exit in subshell and trap
trap 'echo exiting' EXIT; (exit 5); echo $?; exit 3
#### trap signals
trap 'echo got USR1' USR1; kill -USR1 $$; echo after
trap; trap - USR1; trap
#### shift and set --
set -- 1 2 3; shift; echo $@; shift 2; echo $#; shift; echo $?
#### shift too many
set -- 1; shift 3; echo not reached
#### getopts
while getopts ab:c opt -a -b val -c -- rest; do echo "$opt ${OPTARG-}"; done; echo $OPTIND
OPTIND=1; while getopts :x: o -x; do echo "$o $OPTARG"; done
#### export unset readonly
export A=1; sh -c 'echo A=$A'; unset A; sh -c 'echo A=$A'
B=2 sh -c 'echo B=$B'; echo B=$B
readonly R=1; R=2; echo after
#### readonly export listing
readonly R1=x; export E1='it'"'"'s'; export -p | grep E1; readonly -p | grep R1
#### unset
x=1; unset x; echo ${x-unset}; f() { :; }; unset -f f; f
#### type and command
type echo; type set; type if; f() { :; }; type f; type sh | sed 's/ is .*/ is PATH/'; type nosuch; echo $?
command -v echo; command -v cat; command -v nosuch; echo $?
g() { echo func; }; command echo notfunc
#### alias
alias ll='echo aliased'
ll x
alias ll; unalias ll; ll 2>/dev/null; echo $?
#### umask
umask 027; umask; umask -S; umask u=rwx,g=rx,o=; umask
#### cd and pwd
cd /; pwd; cd /tmp; cd -; cd /nonexistent; echo $?
cd /usr/bin/..; pwd; echo $PWD; cd; pwd
#### wait and background
sleep 0.1 & p=$!; wait $p; echo "waited $?"
(exit 4) & wait $!; echo $?
false & true & wait; echo all $?
#### kill
sleep 5 & kill $!; wait $!; echo $?
kill -l 15; kill -l TERM
#### syntax errors
if true; then echo x; fi fi
#### syntax error eof
while true; do echo
#### syntax error paren
echo )
#### unterminated quote
echo 'abc
#### subshell exec
(exec echo from exec); echo after
#### nested command substitution quoting
x="a   b"; echo "$(echo "$x")"; echo $(echo "$x")
echo "$(echo '$x')" '$(x)'
#### exit status of signals
sh -c 'kill -TERM $$'; echo $?
#### long pipeline
seq 1 100 | grep 7 | sort -r | head -3 | tr '\n' ' '; echo
#### assignment before builtin and function
x=old; x=new true; echo $x
f() { echo "in f x=$x"; }; x=tmp f; echo "after x=$x"
#### dollar at edge cases
set -- a 'b c'; for i in "$@"; do echo "[$i]"; done; for i in $@; do echo "<$i>"; done
for i in "x$@y"; do echo "{$i}"; done; echo "${@}"
x="$@"; echo "$x"
#### case fallthrough none and default
case z in a) echo a;; esac; echo $?
case "" in "") echo empty;; esac
case abc in *b*) echo mid;; *) echo no;; esac
#### while with redirect
while read l; do echo "L:$l"; done < lines
#### for over glob
for f in d/*.txt; do echo "$f"; done
#### noexec
set -n; echo not printed
#### comments
echo a # comment
# full line
echo b#notcomment
#### backslash newline
echo one \
two
ec\
ho three
#### empty command with redirection
> created; ls created
#### cmdsubst status in assignment
x=$(false); echo $?; x=$(true) $(false); echo $?
#### semicolons and newlines in lists
{ echo a
echo b; }
if true
then
echo c
fi
#### exec redirection permanent
exec > outf; echo hidden; exec >&2; cat outf >&2
#### brace group redirection
{ echo one; echo two; } > bg; cat bg
#### pipeline with builtins and functions
f() { while read x; do echo "f$x"; done; }; printf '1\n2\n' | f | cat
echo abc | read v; echo "v=${v-unset}"
#### variables in loop pipelines
n=0; printf 'a\nb\n' | while read l; do n=$((n+1)); done; echo $n
#### exit with no argument
false; exit
#### return from dot file
printf 'echo before\nreturn 3\necho after\n' > rf; . ./rf; echo status $?
#### IFS and read multiple vars
echo "1 2 3 4" | { read a b c; echo "$a|$b|$c"; }
#### star in quotes and at
set -- x y; IFS=-; echo "$*"; echo $*; unset IFS
#### positional params in functions restore
set -- p1 p2; f() { set -- inner; echo $1; }; f; echo $1 $2
#### command not found in pipeline
nosuch | cat; echo $?
#### nested functions and recursion
fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }; fact 6
#### test string ops
[ "abc" = "abc" ]; echo $?; [ -n "" ]; echo $?; test; echo $?; test -z; echo $?
#### arithmetic with variables holding expressions
x=3; y=x; echo $((x + 2)) $(( y ))
#### script from stdin style multi-line
for i in 1 2
do
  case $i in
    1) echo one ;;
    2) echo two
  esac
done
#### redirection order
{ echo out; echo err >&2; } 2>&1 >f1 | sed 's/^/piped:/'; cat f1
{ echo out; echo err >&2; } >f2 2>&1; cat f2
#### pattern quoting in parameter ops
x='a*b*c'; y='*'; echo ${x#*"$y"} ${x#"$y"} ${x%\**} "${x#a}"
p='a?'; case 'a?' in $p) echo glob-match;; esac; case ab in "$p") echo no;; *) echo quoted-literal;; esac
#### nested parameter defaults
unset a b; echo ${a:-${b:-deep}} "${a:-"quoted default"}" ${a:-'single q'}
echo "${a-x y}" ${a-x y}
#### assignment expansion no split
x='1   2'; y=$x; echo "$y"; z=*; echo "$z"
#### set -o forms
set -o errexit; echo $-; set +o errexit; set -o | grep -E '^(errexit|xtrace) '; set -o noglob; echo d/*
#### eval syntax error
eval 'if then'; echo after $?
#### exec not found
exec nosuchcmd; echo not reached
#### exit codes for non-executable
chmod -x file; ./file; echo $?
#### trap in subshell and reset
trap 'echo parent' EXIT; (trap 'echo sub' EXIT; echo in sub); (echo in sub2); echo main
#### readonly errors
readonly x=1; x=2; echo notreached
#### unset readonly
readonly y=1; unset y; echo $? $y
#### arithmetic assignment ops
x=10; : $((x-=3)) $((x*=2)) $((x/=7)) $((x%=3)) $((x<<=3)) $((x>>=1)) $((x|=1)) $((x&=6)) $((x^=3)); echo $x
echo $(( 2 + 3 * 4 - (6 / 2) )) $((-3 % 2)) $(( 1 ? 2 ? 3 : 4 : 5 )) $(( 0 && 1/0 )) $(( 1 || 1/0 ))
#### while false status
while false; do :; done; echo $?; for i in; do :; done; echo $?
if false; then :; fi; echo $?
#### case in function with return
f() { case $1 in a) return 1;; b) return 2;; esac; return 0; }; f a; echo $?; f b; echo $?; f c; echo $?
#### subshell inherits functions and vars
x=1; f() { echo f$x; }; (f; x=2; f); f
#### brace group in pipeline
{ echo a; echo b; } | { read x; read y; echo "$y$x"; }
#### command substitution with case and parens
x=$(case a in a) echo matched;; esac); echo $x
echo $( (echo nested subshell) )
#### backquote nesting and escapes
echo `echo \`echo inner\``; echo "`echo "a  b"`"; echo `echo '\$x'`
#### quotes inside command substitution in double quotes
echo "$(echo "a\"b")" "$(printf '%s' "x y")"
#### local variables scoping
x=g; f() { local x; x=l; g; }; g() { echo "g sees $x"; }; f; echo $x
#### special builtin assignment persists
x=1 : ; echo ${x-unset}
#### IFS whitespace and non-whitespace mix
IFS=' ,'; x='a, b,,c ,'; set -- $x; echo $#; for i; do echo "[$i]"; done
#### empty IFS read
printf '  a b  \n' | { IFS= read -r x; echo "[$x]"; }
#### read with fewer fields
echo one | { read a b c; echo "[$a][$b][$c]"; }
#### test numeric edge
[ -5 -lt 3 ] && echo neg; [ 10 -ge 10 ] && echo ge; [ " 7 " -eq 7 ] && echo spaces
[ "" ] || echo emptyfalse; [ "-n" ] && echo dashn; [ = ] && echo eqsign
#### printf reuse and missing
printf '%s=%s\n' a 1 b; printf '%c' ''; printf '[%5.2s]\n' abcdef; printf '%i|%+d|% d\n' 3 4 5
printf '%#o %#x\n' 8 255; printf '%.3d\n' 7
#### dollar single chars
echo $ "$" x$ $1x ${1}x "$1"x
#### glob with brackets and classes
echo d/[[:alpha:]].txt d/[a-b]* d/*.[tl][xo][tg]
#### glob no match keeps pattern
echo nomatch/* "quoted*" *.nope
#### function with redirect
f() { echo inside; } > fo; f; cat fo
#### nested loops with break in function
f() { for i in 1 2 3; do for j in 1 2; do [ $j = 2 ] && break; echo $i$j; done; done; }; f
#### continue in while
i=0; while [ $i -lt 5 ]; do i=$((i+1)); [ $((i % 2)) = 0 ] && continue; echo $i; done
#### exit in function
f() { exit 4; }; f; echo not reached
#### set -e with and-or last
set -e; true && false; echo not reached
#### set -e with pipeline
set -e; false | true; echo survived; true | false; echo not reached
#### set -u with default and at
set -u; echo "${novar:-default}" "$@" "$#"; echo ${novar}
#### dot with args
echo 'echo "dot args: $@"' > da; . ./da x y; echo "back: $@"
#### multiple heredocs in pipeline
cat <<A | cat - /dev/null <<B
a-body
A
b-body
B
#### heredoc with command substitution spanning lines
cat <<EOF
$(echo one
echo two)
EOF
#### long arithmetic and string length
x=abcdefghij; echo ${#x} $(( ${#x} * 2 ))
#### command -V
command -V echo; command -V cd; f() { :; }; command -V f
#### kill to process group zero ignored signal
trap '' USR2; kill -USR2 $$; echo survived
#### jobs output for background
sleep 0.2 & jobs >/dev/null; wait; echo done
#### wait for unknown pid
wait 99999; echo $?
#### cd with CDPATH
mkdir -p base/sub; CDPATH=base; cd sub; pwd | sed 's|.*/||'
#### pwd after cd ..
mkdir -p x/y; cd x/y; cd ..; pwd | sed 's|.*/||'; cd ../x; pwd | sed 's|.*/||'
#### shift in function does not affect caller
set -- a b c; f() { shift; echo $#; }; f 1 2; echo $#
#### getopts in function with OPTIND local reset
f() { OPTIND=1; while getopts v o; do echo "opt $o"; done; shift $((OPTIND-1)); echo "rest $*"; }; f -v -v file; f file2
#### exit status 126 for directory
./d; echo $?
#### background with redirection
echo bg > bgout & wait; cat bgout
#### xtrace of assignments and redirections
set -x; x=$(echo a); echo "$x" > /dev/null
#### noclobber with append
set -C; echo a > nc; echo b >> nc; echo c >| nc; cat nc
#### unset positional via set
set -- a b; set --; echo $#
#### umask symbolic
umask 022; umask g+w; umask; umask a-x; umask
#### echo escapes
echo 'a\nb' 'c\\d' 'tab\there' '\0101' 'stop\cnot'; echo after
#### empty string args preserved
f() { echo $#; }; f "" ''; f $empty; f "$empty"
#### command substitution of builtins with redirections
x=$(echo hi > cs1); echo "[$x]"; cat cs1; y=$(echo a 2>&1); echo $y; z=$(printf "%s\n" b >&2); echo "[$z]"
#### command substitution of a function and of cd
f() { echo fn; }; echo "$(f)"; echo "$(cd /; pwd)"; pwd | sed 's|.*/||'
#### test as [ does not glob
[ 1 -lt 2 ] && echo lt; touch '[' 2>/dev/null; [ a = a ] && echo still
#### read from a file leaves the offset after the line
seq 1 5 > s5; { read x; read y; cat; } < s5; echo "$x $y"; exec 4< s5; read a <&4; read b <&4; cat <&4 | head -n 1; echo "$a $b"
#### read in a loop over a file
seq 1 300 > s300; n=0; while read l; do n=$((n+l)); done < s300; echo $n
#### recursive function with a redirected body
f() { echo "level $1"; [ $1 -lt 3 ] && f $(($1 + 1)); echo "back $1" >&2; } 2>>rf.err; f 1; cat rf.err
#### expansions with effects in a pipeline element happen in the child
echo ${x?oops} | cat; echo after $?; echo ${y=1} | cat; echo "y=$y"; echo $((z=5)) | cat; echo "z=$z"
#### a forked pipeline writer sees its reader go away
while :; do echo y; done | head -n 2; echo "status $?"; f() { while :; do echo f; done; }; f | head -n 1; { while :; do echo g; done; } | head -n 1; (while :; do echo h; done) | head -n 1
#### wait twice for the same background process
(sleep 0.1; exit 3) & pid=$!; wait $pid; echo $?; wait $pid; echo $?; wait 99999; echo $?
