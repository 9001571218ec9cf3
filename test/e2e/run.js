// End-to-end: the page in a real Chromium. Builds the page with Vite (dist-web/),
// serves it with `vite preview` on a free loopback port (cross-origin isolated by
// vite.config.ts) and under the dev server (`npm start`), and, for the negative case, with a bare static server that sends
// no isolation headers; drives Debian's chromium through playwright-core.
// A tiny runner: each test is a named async function; the last line printed is
// `N passed, N failed`, and the exit status is non-zero on any failure.
// Usage: node test/e2e/run.js   (npm run test:e2e)
import { mkdtemp, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { build, createServer as createViteServer, preview } from 'vite';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const outDir = join(root, 'dist-web');
const resultsDir = join(root, 'test-results');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
/** How long the page may take to boot the kernel and run a program. */
const RUN_TIMEOUT_MS = 30_000;

// ---- the runner ---------------------------------------------------------------

const tests = [];
function test(name, fn) {
  tests.push({ name, fn });
}

async function runAll(ctx) {
  let passed = 0;
  let failed = 0;
  for (const { name, fn } of tests) {
    const t0 = Date.now();
    try {
      await fn(ctx);
      passed++;
      console.log(`  ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`  FAIL ${name}\n${indent(e instanceof Error ? e.stack ?? e.message : String(e))}`);
    }
  }
  return { passed, failed };
}

function indent(text) {
  return text.split('\n').map((l) => `       ${l}`).join('\n');
}

// ---- fixtures -----------------------------------------------------------------

/** A static server for dist-web/ that sends no isolation headers. */
function startPlainServer() {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(outDir, path === sep ? 'index.html' : path);
    if (!file.startsWith(outDir + sep)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/** Open a fresh page, collecting its console errors and uncaught exceptions. */
async function openPage(ctx, url) {
  const page = await ctx.browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await page.goto(url);
  return { page, problems };
}

/** Wait until the demo program has exited (#status gets data-exit). */
async function waitForExit(page) {
  await page.waitForSelector('#status[data-exit]', { timeout: RUN_TIMEOUT_MS });
  return page.evaluate(() => ({
    exit: document.getElementById('status').dataset.exit,
    status: document.getElementById('status').textContent,
    stdout: document.getElementById('output').textContent,
    stderr: document.getElementById('stderr').textContent,
  }));
}

/** Run `wasm` through the page's kernel; its exit notice and decoded output. */
function runInPage(page, wasm, argv, env = []) {
  return page.evaluate(
    async ({ bytes, argv, env }) => {
      const { kernel } = window.tabkernel;
      const out = { 1: '', 2: '' };
      const decoder = { 1: new TextDecoder(), 2: new TextDecoder() };
      const stop = kernel.onOutput((fd, data) => (out[fd] += decoder[fd].decode(data, { stream: true })));
      const exit = await kernel.run({ wasm: new Uint8Array(bytes), argv, env });
      stop();
      return { status: exit.status, error: exit.error ?? '', stdout: out[1], stderr: out[2] };
    },
    { bytes: [...wasm], argv, env },
  );
}

// ---- the tests ----------------------------------------------------------------

test('the page is cross-origin isolated under vite preview', async (ctx) => {
  const { page } = await openPage(ctx, ctx.isolatedUrl);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(await page.evaluate(() => typeof SharedArrayBuffer), 'function');
  await page.close();
});

test('the demo program prints to stdout and stderr and exits with status 0', async (ctx) => {
  const { page, problems } = await openPage(ctx, ctx.isolatedUrl);
  const seen = await waitForExit(page);
  await page.screenshot({ path: join(resultsDir, 'e2e-hello.png') });
  assert.deepEqual(seen, {
    exit: '0',
    status: 'exit status 0',
    stdout: 'hello from hello\n',
    stderr: 'argc=1\n',
  });
  assert.deepEqual(problems, []);
  await page.close();
});

test('window.tabkernel.kernel runs another program on request', async (ctx) => {
  const { page } = await openPage(ctx, ctx.isolatedUrl);
  await waitForExit(page);
  const result = await runInPage(page, ctx.helloWasm, ['again', 'with', 'args']);
  assert.deepEqual(result, { status: 0, error: '', stdout: 'hello from again\n', stderr: 'argc=3\n' });
  await page.close();
});

test('test programs run in Chromium as in Node: args, env, clocks, random, stdin EOF, traps', async (ctx) => {
  const { page } = await openPage(ctx, ctx.isolatedUrl);
  await waitForExit(page);
  const bin = (name) => readFile(join(root, 'test/programs/bin', name));

  // The contract of test/programs/clock_random_args.c (see its header).
  const clocks = await runInPage(page, await bin('clock_random_args.wasm'),
    ['clock_random_args.wasm', 'one', 'two words', '', 'ünï'],
    ['TK_A=1', 'TK_B=x=y', 'TK_EMPTY=', 'TK_NL=a\nb']);
  assert.equal(clocks.status, 0, clocks.stdout + clocks.stderr + clocks.error);
  assert.doesNotMatch(clocks.stdout, /^FAIL/m);
  assert.match(clocks.stdout, /^PASSED: \d+ checks, 0 failed$/m);

  // The page's stdin is at end of file: cat copies nothing and succeeds.
  const cat = await runInPage(page, await bin('stdio.wasm'), ['stdio.wasm', 'cat']);
  assert.deepEqual(cat, { status: 0, error: '', stdout: '', stderr: '' });

  // A trap ends the process with 134 and says why; output before it survives.
  const trap = await runInPage(page, await bin('trap.wasm'), ['trap.wasm', 'unreachable']);
  assert.equal(trap.status, 134);
  assert.equal(trap.stdout, 'ok before-trap\n');
  assert.match(trap.error, /unreachable/);
  await page.close();
});

test('the dev server (npm start) serves the page isolated and it runs the demo', async (ctx) => {
  const { page, problems } = await openPage(ctx, ctx.devUrl);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  const seen = await waitForExit(page);
  assert.deepEqual(seen, { exit: '0', status: 'exit status 0', stdout: 'hello from hello\n', stderr: 'argc=1\n' });
  assert.deepEqual(problems, []);
  await page.close();
});

test('without isolation headers the page says it cannot run', async (ctx) => {
  const { page } = await openPage(ctx, ctx.plainUrl);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
  await page.waitForSelector('#status[data-isolated="false"]', { timeout: RUN_TIMEOUT_MS });
  const text = await page.textContent('#status');
  assert.match(text, /not cross-origin isolated/);
  assert.equal(await page.evaluate(() => window.tabkernel), undefined);
  await page.screenshot({ path: join(resultsDir, 'e2e-not-isolated.png') });
  await page.close();
});

// ---- main ---------------------------------------------------------------------

async function main() {
  await stat(chromiumPath).catch(() => {
    throw new Error(`no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  });
  await mkdir(resultsDir, { recursive: true });

  console.log('e2e: vite build');
  await build({ root, logLevel: 'warn', build: { outDir } });
  const previewServer = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
  });
  const devServer = await createViteServer({
    root,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false },
  });
  await devServer.listen();
  const plainServer = await startPlainServer();
  const userDataDir = await mkdtemp(join(tmpdir(), 'tabkernel-e2e-'));
  let browser;
  try {
    const address = previewServer.httpServer.address();
    const ctx = {
      isolatedUrl: `http://127.0.0.1:${address.port}/`,
      devUrl: `http://127.0.0.1:${devServer.httpServer.address().port}/`,
      plainUrl: `http://127.0.0.1:${plainServer.address().port}/`,
      helloWasm: await readFile(join(root, 'web/programs/hello.wasm')),
      browser: null,
    };
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
    });
    ctx.browser = browser;
    console.log(`e2e: chromium ${browser.browser()?.version() ?? ''} against ${ctx.isolatedUrl}`);
    return await runAll(ctx);
  } finally {
    await browser?.close();
    await previewServer.close();
    await devServer.close();
    await new Promise((ok) => plainServer.close(ok));
    await rm(userDataDir, { recursive: true, force: true });
  }
}

/** The whole run's limit: a hung browser or server must still end in a count. */
const WATCHDOG_MS = 5 * 60_000;
setTimeout(() => {
  console.log(`e2e: still running after ${WATCHDOG_MS / 1000} s; giving up`);
  console.log(`0 passed, ${tests.length} failed`);
  process.exit(1);
}, WATCHDOG_MS).unref();

let summary = { passed: 0, failed: tests.length };
try {
  summary = await main();
} catch (e) {
  console.log(`e2e: could not run: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
}
console.log(`${summary.passed} passed, ${summary.failed} failed`);
process.exit(summary.failed === 0 && summary.passed > 0 ? 0 : 1);
