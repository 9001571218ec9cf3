// What ports need beyond wasi-libc (issue 15, item 7): file locks enforced
// between processes (test/programs/posix/locks.c), the libc's additions
// (test/programs/posix/ports.c: signal names, temporary files, the user and
// group databases of the root image's /etc, system, popen, realpath), and the
// PATH a program of the root image gets when the host gives none, and
// setjmp/longjmp (test/programs/posix/jumps.c; forkjumps.c in a program that forks).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PATH, firstEnv } from '../../kernel/abi/messages.js';
import { prog, root, run } from './wasi-cli.js';

function expectPassed(r: ReturnType<typeof run>): void {
  expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
  expect(r.stdout).toMatch(/^PASSED: \d+ checks, 0 failed$/m);
  expect(r.status).toBe(0);
}

describe('file locks', () => {
  it('passes the C checks: fcntl record locks, flock and lockf between processes', () => {
    expectPassed(run(prog('locks'), [], { timeout: 60_000 }));
  });
});

describe('libc additions for ports', () => {
  it('passes the C checks: strsignal, mkstemp, tmpfile, getpwuid, system, popen, realpath, S_ISFIFO, tzset, clock, getrusage, flockfile, setuid, chown, program_invocation_name', () => {
    expectPassed(run(prog('ports'), [], { timeout: 60_000 }));
  });

  it('ships /etc/passwd and /etc/group in the root image with root as uid and gid 0', () => {
    const r = run('sh', ['-c', 'grep "^root:" /etc/passwd /etc/group']);
    expect(r.stdout).toBe('/etc/passwd:root:x:0:0:root:/root:/bin/sh\n/etc/group:root:x:0:\n');
  });
});

describe('the working directory and the paths of open files', () => {
  it('passes the C checks: fchdir (ENOTDIR, EBADF, ENOENT once removed, children start there), /proc/self/fd/N paths', () => {
    expectPassed(run(prog('cwd'), [], { timeout: 60_000 }));
  });

  it('shows the shell\'s redirections by path in /proc/PID/fd, as Linux does', () => {
    const r = run('sh', ['-c', 'exec 7</etc/passwd; readlink /proc/$$/fd/7; cd /etc; readlink /proc/self/fd/5 5<./group; exec 3>&-; readlink /proc/self/fd/3 3</']);
    expect(r.stdout).toBe('/etc/passwd\n/etc/group\n/\n');
  });
});

describe('setjmp and longjmp', () => {
  it('passes the C checks: nested and repeated jumps, volatile locals, sigsetjmp masks, a jump out of a handler', () => {
    expectPassed(run(prog('jumps'), [], { timeout: 60_000 }));
  });

  it('work in a program that forks (invoke trampolines): jumps recorded before a fork land in parent and child, fork under a setjmp', () => {
    expectPassed(run(prog('forkjumps'), [], { timeout: 60_000 }));
  });
});

describe('the default PATH', () => {
  it('is given to a program of the root image when the host gives none', () => {
    expect(run('sh', ['-c', 'echo "$PATH"']).stdout).toBe(`${DEFAULT_PATH}\n`);
    expect(DEFAULT_PATH).toBe('/usr/local/bin:/usr/bin:/bin');
  });

  it('is not given when --env names one', () => {
    expect(run('sh', ['-c', 'echo "$PATH"'], { env: ['PATH=/bin'] }).stdout).toBe('/bin\n');
  });

  it('is not given to a host .wasm file (it sees exactly its --env, as under wasmtime)', () => {
    const r = run(path.join(root, 'userland/rootfs/bin/printenv'), ['PATH'], { env: ['A=1'] });
    expect(r).toMatchObject({ stdout: '', status: 1 });
  });

  it('is what the page gets too (BrowserKernel.run and the CLI share firstEnv)', () => {
    expect(firstEnv(['HOME=/root'], true)).toEqual(['HOME=/root', `PATH=${DEFAULT_PATH}`]);
    expect(firstEnv(['PATH=/x'], true)).toEqual(['PATH=/x']);
    expect(firstEnv(['A=1'], false)).toEqual(['A=1']);
  });
});
