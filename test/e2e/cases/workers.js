// Who starts the process workers: the kernel worker (nested workers, Chromium's
// default) or the page (kernel/host/browser/page-workers.ts, Firefox's: there a
// worker creating a worker deadlocked under a WebDriver BiDi session). Many
// short pipelines start and stop many workers, which is what hung.
import assert from 'node:assert/strict';
import { test } from '../harness.js';
import { openTerminal, RUN_TIMEOUT_MS } from '../terminal.js';

/** The modes a browser can run: nested workers deadlock Firefox under automation. */
const modes = (browser) => (browser === 'firefox' ? ['page'] : ['nested', 'page']);

/** Run `sh -c script` `n` times in a fresh kernel (with the root image) whose workers `mode` starts; each run's output. */
function loop(page, mode, script, n) {
  return page.evaluate(async ({ mode, script, n }) => {
    const kernel = new window.tabkernel.BrowserKernel({ workers: mode });
    kernel.loadImage(new URL('rootfs.json', location.href));
    let out = '';
    const decoder = new TextDecoder();
    kernel.onOutput((_fd, data) => {
      out += decoder.decode(data, { stream: true });
      kernel.ack(data.length);
    });
    const outputs = [];
    for (let i = 0; i < n; i++) {
      out = '';
      const exit = await kernel.run({ argv: ['sh', '-c', script], env: ['PATH=/bin'], cwd: '/' });
      outputs.push(`${exit.status} ${out}`);
    }
    kernel.terminate();
    return { workers: kernel.workers, outputs };
  }, { mode, script, n });
}

test('process workers: the page\'s kernel starts them as the browser needs (Firefox: from the page)', async (ctx) => {
  const page = await openTerminal(ctx);
  const expected = ctx.browser.name === 'firefox' ? 'page' : 'nested';
  assert.equal(await page.evaluate(() => window.tabkernel.kernel.workers), expected);
  await page.close();
});

test('process workers: 60 pipelines (yes | head -n 3) each print three lines, in every worker mode', async (ctx) => {
  const page = await openTerminal(ctx);
  for (const mode of modes(ctx.browser.name)) {
    const run = await Promise.race([
      loop(page, mode, 'yes | head -n 3', 60),
      new Promise((_, fail) => setTimeout(() => fail(new Error(`${mode} workers: 60 pipelines hung`)), 3 * RUN_TIMEOUT_MS)),
    ]);
    assert.equal(run.workers, mode);
    assert.deepEqual(run.outputs, Array(60).fill('0 y\ny\ny\n'), `${mode} workers`);
  }
  await page.close();
});

test('process workers: fork, exec and a killed child work when the page starts the workers', async (ctx) => {
  const page = await openTerminal(ctx);
  // A subshell forks; `exec` replaces it; a child killed by SIGKILL: its worker is stopped, the shell says so.
  const run = await loop(page, 'page', '(echo forked; exec echo execed); sh -c "kill -9 \\$\\$"; echo status $?', 1);
  assert.equal(run.workers, 'page');
  assert.deepEqual(run.outputs, ['0 forked\nexeced\nKilled\nstatus 137\n']);
  await page.close();
});
