// Processes end to end: the POSIX process calls from C, the shell running
// pipelines, SIGPIPE ending `yes | head`, and many spawn/exit cycles leaving
// nothing behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './wasi-cli.js';
import { openPipes } from '../../kernel/ipc/pipe.js';
import { captureKernel, root } from '../support/kernel.js';

describe('processes', () => {
  it('passes the C checks of fork, exec, spawn, wait, pipes, O_CLOEXEC, signals, groups and orphans', () => {
    const r = run(path.join(root, 'test/programs/bin/process.wasm'), [], { timeout: 60_000 });
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.stdout).toContain('PASSED: 74 checks, 0 failed');
    expect(r.status).toBe(0);
  });

  it('runs a signal handler without rerunning constructors or exit code, leaking nothing', () => {
    const r = run(path.join(root, 'test/programs/bin/sighandler.wasm'));
    expect(r.stdout).toBe('ctors=1\nhandler\nafter raise: ctors=1\nfds unchanged\nread after handlers: \'abc\'\natexit (ctors=1)\n');
    expect(r.status).toBe(0);
  });

  it('refuses a handler from a program that has no signal trampoline with ENOTSUP', () => {
    const r = run(path.join(root, 'test/programs/bin/nohandler.wasm'));
    expect(r.stdout).toContain('PASSED: 6 checks, 0 failed');
    expect(r.status).toBe(0);
  });

  it('finishes a command in a shell that ignores SIGCHLD (its wait ends with ECHILD)', () => {
    const r = run('sh', ['-c', 'trap "" CHLD; /bin/true; echo done $?'], { timeout: 20_000 });
    expect(r.stdout).toBe('done 0\n');
    expect(r.status).toBe(0);
  });

  it('refuses to exec a program file over 1 GiB with ENOMEM before reading it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-huge-'));
    const big = path.join(dir, 'big.wasm');
    fs.writeFileSync(big, Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    fs.truncateSync(big, 3 * 2 ** 30); // sparse: 3 GiB that take no disk
    fs.chmodSync(big, 0o755);
    try {
      const r = run('sh', ['-c', '/data/big.wasm; echo status $?'], { dirs: [`${dir}::/data`] });
      expect(r.stdout).toBe('status 126\n');
      expect(r.stderr).toMatch(/big.wasm: Out of memory/); // wasi-libc says ENOMEM so
      const direct = run(big);
      expect(direct.status).toBe(126);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('enforces and inherits resource limits (NOFILE, NPROC, FSIZE, AS; fork and exec)', () => {
    const r = run(path.join(root, 'test/programs/bin/limits.wasm'), [], { timeout: 60_000 });
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.stdout).toContain('PASSED: 24 checks, 0 failed');
  });

  it('counts CPU time per process and enforces RLIMIT_CPU (SIGXCPU, then SIGKILL)', () => {
    const r = run(path.join(root, 'test/programs/bin/cputime.wasm'), [], { timeout: 60_000 });
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.stdout).toContain('PASSED: 13 checks, 0 failed');
  });

  it('ends a computing child at the shell\'s soft ulimit -t with SIGXCPU, and at a hard one with SIGKILL', () => {
    const spin = 'sh -c "while :; do :; done"';
    const r = run('sh', ['-c', `(ulimit -St 1; ${spin}; echo status $?); (ulimit -t 1; ${spin}; echo status $?)`], { timeout: 60_000 });
    // Signal numbers are WASI's: SIGXCPU is 23 (Linux: 24, status 152).
    expect(r.stdout).toBe('status 151\nstatus 137\n');
    expect(r.stderr).toBe('CPU time limit exceeded\nKilled\n');
  });

  it('ends a shell spinning past its own ulimit -St 1 with status 128 + SIGXCPU', () => {
    const r = run('sh', ['-c', 'ulimit -St 1; while :; do :; done'], { timeout: 60_000 });
    expect(r.status).toBe(151);
  });

  it('shows CPU time in /proc/PID/stat (utime, 100 Hz ticks) and in ps\'s TIME', () => {
    const r = run('sh', ['-c', [
      'set -- $(cat /proc/$$/stat); echo $# $1 $2 $3',
      'sh -c "while :; do :; done" & sleep 1.5; ps -o time= -p $!; kill $!',
    ].join('; ')], { timeout: 60_000 });
    const [fields, time] = r.stdout.split('\n');
    expect(fields).toBe('52 1 (sh) R');
    expect(time).toMatch(/^00:00:0[1-4]$/); // 1.5 s of computing, as long as the machine took to sleep 1.5 s
  });

  it('counts the CPU time of children waited for: /proc/PID/stat\'s cutime and the shell\'s times', () => {
    const r = run('sh', ['-c', [
      'set -- $(cat /proc/$$/stat); echo ${16}',
      '(i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done)',
      'set -- $(cat /proc/$$/stat); echo ${16}',
      'times',
    ].join('; ')], { timeout: 60_000 });
    const [before, after, , children] = r.stdout.split('\n');
    expect(before).toBe('0');
    expect(Number(after)).toBeGreaterThanOrEqual(2); // ticks of 10 ms: the subshell's loop
    const m = /^0m(\d+\.\d+)s 0m0\.000000s$/.exec(children);
    expect(m, r.stdout).not.toBeNull();
    expect(Math.round(Number(m![1]) * 100)).toBeGreaterThanOrEqual(Number(after));
  });

  it('ends a memory bomb under ulimit -v with ENOMEM in the guest, and the shell goes on', () => {
    const bomb = 'x=aaaaaaaaaaaaaaaa; i=0; while [ $i -lt 40 ]; do x=$x$x; i=$((i+1)); done; echo survived';
    const r = run('sh', ['-c', `ulimit -v 65536; sh -c '${bomb}'; echo status $?; echo still here`], { timeout: 60_000 });
    expect(r.stdout).toBe('status 2\nstill here\n');
    expect(r.stderr).toBe('sh: out of memory\n');
  });

  it('sets and shows limits with the shell\'s ulimit, as dash does', () => {
    const r = run('sh', ['-c', [
      'ulimit -n 100; ulimit -n; ulimit -Hn',
      'ulimit -S -n 50; ulimit -n; ulimit -Hn',
      'ulimit -f 2; ulimit; ulimit -Hf; grep "Max file size" /proc/$$/limits',
      'ulimit -u; ulimit -v; ulimit -a | grep -c .',
      'ulimit -n 5000; echo status $?',
      'ulimit -x; echo status $?',
    ].join('; ')]);
    expect(r.stdout).toBe([
      '100', '100', '50', '100', '2', '2',
      'Max file size             1024                 1024                 bytes',
      '256', '1048576', '12', 'status 2', 'status 2', '',
    ].join('\n'));
    expect(r.stderr).toBe('sh: 1: ulimit: error setting limit (Operation not permitted)\nsh: 1: ulimit: Illegal option -x\n');
  });

  it('keeps the shell\'s descriptors as they were across trapped signals', () => {
    const r = run('sh', ['-c', 'a=$(ls /proc/$$/fd); trap "echo caught" USR1; for i in 1 2 3 4 5; do kill -USR1 $$; done; b=$(ls /proc/$$/fd); [ "$a" = "$b" ] && echo same || echo "$a" / "$b"']);
    expect(r.stdout).toBe('caught\n'.repeat(5) + 'same\n');
  });

  it('forks from a program that replaced another with exec (the child copies the new program, not the old)', () => {
    const r = run('sh', ['-c', 'exec sh -c "x=\\$(echo inner); echo got \\$x; (echo sub; exit 3); echo \\$?"'], { timeout: 60_000 });
    expect(r.stdout).toBe('got inner\nsub\n3\n');
    expect(r.status).toBe(0);
  });

  it('runs a three-process pipeline from the shell on the guest PATH', () => {
    const r = run('sh', ['-c', 'seq 1 100000 | grep 7 | wc -l'], { timeout: 60_000 });
    expect(r.stdout.trim()).toBe('40951');
    expect(r.status).toBe(0);
  });

  it('keeps every byte and its order through a pipe under load (several MiB, many writers\' chunk sizes)', () => {
    const r = run('sh', ['-c', 'seq 1 300000 | cat | cat | wc -c; (seq 1 1000; seq 1001 2000) | tail -n 1'], { timeout: 60_000 });
    expect(r.stdout).toBe('1988895\n2000\n');
  });

  it('ends `yes | head -n 1` through SIGPIPE', () => {
    const r = run('sh', ['-c', 'yes | head -n 1; echo done'], { timeout: 60_000 });
    expect(r.stdout).toBe('y\ndone\n');
  });

  it('runs a host script on host files with --dir HOST (same path inside) and --cwd', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-script-'));
    fs.writeFileSync(path.join(dir, 'data.txt'), 'one\ntwo\nthree\n');
    const script = 'pwd\nwc -l < data.txt\nsort -r data.txt > sorted.txt\n';
    const r = run('sh', [], { dirs: [dir], cwd: dir, env: ['PATH=/bin'], input: script, timeout: 60_000 });
    expect(r.stdout).toBe(`${dir}\n3\n`);
    expect(fs.readFileSync(path.join(dir, 'sorted.txt'), 'utf8')).toBe('two\nthree\none\n');
  });

  it('kills a process that spins without system calls', () => {
    const bin = path.join(root, 'test/programs/bin');
    const r = run('sh', ['-c', '/t/spin.wasm & sleep 0.2; kill -9 $!; wait $!; echo status $?'], { dirs: [`${bin}::/t`], timeout: 60_000 });
    expect(r.stdout).toBe('status 137\n');
  });

  it('keeps SIGTERM pending for a stopped process until SIGCONT', () => {
    const r = run('sh', ['-c', 'sleep 100 & p=$!; kill -STOP $p; sleep 0.2; kill -TERM $p; sleep 0.2; ps -o stat,comm | grep sleep; kill -CONT $p; wait $p; echo "status $?"'], { timeout: 60_000 });
    expect(r.stdout).toBe('T    sleep\nstatus 143\n');
  });

  it('does not take /dev/null for a terminal', () => {
    const r = run('sh', ['-c', 'if [ -t 1 ]; then echo tty >&2; else echo no >&2; fi >/dev/null'], { timeout: 60_000 });
    expect(r.stderr).toBe('no\n');
  });

  it('reports a signal death as 128 + the signal number', () => {
    const r = run('sh', ['-c', 'kill -9 $$'], { timeout: 60_000 });
    expect(r.status).toBe(137);
  });

  it('runs an exec\'d program in the worker of the program it replaces', async () => {
    const { kernel, host, stdout } = captureKernel();
    let terminated = 0;
    const start = host.startProcessWorker.bind(host);
    host.startProcessWorker = () => {
      const w = start();
      return { ...w, terminate: () => (terminated++, w.terminate()) };
    };
    const notice = await kernel.boot.run({
      type: 'run', argv: ['sh', '-c', 'exec sh -c "exec sh -c \'exec echo replaced\'"'], env: [], cwd: '/', mounts: [],
    });
    expect(stdout()).toBe('replaced\n');
    expect(notice.status).toBe(0);
    expect(terminated).toBe(0);
  });

  it('leaves no process and no pipe behind after 1000 spawn/exit cycles and 100 pipelines', async () => {
    const { kernel, stdout } = captureKernel();
    const before = openPipes();
    const notice = await kernel.boot.run({
      type: 'run', argv: ['sh', '-c', 'i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i+1)); done; j=0; while [ $j -lt 100 ]; do echo x | cat >/dev/null; j=$((j+1)); done; echo $i $j'],
      env: [], cwd: '/', mounts: [],
    });
    expect(stdout()).toBe('1000 100\n');
    expect(notice.status).toBe(0);
    expect(kernel.processCount).toBe(0);
    expect(openPipes()).toBe(before);
  });
});
