// WASI programs run by a kernel of their own beside the page's shell
// (window.tabkernel.BrowserKernel), and the benchmark page's process cases.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from '../harness.js';
import { openTerminal, RUN_TIMEOUT_MS, runInPage } from '../terminal.js';

test('window.tabkernel.BrowserKernel runs a one-off program beside the shell', async (ctx) => {
  const page = await openTerminal(ctx);
  const result = await runInPage(page, ctx.helloWasm, ['again', 'with', 'args']);
  assert.deepEqual(result, { status: 0, error: '', stdout: 'hello from again\n', stderr: 'argc=3\n' });
  await page.close();
});

test('test programs run in the browser as in Node: args, env, clocks, random, stdin EOF, traps', async (ctx) => {
  const page = await openTerminal(ctx);
  const bin = (name) => readFile(join(ctx.root, 'test/programs/bin', name));

  // The contract of test/programs/clock_random_args.c (see its header).
  const clocks = await runInPage(page, await bin('clock_random_args.wasm'),
    ['clock_random_args.wasm', 'one', 'two words', '', 'ünï'],
    ['TK_A=1', 'TK_B=x=y', 'TK_EMPTY=', 'TK_NL=a\nb']);
  assert.equal(clocks.status, 0, clocks.stdout + clocks.stderr + clocks.error);
  assert.doesNotMatch(clocks.stdout, /^FAIL/m);
  assert.match(clocks.stdout, /^PASSED: \d+ checks, 0 failed$/m);

  // Without a terminal the page's stdin is at end of file: cat copies nothing and succeeds.
  const cat = await runInPage(page, await bin('stdio.wasm'), ['stdio.wasm', 'cat']);
  assert.deepEqual(cat, { status: 0, error: '', stdout: '', stderr: '' });

  // Each worker has its own performance.now() origin, yet CLOCK_MONOTONIC is one
  // clock: an absolute deadline beside an idle terminal (so the kernel decides
  // the poll) must wait as long as the process asked.
  const poll = await runInPage(page, await bin('poll.wasm'), ['poll.wasm', 'stdin-idle'], [], { rows: 24, cols: 80 });
  assert.equal(poll.status, 0, poll.stdout + poll.stderr + poll.error);
  assert.match(poll.stdout, /PASSED: 3 checks, 0 failed/);

  // A trap ends the process with 134 and says why; output before it survives.
  const trap = await runInPage(page, await bin('trap.wasm'), ['trap.wasm', 'unreachable']);
  assert.equal(trap.status, 134);
  assert.equal(trap.stdout, 'ok before-trap\n');
  assert.match(trap.error, /unreachable/);
  await page.close();
});

test('shared open files in the browser: offsets, stat, reads and writes answered in the processes (sharedfiles.c)', async (ctx) => {
  const page = await openTerminal(ctx);
  const prog = await readFile(join(ctx.root, 'test/programs/bin/sharedfiles.wasm'));
  // Guest memory is shared in the browser: what the runtime keys or decodes from it must be copied first.
  const r = await runInPage(page, prog, ['sharedfiles.wasm']);
  assert.equal(r.status, 0, r.stdout + r.stderr + r.error);
  assert.doesNotMatch(r.stdout, /^FAIL/m);
  assert.match(r.stdout, /^PASSED: 92 checks, 0 failed$/m);
  await page.close();
});

test('the benchmark page runs the process cases and the pipeline (web/bench.html)', async (ctx) => {
  const page = await ctx.browser.newPage();
  await page.goto(`${ctx.devUrl}web/bench.html`);
  await page.waitFor(() => window.tabkernelBench !== undefined, null, 30_000);
  const run = await Promise.race([
    page.evaluate(() => window.tabkernelBench.run({ quick: true, only: ['spawn', 'fork.1m', 'pipeline'] })),
    new Promise((_, fail) => setTimeout(() => fail(new Error('the benchmark run hung')), 4 * RUN_TIMEOUT_MS)),
  ]);
  const got = run.results.filter((r) => r.subject === 'tabkernel').map((r) => r.name).sort();
  const log = () => page.evaluate(() => document.getElementById('log').textContent);
  assert.deepEqual(got, ['fork.1m', 'pipeline', 'spawn.true'], `results: ${JSON.stringify(run.results)}\nlog: ${await log()}`);
  for (const r of run.results) assert.ok(r.median > 0 && r.samples > 0, JSON.stringify(r));
  assert.deepEqual(page.problems.filter((p) => p.startsWith('pageerror')), []);
  await page.close();
});
