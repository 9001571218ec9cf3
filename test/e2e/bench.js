// `npm run bench:browser`: the benchmark suite in Debian's Chromium. Builds the
// pages with Vite (index.html and web/bench.html) into node_modules/.cache,
// serves the build cross-origin isolated with `vite preview` (vite.config.ts),
// and drives Chromium through playwright-core:
//  - boot.prompt: page load (navigation start) → the login shell's prompt
//    drawn in the terminal of index.html, in a fresh tab each sample, the
//    page's service worker (sw/) answering from its cache — the first load,
//    which installs it, is a warm-up, not a sample; the medians of boot's
//    milestones (performance marks of the page and of its kernel worker) are
//    printed after it, to tell where the time goes;
//  - net.http_rps: requests per second the page gets from `httpd` in its
//    terminal through the service worker's bridge (/port/8080/, a 1 KiB
//    file, 8 in flight), next to a Node http server of this process serving
//    the same bytes to the same page (cross-origin, CORS), batches alternating;
//  - every other case: web/bench.html runs bench/core/suite.ts in a Web Worker.
// Prints progress, then the table; --json FILE writes issue 5's schema.
// --load N runs the syscall cases alone, each while N busy Web Workers spin.
// Usage: node test/e2e/bench.js [--quick] [--json FILE] [--only PREFIX,…] [--load N]
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Bench } from 'tinybench';
import { build, preview } from 'vite';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const outDir = join(root, 'node_modules/.cache/tabkernel-bench-web');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const flag = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const jsonFile = flag('--json');
const only = (flag('--only') ?? '').split(',').filter(Boolean);
const load = Number(flag('--load') ?? 0);
if (!Number.isInteger(load) || load < 0) throw new Error(`--load wants a count of busy workers, not '${flag('--load')}'`);
const averages = () => loadavg().map((l) => +l.toFixed(2));
/** The checkout's commit, for the JSON's env (empty outside a git checkout). */
function commit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** The page's boot milestones: its own `tabkernel:` marks and its kernel worker's (client.ts marks()), in ms since navigation start. */
function milestones() {
  return window.tabkernel.kernel.marks().then((kernel) => {
    const all = [...performance.getEntriesByType('mark'), ...kernel].filter((m) => m.name.startsWith('tabkernel:'));
    return Object.fromEntries(all.map((m) => [m.name.slice('tabkernel:'.length), m.startTime]));
  });
}

/** Medians of each milestone over the samples, in time order: "kernel-created 41, kernel-worker 150, …". */
function phaseLine(samples) {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s)))];
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return names
    .map((n) => [n, median(samples.map((s) => s[n]).filter((t) => t !== undefined))])
    .sort((a, b) => a[1] - b[1])
    .map(([n, t]) => `${n} ${t.toFixed(0)}`)
    .join(', ');
}

/** boot.prompt: navigation start → the login shell's prompt drawn, in fresh tabs (web/main.ts marks it). */
async function bootCase(browser, url, samples) {
  const times = [];
  const phases = [];
  for (let i = 0; i < samples + 1; i++) {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('tabkernel:first-prompt').length > 0, null, { timeout: 30_000 });
    const t = await page.evaluate(() => performance.getEntriesByName('tabkernel:first-prompt')[0].startTime);
    if (i === 0) {
      // The warm-up installs the service worker, which precaches the build: wait for it to be active.
      await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
    } else {
      if (!(await page.evaluate(() => navigator.serviceWorker?.controller != null))) throw new Error('boot: the service worker does not control the page');
      phases.push(await page.evaluate(milestones));
    }
    const text = await page.evaluate(() => {
      const b = window.tabkernel.terminal.buffer.active;
      let out = '';
      for (let y = 0; y < b.length; y++) out += b.getLine(y).translateToString(true) + '\n';
      return out;
    });
    if (!/tabkernel\$ /.test(text)) throw new Error(`boot: no prompt on the screen:\n${text}`);
    if (i > 0) times.push(t); // the first load fills the HTTP cache: a warm-up
    await page.close();
  }
  let k = 0;
  const bench = new Bench({ iterations: times.length, time: 0, warmup: false, throws: true });
  bench.add('boot', () => ({ overriddenDuration: times[k++ % times.length] }));
  await bench.run();
  const l = bench.tasks[0].result.latency;
  return { result: { name: 'boot.prompt', unit: 'ms', median: l.p50, min: l.min, max: l.max, samples: l.samplesCount, subject: 'tabkernel' }, phases: phaseLine(phases) };
}

/** The 1 KiB file net.http_rps fetches: 64 lines of "0123456789abcde". */
const HTTP_FILE = '0123456789abcde\n'.repeat(64);

/** Measure `targets` from `page`: per target, req/s of batches of `ms` with `inflight` fetches at a time, alternating. */
function measureRps({ targets, inflight, batches, ms, warmMs }) {
  const batch = async (url, dur) => {
    let done = 0;
    const end = performance.now() + dur;
    const worker = async () => {
      while (performance.now() < end) {
        const r = await fetch(url, { cache: 'no-store' });
        const text = await r.text();
        if (text.length !== 1024) throw new Error(`${url}: not the 1 KiB file (HTTP ${r.status}): ${text.replace(/<[^>]*>/g, ' ').slice(0, 300)}`);
        done++;
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: inflight }, worker));
    return done / ((performance.now() - t0) / 1000);
  };
  return (async () => {
    for (const url of targets) await batch(url, warmMs);
    const rates = targets.map(() => []);
    for (let b = 0; b < batches; b++) for (let i = 0; i < targets.length; i++) rates[i].push(await batch(targets[i], ms));
    return rates;
  })();
}

/** net.http_rps in the page: httpd in its terminal through the service worker, and a Node http server (see the header). */
async function httpCase(browser, url, quick) {
  const node = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' }).end(HTTP_FILE);
  });
  await new Promise((ok) => node.listen(0, '127.0.0.1', ok));
  const page = await browser.newPage();
  try {
    await page.goto(`${url}?persist=0`);
    await page.waitForFunction(() => performance.getEntriesByName('tabkernel:first-prompt').length > 0 && navigator.serviceWorker?.controller, null, { timeout: 30_000 });
    await page.evaluate(() => window.tabkernel.kernel.input("yes 0123456789abcde | head -n 64 > /root/f && httpd -q -p 8080 /root &\r"));
    // Until httpd answers (a 502 until it listens).
    await page.evaluate(async () => {
      for (const end = performance.now() + 30_000; performance.now() < end; await new Promise((ok) => setTimeout(ok, 100))) {
        if ((await fetch('/port/8080/f')).ok) return;
      }
      throw new Error('httpd did not answer on /port/8080/ within 30 s');
    });
    const targets = ['/port/8080/f', `http://127.0.0.1:${node.address().port}/f`];
    const [tk, ref] = await page.evaluate(measureRps, { targets, inflight: 8, batches: quick ? 3 : 10, ms: quick ? 200 : 500, warmMs: quick ? 300 : 1000 });
    const result = (subject, rates) => {
      const sorted = [...rates].sort((a, b) => a - b);
      return { name: 'net.http_rps', unit: 'req/s', median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1), samples: sorted.length, subject };
    };
    return [result('tabkernel', tk), result('node:http', ref)];
  } finally {
    await page.close();
    await new Promise((ok) => node.close(ok));
  }
}

/** Cases measured here rather than by the suite in web/bench.html. */
const PAGE_CASES = ['boot.prompt', 'net.http_rps'];
const wants = (name) => (only.length === 0 ? load === 0 : only.some((p) => name.startsWith(p)));

async function main() {
  await stat(chromiumPath).catch(() => {
    throw new Error(`no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  });
  console.log('bench:browser: vite build');
  await build({
    root, logLevel: 'warn',
    build: { outDir, rollupOptions: { input: { main: join(root, 'index.html'), bench: join(root, 'web/bench.html') } } },
  });
  const server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false } });
  const base = `http://127.0.0.1:${server.httpServer.address().port}`;
  const userDataDir = await mkdtemp(join(tmpdir(), 'tabkernel-bench-'));
  let browser;
  try {
    browser = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, headless: true, args: chromiumArgs });
    const version = browser.browser()?.version() ?? '';
    const loadavgStart = averages();
    console.log(`bench:browser: chromium ${version} against ${base}/web/bench.html${quick ? ', --quick' : ''}${load ? `, --load ${load}` : ''}, load average ${loadavgStart.join(' ')}`);
    const t0 = performance.now();

    const extra = [];
    if (wants('boot.prompt')) {
      const { result: boot, phases } = await bootCase(browser, `${base}/`, quick ? 3 : 10);
      console.log(`  boot.prompt            tabkernel    ${boot.median.toFixed(1)} ms  (${boot.samples} samples)`);
      console.log(`  boot.prompt milestones (median ms since navigation start): ${phases}`);
      extra.push(boot);
    }
    if (wants('net.http_rps')) {
      const rps = await httpCase(browser, `${base}/`, quick);
      for (const r of rps) console.log(`  net.http_rps           ${r.subject.padEnd(12)} ${r.median.toFixed(0)} req/s  (${r.samples} batches)`);
      extra.push(...rps);
    }
    // --only with nothing but these cases: the suite has nothing to run.
    if (only.length > 0 && only.every((p) => PAGE_CASES.some((c) => c.startsWith(p)) && !'net.loopback net.connect'.split(' ').some((c) => c.startsWith(p)))) {
      console.log(`\n${extra.map((r) => `${r.name}: ${r.median.toFixed(1)} ${r.unit} (${r.min.toFixed(1)}–${r.max.toFixed(1)}, ${r.samples} samples)`).join('\n')}`);
      if (jsonFile) await writeFile(jsonFile, JSON.stringify({ env: { chromium: version, commit: commit(), loadavgStart, loadavg: averages() }, results: extra }, null, 2) + '\n');
      return extra.length > 0 ? 0 : 1;
    }

    const page = await browser.newPage();
    page.on('pageerror', (e) => console.log(`  pageerror: ${e.message}`));
    await page.goto(`${base}/web/bench.html`);
    if (!(await page.evaluate(() => self.crossOriginIsolated))) throw new Error('the bench page is not cross-origin isolated');
    let shown = 0;
    const progress = setInterval(async () => {
      const log = await page.textContent('#log').catch(() => '');
      const lines = log.split('\n').filter(Boolean);
      for (; shown < lines.length; shown++) console.log(lines[shown]);
    }, 500);
    let run;
    try {
      run = await page.evaluate((req) => window.tabkernelBench.run(req), { quick, load, only: only.filter((p) => !PAGE_CASES.some((c) => c.startsWith(p))) });
    } finally {
      clearInterval(progress);
    }
    const lines = (await page.textContent('#log')).split('\n').filter(Boolean);
    for (; shown < lines.length; shown++) console.log(lines[shown]);
    const results = [...run.results, ...extra];
    console.log(`\n${await page.evaluate(([r, e]) => window.tabkernelBench.table(r, e), [run.results, extra])}`);
    console.log(`\nratios: tabkernel's cost over the reference's (> 1 = tabkernel slower; for MB/s, the reference's bandwidth over tabkernel's)`);
    const loadavgEnd = averages();
    console.log(`bench:browser: ${((performance.now() - t0) / 1000).toFixed(1)} s, load average ${loadavgEnd.join(' ')} at the end`);
    await page.screenshot({ path: join(root, 'test-results/bench-browser.png'), fullPage: true }).catch(() => {});
    if (jsonFile) await writeFile(jsonFile, JSON.stringify({ env: { ...run.env, chromium: version, commit: commit(), loadavgStart, loadavg: loadavgEnd }, results }, null, 2) + '\n');
    return results.some((r) => r.subject === 'tabkernel') ? 0 : 1;
  } finally {
    await browser?.close();
    await server.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}

main().then(
  (status) => process.exit(status),
  (e) => {
    console.error(`bench:browser: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exit(1);
  },
);
