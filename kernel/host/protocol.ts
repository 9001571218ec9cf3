// Messages between the host's main thread (CLI or page) and the kernel worker,
// and between the kernel worker and process workers. Plain structured-clone data.
import type { MemoryType } from '../proc/memimport.js';

/** One `--dir` as given on the command line. */
export interface MountSpec {
  host: string;
  /** Guest path the directory is mounted on; also the preopen's name. */
  guest: string;
}

/** Main thread → kernel: run one program as the first process. */
export interface RunRequest {
  type: 'run';
  /** The program's bytes; absent: argv[0] is a guest program, looked up on PATH. */
  wasm?: Uint8Array;
  argv: string[];
  env: string[];
  cwd: string;
  mounts: MountSpec[];
  /** Attach the host's terminal through a PTY of this size (`tabkernel run -t`, the page's xterm). */
  tty?: { rows: number; cols: number };
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
  /** The time origin CLOCK_MONOTONIC counts from (lib/time.ts: the kernel's). */
  clockOrigin: number;
}

/** Bytes before the image in a ForkImage's snapshot: the busy flag, padded. */
export const SNAPSHOT_HEADER = 64;

/** Process worker → kernel, just before the fork call: the parent's state. */
export interface ForkImage {
  type: 'fork-image';
  /**
   * The parent's memory at `SNAPSHOT_HEADER`, `bytes` long. The buffer is the
   * parent's, reused from fork to fork (touched memory copies ~10× faster than
   * fresh): the Int32 at 0 is 1 until the child has copied the image out.
   */
  snapshot: SharedArrayBuffer;
  bytes: number;
  stackPointer: number;
  /** Address of the asyncify data area the child rewinds from. */
  asyncifyData: number;
}
