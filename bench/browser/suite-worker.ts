// The suite's Web Worker: runs core/suite.ts on the browser platform when the
// page (web/bench.ts) asks, posting progress lines and then the results.
import { runSuite } from '../core/suite.js';
import { BrowserPlatform } from './platform.js';
import type { Result } from '../core/stats.js';

/** `image`: the URL of the root image's manifest (rootfs.json), as the page serves it. */
export type SuiteRequest = { quick: boolean; only: string[]; load: number; image: string };
export type SuiteMessage = { log: string } | { results: Result[]; env: Record<string, unknown> } | { error: string };

import { scope } from './scope.js';
import { isGecko, PageWorkers } from '../../kernel/host/browser/page-workers.js';
let platform: Promise<BrowserPlatform> | null = null;
/** In Firefox the page starts the kernels' process workers (page-workers.ts; web/bench.ts serves them). */
const workers = isGecko() ? new PageWorkers((m, transfer = []) => scope.postMessage(m, transfer)) : null;

scope.addEventListener('message', async (e: MessageEvent) => {
  if (workers?.receive(e.data)) return;
  const req = e.data as SuiteRequest;
  const post = (m: SuiteMessage) => scope.postMessage(m);
  try {
    platform ??= BrowserPlatform.create(req.image, workers, (l) => post({ log: l }));
    const p = await platform;
    const results = await runSuite(p, { quick: req.quick, only: req.only, load: req.load, log: (l) => post({ log: l }) });
    await p.cleanup();
    post({ results, env: { host: 'browser', userAgent: navigator.userAgent, cpus: navigator.hardwareConcurrency, date: new Date().toISOString(), quick: req.quick, load: req.load } });
  } catch (err) {
    post({ error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
  }
});
