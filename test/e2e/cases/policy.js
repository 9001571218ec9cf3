// The image policy in the page (docs/POLICY.md): the dev server serves the
// user's policy.json ($TABKERNEL_POLICY here) beside the page with its key
// inlined; the page says which policy applies, runs an image whose cosign
// signature (made by openssl, pushed by skopeo: test/support/signatures.ts)
// verifies, and refuses an unsigned one — under /?image= and in the
// terminal's `image` command — with the scope and the reason.
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '../harness.js';
import { registrySupport, signatureSupport } from '../registry.js';
import { command, openReaderPage, openTerminal, RUN_TIMEOUT_MS, screen } from '../terminal.js';

function imageUrl(base, ref) {
  const url = new URL(base);
  url.searchParams.set('image', ref);
  return url.href;
}

const dataset = (page) => page.evaluate(() => ({ ...document.getElementById('status').dataset }));

test('policy: the page shows its policy, runs a signed image and refuses an unsigned one', async (ctx) => {
  const { startRegistry, buildImage } = await registrySupport();
  const { opensslKeys, cosignPayload, opensslSign, pushSignatureManifest, tagDigest } = await signatureSupport();
  const dir = await mkdtemp(join(tmpdir(), 'tabkernel-e2e-policy-'));
  const reg = await startRegistry();
  const saved = process.env.TABKERNEL_POLICY;
  try {
    const bin = async (name) => readFile(join(ctx.root, 'userland/rootfs/bin', name));
    const layout = buildImage(dir, 'app', {
      files: { '/etc/greeting': 'hello from a signed image\n', '/bin/sh': await bin('sh'), '/bin/cat': await bin('cat') },
      entrypoint: ['/bin/sh', '-c'], cmd: ['cat greeting'], env: ['PATH=/bin'], workdir: '/etc',
    });
    await reg.pushLayout(layout, 'app', 'tk/signed:1');
    await reg.pushLayout(layout, 'app', 'tk/unsigned:1');
    const keys = opensslKeys(dir, 'signer');
    const digest = await tagDigest(reg, 'tk/signed', '1');
    const payload = cosignPayload(`${reg.host}/tk/signed`, digest);
    await pushSignatureManifest(reg, dir, 'tk/signed', digest, [{ payload, signature: opensslSign(dir, keys.sec1, payload).toString('base64') }]);
    const requirement = [{ type: 'sigstoreSigned', keyPath: keys.pub, signedIdentity: { type: 'matchRepository' } }];
    const policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }], transports: { docker: { [`${reg.host}/tk`]: requirement } } }));
    // The dev server (this process) reads it per request.
    process.env.TABKERNEL_POLICY = policy;
    const summary = `${new URL('policy.json', ctx.devUrl).href}: default insecureAcceptAnything; docker ${reg.host}/tk sigstoreSigned (keyData, matchRepository)`;

    const signed = await openReaderPage(ctx, imageUrl(ctx.devUrl, `${reg.host}/tk/signed:1`));
    await signed.waitForSelector('#status[data-exit]', RUN_TIMEOUT_MS);
    const text = await screen(signed);
    assert.equal((await dataset(signed)).exit, '0', text);
    assert.ok(text.includes(`tabkernel: image policy: ${summary}\n`), text);
    assert.match(text, /hello from a signed image\n/);
    await signed.close();

    const unsigned = await openReaderPage(ctx, imageUrl(ctx.devUrl, `${reg.host}/tk/unsigned:1`));
    await unsigned.waitForSelector('#status[data-state="error"]', RUN_TIMEOUT_MS);
    const status = await unsigned.evaluate(() => document.getElementById('status').textContent);
    assert.match(status, new RegExp(`^cannot run ${reg.host}/tk/unsigned:1: policy: docker ${reg.host}/tk requires a sigstore signature: no signature found \\(no ${reg.host}/tk/unsigned:sha256-[0-9a-f]{64}\\.sig\\)`));
    assert.equal((await dataset(unsigned)).policy, summary);
    await unsigned.close();

    // The terminal's image command is under the same policy.
    const term = await openTerminal(ctx, new URL('?fresh', ctx.devUrl).href);
    const refused = await command(term, `image pull ${reg.host}/tk/unsigned:1; echo rc=$?`, RUN_TIMEOUT_MS);
    assert.match(refused, new RegExp(`policy: docker ${reg.host}/tk requires a sigstore signature: no signature found .*\nrc=\\d+\n$`, 's'));
    assert.doesNotMatch(await command(term, 'image ls'), /tk\/unsigned/);
    assert.deepEqual(term.problems, []);
    await term.close();
  } finally {
    if (saved === undefined) delete process.env.TABKERNEL_POLICY;
    else process.env.TABKERNEL_POLICY = saved;
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
