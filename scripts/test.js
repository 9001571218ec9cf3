// `npm test`: the whole suite, with one closing count across its two runners.
//   1. build the Node bundle (scripts/build.js) the integration tests start workers from;
//   2. Vitest: unit tests beside their sources and test/integration (Node);
//   3. the browser tests (test/e2e/run.js): every case in Chromium (playwright-core)
//      and in Firefox (puppeteer-core over WebDriver BiDi), counted per browser.
// Every stage runs even when an earlier one failed, so one run shows everything;
// the last line is `total: N passed, N failed` and the exit status is non-zero
// on any failure. Arguments go to Vitest (e.g. `npm test -- kernel/fs`), and then
// the browser tests are skipped.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const vitestJson = join(root, 'test-results', 'vitest.json');
const extra = process.argv.slice(2);

/** Run a command with inherited stdio (or captured stdout, echoed); its status and output. */
function run(cmd, args, capture = false) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: capture ? ['inherit', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (capture && r.stdout) process.stdout.write(r.stdout);
  if (r.error) console.log(`test: ${cmd}: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout ?? '' };
}

/** Counts from Vitest's JSON report; a file that failed to load counts as one failure. */
function vitestCounts(status) {
  let report;
  try {
    report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  } catch {
    return { passed: 0, failed: 1 }; // Vitest died before reporting
  }
  let failed = report.numFailedTests;
  for (const file of report.testResults ?? []) {
    const failedHere = (file.assertionResults ?? []).some((a) => a.status === 'failed');
    if (file.status === 'failed' && !failedHere) failed++;
  }
  if (status !== 0 && failed === 0) failed = 1; // e.g. no test files found
  return { passed: report.numPassedTests, failed };
}

/** Counts from a runner's closing `N passed, N failed` line. */
function closingCounts(stdout, status) {
  const m = [...stdout.matchAll(/^(\d+) passed, (\d+) failed/gm)].pop();
  if (!m) return { passed: 0, failed: 1 };
  const counts = { passed: Number(m[1]), failed: Number(m[2]) };
  if (status !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

const stages = [];

const build = run(process.execPath, ['scripts/build.js']);
stages.push(['build', build.status === 0 ? { passed: 0, failed: 0 } : { passed: 0, failed: 1 }]);

mkdirSync(dirname(vitestJson), { recursive: true });
rmSync(vitestJson, { force: true });
const vitest = run(process.execPath, [
  'node_modules/vitest/vitest.mjs', 'run',
  '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`,
  ...extra,
]);
stages.push(['vitest', vitestCounts(vitest.status)]);

/** The e2e runner's `e2e BROWSER: passed N, failed N` lines, as stages. */
function browserCounts(stdout) {
  return [...stdout.matchAll(/^e2e (\w+): passed (\d+), failed (\d+)$/gm)]
    .map((m) => [`e2e ${m[1]}`, { passed: Number(m[2]), failed: Number(m[3]) }]);
}

if (extra.length === 0) {
  const e2e = run(process.execPath, ['test/e2e/run.js'], true);
  const total = closingCounts(e2e.stdout, e2e.status);
  const perBrowser = browserCounts(e2e.stdout);
  const sum = perBrowser.reduce((n, [, c]) => n + c.passed + c.failed, 0);
  // Per browser when the lines add up to the total; else the total alone (the runner died early).
  if (perBrowser.length > 0 && sum === total.passed + total.failed) stages.push(...perBrowser);
  else stages.push(['e2e', total]);
}

let passed = 0;
let failed = 0;
console.log('');
for (const [name, counts] of stages) {
  passed += counts.passed;
  failed += counts.failed;
  // Not in the `N passed, N failed` shape: only the total is the closing line.
  if (name !== 'build') console.log(`  ${name.padEnd(12)} passed ${counts.passed}, failed ${counts.failed}`);
  else if (counts.failed) console.log('  build: FAILED');
}
console.log(`total: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
