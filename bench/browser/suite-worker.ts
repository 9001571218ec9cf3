// The suite's Web Worker: runs core/suite.ts on the browser platform when the
// page (web/bench.ts) asks, posting progress lines and then the results.
import { runSuite } from '../core/suite.js';
import { BrowserPlatform } from './platform.js';
import type { Result } from '../core/stats.js';

/** `image`: the URL of the root image's manifest (rootfs.json), as the page serves it. */
export type SuiteRequest = { quick: boolean; only: string[]; image: string };
export type SuiteMessage = { log: string } | { results: Result[]; env: Record<string, unknown> } | { error: string };

import { scope } from './scope.js';
let platform: Promise<BrowserPlatform> | null = null;

scope.addEventListener('message', async (e: MessageEvent) => {
  const req = e.data as SuiteRequest;
  const post = (m: SuiteMessage) => scope.postMessage(m);
  try {
    platform ??= BrowserPlatform.create(req.image);
    const p = await platform;
    const results = await runSuite(p, { quick: req.quick, only: req.only, log: (l) => post({ log: l }) });
    post({ results, env: { host: 'browser', userAgent: navigator.userAgent, cpus: navigator.hardwareConcurrency, date: new Date().toISOString(), quick: req.quick } });
  } catch (err) {
    post({ error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
  }
});
