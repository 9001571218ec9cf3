// Process exit and failure through the CLI: exit statuses from proc_exit and
// main, atexit and stdio flushing, traps (status 134, message on stderr) and
// modules whose imports the kernel does not provide.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prog, root, run, scratch } from './wasi-cli.js';

type Ty = 'i32' | 'i64';
const VAL = { i32: 0x7f, i64: 0x7e };
/** An import: module, name, and its type (default () -> i32, the type of sched_yield). */
type Import = [string, string, Ty[]?, Ty[]?];

/**
 * A minimal module: imports each of `imports` with its type, exports memory
 * and a _start of type `start` (default () -> (): a WASI command's) that returns at once.
 */
function moduleImporting(imports: Import[], start: [Ty[], Ty[]] = [[], []]): Uint8Array {
  const enc = new TextEncoder();
  const str = (s: string) => [s.length, ...enc.encode(s)];
  const section = (id: number, body: number[]) => [id, body.length, ...body];
  const type = ([p, r]: [Ty[], Ty[]]) => [0x60, p.length, ...p.map((t) => VAL[t]), r.length, ...r.map((t) => VAL[t])];
  const types = [type(start), ...imports.map(([, , p = [], r = ['i32']]) => type([p, r]))];
  const importBody = [imports.length, ...imports.flatMap(([m, n], i) => [...str(m), ...str(n), 0x00, i + 1])];
  const startIndex = imports.length;
  const body = [...start[1].map((t) => (t === 'i32' ? [0x41, 0] : [0x42, 0])).flat(), 0x0b]; // a zero per result
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [types.length, ...types.flat()]),
    ...section(2, importBody),
    ...section(3, [1, 0]),                                // one function of type 0
    ...section(5, [1, 0x00, 1]),                          // memory, min 1 page
    ...section(7, [2, ...str('memory'), 0x02, 0, ...str('_start'), 0x00, startIndex]),
    ...section(10, [1, body.length + 1, 0, ...body]),     // _start: no locals, its body
  ]);
}

describe('exit statuses (proc)', () => {
  for (const code of [0, 1, 42, 125]) {
    it(`proc_exit(${code}) ends the process with status ${code}, output intact`, () => {
      const r = run(prog('proc'), ['exit', String(code)]);
      expect(r.status).toBe(code);
      expect(r.stdout).toBe('ok before-exit\n');
    });
  }

  it('returning 7 from main exits with 7', () => {
    expect(run(prog('proc'), ['return', '7']).status).toBe(7);
  });

  it('exit(3) runs atexit handlers', () => {
    const r = run(prog('proc'), ['atexit']);
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('ok atexit-ran\n');
  });

  it('flushes stdio buffers at exit', () => {
    const r = run(prog('proc'), ['buffered']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('buffered-output');
  });

  it('proc_raise(SIGTERM) either fails with ENOTSUP (wasmtime) or kills the process (status 143)', () => {
    const r = run(prog('proc'), ['raise']);
    if (r.status === 0) expect(r.stdout).toMatch(/^ok raise\.notsup$/m);
    else expect(r.status).toBe(143);
  });
});

describe('traps (trap)', () => {
  for (const [mode, message] of [
    ['unreachable', /unreachable/i],
    ['divide', /divide by zero|integer divide/i],
    ['oob', /out of bounds/i],
    ['stack', /out of bounds|stack/i],
  ] as const) {
    it(`a trap (${mode}) exits with status 134 and says why on stderr`, () => {
      const r = run(prog('trap'), [mode]);
      expect(r.status).toBe(134);
      expect(r.stdout).toBe('ok before-trap\n');
      expect(r.stderr).toMatch(message);
      // The guest's frames (function index and code offset), none of the runtime's JavaScript.
      expect(r.stderr).toMatch(/wasm backtrace:\n\s+0: 0x[0-9a-f]+ - /);
      expect(r.stderr).not.toMatch(/node:internal|file:\/\/|process-worker/);
    });
  }
});

describe('traps in a child process', () => {
  it('explain themselves on the child\'s stderr, not only by the status', () => {
    const r = run('sh', ['-c', '/t/trap.wasm unreachable; echo status $?'], { dirs: [`${path.dirname(prog('trap'))}::/t`] });
    expect(r.stdout).toBe('ok before-trap\nstatus 134\n');
    expect(r.stderr).toMatch(/failed to run main module `\/t\/trap.wasm`[\s\S]*wasm trap: unreachable[\s\S]*wasm backtrace:/);
  });
});

describe('the command line', () => {
  it('refuses a --cwd that is missing or not a directory, with status 1', () => {
    let r = run('sh', ['-c', 'pwd'], { cwd: '/nope' });
    expect([r.status, r.stderr]).toEqual([1, 'tabkernel: --cwd /nope: No such file or directory\n']);
    r = run('sh', ['-c', 'pwd'], { cwd: '/bin/sh' });
    expect([r.status, r.stderr]).toEqual([1, 'tabkernel: --cwd /bin/sh: Not a directory\n']);
  });

  it('says a directory is one, with status 126, as a shell does', () => {
    const dir = scratch('isdir');
    const r = run(dir);
    expect([r.status, r.stderr]).toEqual([126, `tabkernel: ${dir}: Is a directory\n`]);
    const g = run('/root');
    expect([g.status, g.stderr]).toEqual([126, 'tabkernel: /root: Is a directory\n']);
  });

  it('tells a missing command (127) from a missing path (127) by message', () => {
    expect(run('no-such-command').stderr).toBe('tabkernel: no-such-command: command not found\n');
    expect(run('/no/such/file').stderr).toBe('tabkernel: /no/such/file: No such file or directory\n');
  });
});

describe('unknown imports', () => {
  it('fails at start, naming every missing import', () => {
    const dir = scratch('imports');
    const file = path.join(dir, 'bad.wasm');
    fs.writeFileSync(file, moduleImporting([['wasi_snapshot_preview1', 'no_such_call'], ['mystery_env', 'frobnicate']]));
    const r = run(file);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no_such_call');
    expect(r.stderr).toContain('frobnicate');
  });

  it('runs a module whose only import is a real WASI call', () => {
    const dir = scratch('imports-ok');
    const file = path.join(dir, 'ok.wasm');
    fs.writeFileSync(file, moduleImporting([['wasi_snapshot_preview1', 'sched_yield']]));
    expect(run(file).status).toBe(0);
  });
});

describe('mistyped imports and entry points', () => {
  const write = (tag: string, bytes: Uint8Array): string => {
    const file = path.join(scratch(tag), 'bad.wasm');
    fs.writeFileSync(file, bytes, { mode: 0o755 });
    return file;
  };

  it('refuses an import of a known name with another type, naming both types', () => {
    const file = write('mistyped', moduleImporting([['wasi_snapshot_preview1', 'fd_write', ['i32'], ['i32']]]));
    const r = run(file);
    expect([r.status, r.stdout, r.stderr]).toEqual([1, '',
      `tabkernel: ${file}: mistyped import: wasi_snapshot_preview1::fd_write: expected (i32, i32, i32, i32) -> i32, found (i32) -> i32\n`]);
  });

  it('refuses a _start that is not () -> ()', () => {
    const file = write('badstart', moduleImporting([], [['i32'], ['i32']]));
    const r = run(file);
    expect([r.status, r.stdout, r.stderr]).toEqual([1, '',
      `tabkernel: ${file}: mistyped _start export: expected () -> (), found (i32) -> i32\n`]);
  });

  it('lists every problem of a module, one line each', () => {
    const file = write('several', moduleImporting([['env', 'f'], ['wasi_snapshot_preview1', 'proc_exit', ['i64'], []]], [[], ['i32']]));
    expect(run(file).stderr.split('\n')).toEqual([
      `tabkernel: ${file}: unknown import: env::f`,
      `tabkernel: ${file}: mistyped import: wasi_snapshot_preview1::proc_exit: expected (i32) -> (), found (i64) -> ()`,
      `tabkernel: ${file}: mistyped _start export: expected () -> (), found () -> i32`,
      '',
    ]);
  });

  // exec and posix_spawn of such a file from a guest. The shell and libc's
  // execvp/posix_spawnp run a file that fails with ENOEXEC as a shell script
  // (XCU 2.9.1.1), which hides the errno; the fuzz driver
  // (test/programs/posix/fuzz.c) makes the raw tabkernel calls and prints it.
  it('fails a guest\'s spawn and exec of it with ENOEXEC, and runs the well-typed one', () => {
    const ENOEXEC = 45;
    const dir = scratch('guest-exec');
    fs.writeFileSync(path.join(dir, 'bad.wasm'), moduleImporting([['wasi_snapshot_preview1', 'sched_yield', [], []]]), { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'badstart.wasm'), moduleImporting([], [['i32'], []]), { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'ok.wasm'), moduleImporting([['wasi_snapshot_preview1', 'sched_yield']]), { mode: 0o755 });
    const ids = new Map(run(prog('fuzz'), ['--list']).stdout.trim().split('\n').map((l) => [l.split(' ')[1], l.split(' ')[0]]));
    // fuzz.c's records: C ID NARGS (TAG VALUE)* PLEN HEX NREL; tag 1 = the fuzz region + VALUE, 0 = as is.
    // The region holds the path at 0 and argv ("p\0") at 64; spawn's pid goes to 96.
    const call = (name: string, file: string): string => {
      const region = Buffer.alloc(66);
      region.write(file);
      region.write('p', 64);
      const len = Buffer.byteLength(file);
      const args = name === 'spawn'
        ? ['1 0', `0 ${len}`, '1 64', '0 2', '1 64', '0 0', '1 64', '0 0', '0 0', '1 96']
        : ['1 0', `0 ${len}`, '1 64', '0 2', '1 64', '0 0'];
      return `C ${ids.get(name)} ${args.length} ${args.join(' ')} ${region.length} ${region.toString('hex')} 0\n`;
    };
    fs.writeFileSync(path.join(dir, 'script'), [
      call('spawn', '/x/bad.wasm'), call('spawn', '/x/badstart.wasm'), call('exec', '/x/bad.wasm'),
      call('exec', '/x/badstart.wasm'), call('spawn', '/x/ok.wasm'),
    ].join(''));
    const r = run(prog('fuzz'), ['/x/scratch', '/x/script'], { dirs: [`${dir}::/x`] });
    expect([r.stdout, r.stderr, r.status]).toEqual([`r ${ENOEXEC}\n`.repeat(4) + 'r 0\nend 5\n', '', 0]);
  });

  it('is not run as a shell script by sh, execvp or posix_spawnp: "cannot execute binary file", 126', () => {
    const dir = scratch('sh-binary');
    fs.writeFileSync(path.join(dir, 'bad.wasm'), moduleImporting([['wasi_snapshot_preview1', 'sched_yield', [], []]]), { mode: 0o755 });
    // A text file without #! still runs with the shell.
    fs.writeFileSync(path.join(dir, 'script'), 'echo from script "$@"\n', { mode: 0o755 });
    const r = run('sh', ['-c', [
      '/x/bad.wasm; echo status $?',
      '(/x/bad.wasm); echo subshell $?', // forked, then exec'd: exec_external
      'PATH=/x:$PATH; bad.wasm 2>/dev/null; echo path $?',
      'env /x/bad.wasm; echo env $?', // execvp in env
      '/x/script a b',
    ].join('; ')], { dirs: [`${dir}::/x`] });
    expect(r.stdout).toBe('status 126\nsubshell 126\npath 126\nenv 126\nfrom script a b\n');
    // The third one's message went where its stderr did (2>/dev/null), as from a forked child.
    expect(r.stderr).toBe('sh: 1: /x/bad.wasm: cannot execute binary file: Exec format error\n'.repeat(2) +
      "env: '/x/bad.wasm': Exec format error\n");
  });
});

describe('bad modules', () => {
  it('a missing module file fails with a message', () => {
    const r = run('/nonexistent/nothing.wasm');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/nothing\.wasm/);
  });

  it('a file that is not WebAssembly fails with a message', () => {
    const dir = scratch('notwasm');
    const file = path.join(dir, 'text.wasm');
    fs.writeFileSync(file, 'this is not wasm');
    const r = run(file);
    expect(r.status).not.toBe(0);
    expect(r.stderr.length).toBeGreaterThan(0);
  });
});

describe('modules written by plain WASI programs', () => {
  // path_open has no mode: a linker in the tab (wasm-ld, a plain WASI program)
  // could not make its output executable. A file such a program creates whose
  // first bytes are a WebAssembly module gets 0777 & ~umask; anything else,
  // and any file made by a program on tabkernel's libc, keeps the default.
  it('are executable when they are modules, and nothing else changes', () => {
    const hello = path.join(root, 'web/programs');
    const r = run('sh', ['-c', [
      'echo text > /tmp/text',
      '/t/copyfile.wasm /w/hello.wasm /tmp/linked.wasm',
      '/t/copyfile.wasm /tmp/text /tmp/copied-text',
      'cat /w/hello.wasm > /tmp/by-shell.wasm',
      'ls -l /tmp | sed 1d | cut -c1-10 | tr "\\n" " "; echo',
      '/tmp/linked.wasm a >/dev/null 2>&1; echo run $?',
      'umask 077; /t/copyfile.wasm /w/hello.wasm /tmp/private.wasm; ls -l /tmp/private.wasm | cut -c1-10',
    ].join('; ')], { dirs: [`${path.join(root, 'test/programs/bin')}::/t`, `${hello}::/w`] });
    // ls sorts: by-shell.wasm, copied-text, linked.wasm, text.
    expect([r.stdout, r.stderr]).toEqual(['-rw-r--r-- -rw-r--r-- -rwxr-xr-x -rw-r--r-- \nrun 0\n-rwx------\n', '']);
  });
});

describe('the working directory of plain WASI programs', () => {
  // wasi-libc alone cannot learn a cwd: a spawned plain program gets a "."
  // preopen of it (as under `wasmtime --dir .`), and the top-level directories
  // as preopens of their own so that absolute paths still reach the tree.
  it('resolves relative paths against the cwd it inherited, absolute ones from the root', () => {
    const r = run('sh', ['-c', [
      'mkdir -p /tmp/w/sub && cd /tmp/w && echo hi > rel.txt',
      '/t/copyfile.wasm rel.txt copy.txt && cat /tmp/w/copy.txt',
      '/t/copyfile.wasm /tmp/w/rel.txt sub/abs.txt && cat /tmp/w/sub/abs.txt',
      'cd sub && /t/copyfile.wasm ../rel.txt ./up.txt && cat /tmp/w/sub/up.txt',
      'ls /tmp/w/sub',
      // A relative path that names no file fails as it would natively.
      '/t/copyfile.wasm missing.txt x.txt 2>/dev/null; echo status $?',
    ].join('; ')], { dirs: [`${path.join(root, 'test/programs/bin')}::/t`] });
    expect([r.stdout, r.stderr]).toEqual(['hi\nhi\nhi\nabs.txt\nup.txt\nstatus 1\n', '']);
  });

  it('keeps the root for a program started in /', () => {
    const r = run('sh', ['-c', 'echo x > /tmp/a; cd /; /t/copyfile.wasm tmp/a tmp/b; cat /tmp/b'],
      { dirs: [`${path.join(root, 'test/programs/bin')}::/t`] });
    expect([r.stdout, r.stderr]).toEqual(['x\n', '']);
  });
});
