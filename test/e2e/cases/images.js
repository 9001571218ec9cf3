// /?image=REF: the page pulls an image from a real registry (Debian's
// docker-registry on loopback, images built by umoci and pushed by skopeo:
// test/support/registry.ts) into IndexedDB and runs it in a container —
// directly from an anonymous registry that sends CORS headers, through the
// dev server's registry proxy for a token-auth registry with its blobs
// behind a 307, from the store alone once the registry is gone, as an
// interactive shell, and with clear errors; and the terminal's `image`
// command, whose pulls show their progress in the terminal (bars: it is a
// terminal) and on the status line. The same cases run in Firefox.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '../harness.js';
import { registrySupport } from '../registry.js';
import { command, openReaderPage, openTerminal, PROMPT_RAW, RUN_TIMEOUT_MS, screen, type, waitForPrompts, waitForScreen } from '../terminal.js';

/** The size of the image's big layer: enough for progress lines and a rate worth quoting. */
const BIG = 24 << 20;

let layouts;
/** The test images, built once per run: `app` prints a greeting, `shell` is an interactive sh. */
function images(ctx) {
  layouts ??= (async () => {
    const { buildImage } = await registrySupport();
    const dir = await mkdtemp(join(tmpdir(), 'tabkernel-e2e-images-'));
    const bin = async (name) => readFile(join(ctx.root, 'userland/rootfs/bin', name));
    const files = { '/etc/greeting': 'hello from the image\n' };
    for (const p of ['sh', 'cat', 'echo', 'ls']) files[`/bin/${p}`] = await bin(p);
    const app = buildImage(dir, 'app', {
      files: { ...files, '/data/big': randomBytes(BIG) },
      entrypoint: ['/bin/sh', '-c'], cmd: ['cat greeting; echo "$GREETING"'], env: ['GREETING=hi from the env', 'PATH=/bin'], workdir: '/etc',
    });
    const shell = buildImage(dir, 'shell', { files, entrypoint: ['/bin/sh'], env: ['PATH=/bin', `PS1=${PROMPT_RAW}`], workdir: '/' });
    const linux = buildImage(dir, 'linux', { files: { '/etc/greeting': 'x' }, os: 'linux', architecture: 'amd64', cmd: ['/bin/sh'] });
    return { dir, app, shell, linux };
  })();
  return layouts;
}

/** A registry (options as startRegistry's) holding `tk/app:1`, `tk/shell:1` and `tk/linux:1` (cases/offline.js uses it too). */
export async function registryWithImages(ctx, opts = {}) {
  const { startRegistry } = await registrySupport();
  const built = await images(ctx);
  const reg = await startRegistry(opts);
  await reg.pushLayout(built.app, 'app', 'tk/app:1');
  await reg.pushLayout(built.shell, 'shell', 'tk/shell:1');
  await reg.pushLayout(built.linux, 'linux', 'tk/linux:1');
  return reg;
}

export function imageUrl(base, ref) {
  const url = new URL(base);
  url.searchParams.set('image', ref);
  return url.href;
}

const dataset = (page) => page.evaluate(() => ({ ...document.getElementById('status').dataset }));
const statusLog = (page) => page.evaluate(() => window.__statusLog);

/** Wait until the container has exited; the screen and the status line's dataset. */
async function ran(page) {
  await page.waitForSelector('#status[data-exit]', RUN_TIMEOUT_MS);
  return { text: await screen(page), data: await dataset(page) };
}

function reportRate(ctx, how, data) {
  const { bytes, seconds } = JSON.parse(data.pulled);
  console.log(`  info [${ctx.browser.name}] pull ${how}: ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s = ${(bytes / 1e6 / seconds).toFixed(1)} MB/s`);
}

test('image: /?image= from an anonymous registry with CORS pulls directly, shows layer progress, then the output', async (ctx) => {
  const reg = await registryWithImages(ctx);
  try {
    const page = await openReaderPage(ctx, imageUrl(ctx.isolatedUrl, `${reg.host}/tk/app:1`));
    const { text, data } = await ran(page);
    assert.equal(data.exit, '0', text);
    assert.equal(data.route, 'direct');
    assert.match(text, /hello from the image\nhi from the env\n/);
    const log = await statusLog(page);
    const progress = log.filter((l) => /^pulling 127\.0\.0\.1:\d+\/tk\/app:1 \(direct\): layer \d+\/6, [\d.]+ of [\d.]+ MB, [\d.]+ MB\/s$/.test(l));
    assert.ok(progress.length >= 6, `no per-layer progress on the status line:\n${log.join('\n')}`);
    assert.ok(log.some((l) => /^pulled 127\.0\.0\.1:\d+\/tk\/app:1: [\d.]+ MB in [\d.]+ s, [\d.]+ MB\/s$/.test(l)), log.join('\n'));
    reportRate(ctx, 'direct', data);
    assert.deepEqual(page.problems, []);
    await page.close();
  } finally {
    await reg.stop();
  }
});

test('image: a shell image gives an interactive shell inside the container', async (ctx) => {
  const reg = await registryWithImages(ctx);
  try {
    const page = await openReaderPage(ctx, imageUrl(ctx.isolatedUrl, `${reg.host}/tk/shell:1`));
    await waitForPrompts(page, 1, RUN_TIMEOUT_MS);
    await page.click('#terminal');
    assert.equal(await command(page, 'echo hi'), 'hi\n');
    // The container's root: the image's files, its own /dev and /proc, not the page's root image.
    assert.equal(await command(page, 'echo /*'), '/bin /dev /etc /proc\n');
    assert.equal(await command(page, 'cat /etc/greeting'), 'hello from the image\n');
    assert.deepEqual(page.problems, []);
    await page.close();
  } finally {
    await reg.stop();
  }
});

test('image: a token-auth registry with blobs behind a 307 is pulled through the proxy with the server\'s credentials', async (ctx) => {
  const reg = await registryWithImages(ctx, { auth: 'token', redirect: true });
  const authDir = await mkdtemp(join(tmpdir(), 'tabkernel-e2e-auth-'));
  // The dev server (this process) reads the user's auth file, as docker-credential-helpers do.
  const saved = process.env.REGISTRY_AUTH_FILE;
  process.env.REGISTRY_AUTH_FILE = reg.writeAuthFile(join(authDir, 'auth.json'));
  try {
    const page = await openReaderPage(ctx, imageUrl(ctx.devUrl, `${reg.host}/tk/app:1`));
    const { text, data } = await ran(page);
    assert.equal(data.exit, '0', text);
    assert.equal(data.route, 'proxy');
    assert.match(text, /hello from the image\n/);
    assert.ok((await statusLog(page)).some((l) => /\(through the registry proxy\): layer \d+\/6, /.test(l)));
    // The issuer was asked with the user's password (by the proxy); the blob host never saw Authorization.
    const basic = `Basic ${Buffer.from('tk:tkpass').toString('base64')}`;
    assert.ok(reg.tokenRequests.some((r) => r.headers.authorization === basic));
    assert.ok(reg.blobRequests.length >= 6, `blobs were not served through the 307: ${reg.blobRequests.length}`);
    assert.ok(reg.blobRequests.every((r) => r.headers.authorization === undefined));
    reportRate(ctx, 'through the proxy, token auth, 307 to the blob host', data);
    assert.deepEqual(page.problems, []);
    await page.close();
  } finally {
    if (saved === undefined) delete process.env.REGISTRY_AUTH_FILE;
    else process.env.REGISTRY_AUTH_FILE = saved;
    await reg.stop();
    await rm(authDir, { recursive: true, force: true });
  }
});

test('image: after the registry is stopped, a reload runs the image from IndexedDB', async (ctx) => {
  const reg = await registryWithImages(ctx);
  const url = imageUrl(ctx.isolatedUrl, `${reg.host}/tk/app:1`);
  let stopped = false;
  try {
    const page = await openReaderPage(ctx, url);
    assert.equal((await ran(page)).data.exit, '0');
    await reg.stop();
    stopped = true;
    await page.goto(url);
    const { text, data } = await ran(page);
    assert.equal(data.exit, '0', text);
    assert.match(text, /hello from the image\nhi from the env\n/);
    assert.deepEqual(JSON.parse(data.pulled), { bytes: 0, seconds: 0 });
    assert.ok((await statusLog(page)).includes(`${reg.host}/tk/app:1: from the image store`));
    await page.close();
  } finally {
    if (!stopped) await reg.stop();
  }
});

test('image: a bad reference, an unreachable registry and an image for another platform are clear errors on the page', async (ctx) => {
  const { freePort } = await registrySupport();
  const reg = await registryWithImages(ctx);
  try {
    const port = await freePort();
    const cases = [
      ['Not A Reference', /^cannot run Not A Reference: not an image reference: /],
      [`127.0.0.1:${port}/tk/app:1`, new RegExp(`^cannot run 127\\.0\\.0\\.1:${port}/tk/app:1: .*registry proxy: cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`)],
      [`${reg.host}/tk/linux:1`, /: the image is for linux\/amd64; tabkernel runs wasi\/wasm images$/],
    ];
    for (const [ref, re] of cases) {
      const page = await openReaderPage(ctx, imageUrl(ctx.isolatedUrl, ref));
      await page.waitForSelector('#status[data-state="error"]', RUN_TIMEOUT_MS);
      const text = await page.evaluate(() => document.getElementById('status').textContent);
      assert.match(text, re);
      assert.match(await screen(page), /tabkernel: cannot run /);
      await page.close();
    }
  } finally {
    await reg.stop();
  }
});

test('image: the terminal\'s image command pulls, lists and runs a container as a job of the page\'s shell', async (ctx) => {
  const reg = await registryWithImages(ctx);
  try {
    const ref = `${reg.host}/tk/shell:1`;
    const page = await openTerminal(ctx);
    const pulled = await command(page, `image pull ${ref}`, RUN_TIMEOUT_MS);
    // Layers an earlier case stored in this profile's IndexedDB are not fetched again.
    const quoted = ref.replace(/\./g, '\\.');
    // A bar per layer (stderr is the terminal), each redrawn in place until it is full.
    assert.match(pulled, new RegExp(`^pulling ${quoted}\n(layer \\d/5 [0-9a-f]{12} \\[#{24}\\] ([\\d.]+) of \\2 MB, ([\\d.]+ MB/s|cached)\n){5}${quoted}: sha256:[0-9a-f]{64}\n$`));
    const listed = await command(page, 'image ls');
    assert.match(listed, /^REFERENCE +DIGEST +KIND +SIZE\n/);
    assert.match(listed, new RegExp(`^${quoted} +[0-9a-f]{12} +image +[\\d.]+ MB$`, 'm'));
    // Containers in pipelines of the page's shell, their root the image's.
    assert.equal(await command(page, `echo piped | image run ${ref} -c 'cat; echo /*'`), 'piped\n/bin /dev /etc /proc\n');
    assert.equal(await command(page, `image run ${ref} -c 'cat /etc/greeting' | wc -l`), '1\n');
    const failed = await command(page, `image run nope.invalid:1/x:1; echo rc=$?`, RUN_TIMEOUT_MS);
    assert.match(failed, /^image: nope\.invalid:1\/x:1: .+\nrc=125\n$/);
    assert.deepEqual(page.problems, []);
    await page.close();
  } finally {
    await reg.stop();
  }
});

test('image: a pull the terminal\'s image command makes shows its progress on the status line, cleared when done or failed', async (ctx) => {
  const { buildImage } = await registrySupport();
  const reg = await registryWithImages(ctx);
  // An image no earlier case stored: its big layer is fetched whatever this profile's IndexedDB holds.
  const dir = await mkdtemp(join(tmpdir(), 'tabkernel-e2e-pull-'));
  try {
    const layout = buildImage(dir, 'fresh', { files: { '/data/big': randomBytes(8 << 20) }, cmd: ['/bin/sh'] });
    await reg.pushLayout(layout, 'fresh', 'tk/fresh:1');
    const ref = `${reg.host}/tk/fresh:1`;
    const quoted = ref.replace(/\./g, '\\.');
    const page = await openTerminal(ctx);
    const status = () => page.evaluate(() => {
      const el = document.getElementById('status');
      return { text: el.textContent, pull: el.dataset.pull ?? null, state: el.dataset.state };
    });
    const before = await status();
    await command(page, `image pull ${ref}`, RUN_TIMEOUT_MS);
    const log = await statusLog(page);
    assert.ok(log.includes(`pulling ${ref}…`), log.join('\n'));
    const bytes = log.filter((l) => new RegExp(`^pulling ${quoted}: layer 1/1, [\\d.]+ of 8\\.4 MB, [\\d.]+ MB/s$`).test(l));
    assert.ok(bytes.some((l) => / 8\.4 of 8\.4 MB/.test(l)), `no layer progress on the status line:\n${log.join('\n')}`);
    // Done: the status line is as it was before the pull.
    assert.deepEqual(await status(), before);
    const failed = `${reg.host}/tk/nothing:1`;
    assert.match(await command(page, `image pull ${failed}; echo rc=$?`, RUN_TIMEOUT_MS), /\nrc=1\n$/);
    assert.ok((await statusLog(page)).includes(`pulling ${failed}…`));
    assert.deepEqual(await status(), before);
    assert.deepEqual(page.problems, []);
    await page.close();
  } finally {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('image: /?image=toolchain runs the built-in toolchain image from the page\'s own files, with no registry', async (ctx) => {
  const page = await openReaderPage(ctx, imageUrl(ctx.isolatedUrl, 'toolchain'));
  await waitForScreen(page, /\n\$ ?$/, RUN_TIMEOUT_MS).catch(async (e) => {
    throw new Error(`${e.message}\nscreen: ${JSON.stringify(await screen(page))}\nstatus: ${JSON.stringify(await dataset(page))}`);
  });
  await page.click('#terminal');
  await type(page, "gawk 'BEGIN { print 6 * 7 }'; echo 'x = 2^10; x' | bc; ls /usr/share/doc | wc -l");
  await waitForScreen(page, /42\n1024\n *12\n/).catch(async (e) => {
    throw new Error(`${e.message}\nscreen: ${JSON.stringify(await screen(page))}`);
  });
  // The C compiler (npm's @yowasp/clang, a layer made from node_modules): cc builds a program that runs in the tab.
  await type(page, "echo 'int main(void) { return 6 * 7; }' > /tmp/t.c && cc -o /tmp/t /tmp/t.c && /tmp/t; echo \"cc: $?\"");
  await waitForScreen(page, /cc: 42\n/, RUN_TIMEOUT_MS).catch(async (e) => {
    throw new Error(`${e.message}\nscreen: ${JSON.stringify(await screen(page))}`);
  });
  // A program built with -ltk that forks: the kernel worker asyncifies it with Binaryen, imported then (a lazy chunk).
  await type(page, "printf '#include <unistd.h>\\n#include <sys/wait.h>\\nint main(void) { int s; pid_t p = fork(); if (p == 0) _exit(7); waitpid(p, &s, 0); return WEXITSTATUS(s) + 1; }\\n' > /tmp/f.c && cc -o /tmp/f /tmp/f.c -ltk && /tmp/f; echo \"fork: $?\"");
  await waitForScreen(page, /fork: 8\n/, RUN_TIMEOUT_MS).catch(async (e) => {
    throw new Error(`${e.message}\nscreen: ${JSON.stringify(await screen(page))}`);
  });
  // The pass's output, kept in IndexedDB for the next page load (kernel/host/browser/asyncified.ts).
  const kept = await page.evaluate(() => new Promise((resolve, reject) => {
    const req = window.indexedDB.open('tabkernel-asyncified');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const count = req.result.transaction('programs').objectStore('programs').count();
      count.onsuccess = () => { resolve(count.result); req.result.close(); };
      count.onerror = () => reject(count.error);
    };
  }));
  assert.equal(kept, 1);
  const data = await dataset(page);
  assert.doesNotMatch(data.route ?? '', /proxy/);
  assert.deepEqual(page.problems, []);
});

test('image: the terminal\'s image command pulls the built-in toolchain from the page\'s own files and runs its cc', async (ctx) => {
  const index = JSON.parse(await readFile(join(ctx.root, 'userland/images/toolchain/index.json'), 'utf8'));
  const digest = index.manifests[0].digest;
  const page = await openTerminal(ctx);
  // The links at the top right are the layouts, with their layers' size.
  const nav = await page.evaluate(() => ({ text: document.getElementById('images').textContent, names: document.getElementById('images').dataset.images }));
  assert.equal(nav.names, 'toolchain');
  assert.match(nav.text, /^images: root · toolchain [\d.]+ MB$/);
  // The ?image=toolchain case stored it in this profile: removed, its 105 MB layer is fetched anew (streamed, its progress shown).
  await command(page, 'image rm toolchain 2>/dev/null; true');
  const started = Date.now();
  const pulled = await command(page, 'image pull toolchain', RUN_TIMEOUT_MS);
  const seconds = (Date.now() - started) / 1000;
  // A bar per layer, as any pull shows; the digest is the layout's, as the CLI shows it.
  assert.match(pulled, /^pulling toolchain\n(layer +\d+\/15 [0-9a-f]{12} \[#{24}\] ([\d.]+) of \2 MB, [\d.]+ MB\/s\n){15}/);
  assert.ok(pulled.endsWith(`builtin/toolchain:latest: ${digest}\n`), pulled);
  console.log(`  info [${ctx.browser.name}] image pull toolchain in the terminal: ${seconds.toFixed(1)} s`);
  assert.ok((await statusLog(page)).some((l) => /^pulling toolchain: layer 15\/15, [\d.]+ of 105\.2 MB/.test(l)), (await statusLog(page)).join('\n'));
  // In IndexedDB like any pull, and run from there.
  assert.match(await command(page, 'image ls'), new RegExp(`^builtin/toolchain:latest +${digest.slice(7, 19)} +image +[\\d.]+ MB$`, 'm'));
  assert.match(await command(page, 'image inspect toolchain'), new RegExp(`"manifestDigest": "${digest}"`));
  assert.match(await command(page, 'image run toolchain cc --version', RUN_TIMEOUT_MS), /clang version \d+/);
  assert.deepEqual(page.problems, []);
  await page.close();
});
