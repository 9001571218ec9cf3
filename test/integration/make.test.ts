// GNU make 4.3 in tabkernel (issue 15): the committed build of it
// (test/programs/ports/make.wasm, from userland/ports/build.sh make) runs
// recipes with the root image's /bin/sh through posix_spawn, and `make -j2`
// runs its jobserver — a pipe of tokens, read non-blocking after pselect with
// SIGCHLD unblocked only inside the wait — and hands it to a recursive
// `$(MAKE) -C sub` in MAKEFLAGS (--jobserver-auth=R,W). Each Makefile lives in
// a fresh host directory mounted at /work; make is on PATH at /usr/local/bin.
// Nothing here depends on how long anything takes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, run, scratch, type RunResult } from './wasi-cli.js';

const makeWasm = path.join(root, 'test/programs/ports/make.wasm');

/** A host directory holding make as /usr/local/bin/make sees it. */
function binDir(): string {
  const dir = scratch('make-bin');
  fs.copyFileSync(makeWasm, path.join(dir, 'make'));
  fs.chmodSync(path.join(dir, 'make'), 0o755);
  return dir;
}
const bin = binDir();

/** A fresh /work with these files (relative path → contents). */
function work(files: Record<string, string>): string {
  const dir = scratch('make-work');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function make(dir: string, args: string[]): RunResult {
  return run('make', args, { dirs: [`${dir}::/work`, `${bin}::/usr/local/bin`], cwd: '/work', timeout: 60_000 });
}

const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
const exists = (dir: string, rel: string) => fs.existsSync(path.join(dir, rel));

/** Makefile lines: recipe lines start with a tab. */
const mk = (...lines: string[]) => lines.join('\n') + '\n';

// Four independent targets from a pattern rule, with inputs made by another
// (intermediate, removed at the end); a recursive sub-make whose two jobs
// wait for each other, so they finish only when both run at once — the
// sub-make's second job runs on a token it read from the parent's jobserver
// pipe; and a target over all of them.
const project = {
  Makefile: mk(
    'OUTS = a.out b.out c.out d.out',
    'all: total.txt sub.done',
    '%.out: %.in',
    '\tcat $< > $@',
    '\techo built $@ >> $@',
    '%.in:',
    '\techo input $* > $@',
    'sub.done:',
    '\t$(MAKE) -C sub',
    '\techo sub > $@',
    'total.txt: $(OUTS)',
    '\tcat $^ > $@',
  ),
  'sub/Makefile': mk(
    'all: x.txt y.txt',
    '# each job says it started, then waits (a bounded spin) until the other has',
    'x.txt y.txt:',
    '\techo "$(MAKEFLAGS)" > $@.flags',
    '\ttouch $@.started',
    '\ti=0; until [ -e $(if $(filter x.txt,$@),y.txt,x.txt).started ]; do i=$$((i+1)); [ $$i -lt 200000 ] || exit 3; done',
    '\techo $@ > $@',
  ),
};

describe('GNU make -j2 with its jobserver', () => {
  it('builds independent targets in parallel, a pattern rule and a recursive sub-make that shares the jobserver', () => {
    const dir = work(project);
    const r = make(dir, ['-j2']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const x of ['a', 'b', 'c', 'd']) expect(read(dir, `${x}.out`)).toBe(`input ${x}\nbuilt ${x}.out\n`);
    expect(read(dir, 'total.txt')).toBe(['a', 'b', 'c', 'd'].map((x) => `input ${x}\nbuilt ${x}.out\n`).join(''));
    expect(read(dir, 'sub.done')).toBe('sub\n');
    expect(read(dir, 'sub/x.txt')).toBe('x.txt\n');
    expect(read(dir, 'sub/y.txt')).toBe('y.txt\n');
    // The sub-make was given the jobserver, and -j2 with it.
    expect(read(dir, 'sub/x.txt.flags')).toMatch(/^w -j2 --jobserver-auth=\d+,\d+\n$/);
    expect(r.stdout).toContain("make[1]: Entering directory '/work/sub'\n");
    expect(r.stdout).toContain("make[1]: Leaving directory '/work/sub'\n");
    // The intermediate inputs were made and removed again.
    expect(r.stdout).toMatch(/^rm [abcd]\.in [abcd]\.in [abcd]\.in [abcd]\.in$/m);
    expect(exists(dir, 'a.in')).toBe(false);

    // A second run finds everything up to date.
    const again = make(dir, ['-j2']);
    expect({ stdout: again.stdout, stderr: again.stderr, status: again.status })
      .toEqual({ stdout: "make: Nothing to be done for 'all'.\n", stderr: '', status: 0 });
  });

  const failing = {
    Makefile: mk(
      'all: ok1 bad ok2 after sub.done',
      'ok1 ok2:',
      '\techo $@ > $@',
      'bad:',
      '\t@echo failing; false',
      'after: bad',
      '\techo never > $@',
      'sub.done:',
      '\t$(MAKE) -C sub',
      '\techo sub > $@',
    ),
    'sub/Makefile': mk(
      'all: one two',
      'one:',
      '\techo one > $@',
      'two:',
      '\texit 4',
    ),
  };

  it('stops with make\'s error text and status 2 when a recipe fails', () => {
    const dir = work(failing);
    const r = make(dir, ['-j2']);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('failing\n');
    expect(r.stderr).toContain('make: *** [Makefile:5: bad] Error 1\n');
    expect(exists(dir, 'after')).toBe(false);
    expect(exists(dir, 'sub.done')).toBe(false);
  });

  it('keeps going with -k: everything that does not depend on a failure is made, errors from the sub-make included', () => {
    const dir = work(failing);
    const r = make(dir, ['-k', '-j2']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('make: *** [Makefile:5: bad] Error 1\n');
    expect(r.stderr).toContain('make[1]: *** [Makefile:5: two] Error 4\n');
    expect(r.stderr).toContain("make[1]: Target 'all' not remade because of errors.\n");
    expect(r.stderr).toMatch(/^make: \*\*\* \[Makefile:9: sub\.done\] Error 2$/m);
    expect(r.stderr).toContain("make: Target 'all' not remade because of errors.\n");
    expect(read(dir, 'ok1')).toBe('ok1\n');
    expect(read(dir, 'ok2')).toBe('ok2\n');
    expect(read(dir, 'sub/one')).toBe('one\n');
    expect(exists(dir, 'after')).toBe(false);
    expect(exists(dir, 'sub.done')).toBe(false);

    // -k without -j: the same, one job at a time.
    const serial = make(work(failing), ['-k']);
    expect(serial.status).toBe(2);
    expect(serial.stderr).toContain("make: Target 'all' not remade because of errors.\n");
  });

  it('groups each job\'s output with -O (output sync locks stdout) and expands $(shell) and $(wildcard)', () => {
    const dir = work({
      Makefile: mk(
        'all: s1 s2 s3',
        '\t@echo "$(shell echo from shell) $(sort $(wildcard *.mk Makefile))"',
        's1 s2 s3:',
        '\t@echo start $@; echo end $@',
      ),
      'x.mk': '',
    });
    const r = make(dir, ['-j2', '-Otarget']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const t of ['s1', 's2', 's3']) expect(r.stdout).toContain(`start ${t}\nend ${t}\n`);
    expect(r.stdout).toMatch(/from shell Makefile x\.mk\n$/);
  });
});
