// The terminal's `image build` (issue 12): a context and a Dockerfile written
// in the page's file system from the shell, built by the page's kernel — RUN
// run by the page's own processes, the layers made with fflate as the CLI
// makes them — to the manifest digest the CLI gives for the same context
// (built here, on the host, in a cache of its own), then run with `image
// run`; built again, every step comes from the build cache in IndexedDB.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '../harness.js';
import { command, openTerminal, RUN_TIMEOUT_MS } from '../terminal.js';

const DOCKERFILE = [
  'FROM scratch',
  'COPY bin/ /bin/',
  'COPY hello.txt /etc/hello',
  'RUN echo "made by RUN" > /etc/made',
  'CMD ["/bin/cat", "/etc/hello", "/etc/made"]',
];

/** The same context on the host, built by the CLI into an empty cache: its digest. */
function cliDigest(root) {
  const dir = mkdtempSync(join(tmpdir(), 'tk-e2e-build-'));
  try {
    const ctx = join(dir, 'ctx');
    mkdirSync(join(ctx, 'bin'), { recursive: true, mode: 0o755 });
    for (const p of ['sh', 'cat']) {
      writeFileSync(join(ctx, 'bin', p), readFileSync(join(root, 'userland/rootfs/bin', p)));
      chmodSync(join(ctx, 'bin', p), 0o755);
    }
    writeFileSync(join(ctx, 'hello.txt'), 'hello from the context\n');
    chmodSync(join(ctx, 'hello.txt'), 0o644);
    writeFileSync(join(ctx, 'Dockerfile'), DOCKERFILE.join('\n') + '\n');
    const r = spawnSync(process.execPath, [join(root, 'bin/tabkernel.js'), 'image', 'build', '-t', 'x', ctx], {
      env: { ...process.env, TABKERNEL_CACHE: join(dir, 'cache'), SOURCE_DATE_EPOCH: '' }, encoding: 'utf8', timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    return /^docker\.io\/library\/x:latest: (sha256:[0-9a-f]{64})\n$/.exec(r.stdout)[1];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('image build: the terminal builds a context of the page to the digest the CLI builds, runs it, and rebuilds it from the cache', async (ctx) => {
  const expected = cliDigest(ctx.root);
  const page = await openTerminal(ctx);
  assert.equal(await command(page, "mkdir -p ctx/bin && cp /bin/sh /bin/cat ctx/bin/ && echo 'hello from the context' > ctx/hello.txt"), '');
  // A line at a time: the line editor scrolls a line longer than the terminal.
  for (const line of DOCKERFILE) assert.equal(await command(page, `echo '${line}' >> ctx/Dockerfile`), '');
  const built = await command(page, 'image build -t x ctx', RUN_TIMEOUT_MS);
  assert.match(built, /^#\d+ \[4\/4\] RUN echo "made by RUN" > \/etc\/made\n#\d+ layer sha256:[0-9a-f]{64} [\d.]+MB\n#\d+ DONE [\d.]+s$/m);
  const digest = /^docker\.io\/library\/x:latest: (sha256:[0-9a-f]{64})$/m.exec(built)?.[1];
  assert.equal(digest, expected, `the page built ${digest}, the CLI ${expected}:\n${built}`);
  assert.match(await command(page, 'image ls'), /^docker\.io\/library\/x:latest +[0-9a-f]{12} +image +[\d.]+ MB$/m);
  assert.equal(await command(page, 'image run x', RUN_TIMEOUT_MS), 'hello from the context\nmade by RUN\n');
  const again = await command(page, 'image build -t x ctx', RUN_TIMEOUT_MS);
  assert.equal((again.match(/^#\d+ CACHED$/gm) ?? []).length, 3, again);
  assert.match(again, new RegExp(`^docker\\.io/library/x:latest: ${expected}$`, 'm'));
  console.log(`  info [${ctx.browser.name}] image build in the page: ${digest} (the CLI: ${expected})`);
  assert.deepEqual(page.problems, []);
  await page.close();
});
