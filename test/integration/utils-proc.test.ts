// Utilities that create or inspect processes (env COMMAND, find -exec,
// xargs, kill, ps). They run with the scratch directory mounted at /w, so
// the image's /bin stays on PATH for the commands they start.
import { describe, expect, it } from 'vitest';
import { haveUtils, installed, out, util } from './utils-run.js';

const ok = (stdout: string) => ({ stdout, stderr: '', status: 0 });
const W = { mount: '/w' };
const images = installed('echo') && installed('cat') && installed('sh');

describe.skipIf(!images || !haveUtils('env', 'find', 'xargs', 'kill'))('env, find -exec, xargs, kill', () => {
  it('env runs a command in the modified environment', () => {
    expect(out(util('env', ['-i', 'A=1', 'env'], W))).toEqual(ok('A=1\n'));
  });
  it('env exits 127 when the command is not found', () => {
    expect(out(util('env', ['nope'], W))).toEqual({ stdout: '', stderr: "env: 'nope': No such file or directory\n", status: 127 });
  });
  it('find -exec CMD {} ; runs once per file and is true when CMD exits 0', () => {
    const r = util('find', ['a', '-type', 'f', '-exec', 'cat', '{}', ';'], { files: { 'a/x': '1\n' }, ...W });
    expect(out(r)).toEqual(ok('1\n'));
    expect(out(util('find', ['a', '-name', 'x', '-exec', 'false', ';', '-o', '-print'], { files: { 'a/x': '' }, ...W }))).toEqual(ok('a\na/x\n'));
  });
  it('find -exec CMD {} + runs once with every file', () => {
    const r = util('find', ['a', '-type', 'f', '-exec', 'echo', '{}', '+'], { files: { 'a/x': '', 'a/y/z': '' }, ...W });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split(' ').sort()).toEqual(['a/x', 'a/y/z']);
  });
  it('xargs runs echo by default, -n splits, -I replaces', () => {
    expect(out(util('xargs', [], { input: 'a b\nc\n', ...W }))).toEqual(ok('a b c\n'));
    expect(out(util('xargs', ['-n', '2'], { input: 'a b c\n', ...W }))).toEqual(ok('a b\nc\n'));
    expect(out(util('xargs', ['-I', '{}', 'echo', '<{}>'], { input: 'x y\nz\n', ...W }))).toEqual(ok('<x y>\n<z>\n'));
  });
  it('xargs honours quotes, -0 and -r', () => {
    expect(out(util('xargs', ['-n1'], { input: '\'a b\' "c d" e\\ f\n', ...W }))).toEqual(ok('a b\nc d\ne f\n'));
    expect(out(util('xargs', ['-0', '-n1'], { input: 'a b\0c\0', ...W }))).toEqual(ok('a b\nc\n'));
    expect(out(util('xargs', ['-r', 'echo', 'x'], { input: '', ...W }))).toEqual(ok(''));
  });
  it('xargs exits 123 when a command fails and 127 when it is missing', () => {
    expect(out(util('xargs', ['false'], { input: 'a\n', ...W }))).toEqual({ stdout: '', stderr: '', status: 123 });
    expect(out(util('xargs', ['nope'], { input: 'a\n', ...W }))).toEqual({ stdout: '', stderr: 'xargs: nope: No such file or directory\n', status: 127 });
  });
  it('kill -l names signals and translates numbers and exit statuses', () => {
    expect(out(util('kill', ['-l', '9', '143', 'TERM'], W))).toEqual(ok('KILL\nTERM\n15\n'));
  });
  it('kill reports a missing process and an unknown signal', () => {
    expect(out(util('kill', ['99999'], W))).toEqual({ stdout: '', stderr: 'kill: 99999: No such process\n', status: 1 });
    expect(out(util('kill', ['-s', 'FOO', '1'], W))).toEqual({ stdout: '', stderr: "kill: 'FOO': invalid signal\n", status: 1 });
  });
  it('kill sends the signal: a process that kills itself with KILL ends with 128+9', () => {
    expect(util('kill', ['-9', '1'], W).status).toBe(137);
  });
});

describe.skipIf(!installed('ps'))('ps', () => {
  it('lists processes from /proc with the requested columns', () => {
    expect(out(util('ps', ['-o', 'pid,ppid,comm'], { ...W, guest: true }))).toEqual(ok('    PID    PPID COMMAND\n      1       0 ps\n'));
  });
  it('prints the default PID TTY TIME CMD columns', () => {
    expect(out(util('ps', [], { ...W, guest: true }))).toEqual(ok('    PID TTY          TIME CMD\n      1 ?        00:00:00 ps\n'));
  });
  it('-p selects processes and exits 1 when none matches; empty headers drop the header line', () => {
    expect(out(util('ps', ['-p', '1', '-o', 'pid='], { ...W, guest: true }))).toEqual(ok('      1\n'));
    expect(out(util('ps', ['-p', '42', '-o', 'pid='], { ...W, guest: true })).status).toBe(1);
  });
});

describe.skipIf(!images || !haveUtils('readlink', 'tr', 'ls'))('/proc/self', () => {
  it('names the calling process: readlink gives its pid, cat reads its own cmdline, ls its own fds', () => {
    const r = util('sh', ['-c', 'echo $$; readlink /proc/self; cat /proc/self/cmdline | tr "\\0" " "; echo; exec 7</dev/null; ls /proc/self/fd | grep -x 7; ls /proc | grep -x self'], W);
    const [shell, reader, cmdline, seven, self] = r.stdout.split('\n');
    expect(r.status).toBe(0);
    expect(Number(reader)).toBeGreaterThan(Number(shell));
    expect(cmdline).toBe('cat /proc/self/cmdline ');
    expect([seven, self]).toEqual(['7', 'self']);
  });
});

describe.skipIf(!images || !haveUtils('timeout'))('timeout', () => {
  it('exits 124 when the limit passes, and with the status of a command that finishes', () => {
    expect(out(util('timeout', ['0.2', 'sleep', '5'], W))).toEqual({ stdout: '', stderr: '', status: 124 });
    expect(out(util('timeout', ['5', 'sh', '-c', 'exit 3'], W))).toEqual({ stdout: '', stderr: '', status: 3 });
  });
  it('exits 127 when the command is missing', () => {
    expect(out(util('timeout', ['1', 'nope'], W))).toEqual({
      stdout: '', stderr: "timeout: failed to run command 'nope': No such file or directory\n", status: 127,
    });
  });
});
