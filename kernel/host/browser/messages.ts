// Messages only the browser host needs, between the page (client.ts) and the
// kernel worker (kernel-worker.ts), on top of the shared ones in abi/messages.ts
// (RunRequest, ResizeRequest, OutputNotice, ExitNotice): the root image to
// load, keystrokes for the console PTY, acknowledgements of its output (flow
// control, console.ts), and the image's loading progress.
import type { KernelToHost, ResizeRequest, RunRequest } from '../../abi/messages.js';

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

export type PageToKernel = RunRequest | ResizeRequest | LoadImageRequest | InputRequest | AckRequest;
export type KernelToPage = KernelToHost | ImageNotice;
