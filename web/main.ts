// The page: a terminal. Checks cross-origin isolation, boots the kernel in a Web
// Worker (kernel/host/browser/client.ts), has it load the root image (sh and the
// utilities, listed in rootfs.json by vite.config.ts) and runs a login shell in
// /root on the kernel's console PTY, which an xterm.js terminal filling the
// window is the master of: keys go in as typed, output is written as it comes,
// the window size follows the page's. The status line over the terminal
// shows the image's loading progress, errors and the shell's exit, and the
// progress of the pulls the terminal's `image pull` and `image run` make.
// With ?image=REF the page runs a container instead: the kernel worker pulls
// REF (or finds it in the IndexedDB image store), the status line shows each
// layer's progress, and the image's command runs on the terminal (a shell
// image gives an interactive shell inside the container). docs/IMAGES.md
// ("The page") tells how registries are reached.
// The root file system's writable part (/root and anything else not under the
// image's directories, /tmp or /proc) is kept in IndexedDB across reloads:
// snapshots soon after changes and when the page is hidden or left
// (kernel/host/browser/persist.ts); ?persist=0 neither restores nor saves it,
// ?fresh forgets it and starts empty. docs/IMAGES.md ("Persistence").
// Images are pulled and run under the image policy served beside the page
// (policy.json and tabkernel-capabilities.json; docs/POLICY.md): the
// terminal's first lines say which applies, and the status line's
// data-policy holds it for automation.
// docs/TERMINAL.md tells how the pieces connect.
// `window.tabkernel` is `{ terminal, kernel, BrowserKernel }` for automation
// (test/e2e): the xterm Terminal, the page's kernel, and the class, to start a
// kernel of one's own for one-off programs while the shell holds this one.
import type { Terminal } from '@xterm/xterm';
import { BrowserKernel } from '../kernel/host/browser/client.js';
import { parseSize } from '../kernel/mm/budget.js';
import type { ImageNotice, PersistNotice, PolicyNotice, ProcessPullNotice, PulledImage, PullNotice } from '../kernel/host/browser/messages.js';
import type { LayerUpdate } from '../kernel/image/progress.js';
import { registerServiceWorker, serveServiceWorkerBridge } from './serviceworker.js';
import { showBuiltinImages } from './builtin.js';

declare global {
  interface Window {
    tabkernel?: { terminal: Terminal; kernel: BrowserKernel; BrowserKernel: typeof BrowserKernel };
  }
}

/**
 * The login shell: interactive because its stdin and stderr are the PTY. Its
 * PATH is the default (abi/messages.ts DEFAULT_PATH). TABKERNEL_PORT_URL is
 * where the service worker bridges a guest's port (sw/bridge.ts): servers
 * such as httpd print the URL to open with it.
 */
const SHELL = {
  argv: ['sh'],
  env: [
    'HOME=/root', 'TERM=xterm-256color', 'USER=root', 'PS1=\x1b[1;32mtabkernel\x1b[0m$ ',
    `TABKERNEL_PORT_URL=${new URL(`${import.meta.env.BASE_URL}port/`, location.href).href}`,
  ],
  cwd: '/root',
};

/** A performance mark set when the shell's first output (its prompt) is on the screen. */
const PROMPT_MARK = 'tabkernel:first-prompt';

const statusEl = document.getElementById('status')!;

/** The status line; `state` (data-state) tells automation where the page is. */
function setStatus(state: 'loading' | 'running' | 'exited' | 'error' | 'not-isolated', text: string): void {
  statusEl.textContent = text;
  statusEl.dataset.state = state;
  statusEl.classList.toggle('error', state === 'error' || state === 'not-isolated');
}

const mb = (n: number): string => (n / 1e6).toFixed(1);

function imageStatus(p: ImageNotice): void {
  if (p.error) setStatus('error', `could not load the root image: ${p.error}`);
  else if (p.done) setStatus('running', '');
  else setStatus('loading', `loading the root image: ${p.files}/${p.totalFiles} files, ${mb(p.bytes)} of ${mb(p.totalBytes)} MB`);
}

/** A pull's progress as the status line says it: "…" before the first layer, then each layer's bytes of its total and rate. */
function layerText(l: LayerUpdate | undefined): string {
  if (!l) return '…';
  const which = `layer ${l.index + 1}/${l.count}`;
  return l.cached ? `: ${which} already stored` : `: ${which}, ${mb(l.done)} of ${mb(l.total)} MB, ${mb(l.rate)} MB/s`;
}

/** Progress of the page's pull (?image=) on the status line: the route, then each layer. */
function pullStatus(reference: string): (n: PullNotice) => void {
  let via = '';
  return (n) => {
    if (n.route) {
      via = n.route === 'direct' ? ' (direct)' : ' (through the registry proxy)';
      statusEl.dataset.route = n.route;
    }
    setStatus('loading', `pulling ${reference}${via}${layerText(n.layer)}`);
  };
}

/**
 * Pulls the terminal's processes make (`image pull`, `image run`): while any
 * goes, the status line shows the one last heard from, and data-pull its
 * reference; when the last ends (done or failed) the status line is as it was.
 * The terminal shows the process's own progress and errors.
 */
function processPullStatus(): (n: ProcessPullNotice) => void {
  const going = new Map<number, string>();
  let before = { text: '', error: false };
  const show = (text: string, error: boolean): void => {
    statusEl.textContent = text;
    statusEl.classList.toggle('error', error);
  };
  return (n) => {
    if (n.end) {
      if (!going.delete(n.pid)) return;
    } else {
      if (going.size === 0) before = { text: statusEl.textContent ?? '', error: statusEl.classList.contains('error') };
      going.set(n.pid, `pulling ${n.reference}${layerText(n.layer)}`);
      statusEl.dataset.pull = n.reference;
    }
    const latest = n.end ? [...going.values()].at(-1) : going.get(n.pid);
    if (latest !== undefined) return show(latest, false);
    delete statusEl.dataset.pull;
    show(before.text, before.error);
  };
}

/**
 * The root file system's snapshots: the last generation saved (restored) in
 * data-persisted (data-restored) for automation; a failure on the status line.
 */
function persistStatus(n: PersistNotice): void {
  if (n.restored) statusEl.dataset.restored = String(n.restored.generation);
  if (n.saved) statusEl.dataset.persisted = String(n.saved.generation);
  const failed = n.restored?.failed ?? [];
  const why = n.error ?? (failed.length > 0 ? `${failed.length} files could not be restored: ${failed.join(', ')}` : '');
  if (!why) return;
  console.warn(`tabkernel: ${why}`);
  statusEl.textContent = `tabkernel: ${why}`;
  statusEl.classList.add('error');
}

/** ?persist=0: not kept; ?fresh: forget what was kept and start empty. */
function persistMode(q: URLSearchParams): 'on' | 'off' | 'fresh' {
  if (q.get('persist') === '0' || q.get('persist') === 'off') return 'off';
  return q.has('fresh') ? 'fresh' : 'on';
}

/** Ask once that the browser keep the image store and the root file system under storage pressure (only a page may ask). */
function requestPersistence(): void {
  const storage = navigator.storage;
  if (!storage?.persist) return;
  void storage.persisted().then((yes) => yes || storage.persist()).catch(() => false);
}

/**
 * The image policy in force, on the terminal (dim; red when it could not be
 * loaded: then no image is pulled) and in data-policy (data-policy-error).
 */
function showPolicy(term: Terminal, n: PolicyNotice): void {
  if (n.error !== undefined) {
    statusEl.dataset.policyError = n.error;
    term.write(`\x1b[31mtabkernel: ${n.error}; no image will be pulled\x1b[0m\r\n`);
    return;
  }
  statusEl.dataset.policy = n.summary ?? '';
  term.write(`\x1b[2mtabkernel: image policy: ${n.summary}\x1b[0m\r\n`);
}

/** ?image=REF: pull REF and run its command in a container on the terminal. */
async function runImage(kernel: BrowserKernel, term: Terminal, reference: string, policy: Promise<PolicyNotice>): Promise<void> {
  requestPersistence();
  showPolicy(term, await policy);
  setStatus('loading', `pulling ${reference}…`);
  let pulled: PulledImage;
  try {
    pulled = await kernel.pullImage(reference, pullStatus(reference));
  } catch (e) {
    const why = `cannot run ${reference}: ${e instanceof Error ? e.message : String(e)}`;
    term.write(`\x1b[31mtabkernel: ${why}\x1b[0m\r\n`);
    statusEl.dataset.exit = 'error';
    setStatus('error', why);
    return;
  }
  const { image, command, bytes, seconds } = pulled;
  const summary = bytes > 0
    ? `pulled ${reference}: ${mb(bytes)} MB in ${seconds.toFixed(2)} s, ${mb(bytes / Math.max(seconds, 1e-3))} MB/s`
    : `${reference}: from the image store`;
  statusEl.dataset.pulled = JSON.stringify({ bytes, seconds });
  setStatus('running', summary);
  setTimeout(() => statusEl.textContent === summary && setStatus('running', ''), 5000);
  term.write(`\x1b[2mtabkernel: ${image.reference}: ${command.argv.join(' ')}\x1b[0m\r\n`);
  // A terminal is attached, as `docker run -t` gives TERM when the image has none.
  const env = command.env.some((e) => e.startsWith('TERM=')) ? command.env : [...command.env, 'TERM=xterm-256color'];
  const exit = await kernel.run({ argv: command.argv, env, cwd: command.cwd, image, tty: { rows: term.rows, cols: term.cols } });
  const how = exit.error ? `${exit.error} (status ${exit.status})` : `exit status ${exit.status}`;
  term.write(`\r\n\x1b[2m[the container has exited: ${how}]\x1b[0m\r\n`);
  statusEl.dataset.exit = String(exit.status);
  setStatus(exit.error ? 'error' : 'exited', `The container has exited (${how}). Reload the page to run ${reference} again.`);
}

/**
 * xterm.js and its style sheet, imported here rather than with the page's
 * script: the page's script is then small and waits for no style sheet, and
 * the kernel worker it starts boots while xterm.js loads (boot.prompt,
 * docs/BENCHMARKS.md).
 */
async function openTerminal(): Promise<Terminal> {
  const [{ Terminal }, { FitAddon }] = await Promise.all([
    import('@xterm/xterm'), import('@xterm/addon-fit'), import('@xterm/xterm/css/xterm.css'),
  ]);
  const term = new Terminal({
    cursorBlink: true,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
    fontSize: 14,
    scrollback: 5000,
    theme: { background: '#101010' },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(document.getElementById('terminal')!);
  fit.fit();
  new ResizeObserver(() => fit.fit()).observe(document.getElementById('terminal')!);
  term.focus();
  return term;
}

async function main(): Promise<void> {
  if (!self.crossOriginIsolated) {
    setStatus(
      'not-isolated',
      'This page is not cross-origin isolated, so SharedArrayBuffer is unavailable and ' +
        'tabkernel cannot run. Serve it with the headers Cross-Origin-Opener-Policy: same-origin ' +
        'and Cross-Origin-Embedder-Policy: require-corp (npm start does).',
    );
    statusEl.dataset.isolated = 'false';
    document.getElementById('terminal')!.hidden = true;
    return;
  }
  statusEl.dataset.isolated = 'true';
  void registerServiceWorker(import.meta.env.BASE_URL);
  // The built-in images' links, from their layouts (web/builtin.ts); root's alone until then.
  const nav = document.getElementById('images');
  if (nav) void showBuiltinImages(nav, import.meta.env.BASE_URL).catch((e: unknown) => console.warn(`tabkernel: no list of built-in images: ${String(e)}`));

  // ?memory=SIZE and ?tmp-size=SIZE (e.g. 3G): the kernel's memory budget and the size of /tmp;
  // ?trace: every system call on the console (TABKERNEL_TRACE in Node).
  // The kernel worker first, with what it is to load: it boots and reads the
  // root image while xterm.js loads and the terminal opens.
  const q = new URLSearchParams(location.search);
  const size = (key: string): number | undefined => parseSize(q.get(key) ?? '') ?? undefined;
  const kernel = new BrowserKernel({
    memory: size('memory'), tmpSize: size('tmp-size'), trace: q.has('trace'), persist: persistMode(q),
    images: new URL(`${import.meta.env.BASE_URL}images/`, location.href).href,
  });
  performance.mark('tabkernel:kernel-created');
  // /port/N/… reaches this kernel's guests through the service worker.
  serveServiceWorkerBridge(kernel);
  // The last changes are saved when the page is hidden or left (the timer may not have come round).
  kernel.onPersist(persistStatus);
  kernel.onProcessPull(processPullStatus());
  addEventListener('pagehide', () => kernel.persistNow());
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && kernel.persistNow());
  const image = q.get('image');
  if (image === null) {
    kernel.onImage(imageStatus);
    kernel.loadImage(new URL(`${import.meta.env.BASE_URL}rootfs.json`, location.href));
    setStatus('loading', 'loading the root image…');
  }
  // The policy before any pull: every pull after this message is under it.
  const policy = kernel.loadPolicy(new URL(`${import.meta.env.BASE_URL}policy.json`, location.href));

  const term = await openTerminal();
  performance.mark('tabkernel:terminal-open');
  window.tabkernel = { terminal: term, kernel, BrowserKernel };

  // The PTY's output (the kernel's host stdout) → the screen, acknowledged once
  // drawn so that a fast writer waits for the screen; keys → the PTY.
  // The login shell's first output is its prompt: marked once drawn, for the
  // boot.prompt benchmark (test/e2e/bench.js).
  let prompted = false;
  kernel.onOutput((_fd, data) => term.write(data, () => {
    kernel.ack(data.length);
    if (!prompted) {
      prompted = true;
      performance.mark(PROMPT_MARK);
    }
  }));
  term.onData((text) => kernel.input(text));
  // Some mouse reports are bytes, not text: one byte per char code.
  term.onBinary((text) => kernel.input(Uint8Array.from(text, (c) => c.charCodeAt(0))));
  term.onResize(({ rows, cols }) => kernel.resize(rows, cols));

  if (image !== null) return runImage(kernel, term, image.trim(), policy);

  requestPersistence();
  term.write('\x1b[2mtabkernel: sh and the programs in /bin (ls /bin), on a kernel in this tab\x1b[0m\r\n');
  // The policy's line is written when it comes, before the shell's first
  // output: the kernel worker starts a run once the policy asked for is in.
  void policy.then((n) => showPolicy(term, n));
  const exit = await kernel.run({ ...SHELL, tty: { rows: term.rows, cols: term.cols } });
  const how = exit.error ? `${exit.error} (status ${exit.status})` : `exit status ${exit.status}`;
  term.write(`\r\n\x1b[2m[the shell has exited: ${how}]\x1b[0m\r\n`);
  statusEl.dataset.exit = String(exit.status);
  setStatus(exit.error ? 'error' : 'exited', `The shell has exited (${how}). Reload the page for a new one.`);
}

main().catch((e: unknown) => {
  statusEl.dataset.exit = 'error';
  setStatus('error', `tabkernel failed: ${e instanceof Error ? e.message : String(e)}`);
});
