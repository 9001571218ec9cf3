// The page: checks cross-origin isolation, boots the kernel in a Web Worker
// (kernel/host/browser/client.ts) and runs the demo program, showing its stdout
// in #output, its stderr in #stderr and its exit status in #status.
// `window.tabkernel.kernel` is the BrowserKernel, for automation (test/e2e).
import { BrowserKernel } from '../kernel/host/browser/client.js';
import helloUrl from './programs/hello.wasm?url';

declare global {
  interface Window {
    tabkernel?: { kernel: BrowserKernel };
  }
}

const statusEl = document.getElementById('status')!;
const panels = { 1: document.getElementById('output')!, 2: document.getElementById('stderr')! };

function setStatus(text: string, error = false): void {
  statusEl.textContent = text;
  statusEl.classList.toggle('error', error);
}

async function main(): Promise<void> {
  if (!self.crossOriginIsolated) {
    setStatus(
      'This page is not cross-origin isolated, so SharedArrayBuffer is unavailable and ' +
        'tabkernel cannot run. Serve it with the headers Cross-Origin-Opener-Policy: same-origin ' +
        'and Cross-Origin-Embedder-Policy: require-corp (npm start does).',
      true,
    );
    statusEl.dataset.isolated = 'false';
    return;
  }
  statusEl.dataset.isolated = 'true';

  const kernel = new BrowserKernel();
  window.tabkernel = { kernel };
  const decoders = { 1: new TextDecoder(), 2: new TextDecoder() };
  kernel.onOutput((fd, data) => {
    panels[fd].textContent += decoders[fd].decode(data, { stream: true });
  });

  setStatus('running hello…');
  const response = await fetch(helloUrl);
  if (!response.ok) throw new Error(`fetching ${helloUrl}: HTTP ${response.status}`);
  const wasm = new Uint8Array(await response.arrayBuffer());
  const exit = await kernel.run({ wasm, argv: ['hello'] });
  for (const fd of [1, 2] as const) panels[fd].textContent += decoders[fd].decode();
  statusEl.dataset.exit = String(exit.status);
  setStatus(exit.error ? `exit status ${exit.status}: ${exit.error}` : `exit status ${exit.status}`, exit.status !== 0);
}

main().catch((e: unknown) => {
  statusEl.dataset.exit = 'error';
  setStatus(`tabkernel failed: ${e instanceof Error ? e.message : String(e)}`, true);
});
