// The benchmark page (web/bench.html): runs the suite (bench/core/suite.ts) in a
// Web Worker (bench/browser/suite-worker.ts) and shows the table and a chart of
// ratios. `?run=quick|full[&only=PREFIX,…][&load=N]` starts a run on load;
// `window.tabkernelBench` lets test/e2e/bench.js drive it and format the table.
import { table, ratio, REFERENCES } from '../bench/core/report.js';
import type { Result } from '../bench/core/stats.js';
import type { SuiteMessage, SuiteRequest } from '../bench/browser/suite-worker.js';
import { ProcessWorkers } from '../kernel/host/browser/process-workers.js';

interface Run {
  env: Record<string, unknown>;
  results: Result[];
}
declare global {
  interface Window {
    tabkernelBench?: { run(req: PageRequest): Promise<Run>; table(results: Result[], extra?: Result[]): string };
  }
}

const $ = (id: string) => document.getElementById(id)!;
const COLORS: Record<string, string> = { floor: '#6cf', futex: '#9c6', postMessage: '#fc6', 'node:wasi': '#c9f', browser_wasi_shim: '#c9f', native: '#f88' };

function setStatus(text: string, error = false): void {
  $('status').textContent = text;
  $('status').classList.toggle('error', error);
}

/** What the page asks for; it adds where the root image is. */
type PageRequest = Omit<SuiteRequest, 'image'>;

function run(req: PageRequest): Promise<Run> {
  const worker = new Worker(new URL('../bench/browser/suite-worker.ts', import.meta.url), { type: 'module' });
  // In Firefox the suite's kernels have the page start their process workers (page-workers.ts).
  const processWorkers = new ProcessWorkers((m, transfer = []) => worker.postMessage(m, transfer));
  $('log').textContent = '';
  setStatus(`running (${req.quick ? 'quick' : 'full'}${req.load ? `, syscall cases under ${req.load} busy workers` : ''})…`);
  return new Promise<Run>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<SuiteMessage>) => {
      if (processWorkers.receive(e.data)) return;
      const m = e.data;
      if ('log' in m) $('log').textContent += m.log + '\n';
      else if ('error' in m) reject(new Error(m.error));
      else resolve(m);
    };
    worker.onerror = (e) => reject(new Error(e.message || 'suite worker failed'));
    const full: SuiteRequest = { ...req, image: new URL(`${import.meta.env.BASE_URL}rootfs.json`, location.href).href };
    worker.postMessage(full);
  }).then(
    (r) => {
      worker.terminate();
      processWorkers.terminateAll();
      $('table').textContent = table(r.results);
      chart(r.results);
      setStatus(`done: ${r.results.length} results`);
      document.body.dataset.done = 'ok';
      return r;
    },
    (e: Error) => {
      worker.terminate();
      processWorkers.terminateAll();
      setStatus(`failed: ${e.message}`, true);
      document.body.dataset.done = 'error';
      throw e;
    },
  );
}

/** One bar per (case, reference): the ratio on a log scale from 0.1× to 10⁵×. */
function chart(results: Result[]): void {
  const svg = $('chart');
  const bars: Array<{ label: string; ref: string; r: number }> = [];
  for (const tk of results.filter((r) => r.subject === 'tabkernel')) {
    for (const ref of REFERENCES) {
      const other = results.find((r) => r.name === tk.name && r.subject === ref);
      if (other) bars.push({ label: `${tk.name} vs ${ref}`, ref, r: ratio(tk, other) });
    }
  }
  const row = 18, left = 230, width = 600, lo = -1, hi = 5;
  const x = (r: number) => left + ((Math.log10(Math.max(r, 10 ** lo)) - lo) / (hi - lo)) * width;
  const parts: string[] = [];
  bars.forEach((b, i) => {
    const y = 10 + i * row;
    parts.push(`<text x="0" y="${y + 12}">${b.label}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(b.r) - left)}" height="${row - 4}" fill="${COLORS[b.ref]}"/>`);
    parts.push(`<text x="${x(b.r) + 4}" y="${y + 12}">${b.r < 10 ? b.r.toFixed(2) : b.r.toFixed(0)}×</text>`);
  });
  const bottom = 10 + bars.length * row;
  for (let e = lo; e <= hi; e++) {
    parts.push(`<line x1="${x(10 ** e)}" x2="${x(10 ** e)}" y1="0" y2="${bottom}" stroke="${e === 0 ? '#fff' : '#444'}"/>`);
    parts.push(`<text x="${x(10 ** e) - 8}" y="${bottom + 14}">${e < 0 ? (10 ** e).toFixed(-e) : 10 ** e}×</text>`);
  }
  svg.setAttribute('height', String(bottom + 24));
  svg.innerHTML = parts.join('');
}

if (!self.crossOriginIsolated) {
  setStatus('This page is not cross-origin isolated: SharedArrayBuffer is unavailable (serve it with npm start).', true);
} else {
  window.tabkernelBench = { run, table };
  const load = () => Math.max(0, Math.floor(Number(($('load') as HTMLInputElement).value) || 0));
  $('quick').onclick = () => void run({ quick: true, only: [], load: load() }).catch(() => {});
  $('full').onclick = () => void run({ quick: false, only: [], load: load() }).catch(() => {});
  const q = new URLSearchParams(location.search);
  const mode = q.get('run');
  if (mode) void run({ quick: mode !== 'full', only: (q.get('only') ?? '').split(',').filter(Boolean), load: Number(q.get('load') ?? 0) }).catch(() => {});
}
