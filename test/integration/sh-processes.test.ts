// Invocation, exit statuses, background jobs and the commands the shell starts.
// Each expectation is dash's output for the same script; the cases run the
// shell of the root image under tabkernel: `node bin/tabkernel.js run sh ...`
// (by its guest name, so it gets the root image's file system).
import { describe, it } from 'vitest';
import { expectSh } from './sh-run.js';

describe('sh: processes', () => {
  describe('invocation', () => {
    it('runs -c with a name and arguments', () => {
      expectSh(
        'echo "$0|$1|$2|$#"',
        { stdout: 'name|a b|c|2\n', stderr: '', status: 0 },
        { args: ['name', 'a b', 'c'] },
      );
    });
    it('runs a script file with arguments', () => {
      expectSh(
        'printf \'echo "script $0 $# $1"\\nexit 4\\n\' > /tmp/s1.sh; sh /tmp/s1.sh x y; echo "status $?"',
        { stdout: 'script /tmp/s1.sh 2 x\nstatus 4\n', stderr: '', status: 0 },
      );
    });
    it('reads a script from a pipe in blocks, as dash does (read sees what follows the buffer)', () => {
      expectSh(
        'read line\necho "read: $line"\nthis line was read by read\n',
        { stdout: 'read: \n', stderr: 'sh: 3: this: not found\n', status: 127 },
        { viaStdin: true },
      );
    });
    it('gives back what it read ahead of a seekable stdin, so a command reads the next line (POSIX; dash does not)', () => {
      expectSh(
        'printf \'read line\\necho "got: $line"\\nthe next line\\necho end\\n\' > /tmp/ahead.sh; sh < /tmp/ahead.sh',
        { stdout: 'end\n', stderr: 'sh: 2: the: not found\n', status: 0 },
      );
    });
    it('exits with the status of the last command', () => {
      expectSh(
        'false',
        { stdout: '', stderr: '', status: 1 },
      );
    });
    it('takes -e from the command line', () => {
      expectSh(
        'echo one; false; echo never',
        { stdout: 'one\n', stderr: '', status: 1 },
        { flags: ['-e'] },
      );
    });
    it('takes -x from the command line', () => {
      expectSh(
        'echo traced',
        { stdout: 'traced\n', stderr: '+ echo traced\n', status: 0 },
        { flags: ['-x'] },
      );
    });
    it('reports a script that cannot be opened, with status 2 as dash', () => {
      expectSh(
        'sh /nonexistent/script; echo $?',
        { stdout: '2\n', stderr: 'sh: 0: cannot open /nonexistent/script: No such file\n', status: 0 },
      );
    });
  });
  describe('exit status', () => {
    it('is 127 for a command not found', () => {
      expectSh(
        'nosuchcommand; echo $?',
        { stdout: '127\n', stderr: 'sh: 1: nosuchcommand: not found\n', status: 0 },
      );
    });
    it('is 126 for a directory', () => {
      expectSh(
        '/tmp; echo $?',
        { stdout: '126\n', stderr: 'sh: 1: /tmp: Permission denied\n', status: 0 },
      );
    });
    it('is 128+N for a command killed by signal N', () => {
      expectSh(
        'sh -c \'kill -KILL $$\'; echo $?',
        { stdout: '137\n', stderr: 'Killed\n', status: 0 },
      );
    });
    it('is the argument of exit, modulo 256', () => {
      expectSh(
        'sh -c "exit 300"; echo $?',
        { stdout: '44\n', stderr: '', status: 0 },
      );
    });
    it('is 2 for a syntax error', () => {
      expectSh(
        'sh -c "if"; echo $?',
        { stdout: '2\n', stderr: 'sh: 1: Syntax error: end of file unexpected (expecting "then")\n', status: 0 },
      );
    });
  });
  describe('processes', () => {
    it('runs a background job and reports its pid in $!', () => {
      expectSh(
        'sleep 0.1 & p=$!; [ "$p" -gt 1 ] && echo has-pid; wait $p; echo "status $?"',
        { stdout: 'has-pid\nstatus 0\n', stderr: '', status: 0 },
      );
    });
    it('runs a background compound command', () => {
      expectSh(
        '{ echo bg-group; } > /tmp/bgout & wait; cat /tmp/bgout',
        { stdout: 'bg-group\n', stderr: '', status: 0 },
      );
    });
    it('gives a background job /dev/null as input', () => {
      expectSh(
        'cat & wait; echo done',
        { stdout: 'done\n', stderr: '', status: 0 },
        { input: 'should not be read\n' },
      );
    });
    it('runs a pipeline of five external commands', () => {
      expectSh(
        'seq 1 50 | grep 5 | sort -r | head -n 3 | tr "\\n" " "; echo',
        { stdout: '50 5 45 \n', stderr: '', status: 0 },
      );
    });
    it('runs many commands in a loop', () => {
      expectSh(
        'i=0; while [ $i -lt 20 ]; do true; i=$((i+1)); done; n=0; for x in $(seq 1 20); do n=$((n+x)); done; echo $i $n',
        { stdout: '20 210\n', stderr: '', status: 0 },
      );
    });
    it('passes exported variables and prefix assignments to spawned commands', () => {
      expectSh(
        'export A=exported; B=prefix sh -c \'echo "$A $B"\'',
        { stdout: 'exported prefix\n', stderr: '', status: 0 },
      );
    });
    it('keeps the parent environment unchanged by a subshell cd', () => {
      expectSh(
        'cd /tmp; (cd /; pwd); pwd',
        { stdout: '/\n/tmp\n', stderr: '', status: 0 },
      );
    });
  });
  describe('SIGINT in a non-interactive shell (as dash)', () => {
    // The signal reaches the whole foreground group: the shell waits for its
    // job to finish its cleanup, then dies by SIGINT without running more.
    it('waits for the foreground job, then dies by the signal', () => {
      expectSh('sh -c "trap \\"sleep 1; echo cleaned; exit 2\\" INT; kill -INT 0; sleep 5"; echo not-reached',
        { stdout: 'cleaned\n', stderr: '', status: 130 });
    });
    it('dies between commands when no job runs, and obeys traps and trap -', () => {
      expectSh('kill -INT $$; echo not-reached', { stdout: '', stderr: '', status: 130 });
      expectSh('trap "" INT; kill -INT $$; echo ignored', { stdout: 'ignored\n', stderr: '', status: 0 });
      expectSh('trap "echo t" INT; kill -INT $$; echo after', { stdout: 't\nafter\n', stderr: '', status: 0 });
      expectSh('trap "echo t" INT; trap - INT; kill -INT $$; echo not-reached', { stdout: '', stderr: '', status: 130 });
    });
  });
  describe('the processes the first one leaves behind (tabkernel run)', () => {
    // As a terminal's hangup: SIGHUP, a grace period, SIGTERM, before the kernel is torn down.
    it('get SIGHUP and time to clean up', () => {
      expectSh('(trap "echo cleanup; exit 1" HUP; sleep 10 & wait) & sleep 0.5; echo first-done',
        { stdout: 'first-done\ncleanup\n', stderr: '', status: 0 });
    });
    it('get SIGTERM when they ignore SIGHUP', () => {
      expectSh('(trap "" HUP; trap "echo terminated; exit 1" TERM; sleep 10 & wait) & sleep 0.5; echo first-done',
        { stdout: 'first-done\nterminated\n', stderr: '', status: 0 });
    });
  });
});
