// The kernel's Web Worker: constructs the Kernel with the browser Host and
// serves the page's requests (messages.ts): it loads the root image when asked
// (image.ts, reporting progress as ImageNotices), runs programs (RunRequest,
// answered by the OutputNotices of their output and one ExitNotice), types the
// page's keys into the console PTY (InputRequest → PageInput → the kernel's
// pump), paces the console's output by the page's acknowledgements
// (AckRequest → ConsoleOutput) and passes on window size changes
// (ResizeRequest); it pulls images into the IndexedDB store (PullRequest →
// PullNotices, pull.ts), from which containers' layers are read (RunRequest
// with an image). With the root image, the root file system's writable part
// is restored from IndexedDB before the first run and snapshotted there after
// changes and on PersistRequest (persist.ts, PersistNotices). Images are
// pulled and run under the policy the page names (PolicyRequest → a
// PolicyNotice, policy.ts; built-in until then). It answers the service
// worker's HTTP requests for /port/N/ on the port the page hands over
// (BridgeAttach, bridge.ts). Started by client.ts; starts the process workers itself
// (host.ts) or, in Firefox, has the page start them (page-workers.ts).
// Mirrors kernel/host/node/kernel-worker.ts.
import { Errno, errnoLabel } from '../../abi/errno.js';
import { Kernel } from '../../kernel.js';
import type { Pty } from '../../tty/pty.js';
import type { ExitNotice, RunRequest } from '../../abi/messages.js';
import { IdbAsyncifiedStore } from './asyncified.js';
import { ConsoleOutput } from './console.js';
import { BrowserHost } from './host.js';
import { serveBridge } from './bridge.js';
import { PageNet } from './outbound.js';
import { fetchRootImage } from './image.js';
import { precached } from './precache.js';
import { fetchPolicy } from './policy.js';
import { PagePuller, pageImageService } from './pull.js';
import { Policy } from '../../policy/policy.js';
import { PageInput } from './input.js';
import { PageWorkers } from './page-workers.js';
import { RootPersistence, SnapshotStore } from './persist.js';
import type { ImageNotice, KernelToPage, PageToKernel, PersistNotice } from './messages.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
// Boot's milestones in this worker's timeline (MarksRequest; test/e2e/bench.js shows them beside the page's).
const mark = (name: string): void => void performance.mark(`tabkernel:${name}`);
mark('kernel-worker');
const post = (msg: KernelToPage, transfer: Transferable[] = []): void => scope.postMessage(msg, transfer);
const input = new PageInput();
const output = new ConsoleOutput(
  (data) => post({ type: 'output', fd: 1, data }, [data.buffer]),
  (): Pty | null => kernel.boot.consolePty,
);
// client.ts names the worker "tabkernel-kernel [trace] [page-workers]
// [memory=BYTES] [tmp-size=BYTES] [persist=on|fresh] [images=URL]": the
// options (images: where the built-in images' layouts are, pull.ts). With
// page-workers the page starts the process workers (page-workers.ts);
// persist=on restores the root file system from IndexedDB and saves it there,
// persist=fresh forgets the saved one first (without either: neither).
const options = scope.name.split(' ');
const option = (key: string): string | undefined => options.find((o) => o.startsWith(`${key}=`))?.slice(key.length + 1);
const sizeOption = (key: string): number | undefined => Number(option(key)) || undefined;
const workers = options.includes('page-workers') ? new PageWorkers(post) : null;
const host = new BrowserHost(post, { stdin: input, stdout: output, startWorker: workers ? () => workers.start() : undefined });
// Images: pulled into IndexedDB (the page's ?image=, the terminal's `image`),
// the containers' layers read from there.
/** The image policy: built-in until the page names one; one that failed to load refuses every pull with its error. */
let policy: Promise<Policy> = Promise.resolve(Policy.builtIn());
const currentPolicy = (): Promise<Policy> => policy;
/** The policy as loaded so far, for the network's synchronous questions (an Error: it failed to load, nothing is granted). */
let policyNow: Policy | Error = Policy.builtIn();
const pageImages = { origin: scope.location.origin, builtinImages: option('images'), policy: currentPolicy };
const puller = new PagePuller((n) => post(n), pageImages);
host.images = pageImageService({ ...pageImages, openStore: () => puller.openStore() });

// Programs built in the tab that fork: asyncified once per browser profile (asyncified.ts).
host.asyncified = new IdbAsyncifiedStore();

// Guests' connections beyond the loopback: HTTP through the browser's fetch, as the policy grants (outbound.ts).
host.net = new PageNet(() => policyNow, (line) => host.log(line));

function loadPolicy(url: string): void {
  policy = fetchPolicy(url);
  policy.then(
    (p) => {
      policyNow = p;
      post({ type: 'policy', summary: p.summary() });
    },
    (e: unknown) => {
      policyNow = e instanceof Error ? e : new Error(String(e));
      post({ type: 'policy', error: policyNow.message });
    },
  );
}
const kernel = new Kernel(host, { trace: options.includes('trace'), memory: sizeOption('memory'), tmpSize: sizeOption('tmp-size') });
// The guests' home directory, on the root file system as on any Unix.
kernel.vfs.mem.root.mkdir('root');
mark('kernel-ready');


/** Settles when the root image asked for is in memory (or failed) and the root file system restored; runs wait for it. */
let imageReady: Promise<void> = Promise.resolve();
/** The root file system's snapshots, once restored (null: not kept, or not yet). */
let persistence: RootPersistence | null = null;

function loadImage(url: string): void {
  const notice = (n: Omit<ImageNotice, 'type'>): void => post({ type: 'image', ...n });
  let last = { files: 0, totalFiles: 0, bytes: 0, totalBytes: 0 };
  const image = fetchRootImage(url, kernel.budget, (p) => notice((last = p)), { cached: precached });
  // The page runs its shell once the image is in: that process's worker boots meanwhile.
  kernel.prestartWorker();
  void image.then(() => mark('image-fetched'), () => {});
  // The root file system is restored first, then the image put under it (the
  // overlay looks at the upper layer as it is), before anything runs.
  imageReady = Promise.all([image, restoreRoot()]).then(
    ([layer]) => {
      const e = kernel.vfs.stackOn(layer, 'rootimage');
      if (e !== Errno.SUCCESS) throw new Error(`cannot put the root image under the root file system (E${errnoLabel(e)})`);
      mark('image-ready');
      notice({ ...last, done: true });
    },
    (e: unknown) => notice({ ...last, error: e instanceof Error ? e.message : String(e) }),
  );
}

/**
 * With persist=on or fresh: rebuild the root file system's last snapshot
 * (after forgetting it with fresh), then keep snapshotting it. The root file
 * system is the upper layer over the root image (fs/vfs.ts): what processes
 * changed, removals from the image as whiteouts. Everything under a mount
 * point of the first namespace (/dev, /tmp, /proc) belongs to another file
 * system and is left out.
 */
async function restoreRoot(): Promise<void> {
  const mode = option('persist');
  if (mode !== 'on' && mode !== 'fresh') return;
  const report = (e: Omit<PersistNotice, 'type'>): void => post({ type: 'persisted', ...e });
  try {
    const store = await SnapshotStore.open();
    if (mode === 'fresh') await store.clear();
    const p = new RootPersistence(kernel.vfs.mem, store, (node) => kernel.vfs.isMountPoint(node), report);
    await p.restore();
    p.start();
    persistence = p;
  } catch (e) {
    // No IndexedDB (a private window may have none): the session is not kept.
    report({ error: `the root file system will not be kept: ${e instanceof Error ? e.message : String(e)}` });
  }
}

/** This worker's `tabkernel:` marks at their times since the epoch (MarksNotice). */
function marks(): Array<{ name: string; time: number }> {
  return performance.getEntriesByType('mark')
    .filter((m) => m.name.startsWith('tabkernel:'))
    .map((m) => ({ name: m.name, time: performance.timeOrigin + m.startTime }));
}

/** The page's latest terminal size, which wins over a RunRequest's older one. */
let size: { rows: number; cols: number } | null = null;

async function run(req: RunRequest): Promise<void> {
  // The policy asked for is in first: the page writes its line before the program's output.
  await Promise.all([imageReady, policy.catch(() => undefined)]);
  mark('run');
  if (req.tty) {
    if (size) req.tty = size;
    input.attach();
  }
  let exit: ExitNotice;
  try {
    exit = await kernel.boot.run(req);
  } catch (err) {
    // A kernel bug, not the program's failure: report it as a failed start.
    exit = { type: 'exit', status: 1, error: `tabkernel: kernel error: ${String(err)}` };
  }
  output.flush();
  post(exit);
}

scope.addEventListener('message', (e: MessageEvent<PageToKernel>) => {
  const msg = e.data;
  if (workers?.receive(msg)) return;
  switch (msg?.type) {
    case 'load-image': return loadImage(msg.url);
    case 'pull-image': return void puller.pull(msg.reference);
    case 'load-policy': return loadPolicy(msg.url);
    case 'run': return void run(msg);
    case 'input': return input.push(msg.data);
    case 'ack': return output.ack(msg.bytes);
    case 'persist': return void persistence?.save();
    case 'marks': return post({ type: 'marks', marks: marks() });
    case 'bridge': return serveBridge(msg.port, kernel.net);
    case 'resize':
      size = { rows: msg.rows, cols: msg.cols };
      return kernel.boot.resizeConsole(msg.rows, msg.cols);
  }
});
