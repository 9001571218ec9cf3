// The service worker's offline boot (sw/offline.ts): a page that loaded once
// boots again with the network off, from the service worker's cache, still
// cross-origin isolated, and its shell runs commands. The case uses an origin
// of its own (a second `vite preview` of the build): a service worker of its
// own, from its first visit, and a server it can stop — then nothing but the
// service worker can answer. In Chromium the browser is also set offline.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from '../harness.js';
import { command, openTerminal, RUN_TIMEOUT_MS } from '../terminal.js';

/** Resolves once the page's service worker is active and controls the page (its install has precached the build). */
const controlled = (page) => page.waitFor(() => navigator.serviceWorker?.controller != null, null, RUN_TIMEOUT_MS);

test('a page that loaded once boots from the service worker with the network off, and its shell runs commands', async (ctx) => {
  const server = await ctx.startPreview();
  let serverUp = true;
  let offline = null;
  try {
    // 1. One visit online: the service worker installs (precaching the build) and takes the page.
    const first = await openTerminal(ctx, server.url);
    await controlled(first);
    assert.equal(await command(first, 'echo online'), 'online\n');
    await first.close();

    // 2. The network off: the server gone, and in Chromium the browser offline too.
    await server.close();
    serverUp = false;
    const page = await openTerminal(ctx, server.url, async (p) => {
      offline = p;
      await p.setOffline(true).catch((e) => console.log(`       (${ctx.browser.name}: no offline emulation: ${e.message}; the stopped server is the test)`));
    });
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL.endsWith('/sw.js')), true);
    assert.equal(await command(page, 'echo offline | tr a-z A-Z'), 'OFFLINE\n');
    assert.match(await command(page, 'ls /bin'), /\bcat\b/);
    // The image policy beside the page was cached at install: the page knows it, no error.
    const status = await page.evaluate(() => ({ ...document.getElementById('status').dataset }));
    assert.equal(status.policyError, undefined);
    assert.match(status.policy ?? '', /built-in|policy/);
    await page.screenshot(join(ctx.resultsDir, `e2e-offline-${ctx.browser.name}.png`));
    assert.deepEqual(page.problems, []);
  } finally {
    await offline?.setOffline(false).catch(() => {});
    await offline?.close();
    if (serverUp) await server.close();
  }
});
