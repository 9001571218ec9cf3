// End-to-end: the page in real browsers, Debian's chromium and firefox-esr. Builds
// the page with Vite and serves it (servers.js), then runs every case under
// cases/ in each browser in turn through its driver (drivers/driver.js: one page
// interface over playwright-core for Chromium and puppeteer-core over WebDriver
// BiDi for Firefox). Prints `ok`/`FAIL` per case and browser, one
// `e2e BROWSER: passed N, failed N` line per browser, and last the total as
// `N passed, N failed`; the exit status is non-zero on any failure, and a
// browser that cannot be found or launched fails all its cases.
// Usage: node test/e2e/run.js [--browser NAME]... [WORD]   (npm run test:e2e)
//   --browser chromium|firefox: only those browsers (default: all; or E2E_BROWSERS=a,b);
//   WORD: only the cases whose name holds WORD.
import { mkdtemp, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selected, runAll } from './harness.js';
import { BROWSERS, EXECUTABLES, launch } from './drivers/driver.js';
import { startPreview, startServers } from './servers.js';
import './cases/boot.js';
import './cases/terminal.js';
import './cases/jobs.js';
import './cases/programs.js';
import './cases/workers.js';
import './cases/images.js';
import './cases/persist.js';
import './cases/policy.js';
import './cases/build.js';
import './cases/offline.js';
import './cases/bridge.js';
import './cases/outbound.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const outDir = join(root, 'dist-web');
const resultsDir = join(root, 'test-results');

function parseArgs(argv) {
  const browsers = [];
  let only;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--browser') browsers.push(argv[++i]);
    else if (argv[i].startsWith('--browser=')) browsers.push(argv[i].slice('--browser='.length));
    else only = argv[i];
  }
  if (browsers.length === 0) browsers.push(...(process.env.E2E_BROWSERS?.split(',').filter(Boolean) ?? BROWSERS));
  for (const b of browsers) if (!BROWSERS.includes(b)) throw new Error(`unknown browser ${b} (known: ${BROWSERS.join(', ')})`);
  return { browsers, only };
}

const { browsers, only } = parseArgs(process.argv.slice(2));
const cases = selected(only);
/** Per browser: its counts once run (a browser not yet run counts all its cases as failed). */
const results = new Map(browsers.map((b) => [b, { passed: 0, failed: cases.length }]));

/** Run every selected case in `name`; its counts. */
async function runBrowser(name, fixtures) {
  const { path, apt, env } = EXECUTABLES[name];
  try {
    await stat(path);
  } catch {
    console.log(`e2e: no ${name} at ${path} (apt-get install ${apt}, or set ${env})`);
    return { passed: 0, failed: cases.length };
  }
  const profileDir = await mkdtemp(join(tmpdir(), `tabkernel-e2e-${name}-`));
  let browser;
  try {
    browser = await launch(name, profileDir);
    console.log(`e2e: ${name} ${browser.version} against ${fixtures.isolatedUrl}`);
    return await runAll(cases, { ...fixtures, browser });
  } catch (e) {
    console.log(`e2e: ${name} could not run: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return { passed: 0, failed: cases.length };
  } finally {
    await browser?.close().catch(() => {});
    await rm(profileDir, { recursive: true, force: true });
  }
}

async function main() {
  await mkdir(resultsDir, { recursive: true });
  console.log('e2e: vite build');
  const servers = await startServers(root, outDir);
  try {
    const fixtures = {
      root,
      resultsDir,
      isolatedUrl: servers.isolatedUrl,
      devUrl: servers.devUrl,
      plainUrl: servers.plainUrl,
      startPreview: () => startPreview(root, outDir),
      helloWasm: await readFile(join(root, 'web/programs/hello.wasm')),
    };
    for (const name of browsers) results.set(name, await runBrowser(name, fixtures));
  } finally {
    await servers.close();
  }
}

function summarize() {
  let passed = 0;
  let failed = 0;
  for (const [name, counts] of results) {
    passed += counts.passed;
    failed += counts.failed;
    console.log(`e2e ${name}: passed ${counts.passed}, failed ${counts.failed}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

/** The whole run's limit: a hung browser or server must still end in a count. */
const WATCHDOG_MS = browsers.length * 8 * 60_000;
setTimeout(() => {
  console.log(`e2e: still running after ${WATCHDOG_MS / 1000} s; giving up`);
  process.exit(summarize() || 1);
}, WATCHDOG_MS).unref();

try {
  await main();
} catch (e) {
  console.log(`e2e: could not run: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
}
process.exit(summarize());
