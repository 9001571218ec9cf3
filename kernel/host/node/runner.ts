// The CLI's second half (dist/runner.js): the kernel, its Node host and the
// images. cli.ts loads it after starting the first process's worker, so that
// the worker boots on another core while this bundle is parsed and the
// program read and compiled. The kernel runs in the CLI's own thread: the
// thread has nothing else to do, and a kernel worker cost 25–35 ms of boot
// before the first instruction (docs/ARCHITECTURE.md, Threads). Stdio passes
// straight through (output.ts writes fds 1 and 2, stdin.ts reads fd 0).
// Host directories (--dir) are mounted only as the capabilities allow
// (policy.ts; kernel/policy/capabilities.ts): for a container, those granted
// to its image's scope; for a program run from the host, "programs".
import fs from 'node:fs';
import tty from 'node:tty';
import type { Worker } from 'node:worker_threads';
import type { MountSpec, RunRequest } from '../../abi/messages.js';
import { Kernel } from '../../kernel.js';
import type { Options } from './cli.js';
import { formatReference, parseReference } from '../../image/reference.js';
import { checkMount, isHostPattern } from '../../policy/capabilities.js';
import { fail } from './fail.js';
import { cacheAsyncifiedStore } from './asyncified.js';
import { NodeHost } from './host.js';
import { InlineProcess, inlineStdin, type InlineStdin } from './inline.js';
import { nodeImageService } from './images.js';
import { outputStreams } from './output.js';
import { nodeNet } from './net.js';
import { loadCapabilities, realDirectory } from './policy.js';
import { parsePublish, publish, type PortSpec } from './publish.js';
import { processStdin } from './stdin.js';

export { containerRun, imageForRun, imageMain, IMAGE_USAGE } from './images.js';

/**
 * Run `req` as the first process of a kernel in this thread, on `worker`, or
 * in this thread too when `worker` is null (a plain WASI program: inline.ts);
 * pass the terminal's size through, and exit with the program's status.
 */
export function runFirst(opts: Pick<Options, 'tty' | 'insecure' | 'publish' | 'allowNet'>, req: RunRequest, worker: Worker | null): void {
  process.on('uncaughtException', (e: Error) => fail(`tabkernel: kernel failure: ${e.stack ?? e.message}`, 70));
  const refused = mountRefusal(req.mounts, req.image?.reference);
  if (refused) fail(refused, req.image ? 125 : 1);
  const ports = opts.publish.map(parsePublish);
  for (const p of ports) if (p instanceof Error) fail(`tabkernel: ${p.message}`, 125);
  for (const a of opts.allowNet) if (!isHostPattern(a)) fail(`tabkernel: --allow-net ${a}: not a host pattern (HOST, HOST:PORT, *.DOMAIN, loopback or *)`, 125);
  // Images: the store a container's image was pulled into; the shell's `image` command.
  const images = nodeImageService(opts.insecure, req.image?.store);
  const net = nodeNet({ capabilities: () => loadCapabilities(), allowNet: opts.allowNet.map((a) => a.toLowerCase()) });
  const inline = worker ? null : new InlineProcess();
  const stdin = inline ? inlineStdin(tty.isatty(0)) : processStdin(tty.isatty(0));
  const host = new NodeHost({
    stdio: [stdin, ...outputStreams(inline !== null)], images, firstWorker: worker ?? inline!, net, asyncified: cacheAsyncifiedStore(),
    waitInline: inline ? (stdin as InlineStdin).wait : undefined,
  });
  const kernel = new Kernel(host, { trace: !!process.env.TABKERNEL_TRACE, memory: req.memory, tmpSize: req.tmpSize });
  if (inline) {
    inline.serve = (pid) => kernel.serveInline(pid);
    if (process.env.TABKERNEL_TRACE) host.log('tabkernel: the first process runs in the kernel\'s thread (a plain WASI program: no worker)');
  }
  if (opts.tty) {
    if (!process.stdin.isTTY) fail('tabkernel: -t needs a terminal on standard input');
    // The PTY's line discipline does the editing and echo now: the host terminal goes raw.
    process.stdin.setRawMode(true);
    process.on('exit', () => process.stdin.isTTY && process.stdin.setRawMode(false));
    req.tty = { rows: process.stdout.rows || 24, cols: process.stdout.columns || 80 };
    process.stdout.on('resize', () => kernel.boot.resizeConsole(process.stdout.rows, process.stdout.columns));
  }
  // Published ports listen before the guest starts (a port taken on the host fails the run).
  publish(kernel.net, ports as PortSpec[]).then(() => kernel.boot.run(req), (e: Error) => fail(`tabkernel: ${e.message}`, 125)).then((notice) => {
    if (notice.error) fs.writeSync(2, notice.error.endsWith('\n') ? notice.error : notice.error + '\n');
    process.exit(notice.status);
  });
}

/**
 * Why a --dir may not be mounted (EACCES, naming the rule) for a container of
 * `image` (absent: a program run from the host), or undefined when all may.
 */
export function mountRefusal(mounts: readonly MountSpec[], image?: string): string | undefined {
  if (mounts.length === 0) return undefined;
  let caps: ReturnType<typeof loadCapabilities>;
  try {
    caps = loadCapabilities();
  } catch (e) {
    return `tabkernel: ${(e as Error).message}`;
  }
  const ref = image !== undefined ? parseReference(image) : null;
  if (ref instanceof Error) return `tabkernel: ${ref.message}`;
  const who = ref ? `a container of ${formatReference(ref)}` : 'a program run from the host';
  for (const m of mounts) {
    const real = realDirectory(m.host);
    const grant = checkMount(caps.capabilities, ref, real);
    if (!grant.allowed) {
      return `tabkernel: --dir ${m.host}: Permission denied (EACCES): policy: ${grant.rule} grants no ${real} to ${who} (${caps.file ?? 'the built-in capabilities'})`;
    }
  }
  return undefined;
}
