// The toolchain.* cases in Node: building C and running make in the built-in
// toolchain image (docs/PORTS.md), against the same work natively.
//   toolchain.cc    bench/cc (four C files, compiled one by one, linked) under
//                   `make -j2`: tabkernel's cc (npm's @yowasp/clang), Debian's
//                   clang natively, and clang/wasm-ld under node:wasi, one Node
//                   process per tool (bench/node/wasicc.mjs, as make runs it)
//   toolchain.make  examples/toolchain's `make -j2` (m4, lua, awk, sqlite3,
//                   sed, bc, patch, diff3, tar, gzip and the C program): tabkernel
//                   against Debian's programs and the host's cc
// Each run is a fresh OS process timed from spawn to exit, as a user types it
// (`tabkernel run --image toolchain ... make -j2`): tabkernel's time includes
// its start and compiling the 75 MB clang module, which a kernel does once and
// then shares among its processes, node:wasi once per tool. The .warm cases
// time the same build inside one kernel (one `tabkernel run`), after a first
// build that is not counted: what a second `make` in the same tab costs.
// Every build is checked: the program it built prints what the native one
// prints; the demo's output is the native run's, byte for byte.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WASI } from 'node:wasi';

export type ToolchainProject = 'cc' | 'make';
export type ToolchainSubject = 'tabkernel' | 'native' | 'node:wasi';

interface Output {
  status: number | null;
  stdout: string;
  stderr: string;
}

function exec(file: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export class ToolchainRuns {
  private readonly cli: string;
  private readonly clangModule: string;
  private usr: string | null = null;
  private readonly expected = new Map<ToolchainProject, string>();
  private readonly nativeCc: string;
  private round = 0;

  constructor(private readonly root: string, private readonly dir: string) {
    this.cli = path.join(root, 'bin/tabkernel.js');
    this.clangModule = path.join(root, 'node_modules/@yowasp/clang/gen/llvm.core.wasm');
    this.nativeCc = fs.existsSync('/usr/bin/clang') ? 'clang' : 'cc';
  }

  /** A fresh copy of the project (no build products). */
  private copy(project: ToolchainProject): string {
    const src = path.join(this.root, project === 'cc' ? 'bench/cc' : 'examples/toolchain');
    const dst = path.join(this.dir, `toolchain-${project}-${this.round++}`);
    fs.cpSync(src, dst, { recursive: true, filter: (f) => path.basename(f) !== 'build' });
    return dst;
  }

  /** The package's sysroot and resource dir, unpacked once for node:wasi (/usr to its clang). */
  private sysroot(): Promise<string> {
    if (this.usr) return Promise.resolve(this.usr);
    const usr = path.join(this.dir, 'yowasp-usr');
    fs.mkdirSync(usr, { recursive: true });
    return exec('tar', ['-xf', path.join(this.root, 'node_modules/@yowasp/clang/gen/llvm-resources.tar'), '-C', usr]).then((r) => {
      if (r.status !== 0) throw new Error(`tar: ${r.stderr}`);
      return (this.usr = usr);
    });
  }

  /** What the native build of `project` prints (bench/cc: its program; the demo: make). */
  private async expect(project: ToolchainProject): Promise<string> {
    let e = this.expected.get(project);
    if (e === undefined) {
      const dir = this.copy(project);
      const r = await exec('make', ['-s', '-j2', `CC=${this.nativeCc}`], { cwd: dir });
      if (r.status !== 0) throw new Error(`native make: ${r.stderr}`);
      e = project === 'cc' ? (await exec(path.join(dir, 'calc'), [])).stdout : r.stdout;
      if (!e) throw new Error(`native ${project}: no output`);
      this.expected.set(project, e);
    }
    return e;
  }

  /** The command line of one build by `subject` in `dir`. */
  private command(project: ToolchainProject, subject: ToolchainSubject, dir: string): { file: string; args: string[]; env?: NodeJS.ProcessEnv; cwd?: string } {
    const make = project === 'cc' ? ['make', '-s', '-j2'] : ['make', '-j2'];
    if (subject === 'tabkernel') return { file: process.execPath, args: [this.cli, 'run', '--dir', `${dir}::/w`, '--cwd', '/w', '--image', 'toolchain', ...make] };
    if (subject === 'native') return { file: make[0], args: [...make.slice(1), `CC=${this.nativeCc}`], cwd: dir };
    const cc = `${process.execPath} --no-warnings ${path.join(this.root, 'bench/node/wasicc.mjs')}`;
    return { file: make[0], args: [...make.slice(1), `CC=${cc}`], cwd: dir, env: { ...process.env, WASICC_MODULE: this.clangModule, WASICC_USR: this.usr ?? '' } };
  }

  /** One build of `project` by `subject` in a fresh copy, checked: its wall time in ms. */
  async run(project: ToolchainProject, subject: ToolchainSubject): Promise<number> {
    const want = await this.expect(project);
    if (subject === 'node:wasi') await this.sysroot();
    const dir = this.copy(project);
    const c = this.command(project, subject, dir);
    const t0 = performance.now();
    const r = await exec(c.file, c.args, { cwd: c.cwd, env: c.env });
    const ms = performance.now() - t0;
    if (r.status !== 0 || r.stderr !== '') throw new Error(`${subject} ${project}: exit ${r.status}: ${r.stderr.slice(0, 500)}`);
    const got = project === 'cc' ? await this.runCalc(dir, subject) : r.stdout;
    if (got !== want) throw new Error(`${subject} ${project}: printed ${JSON.stringify(got.slice(0, 200))}, natively ${JSON.stringify(want.slice(0, 200))}`);
    fs.rmSync(dir, { recursive: true, force: true });
    return ms;
  }

  /** What the program bench/cc's build made prints (a WebAssembly module: under node:wasi here, in-thread). */
  private async runCalc(dir: string, subject: ToolchainSubject): Promise<string> {
    const file = path.join(dir, 'calc');
    if (subject === 'native') return (await exec(file, [])).stdout;
    const out = path.join(dir, 'calc.out');
    const fd = fs.openSync(out, 'w');
    try {
      const wasi = new WASI({ version: 'preview1', args: ['calc'], env: {}, stdout: fd, returnOnExit: true });
      const module = await WebAssembly.compile(fs.readFileSync(file));
      wasi.start(await WebAssembly.instantiate(module, wasi.getImportObject() as WebAssembly.Imports));
    } finally {
      fs.closeSync(fd);
    }
    return fs.readFileSync(out, 'utf8');
  }

  /**
   * `rounds` builds of `project` inside one kernel (one `tabkernel run`), each
   * after `make clean`, following one build that is not counted; each timed
   * by the guest's clock (ms). The last build's output is checked.
   */
  async warm(project: ToolchainProject, rounds: number): Promise<number[]> {
    const want = await this.expect(project);
    const dir = this.copy(project);
    const [clean, make, check] = project === 'cc'
      ? ['make -s clean', 'make -s -j2 >/dev/null', './calc']
      : ['rm -rf build', 'make -j2 >make.out', 'cat make.out'];
    // A failed build says what it printed (and the demo what its checks found).
    const failed = project === 'cc' ? 'exit 1' : '{ cat make.out build/check.txt >&2; exit 1; }';
    const script = `for i in $(seq 0 ${rounds}); do ${clean}; s=$(date +%s%N); ${make} || ${failed}; e=$(date +%s%N); echo "t $(( (e - s) / 1000 ))" >&2; done; ${check}`;
    const r = await exec(process.execPath, [this.cli, 'run', '--dir', `${dir}::/w`, '--cwd', '/w', '--image', 'toolchain', 'sh', '-c', script]);
    if (r.status !== 0) throw new Error(`tabkernel ${project} (warm): exit ${r.status}: ${r.stderr.slice(0, 4000)}`);
    if (r.stdout !== want) throw new Error(`tabkernel ${project} (warm): printed ${JSON.stringify(r.stdout.slice(0, 200))}`);
    const times = r.stderr.split('\n').flatMap((l) => (/^t (\d+)$/.exec(l) ? [Number(l.slice(2)) / 1000] : []));
    if (times.length !== rounds + 1) throw new Error(`tabkernel ${project} (warm): ${times.length} times for ${rounds + 1} builds: ${r.stderr.slice(0, 500)}`);
    fs.rmSync(dir, { recursive: true, force: true });
    return times.slice(1);
  }
}
