// The suite: every case of issue 5, each measured for tabkernel and for the
// references that exist where it runs. A Platform (bench/node/platform.ts,
// bench/browser/platform.ts) says how to run a program under tabkernel, under
// node:wasi or browser_wasi_shim, natively, how to start floor workers and
// busy-loop workers (--load); a reference the platform lacks is reported as
// n/a. Programs are bench/programs/*.c.
import { fromSamples, parseBatches, timeTask, toResult, type Result, type Sample, type Subject, type Unit } from './stats.js';
import type { FloorMode } from './floor.js';

export type Program = 'syscalls' | 'procs' | 'jumps' | 'jumps-invoke';
/** The start.* cases' programs: one fd_write (hello), and flite (21 MB) saying a sentence. */
export type StartProgram = 'hello' | 'flite';

export interface Platform {
  readonly name: string;
  /** Run a benchmark program under tabkernel; its stdout. */
  tabkernel(prog: Program, args: string[]): Promise<string>;
  /** Run `sh -c SCRIPT` from the root image under tabkernel; its stdout. */
  tabkernelShell(script: string): Promise<string>;
  nodeWasi?(prog: Program, args: string[]): Promise<string>;
  /** browser_wasi_shim running the program in-thread, with files of its own in memory. */
  shim?(prog: Program, args: string[]): Promise<string>;
  native?(prog: Program, args: string[]): Promise<string>;
  nativeShell?(script: string): Promise<string>;
  floor(mode: FloorMode, batches: number, targetMs: number): Promise<Sample[]>;
  ring(chunk: number, batches: number, targetMs: number): Promise<Sample[]>;
  /** Start `n` busy-loop workers; resolves once all spin, to a function that stops them. */
  load(n: number): Promise<() => Promise<void>>;
  /** A guest directory for files (tabkernel) and its host counterpart (node:wasi, native). */
  readonly tmp: { guest: string; host: string };
  /** Where tmp.host is mounted in tabkernel's tree as a host directory (`--dir`): the file.host.* cases (absent: n/a here). */
  readonly hostFiles?: string;
  /** The image cases (absent: n/a here). */
  readonly images?: ImageBench;
  /**
   * The start.* cases: one run of `prog` from a fresh OS process — `tabkernel
   * run` (the CLI) or `node` with node:wasi — checked, its wall time in ms
   * (absent: n/a here).
   */
  startRun?(subject: 'tabkernel' | 'node:wasi', prog: StartProgram): Promise<number>;
  /** The host's load averages (1, 5, 15 minutes), where it has them: logged beside the start.* cases. */
  loadavg?(): number[];
  /**
   * net.http_rps: samples of requests answered (Node's http client, keep-alive)
   * by tabkernel's httpd through a published port, or by a Node http server
   * serving the same file (absent: n/a here).
   */
  httpRps?(subject: 'tabkernel' | 'node:http', batches: number, targetMs: number): Promise<Sample[]>;
  /**
   * The toolchain.* cases: one build of bench/cc (`cc`) or of the demo project
   * examples/toolchain (`make`) under `make -j2` by `subject`, from a fresh OS
   * process, checked: its wall time in ms (absent: n/a here).
   */
  toolchain?(project: 'cc' | 'make', subject: 'tabkernel' | 'native' | 'node:wasi'): Promise<number>;
  /** `rounds` such builds inside one kernel after one that is not counted (ms each). */
  toolchainWarm?(project: 'cc' | 'make', rounds: number): Promise<number[]>;
  /** Whatever the run left behind (temp files, stored blobs). */
  cleanup?(): Promise<void>;
}

export type StartMode = 'cold' | 'warm';

/**
 * The image cases' operations, each run once and timed where the work
 * happens (ms); bench/node/image.ts and bench/browser/images.ts say what
 * each does. A browser has only the unpack (of a layer it generates).
 */
export interface ImageBench {
  /** The uncompressed (tar) bytes of the big image's layers. */
  unpackBytes(): Promise<number>;
  /** Unpack the cached big image's layers into layer trees. */
  unpack(): Promise<number>;
  /** The compressed bytes one pull fetches. */
  pullBytes?(): Promise<number>;
  /** Pull the big image into a fresh store: tabkernel's pull, or `skopeo copy`. */
  pull?(subject: 'tabkernel' | 'skopeo'): Promise<number>;
  /** The compressed bytes one push sends. */
  pushBytes?(): Promise<number>;
  /** Push the big image to a new repository of a second loopback registry: tabkernel's push from its store, or `skopeo copy` from the OCI layout. */
  push?(subject: 'tabkernel' | 'skopeo'): Promise<number>;
  /** The same layers extracted by GNU tar (the 'native' reference). */
  unpackNative?(): Promise<number>;
  /** A cached image's program to its first output (tabkernel), or the same program of the root image (rootfs). */
  start?(mode: StartMode, subject: 'tabkernel' | 'rootfs'): Promise<number>;
  /** The same through the CLI: a new process running `tabkernel run REF` (or the root image's program). */
  startCli?(subject: 'tabkernel' | 'rootfs'): Promise<number>;
}

export interface Options {
  quick: boolean;
  /** Only cases whose name starts with one of these. */
  only: string[];
  /** Busy-loop workers competing for the cores while each syscall case runs (0: none). */
  load: number;
  log: (line: string) => void;
}

interface Case {
  name: string;
  unit: Unit;
  bytesPerOp?: number;
  /** A case of syscalls.c: the one --load runs under load. */
  syscall?: boolean;
  /** Each subject's way to produce samples; absent = not applicable here. */
  run: (p: Platform, o: Options) => Partial<Record<Subject, (() => Promise<Result>) | undefined>>;
}

const MIB = 1 << 20;
/** Batches per case and the time each batch aims for. */
const sizing = (o: Options) => (o.quick ? { batches: 5, ms: 4, procBatches: 5, procMs: 1, pipeline: 2 } : { batches: 25, ms: 20, procBatches: 20, procMs: 10, pipeline: 7 });

/** A program case for one subject: run it, parse and check its batches, summarise. */
function program(name: string, subject: Subject, unit: Unit, bytesPerOp: number, exec: () => Promise<string>): () => Promise<Result> {
  return async () => fromSamples(name, subject, unit, parseBatches(await exec(), `${name} (${subject})`), bytesPerOp);
}

/**
 * A case of syscalls.c under tabkernel, node:wasi (on the host's /tmp),
 * browser_wasi_shim (its own in-memory /tmp; not for /dev/null, which it
 * lacks) and natively.
 */
function syscallCase(name: string, arg: string, unit: Unit = 'ns/call', bytesPerOp = 0, withShim = true, onHost = false): Case {
  return {
    name, unit, bytesPerOp, syscall: true,
    run: (p, o) => {
      const { batches, ms } = sizing(o);
      const args = (dir: string) => [arg, String(batches), String(ms), dir];
      // The file.host.* cases: tabkernel's files in a host directory (kernel-served), the others' where they always are.
      const guest = onHost ? p.hostFiles : p.tmp.guest;
      return {
        tabkernel: guest === undefined ? undefined : program(name, 'tabkernel', unit, bytesPerOp, () => p.tabkernel('syscalls', args(guest))),
        'node:wasi': p.nodeWasi && program(name, 'node:wasi', unit, bytesPerOp, () => p.nodeWasi!('syscalls', args('/tmp'))),
        browser_wasi_shim: withShim && p.shim ? program(name, 'browser_wasi_shim', unit, bytesPerOp, () => p.shim!('syscalls', args('/tmp'))) : undefined,
        native: p.native && program(name, 'native', unit, bytesPerOp, () => p.native!('syscalls', args(p.tmp.host))),
      };
    },
  };
}

function procsCase(name: string, unit: Unit, args: (o: Options) => string[], bytesPerOp = 0, floorChunk = 0): Case {
  return {
    name, unit, bytesPerOp,
    run: (p, o) => {
      const { procBatches, procMs } = sizing(o);
      const a = [...args(o), String(procBatches), String(procMs)];
      return {
        tabkernel: program(name, 'tabkernel', unit, bytesPerOp, () => p.tabkernel('procs', a)),
        floor: floorChunk ? async () => fromSamples(name, 'floor', unit, await p.ring(floorChunk, procBatches, procMs * 4), bytesPerOp) : undefined,
        native: p.native && program(name, 'native', unit, bytesPerOp, () => p.native!('procs', a)),
      };
    },
  };
}

/**
 * setjmp/longjmp in one of its two builds (bench/programs/posix/jumps.c):
 * `jumps` with exception handling, `jumps-invoke` with invoke trampolines.
 */
function jumpsCase(name: string, prog: 'jumps' | 'jumps-invoke', arg: 'jump' | 'call'): Case {
  return {
    name, unit: 'ns/call',
    run: (p, o) => {
      const { batches, ms } = sizing(o);
      const a = [arg, String(batches), String(ms)];
      return {
        tabkernel: program(name, 'tabkernel', 'ns/call', 0, () => p.tabkernel(prog, a)),
        native: p.native && program(name, 'native', 'ns/call', 0, () => p.native!('jumps', a)),
      };
    },
  };
}

/** seq 1 1000000 | grep 7 | wc -l: of 1..10^6, 9^6 numbers (counting 10^6 itself, not 0) have no 7. */
const PIPELINE = 'seq 1 1000000 | grep 7 | wc -l';
const PIPELINE_COUNT = 1000000 - 9 ** 6;

function pipelineCase(): Case {
  const timed = (subject: Subject, exec: () => Promise<string>, o: Options) => async () => {
    const s = await timeTask(async () => {
      const out = (await exec()).trim();
      if (Number(out) !== PIPELINE_COUNT) throw new Error(`pipeline (${subject}): printed '${out}', expected ${PIPELINE_COUNT}`);
    }, sizing(o).pipeline);
    return toResult('pipeline', subject, 'ms', s);
  };
  return {
    name: 'pipeline', unit: 'ms',
    run: (p, o) => ({
      tabkernel: timed('tabkernel', () => p.tabkernelShell(PIPELINE), o),
      native: p.nativeShell && timed('native', () => p.nativeShell!(PIPELINE), o),
    }),
  };
}

/** An image operation of a subject, or undefined where the platform lacks it. */
type ImageOp = (b: ImageBench) => (() => Promise<number>) | undefined;

/**
 * One image operation `n` times after an untimed first run; the times (ms) as
 * samples. `alternate`: the subjects take turns, round by round (one untimed
 * run of each first), so that both see the same machine — for cases whose
 * subjects a loaded machine would otherwise judge minutes apart.
 */
function imageCase(name: string, unit: Unit, bytes: (b: ImageBench) => Promise<number>, subjects: Partial<Record<Subject, ImageOp>>, runs: (o: Options) => number, alternate = false): Case {
  return {
    name, unit,
    run: (p, o) => {
      const out: Partial<Record<Subject, () => Promise<Result>>> = {};
      const b = p.images;
      if (!b) return out;
      if (alternate) return alternating(name, unit, b, bytes, subjects, runs(o), o);
      for (const [subject, opOf] of Object.entries(subjects) as Array<[Subject, ImageOp]>) {
        const op = opOf(b);
        if (!op) continue;
        out[subject] = async () => {
          const perOp = await bytes(b);
          await op();
          const samples: Sample[] = [];
          for (let i = 0; i < runs(o); i++) samples.push({ ns: (await op()) * 1e6, ops: 1 });
          return fromSamples(name, subject, unit, samples, perOp);
        };
      }
      return out;
    },
  };
}

/** imageCase's subjects round by round (see there); each subject's result from the same rounds. */
function alternating(name: string, unit: Unit, b: ImageBench, bytes: (b: ImageBench) => Promise<number>, subjects: Partial<Record<Subject, ImageOp>>, rounds: number, o: Options): Partial<Record<Subject, () => Promise<Result>>> {
  const ops = (Object.entries(subjects) as Array<[Subject, ImageOp]>).flatMap(([s, opOf]) => {
    const op = opOf(b);
    return op ? [[s, op] as const] : [];
  });
  let all: Promise<Map<Subject, Sample[]>> | null = null;
  const run = async (): Promise<Map<Subject, Sample[]>> => {
    const samples = new Map(ops.map(([s]) => [s, [] as Sample[]]));
    for (const [, op] of ops) await op();
    for (let i = 0; i < rounds; i++) {
      for (const [s, op] of i % 2 ? [...ops].reverse() : ops) samples.get(s)!.push({ ns: (await op()) * 1e6, ops: 1 });
    }
    o.log(`  ${name}: ${rounds} alternating rounds`);
    return samples;
  };
  return Object.fromEntries(ops.map(([s]) => [s, async () => fromSamples(name, s, unit, (await (all ??= run())).get(s)!, await bytes(b))]));
}

/**
 * Start-up: `tabkernel run PROG` against node:wasi, each run a fresh OS
 * process timed from spawn to exit. The two alternate round by round (one
 * untimed run of each first), so both see the same machine.
 */
function startCase(name: string, prog: StartProgram, rounds: (o: Options) => number): Case {
  type Pair = Record<'tabkernel' | 'node:wasi', Sample[]>;
  return {
    name, unit: 'ms',
    run: (p, o) => {
      const startRun = p.startRun?.bind(p);
      if (!startRun) return {};
      let pair: Promise<Pair> | null = null;
      const alternate = async (): Promise<Pair> => {
        const out: Pair = { tabkernel: [], 'node:wasi': [] };
        await startRun('tabkernel', prog);
        await startRun('node:wasi', prog);
        const load = (): string => p.loadavg?.().map((l) => l.toFixed(2)).join(' ') ?? 'n/a';
        const before = load();
        for (let i = 0; i < rounds(o); i++) {
          for (const s of i % 2 ? (['node:wasi', 'tabkernel'] as const) : (['tabkernel', 'node:wasi'] as const)) {
            out[s].push({ ns: (await startRun(s, prog)) * 1e6, ops: 1 });
          }
        }
        o.log(`  ${name}: ${rounds(o)} alternating rounds; load average ${before} → ${load()}`);
        return out;
      };
      const subject = (s: keyof Pair) => async () => fromSamples(name, s, 'ms', (await (pair ??= alternate()))[s]);
      return { tabkernel: subject('tabkernel'), 'node:wasi': subject('node:wasi') };
    },
  };
}

/**
 * toolchain.cc and toolchain.make: a build by each subject, each run a fresh
 * OS process; the subjects alternate round by round (one untimed run of each
 * first), so that all see the same machine.
 */
function toolchainCase(name: string, project: 'cc' | 'make', subjects: Array<'tabkernel' | 'native' | 'node:wasi'>, rounds: (o: Options) => number): Case {
  return {
    name, unit: 'ms',
    run: (p, o) => {
      const build = p.toolchain?.bind(p);
      if (!build) return {};
      let all: Promise<Map<Subject, Sample[]>> | null = null;
      const alternate = async (): Promise<Map<Subject, Sample[]>> => {
        const out = new Map<Subject, Sample[]>(subjects.map((s) => [s, []]));
        for (const s of subjects) await build(project, s);
        for (let i = 0; i < rounds(o); i++) {
          for (const s of i % 2 ? [...subjects].reverse() : subjects) out.get(s)!.push({ ns: (await build(project, s)) * 1e6, ops: 1 });
        }
        o.log(`  ${name}: ${rounds(o)} alternating rounds`);
        return out;
      };
      return Object.fromEntries(subjects.map((s) => [s, async () => fromSamples(name, s, 'ms', (await (all ??= alternate())).get(s)!)]));
    },
  };
}

/** toolchain.*.warm: the same build inside one kernel, after a first build (tabkernel), against native runs. */
function toolchainWarmCase(name: string, project: 'cc' | 'make', rounds: (o: Options) => number): Case {
  return {
    name, unit: 'ms',
    run: (p, o) => {
      const warm = p.toolchainWarm?.bind(p);
      const build = p.toolchain?.bind(p);
      if (!warm || !build) return {};
      return {
        tabkernel: async () => fromSamples(name, 'tabkernel', 'ms', (await warm(project, rounds(o))).map((ms) => ({ ns: ms * 1e6, ops: 1 }))),
        native: async () => {
          await build(project, 'native');
          const samples: Sample[] = [];
          for (let i = 0; i < rounds(o); i++) samples.push({ ns: (await build(project, 'native')) * 1e6, ops: 1 });
          return fromSamples(name, 'native', 'ms', samples);
        },
      };
    },
  };
}

/** net.http_rps: tabkernel's httpd through `run -p` against a Node http server, each in an OS process of its own. */
function httpCase(): Case {
  return {
    name: 'net.http_rps', unit: 'req/s',
    run: (p, o) => {
      const httpRps = p.httpRps?.bind(p);
      if (!httpRps) return {};
      const batches = o.quick ? 3 : 10, ms = o.quick ? 200 : 500;
      const subject = (s: 'tabkernel' | 'node:http') => async () => fromSamples('net.http_rps', s, 'req/s', await httpRps(s, batches, ms));
      return { tabkernel: subject('tabkernel'), 'node:http': subject('node:http') };
    },
  };
}

const noBytes = async (): Promise<number> => 0;
const imageRuns = (full: number, quick: number) => (o: Options) => (o.quick ? quick : full);

export const CASES: Case[] = [
  {
    name: 'syscall.noop', unit: 'ns/call', syscall: true,
    run: (p, o) => {
      const { batches, ms } = sizing(o);
      const floor = (mode: FloorMode) => async () => fromSamples('syscall.noop', mode, 'ns/call', await p.floor(mode, batches, ms));
      return {
        tabkernel: program('syscall.noop', 'tabkernel', 'ns/call', 0, () => p.tabkernel('syscalls', ['noop', String(batches), String(ms)])),
        floor: floor('floor'), futex: floor('futex'), postMessage: floor('postMessage'),
        'node:wasi': p.nodeWasi && program('syscall.noop', 'node:wasi', 'ns/call', 0, () => p.nodeWasi!('syscalls', ['noop', String(batches), String(ms)])),
        browser_wasi_shim: p.shim && program('syscall.noop', 'browser_wasi_shim', 'ns/call', 0, () => p.shim!('syscalls', ['noop', String(batches), String(ms)])),
      };
    },
  },
  syscallCase('syscall.devnull_write', 'devnull_write', 'ns/call', 0, false),
  syscallCase('syscall.clock', 'clock'),
  syscallCase('syscall.random', 'random'),
  procsCase('pipe.4k', 'MB/s', () => ['pipe', '4096'], MIB, 4096),
  procsCase('pipe.64k', 'MB/s', () => ['pipe', '65536'], MIB, 65536),
  procsCase('net.loopback', 'MB/s', () => ['net', '65536'], MIB, 65536),
  procsCase('net.connect', 'µs', () => ['connect']),
  httpCase(),
  syscallCase('file.read', 'file_read', 'MB/s', MIB),
  syscallCase('file.write', 'file_write', 'MB/s', MIB),
  syscallCase('file.seek', 'file_seek'),
  syscallCase('file.fstat', 'file_fstat'),
  syscallCase('file.stat', 'file_stat'),
  syscallCase('file.openclose', 'file_openclose'),
  syscallCase('file.opentwo', 'file_opentwo'),
  syscallCase('file.write1', 'file_write1'),
  syscallCase('file.read64k', 'file_read64k', 'MB/s', 64 << 10),
  syscallCase('file.write64k', 'file_write64k', 'MB/s', 64 << 10),
  syscallCase('file.host.seek', 'file_seek', 'ns/call', 0, false, true),
  syscallCase('file.host.write1', 'file_write1', 'ns/call', 0, false, true),
  syscallCase('file.host.read64k', 'file_read64k', 'MB/s', 64 << 10, false, true),
  syscallCase('file.host.write64k', 'file_write64k', 'MB/s', 64 << 10, false, true),
  procsCase('spawn.true', 'µs', () => ['spawn']),
  procsCase('fork.1m', 'µs', () => ['fork', '1']),
  procsCase('fork.16m', 'µs', () => ['fork', '16']),
  pipelineCase(),
  jumpsCase('setjmp.jump', 'jumps', 'jump'),
  jumpsCase('setjmp.jump.invoke', 'jumps-invoke', 'jump'),
  jumpsCase('setjmp.call', 'jumps', 'call'),
  jumpsCase('setjmp.call.invoke', 'jumps-invoke', 'call'),
  startCase('start.run', 'hello', (o) => (o.quick ? 3 : 15)),
  startCase('start.flite', 'flite', (o) => (o.quick ? 3 : 9)),
  toolchainCase('toolchain.cc', 'cc', ['tabkernel', 'native', 'node:wasi'], (o) => (o.quick ? 2 : 5)),
  toolchainWarmCase('toolchain.cc.warm', 'cc', (o) => (o.quick ? 3 : 7)),
  toolchainCase('toolchain.make', 'make', ['tabkernel', 'native'], (o) => (o.quick ? 2 : 5)),
  toolchainWarmCase('toolchain.make.warm', 'make', (o) => (o.quick ? 3 : 7)),
  imageCase('image.pull', 'MB/s', (b) => b.pullBytes?.() ?? noBytes(), { tabkernel: (b) => b.pull && (() => b.pull!('tabkernel')), skopeo: (b) => b.pull && (() => b.pull!('skopeo')) }, imageRuns(7, 2)),
  imageCase('image.push', 'MB/s', (b) => b.pushBytes?.() ?? noBytes(), { tabkernel: (b) => b.push && (() => b.push!('tabkernel')), skopeo: (b) => b.push && (() => b.push!('skopeo')) }, imageRuns(7, 2), true),
  imageCase('image.unpack', 'MB/s', (b) => b.unpackBytes(), { tabkernel: (b) => () => b.unpack(), native: (b) => b.unpackNative && (() => b.unpackNative!()) }, imageRuns(7, 2)),
  imageCase('image.start.cold', 'ms', noBytes, { tabkernel: (b) => b.start && (() => b.start!('cold', 'tabkernel')), rootfs: (b) => b.start && (() => b.start!('cold', 'rootfs')) }, imageRuns(9, 3)),
  imageCase('image.start.warm', 'ms', noBytes, { tabkernel: (b) => b.start && (() => b.start!('warm', 'tabkernel')), rootfs: (b) => b.start && (() => b.start!('warm', 'rootfs')) }, imageRuns(15, 3)),
  imageCase('image.start.cli', 'ms', noBytes, { tabkernel: (b) => b.startCli && (() => b.startCli!('tabkernel')), rootfs: (b) => b.startCli && (() => b.startCli!('rootfs')) }, imageRuns(7, 2)),
];

const SUBJECTS: Subject[] = ['tabkernel', 'floor', 'futex', 'postMessage', 'node:wasi', 'browser_wasi_shim', 'native', 'skopeo', 'rootfs', 'node:http'];

/** Whether `c` runs: --only names it, or (without --only) --load runs the syscall cases alone. */
function selected(c: Case, o: Options): boolean {
  if (o.only.length > 0) return o.only.some((prefix) => c.name.startsWith(prefix));
  return o.load === 0 || c.syscall === true;
}

/**
 * Run every selected case on `p`; a subject that fails is logged and left
 * out. With --load N, each subject of a syscall case runs while N busy-loop
 * workers spin, started before its program and stopped after it.
 */
export async function runSuite(p: Platform, o: Options): Promise<Result[]> {
  const results: Result[] = [];
  // Start the kernel's worker pool before anything is timed: the kernel starts
  // pool workers when it goes idle, and each boots for ~25–50 ms of CPU; the
  // second lets the background compilation of the first runs settle too.
  if ((await p.tabkernelShell('true; true')) !== '') throw new Error('tabkernel: sh -c true printed something');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  for (const c of CASES) {
    if (!selected(c, o)) continue;
    const runners = c.run(p, o);
    for (const subject of SUBJECTS) {
      const r = runners[subject];
      if (!r) continue;
      const t0 = performance.now();
      const stop = o.load > 0 && c.syscall ? await p.load(o.load) : null;
      try {
        const res = await r();
        results.push(res);
        o.log(`  ${c.name.padEnd(22)} ${subject.padEnd(17)} ${fmt(res.median)} ${res.unit}  (${res.samples} samples, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (e) {
        o.log(`  ${c.name.padEnd(22)} ${subject.padEnd(17)} FAILED: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        await stop?.();
      }
    }
  }
  return results;
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
