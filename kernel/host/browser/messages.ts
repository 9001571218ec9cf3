// Messages only the browser host needs, between the page (client.ts) and the
// kernel worker (kernel-worker.ts), on top of the shared ones in abi/messages.ts
// (RunRequest, ResizeRequest, OutputNotice, ExitNotice): the root image to
// load, keystrokes for the console PTY, acknowledgements of its output (flow
// control, console.ts), the image's loading progress, and the process workers
// the page starts for the kernel (page-workers.ts, process-workers.ts), and
// an image to pull with its progress (pull.ts), the progress of the pulls
// processes make (host.ts), the root file system's snapshots (persist.ts),
// the image policy to load (policy.ts), and the kernel worker's boot marks;
// then the service worker's bridge (sw/bridge.ts ↔ bridge.ts): the port the
// page hands over, and the HTTP requests and answers that travel on it.
import type { ImageRun, KernelToHost, ResizeRequest, RunRequest } from '../../abi/messages.js';
import type { ContainerCommand } from '../../image/config.js';
import type { LayerUpdate, PullReport } from '../../image/progress.js';
import type { Route } from './registry.js';

/** Page → kernel: fetch the root image described by this manifest (image.ts) before any run. */
export interface LoadImageRequest {
  type: 'load-image';
  /** Absolute URL of the manifest (rootfs.json, written by vite.config.ts). */
  url: string;
}

/** Page → kernel: bytes typed into the terminal (xterm's onData), for the console PTY. */
export interface InputRequest {
  type: 'input';
  data: Uint8Array;
}

/** Page → kernel: the terminal has drawn this many more bytes of output (console.ts). */
export interface AckRequest {
  type: 'ack';
  bytes: number;
}

/** Kernel → page: how far the root image has loaded. */
export interface ImageNotice {
  type: 'image';
  /** Files and bytes fetched so far, of the totals the manifest lists. */
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
  /** Set once, when every file is in memory. */
  done?: boolean;
  /** Set when the image could not be loaded: guest programs will not be found. */
  error?: string;
}

/** Page → kernel: pull image `reference` into the IndexedDB store unless it is there; answered by PullNotices. */
export interface PullRequest {
  type: 'pull-image';
  reference: string;
}

/** What a pulled image runs: its layers and its container's command (image/config.ts). */
export interface PulledImage {
  image: ImageRun;
  command: ContainerCommand;
  /** Bytes fetched and the seconds the pull took (0 and 0 when the store held it all). */
  bytes: number;
  seconds: number;
}

/** Kernel → page: how a pull goes; the last one has `done` or `error`. */
export interface PullNotice {
  type: 'pull';
  reference: string;
  /** Set once the route to the registry is chosen (registry.ts). */
  route?: Route;
  /** A layer's progress, with its rate so far in bytes per second. */
  layer?: LayerUpdate;
  done?: PulledImage;
  error?: string;
}

/**
 * Kernel → page: how a pull that a process asked for goes (the terminal's
 * `image pull`, `image run`: Host.pullProgress, hostapi.ts); the last one
 * has `end`. Pulls of different processes may interleave: `pid` tells them apart.
 */
export interface ProcessPullNotice extends PullReport {
  type: 'process-pull';
}

/** Page → kernel: load the image policy served at this URL (policy.json; the capabilities file beside it); answered by a PolicyNotice. */
export interface PolicyRequest {
  type: 'load-policy';
  url: string;
}

/** Kernel → page: the policy in force (Policy.summary()), or why it could not be loaded (then no image is pulled). */
export interface PolicyNotice {
  type: 'policy';
  summary?: string;
  error?: string;
}

/** Page → kernel: snapshot the root file system now if it changed (the page is being hidden or left: persist.ts). */
export interface PersistRequest {
  type: 'persist';
}

/** Kernel → page: the root file system was restored from, or saved to, IndexedDB (persist.ts), or could not be. */
export interface PersistNotice {
  type: 'persisted';
  restored?: { generation: number; records: number; failed: string[] };
  saved?: { generation: number; records: number };
  error?: string;
}

/** Kernel → page: start process worker `id` (page-workers.ts, process-workers.ts). */
export interface WorkerStartRequest {
  type: 'worker-start';
  id: number;
}

/** Kernel → page: stop process worker `id`. */
export interface WorkerTerminateRequest {
  type: 'worker-terminate';
  id: number;
}

/** Kernel ↔ page: a message to or from process worker `id`, relayed by the page; `transfer` as given to postMessage. */
export interface WorkerMessage {
  type: 'worker-message';
  id: number;
  msg: unknown;
  transfer?: ArrayBuffer[];
}

/** Page → kernel: process worker `id` failed to load or threw. */
export interface WorkerErrorNotice {
  type: 'worker-error';
  id: number;
  message: string;
}

/** Page → kernel: the kernel worker's performance marks so far (boot's milestones: kernel-worker.ts); answered by a MarksNotice. */
export interface MarksRequest {
  type: 'marks';
}

/** Kernel → page: the kernel worker's `tabkernel:` performance marks, each at its time in ms since the epoch (timeOrigin + startTime). */
export interface MarksNotice {
  type: 'marks';
  marks: Array<{ name: string; time: number }>;
}

/**
 * Service worker → page (Client.postMessage, one MessagePort transferred):
 * if this page hosts a kernel, hand it this port for /port/N/ requests.
 */
export interface BridgeOffer {
  type: 'tabkernel-bridge';
}

/** Page → kernel: serve the service worker's requests on `port` (transferred; bridge.ts). */
export interface BridgeAttach {
  type: 'bridge';
  port: MessagePort;
}

/** Kernel → service worker, the first message on a bridge port: this kernel serves requests. */
export interface BridgeHello {
  type: 'hello';
}

/** A header list as HTTP has it: [name, value] in order, values as byte strings. */
export type BridgeHeaders = Array<[string, string]>;

/**
 * Service worker → kernel, on a bridge port: one HTTP request for the guest
 * listening on TCP `port`, answered on `reply` (transferred) by BridgeAnswers.
 */
export interface BridgeRequest {
  type: 'request';
  port: number;
  method: string;
  /** The request target the guest sees: the path after the prefix, with the query ('/', '/a/b?c'). */
  target: string;
  headers: BridgeHeaders;
  /** The request's body (a copy per kernel asked); null for none. */
  body: ArrayBuffer | null;
  /** The path the guest's URLs appear under ('/port/8080'): for X-Forwarded-Prefix and redirects. */
  prefix: string;
  /** The page's origin as the browser sees it, for X-Forwarded-Host and -Proto. */
  origin: string;
  reply: MessagePort;
}

/**
 * Kernel → service worker, on a request's `reply` port: `no-listener`
 * (nobody listens on that port; which ports have a listener), or `accepted`
 * (connected: the request is on its way) and then `response` (the guest's
 * head; its body a transferred ReadableStream, or 'chunks' where streams do
 * not transfer: then `chunk` messages, one per `more` the service worker
 * sends, and `end`) or `error` (what went wrong, before the head or after).
 */
export type BridgeAnswer =
  | { type: 'no-listener'; listening: number[] }
  | { type: 'accepted' }
  | { type: 'response'; status: number; reason: string; headers: BridgeHeaders; body: ReadableStream<Uint8Array> | 'chunks' | null }
  | { type: 'chunk'; bytes: Uint8Array }
  | { type: 'end' }
  | { type: 'error'; message: string };

/** Service worker → kernel on a reply port in 'chunks' mode: send the next piece (`more`), or stop (`cancel`: the reader went away). */
export interface BridgePull {
  type: 'more' | 'cancel';
}

export type PageToKernel =
  | RunRequest | ResizeRequest | LoadImageRequest | PullRequest | InputRequest | AckRequest | PersistRequest
  | PolicyRequest | MarksRequest | BridgeAttach | WorkerMessage | WorkerErrorNotice;
export type KernelToPage =
  | KernelToHost | ImageNotice | PullNotice | ProcessPullNotice | PersistNotice | PolicyNotice | MarksNotice
  | WorkerStartRequest | WorkerTerminateRequest | WorkerMessage;
