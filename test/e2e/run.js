// End-to-end: the page in a real Chromium. Builds the page with Vite (dist-web/),
// serves it with `vite preview` on a free loopback port (cross-origin isolated by
// vite.config.ts) and under the dev server (`npm start`), and, for the negative case, with a bare static server that sends
// no isolation headers; drives Debian's chromium through playwright-core.
// A tiny runner: each test is a named async function; the last line printed is
// `N passed, N failed`, and the exit status is non-zero on any failure.
// Usage: node test/e2e/run.js [WORD]   (npm run test:e2e): only the tests whose name holds WORD, if given
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
const only = process.argv[2];
function test(name, fn) {
  if (!only || name.includes(only)) tests.push({ name, fn });
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

/** Run `wasm` in a kernel of its own (the page's holds the shell); its exit notice and decoded output. */
function runInPage(page, wasm, argv, env = [], tty = undefined) {
  return page.evaluate(
    async ({ bytes, argv, env, tty }) => {
      const kernel = new window.tabkernel.BrowserKernel();
      const out = { 1: '', 2: '' };
      const decoder = { 1: new TextDecoder(), 2: new TextDecoder() };
      kernel.onOutput((fd, data) => (out[fd] += decoder[fd].decode(data, { stream: true })));
      const exit = await kernel.run({ wasm: new Uint8Array(bytes), argv, env, tty });
      kernel.terminate();
      return { status: exit.status, error: exit.error ?? '', stdout: out[1], stderr: out[2] };
    },
    { bytes: [...wasm], argv, env, tty },
  );
}

// ---- the terminal -------------------------------------------------------------

/** The shell's prompt as the page sets PS1 (web/main.ts), as written and as shown. */
const PROMPT_RAW = '\x1b[1;32mtabkernel\x1b[0m$ ';
const PROMPT = 'tabkernel$ ';
/** How long a command at the prompt may take before a test gives up on it. */
const COMMAND_TIMEOUT_MS = 10_000;

/**
 * Installed in the page before its scripts. Prompts are counted in the output as
 * the kernel sends it (the screen's scrollback forgets old ones); the screen is
 * read through xterm's buffer: all of it (the scrollback and the screen, wrapped
 * lines joined, each line right-trimmed, trailing blank lines dropped), or the
 * last lines up to the cursor (the same way), cheap enough to poll.
 */
function installScreenReader(promptRaw) {
  window.__promptsSeen = 0;
  let tabkernel;
  Object.defineProperty(window, 'tabkernel', {
    configurable: true,
    get: () => tabkernel,
    set(value) {
      tabkernel = value;
      const decoder = new TextDecoder();
      let tail = '';
      value.kernel.onOutput((_fd, data) => {
        const text = tail + decoder.decode(data, { stream: true });
        window.__promptsSeen += text.split(promptRaw).length - 1;
        tail = text.slice(-(promptRaw.length - 1));
      });
    },
  });
  const lineText = (buffer, i) => buffer.getLine(i).translateToString(true).trimEnd();
  window.__screen = () => {
    const buffer = window.tabkernel?.terminal.buffer.active;
    if (!buffer) return '';
    const lines = [];
    for (let i = 0; i < buffer.length; i++) {
      const text = lineText(buffer, i);
      if (buffer.getLine(i).isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  };
  window.__tail = (n) => {
    const buffer = window.tabkernel?.terminal.buffer.active;
    if (!buffer) return '';
    const cursor = buffer.baseY + buffer.cursorY;
    const lines = [];
    for (let i = Math.max(0, cursor - n + 1); i <= cursor; i++) lines.push(lineText(buffer, i));
    return lines.join('\n').trimEnd();
  };
}

const screen = (page) => page.evaluate(() => window.__screen());
const prompts = (page) => page.evaluate(() => window.__promptsSeen);

/** Wait until `n` prompts have been written, the last one drawn and waiting for a command. */
function waitForPrompts(page, n, timeout = COMMAND_TIMEOUT_MS) {
  return page.waitForFunction(
    ({ p, n }) => window.__promptsSeen >= n && window.__tail(1) === p.trimEnd(),
    { p: PROMPT, n },
    { timeout, polling: 20 },
  );
}

/** Wait until the last lines of the screen, up to the cursor, match `re` (tested in the page). */
function waitForScreen(page, re, timeout = COMMAND_TIMEOUT_MS) {
  return page.waitForFunction(
    ({ source, flags }) => new RegExp(source, flags).test(window.__tail(40)),
    { source: re.source, flags: re.flags },
    { timeout, polling: 20 },
  );
}

/** Open the page and wait for the shell's first prompt. */
async function openTerminal(ctx, url = ctx.isolatedUrl) {
  const page = await ctx.browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await page.addInitScript(installScreenReader, PROMPT_RAW);
  await page.goto(url);
  await waitForPrompts(page, 1, RUN_TIMEOUT_MS);
  await page.click('#terminal');
  return { page, problems };
}

/** Type a command line as a person would and press Enter, without waiting. */
async function type(page, line) {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/**
 * Type `line`, wait for the next prompt and return what the command printed: the
 * text between its line and that prompt.
 */
async function command(page, line, timeout = COMMAND_TIMEOUT_MS) {
  const before = await prompts(page);
  await type(page, line);
  await waitForPrompts(page, before + 1, timeout);
  const text = await screen(page);
  const echoed = text.lastIndexOf(PROMPT + line + '\n');
  assert.notEqual(echoed, -1, `the screen does not show the command line ${JSON.stringify(line)}:\n${text}`);
  return text.slice(echoed + PROMPT.length + line.length + 1, text.lastIndexOf(PROMPT.trimEnd()));
}

/** The running program's time to take the terminal's foreground group from the shell. */
const SETTLE_MS = 300;
const pause = (page, ms = SETTLE_MS) => page.waitForTimeout(ms);

// ---- the tests ----------------------------------------------------------------

test('the page is cross-origin isolated under vite preview', async (ctx) => {
  const { page } = await openPage(ctx, ctx.isolatedUrl);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(await page.evaluate(() => typeof SharedArrayBuffer), 'function');
  await page.close();
});

test('the page loads the root image and shows a shell prompt in /root', async (ctx) => {
  const { page, problems } = await openTerminal(ctx);
  assert.equal(await page.evaluate(() => document.getElementById('status').dataset.state), 'running');
  assert.equal(await command(page, 'pwd'), '/root\n');
  assert.equal(await command(page, 'echo $HOME $TERM'), '/root xterm-256color\n');
  const bin = (await command(page, 'ls /bin')).split(/\s+/);
  for (const name of ['sh', 'cat', 'stty', 'yes']) assert.ok(bin.includes(name), `ls /bin: no ${name} in ${bin.join(' ')}`);
  await page.screenshot({ path: join(resultsDir, 'e2e-terminal.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('terminal: echo hello | tr a-z A-Z prints HELLO', async (ctx) => {
  const { page } = await openTerminal(ctx);
  assert.equal(await command(page, 'echo hello | tr a-z A-Z'), 'HELLO\n');
  await page.close();
});

test('terminal: Ctrl-C ends sleep 100 and the prompt is back within a second', async (ctx) => {
  const { page } = await openTerminal(ctx);
  const before = await prompts(page);
  await type(page, 'sleep 100');
  await pause(page);
  await page.keyboard.press('Control+C');
  await waitForPrompts(page, before + 1, 1000);
  assert.match(await screen(page), /sleep 100\n\^C\n/);
  await page.close();
});

test('terminal: cat copies lines until Ctrl-D, then the prompt is back', async (ctx) => {
  const { page } = await openTerminal(ctx);
  const before = await prompts(page);
  await type(page, 'cat');
  // Keys typed before the shell has put the terminal back in canonical mode
  // (it reads each line raw, for editing) would be read raw: let cat start.
  await pause(page);
  await type(page, 'one line');
  await waitForScreen(page, /cat\none line\none line$/);
  await page.keyboard.press('Control+D');
  await waitForPrompts(page, before + 1);
  await page.close();
});

test('terminal: up-arrow recalls the last command', async (ctx) => {
  const { page } = await openTerminal(ctx);
  assert.equal(await command(page, 'echo recalled'), 'recalled\n');
  const before = await prompts(page);
  await page.keyboard.press('ArrowUp');
  await waitForScreen(page, /tabkernel\$ echo recalled$/);
  await page.keyboard.press('Enter');
  await waitForPrompts(page, before + 1);
  const text = await screen(page);
  assert.ok(
    text.endsWith(`${PROMPT}echo recalled\nrecalled\n${PROMPT}echo recalled\nrecalled\n${PROMPT.trimEnd()}`),
    `the command did not run twice:\n${text}`,
  );
  assert.doesNotMatch(text, /\^\[\[A/);
  await page.close();
});

test('terminal: yes | head -n 3 prints three lines and ends', async (ctx) => {
  const { page } = await openTerminal(ctx);
  assert.equal(await command(page, 'yes | head -n 3'), 'y\ny\ny\n');
  await page.close();
});

test('terminal: yes floods the screen, Ctrl-C stops it, the prompt is back and nothing was dropped', async (ctx) => {
  const { page, problems } = await openTerminal(ctx);
  const before = await prompts(page);
  await type(page, 'yes');
  await waitForScreen(page, /(y\n){30}/);
  await pause(page, 1000);
  await page.keyboard.press('Control+C');
  await waitForPrompts(page, before + 1, 5000);
  // Flow control (kernel/host/browser/console.ts): xterm never had to discard output.
  assert.deepEqual(problems, []);
  assert.equal(await command(page, 'echo done'), 'done\n');
  await page.close();
});

test('terminal: long output arrives whole and in order', async (ctx) => {
  const { page, problems } = await openTerminal(ctx);
  const before = await prompts(page);
  await type(page, 'seq 1 30000 > /tmp/n; cat /tmp/n /tmp/n');
  await waitForPrompts(page, before + 1, 30_000);
  // The scrollback keeps the last 5000 lines: 25001..30000, then the prompt.
  const lines = (await screen(page)).split('\n');
  assert.equal(lines.pop(), PROMPT.trimEnd());
  const numbers = lines.slice(-4000).map(Number);
  assert.deepEqual(numbers, Array.from({ length: 4000 }, (_, i) => 26001 + i));
  assert.deepEqual(problems, []);
  await page.close();
});

test('terminal: resizing the window changes stty size (SIGWINCH, TIOCGWINSZ)', async (ctx) => {
  const { page } = await openTerminal(ctx);
  const size = () => page.evaluate(() => `${window.tabkernel.terminal.rows} ${window.tabkernel.terminal.cols}`);
  const first = await size();
  assert.equal(await command(page, 'stty size'), `${first}\n`);
  await page.setViewportSize({ width: 640, height: 360 });
  await page.waitForFunction((s) => `${window.tabkernel.terminal.rows} ${window.tabkernel.terminal.cols}` !== s, first);
  const second = await size();
  assert.equal(await command(page, 'stty size'), `${second}\n`);
  await page.close();
});

test('terminal: sleep 100 &, jobs lists it, kill %1 ends it', async (ctx) => {
  const { page } = await openTerminal(ctx);
  await command(page, 'sleep 100 &');
  assert.match(await command(page, 'jobs'), /^\[1\] \+ Running +sleep 100\n$/);
  await command(page, 'kill %1');
  await waitForScreen(page, /\[1\] \+ Terminated +sleep 100/);
  assert.equal(await command(page, 'jobs'), '');
  await page.close();
});

test('terminal: Ctrl-Z stops sleep 100, bg resumes it, fg brings it back, Ctrl-C ends it', async (ctx) => {
  const { page } = await openTerminal(ctx);
  let before = await prompts(page);
  await type(page, 'sleep 100');
  await pause(page);
  await page.keyboard.press('Control+Z');
  await waitForPrompts(page, before + 1);
  assert.match(await screen(page), /\[1\] \+ Stopped +sleep 100\n/);
  assert.match(await command(page, 'bg'), /^\[1\] sleep 100\n$/);
  assert.match(await command(page, 'jobs'), /^\[1\] \+ Running +sleep 100\n$/);
  before = await prompts(page);
  await type(page, 'fg');
  await waitForScreen(page, /fg\nsleep 100$/);
  await pause(page);
  await page.keyboard.press('Control+C');
  await waitForPrompts(page, before + 1);
  assert.equal(await command(page, 'jobs'), '');
  await page.close();
});

test('window.tabkernel.BrowserKernel runs a one-off program beside the shell', async (ctx) => {
  const { page } = await openTerminal(ctx);
  const result = await runInPage(page, ctx.helloWasm, ['again', 'with', 'args']);
  assert.deepEqual(result, { status: 0, error: '', stdout: 'hello from again\n', stderr: 'argc=3\n' });
  await page.close();
});

test('test programs run in Chromium as in Node: args, env, clocks, random, stdin EOF, traps', async (ctx) => {
  const { page } = await openTerminal(ctx);
  const bin = (name) => readFile(join(root, 'test/programs/bin', name));

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

test('the dev server (npm start) serves the page isolated and its shell runs commands', async (ctx) => {
  const { page, problems } = await openTerminal(ctx, ctx.devUrl);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(await command(page, 'echo hello | tr a-z A-Z'), 'HELLO\n');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the benchmark page runs the process cases and the pipeline in Chromium (web/bench.html)', async (ctx) => {
  const page = await ctx.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${ctx.devUrl}web/bench.html`);
  await page.waitForFunction(() => window.tabkernelBench !== undefined, null, { timeout: 30_000 });
  const run = await page.evaluate(() => window.tabkernelBench.run({ quick: true, only: ['spawn', 'fork.1m', 'pipeline'] }));
  const got = run.results.filter((r) => r.subject === 'tabkernel').map((r) => r.name).sort();
  assert.deepEqual(got, ['fork.1m', 'pipeline', 'spawn.true'], `results: ${JSON.stringify(run.results)}\nlog: ${await page.textContent('#log')}`);
  for (const r of run.results) assert.ok(r.median > 0 && r.samples > 0, JSON.stringify(r));
  assert.deepEqual(errors, []);
  await page.close();
});

test('when the shell exits the page says so', async (ctx) => {
  const { page } = await openTerminal(ctx);
  await type(page, 'exit 3');
  await page.waitForSelector('#status[data-exit]', { timeout: COMMAND_TIMEOUT_MS });
  assert.equal(await page.evaluate(() => document.getElementById('status').dataset.exit), '3');
  assert.match(await page.textContent('#status'), /shell has exited \(exit status 3\)/);
  assert.match(await screen(page), /\[the shell has exited: exit status 3\]$/);
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
