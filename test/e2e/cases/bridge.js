// The service worker's HTTP bridge (sw/bridge.ts, kernel/host/browser/bridge.ts):
// `httpd` started in the page's terminal answers fetches of /port/8080/… —
// from the page, from a second tab, in an <iframe> rendering its HTML page
// (cross-origin isolated like the page), a 1.1 MB file whole — the service
// worker stopped by the browser (the DevTools protocol's
// ServiceWorker.stopAllWorkers) finds the kernel again at the next fetch, and
// a port nobody listens on gives the 502 page naming the listening ones.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from '../harness.js';
import { command, openTerminal, RUN_TIMEOUT_MS, type, waitForScreen } from '../terminal.js';

/** fetch(path) in `page`: status, a few headers, and the body's text (or its length and a digest for `big`). */
function fetchIn(page, path, init = {}) {
  return page.evaluate(async ({ path, init }) => {
    const r = await fetch(path, init);
    const bytes = new Uint8Array(await r.arrayBuffer());
    const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
    return {
      status: r.status,
      type: r.headers.get('content-type'),
      coep: r.headers.get('cross-origin-embedder-policy'),
      listening: r.headers.get('x-tabkernel-listening'),
      length: bytes.length,
      digest,
      text: bytes.length < 4096 ? new TextDecoder().decode(bytes) : '',
    };
  }, { path, init });
}

const controlled = (page) => page.waitFor(() => navigator.serviceWorker?.controller != null, null, RUN_TIMEOUT_MS);

test('bridge: httpd in the terminal answers /port/8080/ from the page, a second tab and an iframe, and after the service worker is stopped', async (ctx) => {
  const page = await openTerminal(ctx);
  await controlled(page);
  const origin = new URL(ctx.isolatedUrl).origin;
  await command(page, 'mkdir -p site && echo hello from the guest > site/file');
  await command(page, `printf '<!doctype html><title>guest</title><h1 id=h>served by httpd</h1>' > site/index.html`);
  await command(page, 'yes abcdefghij | head -n 100000 > site/big');
  await type(page, 'httpd -q -p 8080 site &');
  // httpd prints the URL to open: the page's bridge for port 8080.
  await waitForScreen(page, new RegExp(`${origin}/port/8080/`.replace(/[/.]/g, '\\$&')));

  // 1. From the page.
  const file = await fetchIn(page, '/port/8080/file');
  assert.deepEqual([file.status, file.text, file.coep], [200, 'hello from the guest\n', 'require-corp']);
  const big = await fetchIn(page, '/port/8080/big');
  assert.equal(big.status, 200);
  assert.equal(big.length, 1_100_000);
  const expected = await page.evaluate(async () => {
    const line = new TextEncoder().encode('abcdefghij\n');
    const all = new Uint8Array(line.length * 100000);
    for (let i = 0; i < 100000; i++) all.set(line, i * line.length);
    return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', all)), (b) => b.toString(16).padStart(2, '0')).join('');
  });
  assert.equal(big.digest, expected);
  // httpd knows GET and HEAD: a POST reaches it, body and all, and gets its 405.
  assert.equal((await fetchIn(page, '/port/8080/file', { method: 'POST', body: 'x=1' })).status, 405);

  // 2. An iframe rendering the guest's page, isolated like the page around it.
  const frame = await page.evaluate(async () => {
    const iframe = document.createElement('iframe');
    iframe.src = '/port/8080/';
    const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
    document.body.append(iframe);
    await loaded;
    const doc = iframe.contentDocument;
    const result = { heading: doc?.getElementById('h')?.textContent ?? null, title: doc?.title, isolated: iframe.contentWindow?.crossOriginIsolated };
    iframe.remove();
    return result;
  });
  assert.deepEqual(frame, { heading: 'served by httpd', title: 'guest', isolated: true });

  // 3. A second tab: the guest's page itself, and a fetch from it.
  const tab = await ctx.browser.newPage();
  try {
    await tab.goto(`${origin}/port/8080/`);
    assert.equal(await tab.evaluate(() => document.getElementById('h')?.textContent), 'served by httpd');
    assert.equal(await tab.evaluate(() => self.crossOriginIsolated), true);
    assert.equal((await fetchIn(tab, '/port/8080/file')).text, 'hello from the guest\n');
  } finally {
    await tab.close();
  }

  // 4. The browser stops the service worker; the next fetch starts it, and it finds the kernel again.
  if (ctx.browser.stopServiceWorkers) {
    // The restarted service worker knows no kernel: it offers the page a new port (counted here).
    await page.evaluate(() => {
      window.__offers = 0;
      navigator.serviceWorker.addEventListener('message', (e) => e.data?.type === 'tabkernel-bridge' && window.__offers++);
    });
    await ctx.browser.stopServiceWorkers();
    assert.equal((await fetchIn(page, '/port/8080/file')).text, 'hello from the guest\n');
    assert.equal(await page.evaluate(() => window.__offers), 1);
  } else {
    console.log(`       (${ctx.browser.name}: the driver cannot stop service workers; the restart is tested in chromium)`);
  }

  // 5. Nobody on port 9: the 502 page names the port that has a listener.
  const none = await fetchIn(page, '/port/9/');
  assert.equal(none.status, 502);
  assert.match(none.text, /Nothing listens on port 9/);
  assert.equal(none.listening, '8080');
  assert.equal(none.coep, 'require-corp');

  await page.screenshot(join(ctx.resultsDir, `e2e-bridge-${ctx.browser.name}.png`));
  // httpd's URL came after the prompt: the next command line follows no prompt of its own.
  await type(page, 'kill %1');
  await waitForScreen(page, /Terminated/);
  // The browser logs the 405 and the 502 it was given; nothing else went wrong.
  assert.deepEqual(page.problems.filter((p) => !/status of (405|502)/.test(p)), []);
  await page.close();
});
