// `tabkernel` on the command line. Flags follow wasmtime's meaning:
//   tabkernel run [--dir HOST[::GUEST]]... [--env KEY[=VALUE]]... [--cwd DIR]
//                 [--memory SIZE] [--tmp-size SIZE] [-p [HOSTADDR:]HOSTPORT:GUESTPORT]...
//                 [--allow-net HOST[:PORT]]... [-t] FILE.wasm|PROGRAM [ARGS...]
//   tabkernel run [OPTIONS] [--image] [--entrypoint PATH] [--insecure HOST] REF [ARGS...]
//   tabkernel image pull|push|ls|rm|inspect|sign|policy|build … (images.ts, build.ts)
// A PROGRAM (no .wasm file) is found on the root image's PATH. A REF (its
// first component a registry host, or an @sha256: digest; any name with
// --image) is an image, pulled if the store lacks it, whose entrypoint runs
// in a container (Docker's rules: image/config.ts). This file reads the
// arguments and starts the first process's worker; runner.ts, loaded while
// that worker boots, runs the kernel in this thread. The exit status is the
// program's.
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseSize } from '../../mm/budget.js';
import { MAX_PROGRAM_BYTES } from '../../proc/loader.js';
import { importModules } from '../../proc/wasmsections.js';
import { WASI_MODULE } from '../../abi/imports.js';
import { DEFAULT_PATH, firstEnv, type MountSpec } from '../../abi/messages.js';
import { BUILTIN_REGISTRY, ROOT_IMAGE } from '../../image/builtin.js';
import { namesRegistry, parseReference } from '../../image/reference.js';
import type * as NodeV8 from 'node:v8';
import { requireCached } from './codecache.js';
import { lazyBuiltin } from './lazy.js';
import { fail } from './fail.js';

/**
 * The rest of the CLI: the kernel, its host and the images (runner.ts), a
 * bundle of its own (dist/runner.js, scripts/build.js), loaded once the first
 * process worker is on its way, so that the worker boots on another core
 * while this thread builds the kernel. Loaded as CommonJS (an import() of a
 * CommonJS file first scans all of it for its export names), from V8's code
 * cache (codecache.ts).
 */
const loadRunner = (): typeof import('./runner.js') => requireCached(fileURLToPath(new URL('./runner.js', import.meta.url))) as typeof import('./runner.js');

/** For images' containers and builds: the runner, then the tiering budget (TIERING_BUDGET below). */
function loadRunnerForImages(): typeof import('./runner.js') {
  const runner = loadRunner();
  v8.setFlagsFromString(TIERING_BUDGET);
  return runner;
}

/**
 * V8 compiles a program's functions with Liftoff as they are first called and
 * recompiles the hot ones with TurboFan on background threads once a function
 * has run through its tiering budget. On two cores that recompiling competes
 * with the programs themselves, and it rarely pays within a run of a
 * toolchain: clang's 75 MB module has thousands of functions warm enough for
 * V8's default budget (1,800,000) and none that runs long. A budget a
 * thousand times the default leaves TurboFan only the loops that do run long
 * (gzip's, Lua's interpreter): measured side by side on 12-07
 * (docs/BENCHMARKS.md (10e)), the toolchain demo's cold `make -j2` took
 * 3.4 s against 4.6 s at ten times the default (the choice of 12-07's
 * afternoon) and 3.2 s with no TurboFan at all, its warm rebuild 0.65 s
 * against 0.84 and 0.64, gzip of 42 MB 2.8 s against 2.9 and 3.9. It is set
 * for what runs in an image's container (`run --image`, `image build`'s RUN
 * steps): where the toolchains and their long multi-process builds are. A
 * program run from the host keeps V8's default: a change of V8's flags makes
 * V8 refuse the code caches of whatever is compiled after it (Node's own
 * modules too, in the worker booting meanwhile), which costs a one-call run
 * ~9 ms even set once runner.js is loaded (~30 set first thing). Set before
 * any module is compiled.
 */
const TIERING_BUDGET = '--wasm-tiering-budget=1800000000';
const v8 = lazyBuiltin<typeof NodeV8>('node:v8');

/** A process worker for the first process, started before anything else is done. */
function startFirstWorker(): Worker {
  return new Worker(new URL('./process-worker.js', import.meta.url));
}

const VERSION = '0.1.0';

const USAGE = `usage: tabkernel run [--dir HOST[::GUEST]]... [--env KEY[=VALUE]]... [--cwd DIR] [--memory SIZE] [--tmp-size SIZE]
                     [-p [HOSTADDR:]HOSTPORT:GUESTPORT]... [--allow-net HOST[:PORT]]... [-t] FILE.wasm|PROGRAM [ARGS...]
  --dir HOST::GUEST   preopen host directory HOST as GUEST (fd 3 on); --dir HOST means HOST::HOST
  --env KEY=VALUE     set a variable for the guest (--env KEY passes the host's value);
                      a program of the root image gets PATH=${DEFAULT_PATH} unless one is given
  --cwd DIR           starting directory inside the guest
  --memory SIZE       the most all guests may hold together: memories, in-memory
                      files, pipes (e.g. 4G; default: half of RAM, at most 4 GiB)
  --tmp-size SIZE     the size of the tmpfs on /tmp (default: half of --memory)
  -t, --tty           attach this terminal through a PTY (line discipline, job control)
  -p, --publish [HOSTADDR:]HOSTPORT:GUESTPORT
                      forward TCP connections to HOSTADDR:HOSTPORT (127.0.0.1 unless given)
                      to the guest listening on GUESTPORT (docs/NETWORK.md)
  --allow-net HOST[:PORT]
                      let programs run from the host connect out to HOST (a name, an address,
                      *.DOMAIN, loopback for the host's own 127.0.0.1 as host.tabkernel.internal, or *)
  --image             REF is an image even without a registry host (docker.io/library/NAME)
  --entrypoint PATH   run PATH instead of the image's Entrypoint (its Cmd is dropped)
  --insecure HOST     allow plain HTTP to registry HOST (loopback always may)
       tabkernel image pull|push|ls|rm|inspect|sign|policy REF, tabkernel image build … CONTEXT (tabkernel image --help)
`;

export interface Options {
  tty: boolean;
  memory?: number;
  tmpSize?: number;
  mounts: MountSpec[];
  env: string[];
  /** --env as given (a bare NAME too): a container sets them over its image's Env. */
  envGiven: string[];
  cwd: string;
  cwdGiven: boolean;
  program: string;
  args: string[];
  image: boolean;
  entrypoint?: string;
  insecure: string[];
  /** -p specs as given (runner.ts parses them: kernel/host/node/publish.ts). */
  publish: string[];
  /** --allow-net patterns. */
  allowNet: string[];
}

export function parseArgs(argv: string[]): Options {
  const opts: Options = { tty: false, mounts: [], env: [], envGiven: [], cwd: '/', cwdGiven: false, program: '', args: [], image: false, insecure: [], publish: [], allowNet: [] };
  let i = 0;
  // `tabkernel PROGRAM` (no `run`) on a terminal is interactive: the terminal goes through a PTY.
  if (argv[0] === 'run') i++;
  else opts.tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const value = (flag: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    if (i + 1 >= argv.length) fail(`tabkernel: ${flag} needs a value\n${USAGE}`);
    return argv[++i];
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    switch (flag) {
      case '--dir': {
        const v = value(flag, inline);
        const sep = v.indexOf('::');
        opts.mounts.push(sep >= 0 ? { host: v.slice(0, sep), guest: v.slice(sep + 2) } : { host: v, guest: v });
        break;
      }
      case '--mapdir': {
        const v = value(flag, inline);
        const sep = v.indexOf('::');
        if (sep < 0) fail(`tabkernel: --mapdir wants GUEST::HOST`);
        opts.mounts.push({ guest: v.slice(0, sep), host: v.slice(sep + 2) });
        break;
      }
      case '--env': {
        const v = value(flag, inline);
        opts.envGiven.push(v);
        if (v.includes('=')) opts.env.push(v);
        else if (process.env[v] !== undefined) opts.env.push(`${v}=${process.env[v]}`);
        break;
      }
      case '--cwd': opts.cwd = value(flag, inline); opts.cwdGiven = true; break;
      case '--image': opts.image = true; break;
      case '--entrypoint': opts.entrypoint = value(flag, inline); break;
      case '--insecure': opts.insecure.push(value(flag, inline)); break;
      case '-p': case '--publish': opts.publish.push(value(flag, inline)); break;
      case '--allow-net': opts.allowNet.push(value(flag, inline)); break;
      case '--memory': case '--tmp-size': {
        const v = value(flag, inline);
        const n = parseSize(v);
        if (n === null) fail(`tabkernel: ${flag} ${v}: not a size (bytes, or a number with K, M, G)`);
        if (flag === '--memory') opts.memory = n;
        else opts.tmpSize = n;
        break;
      }
      case '-t': case '--tty': opts.tty = true; break;
      case '-V': case '--version': fs.writeSync(1, `tabkernel ${VERSION}\n`); process.exit(0); break;
      case '-h': case '--help': fs.writeSync(1, USAGE); process.exit(0); break;
      default: fail(`tabkernel: unknown option ${a}\n${USAGE}`);
    }
  }
  if (i >= argv.length) fail(USAGE);
  opts.program = argv[i];
  opts.args = argv.slice(i + 1);
  return opts;
}

/**
 * `tabkernel ARGV…`. `early`: the first process's worker, when bin/tabkernel.js
 * started one before loading this file (any command but `image`); else it is
 * started here when a run needs it.
 */
export async function main(argv: string[], early?: Worker): Promise<void> {
  if (argv[0] === 'image') {
    const { imageMain, IMAGE_USAGE } = loadRunnerForImages();
    if (argv[1] === '--help' || argv[1] === '-h') {
      fs.writeSync(1, IMAGE_USAGE);
      process.exit(0);
    }
    process.exit(await imageMain(argv.slice(1)));
  }
  const opts = parseArgs(argv);
  // The built-in root image is the one a program runs in without an image: its command is sh.
  if (opts.image && opts.entrypoint === undefined && isRootImage(opts.program)) {
    [opts.program = '/bin/sh', ...opts.args] = opts.args;
  } else if (opts.image || opts.entrypoint !== undefined || isImageReference(opts.program)) return runImage(opts, early);
  // A host .wasm file runs as given; any other name is a program of the guest, looked up on its PATH.
  let reading: Promise<Uint8Array> | undefined;
  const st = fs.statSync(opts.program, { throwIfNoEntry: false });
  // A plain WASI program runs in this thread (inline.ts); anything else in a worker, started now.
  const inline = early === undefined && st?.isFile() === true && !opts.tty && opts.publish.length === 0 &&
    !process.env.TABKERNEL_WORKER && importsOnlyWasi(opts.program, st.size);
  const worker = early ?? (inline ? null : startFirstWorker());
  // A host directory named as the program: what a shell says (it is not looked up on the guest's PATH).
  if (st?.isDirectory() && opts.program.includes('/')) fail(`tabkernel: ${opts.program}: Is a directory`, 126);
  if (st?.isFile()) {
    if (st.size > MAX_PROGRAM_BYTES) fail(`tabkernel: ${opts.program}: Cannot allocate memory (larger than the 1 GiB a program may be)`, 126);
    reading = readWhole(opts.program, st.size);
  }
  // The kernel's bundle loads (this thread's work) while the program is read (a thread of libuv's).
  const runner = loadRunner();
  let wasm: Uint8Array | undefined;
  try {
    wasm = await reading;
  } catch (e) {
    fail(`tabkernel: ${opts.program}: ${errMsg(e)}`, 127);
  }
  // A program of the root image gets a PATH, as a container runtime gives one;
  // a host .wasm file sees exactly its --env variables, as under wasmtime.
  const env = firstEnv(opts.env, wasm === undefined);
  runner.runFirst(opts, {
    type: 'run', wasm, argv: [opts.program, ...opts.args], env, cwd: opts.cwd, mounts: opts.mounts,
    memory: opts.memory ?? Math.min(4 * 2 ** 30, Math.floor(os.totalmem() / 2)), tmpSize: opts.tmpSize,
  }, worker);
}

/** The most of a program's first bytes read to find its imports (importsOnlyWasi). */
const IMPORTS_HEAD = 256 * 1024;

/**
 * Whether the program in `file` imports from WASI preview 1 alone, by its
 * import section in its first bytes; false when that cannot be told (the
 * section lies further in, the file is no wasm, or cannot be read).
 */
function importsOnlyWasi(file: string, size: number): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.allocUnsafe(Math.min(size, IMPORTS_HEAD));
    const n = fs.readSync(fd, head, 0, head.length, 0);
    const modules = importModules(head.subarray(0, n), n === size);
    return modules !== null && [...modules].every((m) => m === WASI_MODULE);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Bytes left free before a program read by readWhole (proc/memimport.ts's rewrite in place needs ~30). */
const PROGRAM_HEADROOM = 64;

/**
 * A file's bytes, read by one request to libuv's threads (fs.promises.readFile
 * would read it in 512 KiB pieces, each started from this thread, which is
 * busy loading the kernel meanwhile); more requests only if the file grew.
 */
function readWhole(file: string, size: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    fs.open(file, 'r', (e, fd) => {
      if (e) return reject(e);
      // One byte over: the read after a whole file finds the end, with nothing to grow.
      // Room before the bytes: the kernel rewrites the program's first sections there (RunRequest.wasm).
      let buf = Buffer.allocUnsafeSlow(PROGRAM_HEADROOM + size + 1);
      let got = 0;
      const done = (err: Error | null): void => fs.close(fd, () => (err ? reject(err) : resolve(buf.subarray(PROGRAM_HEADROOM, PROGRAM_HEADROOM + got))));
      const more = (): void => fs.read(fd, buf, PROGRAM_HEADROOM + got, buf.length - PROGRAM_HEADROOM - got, got, (err, n) => {
        if (err) return done(err);
        got += n;
        if (n === 0 || got > MAX_PROGRAM_BYTES) return done(null);
        if (PROGRAM_HEADROOM + got === buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger);
          buf = bigger;
        }
        more();
      });
      more();
    });
  });
}

/** Whether `run`'s program argument is an image reference rather than a file or a program of the root image. */
function isImageReference(text: string): boolean {
  if (!namesRegistry(text) && !text.includes('@sha256:')) return false;
  return !(parseReference(text) instanceof Error);
}

/** Whether `text` names the built-in root image (`root`, `builtin/root:latest`). */
function isRootImage(text: string): boolean {
  const ref = parseReference(text);
  return !(ref instanceof Error) && ref.registry === BUILTIN_REGISTRY && ref.repository === ROOT_IMAGE && ref.digest === undefined && ref.tag === 'latest';
}

/** `run REF`: the image pulled if need be, then its command in a container. */
async function runImage(opts: Options, early?: Worker): Promise<void> {
  const { containerRun, imageForRun, mountRefusal, runFirst } = loadRunnerForImages();
  // Before any pull: an image whose container may not have its --dir is not fetched for nothing.
  const refused = mountRefusal(opts.mounts, opts.program);
  if (refused) fail(refused, 125);
  let run: ReturnType<typeof containerRun>;
  try {
    const image = await imageForRun(opts.program, { insecure: opts.insecure });
    run = containerRun(image, { entrypoint: opts.entrypoint, args: opts.args, env: opts.envGiven });
  } catch (e) {
    fail(`tabkernel: ${(e as Error).message}`, 125);
  }
  if (run instanceof Error) fail(`tabkernel: ${run.message}`, 125);
  const { command } = run;
  runFirst(opts, {
    type: 'run', argv: command.argv, env: command.env, cwd: opts.cwdGiven ? opts.cwd : command.cwd, mounts: opts.mounts,
    memory: opts.memory ?? Math.min(4 * 2 ** 30, Math.floor(os.totalmem() / 2)), tmpSize: opts.tmpSize, image: run.image,
  }, early ?? startFirstWorker());
}

function errMsg(e: unknown): string {
  return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : String((e as Error).message);
}
