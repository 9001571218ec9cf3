// The page itself: isolation, boot to a prompt, the shell's exit, the dev server,
// and the refusal to run without isolation headers.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from '../harness.js';
import { command, openPage, openTerminal, RUN_TIMEOUT_MS, COMMAND_TIMEOUT_MS, screen, type } from '../terminal.js';

test('the page is cross-origin isolated under vite preview', async (ctx) => {
  const page = await openPage(ctx, ctx.isolatedUrl);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(await page.evaluate(() => typeof SharedArrayBuffer), 'function');
  await page.close();
});

test('the page loads the root image and shows a shell prompt in /root', async (ctx) => {
  const page = await openTerminal(ctx);
  assert.equal(await page.evaluate(() => document.getElementById('status').dataset.state), 'running');
  assert.equal(await command(page, 'pwd'), '/root\n');
  assert.equal(await command(page, 'echo $HOME $TERM'), '/root xterm-256color\n');
  const bin = (await command(page, 'ls /bin')).split(/\s+/);
  for (const name of ['sh', 'cat', 'stty', 'yes']) assert.ok(bin.includes(name), `ls /bin: no ${name} in ${bin.join(' ')}`);
  await page.screenshot(join(ctx.resultsDir, `e2e-terminal-${ctx.browser.name}.png`));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('the dev server (npm start) serves the page isolated and its shell runs commands', async (ctx) => {
  const page = await openTerminal(ctx, ctx.devUrl);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(await command(page, 'echo hello | tr a-z A-Z'), 'HELLO\n');
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('when the shell exits the page says so', async (ctx) => {
  const page = await openTerminal(ctx);
  await type(page, 'exit 3');
  await page.waitForSelector('#status[data-exit]', COMMAND_TIMEOUT_MS);
  assert.equal(await page.evaluate(() => document.getElementById('status').dataset.exit), '3');
  assert.match(await page.evaluate(() => document.getElementById('status').textContent), /shell has exited \(exit status 3\)/);
  assert.match(await screen(page), /\[the shell has exited: exit status 3\]$/);
  await page.close();
});

test('without isolation headers the page says it cannot run', async (ctx) => {
  const page = await openPage(ctx, ctx.plainUrl);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
  await page.waitForSelector('#status[data-isolated="false"]', RUN_TIMEOUT_MS);
  assert.match(await page.evaluate(() => document.getElementById('status').textContent), /not cross-origin isolated/);
  assert.equal(await page.evaluate(() => window.tabkernel), undefined);
  await page.screenshot(join(ctx.resultsDir, `e2e-not-isolated-${ctx.browser.name}.png`));
  await page.close();
});
