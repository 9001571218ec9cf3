// Process exit and failure through the CLI: exit statuses from proc_exit and
// main, atexit and stdio flushing, traps (status 134, message on stderr) and
// modules whose imports the kernel does not provide.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prog, run, scratch } from './wasi-cli.js';

/** A minimal module: imports `mod`.`name` as () -> (), exports memory and _start. */
function moduleImporting(imports: [string, string][]): Uint8Array {
  const enc = new TextEncoder();
  const str = (s: string) => [s.length, ...enc.encode(s)];
  const section = (id: number, body: number[]) => [id, body.length, ...body];
  const importBody = [imports.length, ...imports.flatMap(([m, n]) => [...str(m), ...str(n), 0x00, 0x00])];
  const startIndex = imports.length;
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 0]),                       // type 0: () -> ()
    ...section(2, importBody),
    ...section(3, [1, 0]),                                // one function of type 0
    ...section(5, [1, 0x00, 1]),                          // memory, min 1 page
    ...section(7, [2, ...str('memory'), 0x02, 0, ...str('_start'), 0x00, startIndex]),
    ...section(10, [1, 2, 0, 0x0b]),                      // _start: end
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
