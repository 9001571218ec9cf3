// Messages between the host's main thread (CLI or page) and the kernel worker,
// and between the kernel worker and process workers. Plain structured-clone
// data, declared once for both ends (the browser host adds its own in
// host/browser/messages.ts).
import type { MemoryType } from './imports.js';

/** One `--dir` as given on the command line. */
export interface MountSpec {
  host: string;
  /** Guest path the directory is mounted on; also the preopen's name. */
  guest: string;
}

/**
 * The search path a program of the root image gets when the host gives it no
 * PATH (the CLI, the page), as container runtimes give one; also where boot
 * looks for a guest program named without a slash when the environment has none.
 */
export const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The environment of a first process: a program of the root image (no bytes
 * given) gets PATH=DEFAULT_PATH when `env` has no PATH; a program given as
 * bytes sees exactly `env`, as under wasmtime. The CLI and the page both use this.
 */
export function firstEnv(env: string[], fromImage: boolean): string[] {
  return fromImage && !env.some((e) => e.startsWith('PATH=')) ? [...env, `PATH=${DEFAULT_PATH}`] : env;
}

/** Main thread → kernel: run one program as the first process. */
export interface RunRequest {
  type: 'run';
  /**
   * The program's bytes, handed over: the kernel may rewrite them where they
   * are (proc/memimport.ts, given room before byteOffset); absent: argv[0] is
   * a guest program, looked up on PATH.
   */
  wasm?: Uint8Array;
  argv: string[];
  env: string[];
  cwd: string;
  mounts: MountSpec[];
  /** Attach the host's terminal through a PTY of this size (`tabkernel run -t`, the page's xterm). */
  tty?: { rows: number; cols: number };
  /** The kernel's memory budget and the size of /tmp, in bytes (kernel.ts KernelOptions); defaults when absent. */
  memory?: number;
  tmpSize?: number;
  /**
   * Run in a container of this image: its layers (bottom first, from the
   * host's blob store) under a fresh upper, in a namespace of its own; argv,
   * env and cwd are the container's (image/config.ts containerCommand).
   */
  image?: ImageRun;
  /** Registries the kernel's image pulls may reach over plain HTTP (loopback always may). */
  insecure?: string[];
}

/** The image a RunRequest runs in. */
export interface ImageRun {
  /** The reference it was pulled by (shown as the root's source in /proc/PID/mounts). */
  reference: string;
  /** The host's image store holding the layers (Node: the cache directory). */
  store?: string;
  layers: Array<{ digest: string; mediaType: string }>;
}

/** Main thread → kernel: the host terminal's new size. */
export interface ResizeRequest {
  type: 'resize';
  rows: number;
  cols: number;
}

/** Kernel → main thread: the first process ended. */
export interface ExitNotice {
  type: 'exit';
  /** The exit status as a shell shows it (128 + signal for a signal death). */
  status: number;
  /** Set when the program could not start or trapped: the message for stderr. */
  error?: string;
}

/** Kernel → main thread (browser): bytes the process wrote to the host stream `fd`. */
export interface OutputNotice {
  type: 'output';
  fd: 1 | 2;
  data: Uint8Array;
}

export type KernelToHost = ExitNotice | OutputNotice;

/** Kernel → process worker: become this process. */
export interface StartMessage {
  type: 'start';
  pid: number;
  /** Which start of a program this is in the process (exec keeps the pid): its MemoryNotice says it back. */
  run: number;
  module: WebAssembly.Module;
  /** The process's syscall page (abi/page.ts). */
  page: SharedArrayBuffer;
  /** The kernel's doorbell (abi/page.ts, Bell). */
  bell: SharedArrayBuffer;
  argv: string[];
  env: string[];
  trace: boolean;
  /** For a forked child: the parent's memory image to resume from. */
  fork?: ForkImage;
  /** The type of the memory the runtime supplies, when the program imports it (proc/memimport.ts). */
  memory?: MemoryType;
  /** The shared pipe rings (kernel/ipc/ring.ts). */
  pipes: SharedArrayBuffer;
  /** The open file table (kernel/ipc/filetable.ts), and its data arena (null: none). */
  files: SharedArrayBuffer;
  fileData: SharedArrayBuffer | null;
  /** The time origin CLOCK_MONOTONIC counts from (lib/time.ts: the kernel's). */
  clockOrigin: number;
}

/**
 * Process worker → kernel, before a fork call when what the child must copy
 * changed: the program's shared memory itself (sent once per program: it
 * stays the same object as it grows), or, for a program with a memory of its
 * own, the shared buffer its image is copied into (sent when it is replaced by
 * a larger one). The fork call names the generation it expects, so the kernel
 * waits for this message if the call overtook it.
 */
export interface ForkSource {
  type: 'fork-source';
  source: WebAssembly.Memory | SharedArrayBuffer;
  gen: number;
}

/**
 * Process worker → kernel: the shared memory the program of `pid` runs in,
 * once it is instantiated, so the kernel can see it grow (mm/budget.ts).
 */
export interface MemoryNotice {
  type: 'memory';
  pid: number;
  /**
   * StartMessage.run of the program that sent it: after an exec, a notice
   * of the program before it may still be on its way (a postMessage, while
   * the new program's calls come through the syscall page), and is stale.
   */
  run: number;
  memory: WebAssembly.Memory;
}

/**
 * Process worker → kernel, when tracing (StartMessage.trace): a call the
 * runtime answered without the kernel, as one trace line (runtime/trace.ts).
 */
export interface TraceNotice {
  type: 'trace';
  pid: number;
  line: string;
}

/** What a process worker tells the kernel besides its calls. */
export type WorkerNotice = ForkSource | MemoryNotice | TraceNotice;

/** Kernel → a fork child (in its StartMessage): its parent's state. */
export interface ForkImage {
  /** The parent's memory (or its copy), `bytes` long from offset 0. */
  image: SharedArrayBuffer;
  bytes: number;
  stackPointer: number;
  /** Address of the asyncify data area the child rewinds from. */
  asyncifyData: number;
  /** The parent's syscall page: its Slot.FORK_CHILD holds the child's pid until the child has copied the image. */
  parentPage: SharedArrayBuffer;
}
