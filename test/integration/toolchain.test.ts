// The built-in `toolchain` image (issue 16): the root image plus one layer per
// port (userland/ports/Dockerfile), shipped as the OCI layout
// userland/images/toolchain and run by its short name with no registry. The
// demo project (examples/toolchain) under `make -j2` in it prints the same
// bytes as the same Makefile run natively with Debian's programs; Ctrl-C at
// the terminal stops make and every job it started.
// The native half needs Debian's make, gawk, sed, m4, lua5.4, sqlite3, bc,
// diffutils, patch, tar, gzip and a cc (.ci/run installs them). The image's
// cc (clang from npm's @yowasp/clang, userland/ports/cc) builds and runs C.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASYNCIFY_PASS } from '../../kernel/proc/asyncify.js';
import { terminalKernel } from '../support/terminal.js';
import { root, run, scratch } from './wasi-cli.js';

const layout = path.join(root, 'userland/images/toolchain');
const cache = scratch('toolchain-cache');
const hostEnv = { ...process.env, TABKERNEL_CACHE: cache };

/** `tabkernel run --image toolchain ARGS` with the store in a fresh directory. */
function inToolchain(args: string[], o: { dirs?: string[]; cwd?: string; timeout?: number } = {}) {
  return run('toolchain', args, { flags: ['--image'], hostEnv, dirs: o.dirs, cwd: o.cwd, timeout: o.timeout ?? 60_000 });
}

/** PORTS in the order of the Dockerfile's COPY lines: one layer each. */
const ports = fs.readFileSync(path.join(root, 'userland/ports/Dockerfile'), 'utf8')
  .split('\n').flatMap((l) => /^COPY ports\/([a-z0-9]+)\/ \/$/.exec(l)?.[1] ?? []);

describe('the built-in toolchain image', () => {
  it('runs by its short name from the committed layout, with no registry', () => {
    expect(fs.existsSync(path.join(layout, 'index.json'))).toBe(true);
    const r = inToolchain(['sh', '-c', 'gawk --version | head -1; sed --version | head -1; make --version | head -1; lua -v; sqlite3 --version | cut -c1-6']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('GNU Awk 5.2.1\nsed (GNU sed) 4.9\nGNU Make 4.3\nLua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio\n3.40.1\n');
    expect(r.status).toBe(0);
    const ls = spawnSync(process.execPath, [path.join(root, 'bin/tabkernel.js'), 'image', 'ls'], { env: hostEnv, encoding: 'utf8' });
    expect(ls.stdout).toMatch(/^builtin\/toolchain:latest\s+[0-9a-f]{12}\s+image\s/m);
  });

  it('has the root image\'s two layers and one per port, each port\'s Debian copyright under /usr/share/doc', () => {
    const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    const blob = (d: string) => JSON.parse(fs.readFileSync(path.join(layout, 'blobs/sha256', d.slice(7)), 'utf8'));
    const manifest = blob(index.manifests[0].digest) as { layers: unknown[] };
    expect(ports).toEqual(['make', 'gawk', 'sed', 'diffutils', 'patch', 'm4', 'bc', 'gzip', 'tar', 'lua', 'sqlite3', 'cc']);
    expect(manifest.layers).toHaveLength(2 + ports.length + 1);   // + the C compiler's
    const r = inToolchain(['sh', '-c', 'ls /usr/share/doc; head -1 /usr/share/doc/gawk/copyright']);
    expect(r.stdout).toBe('bc\ndiffutils\ngawk\ngzip\nlua5.4\nm4\nmake-dfsg\npatch\nsed\nsqlite3\ntar\nyowasp-clang\n' +
      'Format: http://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n');
  });

  it('tops its layers with the C compiler from node_modules, whose blob git does not hold', () => {
    const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    const blob = (d: string) => path.join(layout, 'blobs/sha256', d.slice(7));
    type Layer = { mediaType: string; digest: string; size: number; annotations?: Record<string, string> };
    const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0].digest), 'utf8')) as { layers: Layer[] };
    const clang = manifest.layers.at(-1)!;
    const version = (JSON.parse(fs.readFileSync(path.join(root, 'node_modules/@yowasp/clang/package.json'), 'utf8')) as { version: string }).version;
    expect(clang.annotations).toEqual({ 'org.tabkernel.layer.source': `npm:@yowasp/clang@${version}` });
    expect(clang.mediaType).toBe('application/vnd.oci.image.layer.v1.tar');
    expect(fs.statSync(blob(clang.digest)).size).toBe(clang.size);   // written by the test setup (scripts/clang-layer.js)
    const ignored = spawnSync('git', ['check-ignore', '-q', blob(clang.digest)], { cwd: root });
    expect(ignored.status).toBe(0);
    const r = inToolchain(['sh', '-c', 'for t in clang wasm-ld llvm-ar ar; do $t --version | grep -o "LLVM version [0-9]*\\|clang version [0-9]*\\|LLD [0-9]*" | head -1; done; ls -ld /tmp | cut -c1-10']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('clang version 22\nLLD 22\nLLVM version 22\nLLVM version 22\ndrwxrwxrwt\n');
  });

  it('extracts with tar -x as root, owners and all (gnulib\'s fchownat emulation goes through the libc\'s fchdir)', () => {
    const r = inToolchain(['sh', '-c', 'cd /tmp && mkdir d && echo hi > d/f && tar -cf a.tar d && rm -r d && tar -xf a.tar; echo "tar: $?"; cat d/f']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('tar: 0\nhi\n');
  });

  it('is what the short name means; `root` is the root image itself', () => {
    const r = run('root', ['sh', '-c', 'test -e /usr/bin/gawk && echo toolchain || echo root'], { flags: ['--image'], hostEnv });
    expect(r.stdout).toBe('root\n');
    const t = inToolchain(['sh', '-c', 'test -e /usr/bin/gawk && echo toolchain || echo root']);
    expect(t.stdout).toBe('toolchain\n');
  });
});

describe('cc in the toolchain image', () => {
  /** A 2-file C program and a Makefile for it in a fresh directory. */
  function project(main: string): string {
    const dir = scratch('toolchain-cc');
    fs.writeFileSync(path.join(dir, 'main.c'), main);
    fs.writeFileSync(path.join(dir, 'sum.h'), 'long sum(int n, char **v);\n');
    fs.writeFileSync(path.join(dir, 'sum.c'), '#include <stdlib.h>\n#include "sum.h"\n' +
      'long sum(int n, char **v) { long s = 0; for (int i = 0; i < n; i++) s += atol(v[i]); return s; }\n');
    fs.writeFileSync(path.join(dir, 'Makefile'), 'sum: main.o sum.o\n\tcc -o $@ main.o sum.o\n' +
      '%.o: %.c sum.h\n\tcc -O2 -Wall -c $< -o $@\n');
    return dir;
  }
  const good = '#include <stdio.h>\n#include "sum.h"\nint main(int argc, char **argv) { printf("%ld\\n", sum(argc - 1, argv + 1)); return 0; }\n';

  it('compiles and links a program of two files, which then runs in tabkernel', () => {
    const dir = project(good);
    const r = inToolchain(['sh', '-c', 'make -s -j2 && ./sum 1 2 39 && cc -o sum2 main.c sum.c && ./sum2 40 2 && ls /tmp'], { dirs: [`${dir}::/w`], cwd: '/w' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('42\n42\n');   // and cc left no object in /tmp
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'sum')).subarray(0, 4)).toEqual(Buffer.from('\0asm'));
  });

  it('links tabkernel\'s libc extension with -ltk: a program built in the image spawns a child and waits for it', () => {
    const dir = scratch('toolchain-cc-tk');
    fs.writeFileSync(path.join(dir, 'spawn.c'), '#include <spawn.h>\n#include <stdio.h>\n#include <sys/wait.h>\n#include <unistd.h>\n' +
      'extern char **environ;\nint main(void) {\n  pid_t pid; int st; char cwd[64];\n  char *argv[] = {"echo", "from the child", NULL};\n' +
      '  if (posix_spawnp(&pid, "echo", NULL, NULL, argv, environ) != 0) return 1;\n  if (waitpid(pid, &st, 0) != pid) return 2;\n' +
      '  printf("child exited %d; cwd %s\\n", WEXITSTATUS(st), getcwd(cwd, sizeof cwd));\n  return 0;\n}\n');
    const r = inToolchain(['sh', '-c', 'cc -O2 -Wall -o spawn spawn.c -ltk && mkdir -p sub && cd sub && ../spawn; cc -o /tmp/x ../spawn.c 2>&1 | head -1'], { dirs: [`${dir}::/w`], cwd: '/w' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('from the child\nchild exited 0; cwd /w/sub\n' +
      "../spawn.c:1:10: fatal error: 'spawn.h' file not found\n");   // without -ltk: the sysroot alone
  });

  it('builds a program that forks with -ltk: the loader asyncifies it, the child writes to a pipe and exits with a status the parent waits for', () => {
    const dir = scratch('toolchain-cc-fork');
    fs.writeFileSync(path.join(dir, 'fork.c'), '#include <stdio.h>\n#include <string.h>\n#include <sys/wait.h>\n#include <unistd.h>\n' +
      'int main(void) {\n  int fds[2]; char buf[64]; int st;\n  if (pipe(fds) != 0) { perror("pipe"); return 1; }\n' +
      '  pid_t pid = fork();\n  if (pid < 0) { perror("fork"); return 2; }\n' +
      '  if (pid == 0) { close(fds[0]); write(fds[1], "from the child", 14); _exit(7); }\n' +
      '  close(fds[1]);\n  ssize_t n = read(fds[0], buf, sizeof buf - 1);\n  buf[n > 0 ? n : 0] = 0;\n' +
      '  if (waitpid(pid, &st, 0) != pid) { perror("waitpid"); return 3; }\n' +
      '  printf("read \\"%s\\"; child %d exited %d\\n", buf, pid > 1, WIFEXITED(st) ? WEXITSTATUS(st) : -1);\n  return 0;\n}\n');
    // Twice in one kernel: the second run takes the module cached under the program's digest.
    const r = inToolchain(['sh', '-c', 'cc -O2 -Wall -o fork fork.c -ltk && ./fork && ./fork'], { dirs: [`${dir}::/w`], cwd: '/w', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('read "from the child"; child 1 exited 7\n'.repeat(2));
    expect(r.status).toBe(0);
    // The file stays as cc wrote it: the asyncified module is the kernel's (and its cache's).
    const file = fs.readFileSync(path.join(dir, 'fork'));
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(file)).map((e) => e.name);
    expect(exports).not.toContain('asyncify_start_unwind');
  });

  it('keeps the asyncified program in the cache directory: a later run skips the pass, and a spoilt entry is rewritten', () => {
    const dir = scratch('toolchain-cc-kept');
    fs.writeFileSync(path.join(dir, 'kept.c'), '#include <stdio.h>\n#include <sys/wait.h>\n#include <unistd.h>\n' +
      'int main(void) {\n  int st;\n  pid_t pid = fork();\n  if (pid == 0) _exit(5);\n' +
      '  if (pid < 0 || waitpid(pid, &st, 0) != pid) { perror("fork"); return 1; }\n  printf("kept: child exited %d\\n", WEXITSTATUS(st));\n  return 0;\n}\n');
    const built = inToolchain(['sh', '-c', 'cc -O2 -o kept kept.c -ltk && ./kept'], { dirs: [`${dir}::/w`], cwd: '/w', timeout: 120_000 });
    expect(built.stdout).toBe('kept: child exited 5\n');
    // The entry's name: the SHA-256 of the program's digest and the pass (kernel/proc/asyncified.ts).
    const program = path.join(dir, 'kept');
    const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
    const entry = path.join(cache, 'asyncified', sha(`${sha(fs.readFileSync(program))}\n${ASYNCIFY_PASS}`));
    const kept = fs.readFileSync(entry);
    const traced = () => run(program, [], { hostEnv: { ...hostEnv, TABKERNEL_TRACE: '1' }, timeout: 60_000 });

    const again = traced();   // a new kernel: the entry, no pass
    expect(again.stdout).toBe('kept: child exited 5\n');
    expect(again.stderr).toMatch(/asyncify \S*kept: the output an earlier run kept/);
    expect(again.stderr).not.toContain('Binaryen\'s pass');

    fs.writeFileSync(entry, kept.subarray(0, kept.length >> 1));   // torn
    const torn = traced();
    expect(torn.stdout).toBe('kept: child exited 5\n');
    expect(torn.stderr).toMatch(/asyncify \S*kept: Binaryen's pass, its output kept for the next run/);
    expect(fs.readFileSync(entry).equals(kept)).toBe(true);
    expect(traced().stderr).toMatch(/asyncify \S*kept: the output an earlier run kept/);
  });

  it('builds a -ltk program that jumps and forks: setjmp lowered to invoke trampolines, which the asyncified fork unwinds through', () => {
    const dir = scratch('toolchain-cc-fork-sjlj');
    fs.writeFileSync(path.join(dir, 'fj.c'), `#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static jmp_buf top;
static sigjmp_buf from_handler;
static void deep(int n) { if (n == 0) longjmp(top, 42); deep(n - 1); }
static void on_usr1(int sig) { siglongjmp(from_handler, sig); }
int main(void) {
  int fds[2], st;
  char buf[128];
  if (pipe(fds) != 0) { perror("pipe"); return 1; }
  volatile pid_t pid = -1;
  int r = setjmp(top);
  if (r == 0) {
    pid = fork();   /* under a setjmp record: the child has its copy */
    if (pid < 0) { perror("fork"); return 2; }
    deep(10);       /* both sides jump out of a nested call */
  }
  if (pid == 0) {
    signal(SIGUSR1, on_usr1);
    int sig = sigsetjmp(from_handler, 1);
    if (sig == 0) { raise(SIGUSR1); _exit(1); }
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    dprintf(fds[1], "child: back with %d, out of the handler with %d, SIGUSR1 %s", r, sig,
            sigismember(&cur, SIGUSR1) ? "still blocked" : "unblocked");
    _exit(7);
  }
  close(fds[1]);
  size_t len = 0;
  ssize_t n;
  while ((n = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0) len += (size_t)n;
  buf[len] = 0;
  if (waitpid(pid, &st, 0) != pid) { perror("waitpid"); return 3; }
  printf("parent: back with %d\\n%s\\nchild exited %d\\n", r, buf, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
`);
    // And the libc tests' own program of setjmp records across forks (test/programs/posix/forkjumps.c).
    fs.mkdirSync(path.join(dir, 'posix'));
    fs.copyFileSync(path.join(root, 'test/programs/posix/forkjumps.c'), path.join(dir, 'posix/forkjumps.c'));
    fs.copyFileSync(path.join(root, 'test/programs/tk_test.h'), path.join(dir, 'tk_test.h'));
    const r = inToolchain(['sh', '-c', 'cc -O2 -Wall -o fj fj.c -ltk && ./fj && cc -O2 -o forkjumps posix/forkjumps.c -ltk && ./forkjumps'],
      { dirs: [`${dir}::/w`], cwd: '/w', timeout: 180_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('parent: back with 42\nchild: back with 42, out of the handler with 10, SIGUSR1 unblocked\nchild exited 7\n' +
      'ok fork.child-jumps\nok fork.parent-jumps\nok fork.under-setjmp.parent\nok fork.under-setjmp.child\nok fork.nested\n' +
      'ok fork.child-siglongjmp\nok longjmp.repeated\nPASSED: 7 checks, 0 failed\n');
    expect(r.status).toBe(0);
  });

  it('builds setjmp/longjmp with the sysroot\'s exception-handling lowering', () => {
    const dir = scratch('toolchain-cc-sjlj');
    fs.writeFileSync(path.join(dir, 'jump.c'), '#include <setjmp.h>\n#include <stdio.h>\nstatic jmp_buf env;\n' +
      'static void deep(int n) { if (n == 5) longjmp(env, n); deep(n + 1); }\n' +
      'int main(void) { int r = setjmp(env); if (r == 0) deep(0); printf("back with %d\\n", r); return 0; }\n');
    const r = inToolchain(['sh', '-c', 'cc -O2 -o jump jump.c && ./jump'], { dirs: [`${dir}::/w`], cwd: '/w' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('back with 5\n');
  });

  it('builds C++ with c++ and g++: libc++ linked, constructors run, a .cc compiled on its own links later', () => {
    const dir = scratch('toolchain-cxx');
    fs.writeFileSync(path.join(dir, 'main.cpp'), '#include <iostream>\n#include <map>\n#include <memory>\n#include <string>\n#include <vector>\n' +
      '#include <algorithm>\nstd::string greet(const std::string &who);\n' +
      'struct Shape { virtual ~Shape() = default; virtual int area() const = 0; };\n' +
      'struct Square : Shape { int s; explicit Square(int s) : s(s) {} int area() const override { return s * s; } };\n' +
      'static int counter;\nstruct Init { Init() { counter = 42; } } init;\n' +
      'int main(int argc, char **argv) {\n  std::vector<std::string> words(argv + 1, argv + argc);\n  std::sort(words.begin(), words.end());\n' +
      '  std::map<std::string, size_t> len;\n  for (auto &w : words) len[w] = w.size();\n' +
      '  for (auto &[k, v] : len) std::cout << k << \'=\' << v << \'\\n\';\n' +
      '  std::unique_ptr<Shape> sq = std::make_unique<Square>(3);\n' +
      '  std::cout << greet("c++") << "; area " << sq->area() << "; counter " << counter << std::endl;\n}\n');
    fs.writeFileSync(path.join(dir, 'greet.cc'), '#include <string>\nstd::string greet(const std::string &who) { return "hello, " + who; }\n');
    const r = inToolchain(['sh', '-c', 'g++ -O2 -Wall -c greet.cc && c++ -O2 -Wall -o prog main.cpp greet.o && ./prog pear apple fig; ' +
      // exceptions: the sysroot's C++ runtime has none, so a program that throws does not link
      'echo \'int main() { throw 1; }\' > t.cpp; c++ -fexceptions -o t t.cpp 2>&1 | grep -c "undefined symbol: __cxa_throw"; ' +
      // binutils' names for LLVM's tools, the same module
      'nm greet.o | grep -c " T "; echo _ZNSt3__16vectorIiNS_9allocatorIiEEE9push_backERKi | c++filt; objdump -h prog | grep -c " CODE "; size prog | sed 1d | wc -w'], { dirs: [`${dir}::/w`], cwd: '/w' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('apple=5\nfig=3\npear=4\nhello, c++; area 9; counter 42\n1\n' +
      '1\nstd::__1::vector<int, std::__1::allocator<int>>::push_back(int const&)\n1\n6\n');
    expect(fs.readFileSync(path.join(dir, 'prog')).subarray(0, 4)).toEqual(Buffer.from('\0asm'));
  });

  it('fails with clang\'s diagnostic and a non-zero status from cc and from make on a syntax error', () => {
    const dir = project('int main(void) { return 0 }\n');
    const r = inToolchain(['sh', '-c', 'make -s; echo "make: $?"; cc -o x main.c sum.c; echo "cc: $?"; test -e x || echo "no x"'], { dirs: [`${dir}::/w`], cwd: '/w' });
    expect(r.stderr).toContain("main.c:1:26: error: expected ';' after return statement");
    expect(r.stderr).toMatch(/make: \*\*\* \[Makefile:\d+: main\.o\] Error 1/);
    expect(r.stdout).toBe('make: 2\ncc: 1\nno x\n');
  });
});

/** A fresh copy of the demo project (without its build/). */
function demoCopy(): string {
  const dir = scratch('toolchain-demo');
  fs.cpSync(path.join(root, 'examples/toolchain'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}build`) });
  return dir;
}

describe('the demo project (examples/toolchain)', () => {
  it('prints the same bytes under `make -j2` in the toolchain image as natively, and builds the same archive', () => {
    const native = demoCopy();
    const n = spawnSync('make', ['-j2'], { cwd: native, encoding: 'buffer', timeout: 120_000 });
    expect(n.stderr.toString(), 'the native run (Debian\'s make, gawk, m4, lua5.4, sqlite3, bc, ... installed?)').toBe('');
    expect(n.status).toBe(0);
    const mine = demoCopy();
    const t = inToolchain(['make', '-j2'], { dirs: [`${mine}::/w`], cwd: '/w', timeout: 180_000 });
    expect(t.stderr).toBe('');
    expect(t.stdoutBytes.equals(n.stdout)).toBe(true);
    expect(t.stdout).toContain('report.txt: ok\n');
    expect(t.status).toBe(0);
    const archive = (d: string) => fs.readFileSync(path.join(d, 'build/demo.tar.gz'));
    expect(archive(mine).equals(archive(native))).toBe(true);
  });
});

describe('make interrupted at the terminal', () => {
  it('stops on Ctrl-C with every job it started, and leaves no process behind', async () => {
    const dir = scratch('toolchain-intr');
    fs.writeFileSync(path.join(dir, 'Makefile'), 'all: a b\na b:\n\t@echo start $@; sleep 100; touch $@\n');
    const bin = scratch('toolchain-intr-bin');
    fs.copyFileSync(path.join(root, 'test/programs/ports/make.wasm'), path.join(bin, 'make'));
    fs.chmodSync(path.join(bin, 'make'), 0o755);
    const { kernel, type, screen, until } = terminalKernel();
    const done = kernel.boot.run({
      type: 'run', argv: ['make', '-j2'], env: ['PATH=/usr/local/bin:/bin'], cwd: '/w', tty: { rows: 24, cols: 80 },
      mounts: [{ host: dir, guest: '/w' }, { host: bin, guest: '/usr/local/bin' }],
    });
    await until(() => screen().includes('start a') && screen().includes('start b') && kernel.processCount >= 5);
    expect(kernel.processCount).toBe(5);   // make, two shells, two sleeps
    type('\x03');
    const notice = await done;
    expect(notice.status).toBe(130);
    await until(() => kernel.processCount === 0);
    expect(kernel.processCount).toBe(0);
    expect(fs.existsSync(path.join(dir, 'a')) || fs.existsSync(path.join(dir, 'b'))).toBe(false);
  });
});
