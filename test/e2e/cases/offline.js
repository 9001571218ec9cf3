// The service worker's offline boot (sw/offline.ts): a page that loaded once
// boots again with the network off, from the service worker's cache, still
// cross-origin isolated, and its shell runs commands. The case uses an origin
// of its own (a second `vite preview` of the build): a service worker of its
// own, from its first visit, and a server it can stop — then nothing but the
// service worker can answer; the browser is also set offline. An image
// pulled once (/?image=REF) runs offline too, from the IndexedDB store.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from '../harness.js';
import { command, openReaderPage, openTerminal, RUN_TIMEOUT_MS, screen } from '../terminal.js';
import { imageUrl, registryWithImages } from './images.js';

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

test('an image pulled once runs offline: the page from the service worker, the image from IndexedDB', async (ctx) => {
  const server = await ctx.startPreview();
  const reg = await registryWithImages(ctx);
  let serverUp = true;
  let regUp = true;
  let offline = null;
  try {
    const url = imageUrl(server.url, `${reg.host}/tk/app:1`);
    const first = await openReaderPage(ctx, url);
    await first.waitForSelector('#status[data-exit]', RUN_TIMEOUT_MS);
    assert.equal(await first.evaluate(() => document.getElementById('status').dataset.exit), '0', await screen(first));
    await controlled(first);
    await first.close();

    await reg.stop();
    regUp = false;
    await server.close();
    serverUp = false;
    const page = await ctx.browser.newPage();
    offline = page;
    await page.setOffline(true).catch(() => {});
    await page.goto(url);
    await page.waitForSelector('#status[data-exit]', RUN_TIMEOUT_MS);
    const status = await page.evaluate(() => ({ ...document.getElementById('status').dataset, text: document.getElementById('status').textContent }));
    assert.equal(status.exit, '0', status.text);
    const text = await page.evaluate(() => {
      const b = window.tabkernel.terminal.buffer.active;
      let out = '';
      for (let y = 0; y < b.length; y++) out += b.getLine(y).translateToString(true) + '\n';
      return out;
    });
    assert.match(text, /hello from the image\nhi from the env\n/);
    assert.deepEqual(page.problems, []);
  } finally {
    await offline?.setOffline(false).catch(() => {});
    await offline?.close();
    if (regUp) await reg.stop();
    if (serverUp) await server.close();
  }
});
