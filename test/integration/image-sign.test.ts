// Signatures and the policy end to end (issue 12): the CLI against Debian's
// docker-registry on loopback, images built by umoci and pushed by skopeo.
// Both directions are checked against code that is not tabkernel's:
//  (a) a signature made by openssl over a payload this test writes, its
//      signature manifest built as an OCI layout here and pushed by skopeo,
//      is accepted by tabkernel's pull and run under a sigstoreSigned policy;
//  (b) what `tabkernel image sign` uploads is fetched with plain fetch and its
//      signature checked by `openssl dgst -verify`;
//  (c) a signature over another digest, by another key, over a changed
//      payload, no signature at all, and a `reject` scope: each refused with
//      the scope and the reason, the image neither stored nor run;
//  (d) signing keys as PKCS#8 PEM, SEC1 PEM (openssl) and cosign's encrypted
//      format (test/fixtures/signatures), and host directories under the
//      capabilities.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootBin } from '../support/app-image.js';
import { root } from '../support/kernel.js';
import { buildImage, startRegistry, type TestRegistry } from '../support/registry.js';
import { cosignPayload, opensslKeys, opensslSign, opensslVerify, pushSignatureManifest, tagDigest, type KeyFiles } from '../support/signatures.js';

const cli = path.join(root, 'bin/tabkernel.js');
const fixtures = path.join(root, 'test/fixtures/signatures');

let reg: TestRegistry;
let dir: string;
let keys: KeyFiles;
let other: KeyFiles;
/** Repositories holding the same image (a shell entrypoint, a Cmd that prints /etc/greeting). */
const REPOS = ['theirs', 'mine', 'sec1', 'cosignkey', 'otherdigest', 'wrongkey', 'changed', 'unsigned', 'rejected', 'mounts'];

function tabkernel(args: string[], env: Record<string, string | undefined> = {}, cache = fs.mkdtempSync(path.join(dir, 'cache-'))) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    env: { ...process.env, TABKERNEL_CACHE: cache, COSIGN_PASSWORD: undefined, TABKERNEL_CAPABILITIES: undefined, ...env },
    timeout: 60_000,
  });
  return { status: r.status, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8'), cache };
}

/** tabkernel without blocking this process (whose token issuer the CLI may need to talk to). */
function tabkernelAsync(args: string[], env: Record<string, string | undefined> = {}): Promise<{ status: number; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, TABKERNEL_CACHE: fs.mkdtempSync(path.join(dir, 'cache-')), COSIGN_PASSWORD: undefined, ...env }, timeout: 60_000 },
      (e, _out, err) => resolve({ status: e ? (typeof e.code === 'number' ? e.code : 1) : 0, err }));
  });
}

/** A policy file: `scopes` for docker, everything else insecureAcceptAnything. */
function policy(name: string, scopes: Record<string, unknown[]>): string {
  const file = path.join(dir, `${name}.policy.json`);
  fs.writeFileSync(file, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }], transports: { docker: scopes } }));
  return file;
}

const signedBy = (pub: string, identity: Record<string, unknown> = { type: 'matchRepository' }) => [{ type: 'sigstoreSigned', keyPath: pub, signedIdentity: identity }];
const ref = (repo: string): string => `${reg.host}/tk/${repo}:1`;
const ls = (cache: string): string => tabkernel(['image', 'ls'], {}, cache).out;

beforeAll(async () => {
  reg = await startRegistry();
  dir = fs.mkdtempSync(path.join(reg.dir, 'sign-'));
  const layout = buildImage(dir, 'app', {
    files: { '/etc/greeting': 'hello from the image\n', '/bin/sh': rootBin('sh'), '/bin/cat': rootBin('cat'), '/bin/ls': rootBin('ls') },
    entrypoint: ['/bin/sh', '-c'], cmd: ['cat greeting'], env: ['PATH=/bin'], workdir: '/etc',
  });
  await Promise.all(REPOS.map((r) => reg.pushLayout(layout, 'app', `tk/${r}:1`)));
  keys = opensslKeys(dir, 'signer');
  other = opensslKeys(dir, 'other');
}, 90_000);

afterAll(() => reg?.stop());

describe('a signature made by openssl and pushed by skopeo', () => {
  it('is accepted by tabkernel under a sigstoreSigned policy: the image pulls and runs', async () => {
    const digest = await tagDigest(reg, 'tk/theirs', '1');
    const payload = cosignPayload(`${reg.host}/tk/theirs`, digest);
    const sig = opensslSign(dir, keys.sec1, payload);
    await pushSignatureManifest(reg, dir, 'tk/theirs', digest, [{ payload, signature: sig.toString('base64') }]);
    const env = { TABKERNEL_POLICY: policy('theirs', { [`${reg.host}/tk/theirs`]: signedBy(keys.pub) }) };
    const r = tabkernel(['run', ref('theirs')], env);
    expect(r).toMatchObject({ status: 0, out: 'hello from the image\n' });
    // signedIdentity matchExact wants the tag too; cosign signs the repository only.
    const exact = tabkernel(['run', ref('theirs')], { TABKERNEL_POLICY: policy('theirs-exact', { [`${reg.host}/tk/theirs`]: signedBy(keys.pub, { type: 'matchExact' }) }) });
    expect(exact.status).toBe(125);
    expect(exact.err).toContain(`the signature is for "${reg.host}/tk/theirs", the policy's signedIdentity (matchExact) wants "${reg.host}/tk/theirs:1" exactly`);
  });
});

describe('tabkernel image sign', () => {
  it("writes cosign's format, whose signature openssl verifies over the payload it uploaded", async () => {
    const r = tabkernel(['image', 'sign', '--key', keys.pkcs8, ref('mine')]);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const digest = await tagDigest(reg, 'tk/mine', '1');
    const tag = `${digest.replace(':', '-')}.sig`;
    expect(r.out).toMatch(new RegExp(`^${reg.host}/tk/mine:1: signed ${digest}\n${reg.host}/tk/mine:${tag}: sha256:[0-9a-f]{64} \\(1 signature\\)\n$`));
    // The independent checker: plain fetch, JSON, openssl.
    const res = await fetch(`${reg.url}/v2/tk/mine/manifests/${tag}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(res.status).toBe(200);
    const manifest = await res.json();
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.layers).toHaveLength(1);
    const layer = manifest.layers[0];
    expect(layer.mediaType).toBe('application/vnd.dev.cosign.simplesigning.v1+json');
    const payload = new Uint8Array(await (await fetch(`${reg.url}/v2/tk/mine/blobs/${layer.digest}`)).arrayBuffer());
    expect(JSON.parse(Buffer.from(payload).toString())).toEqual({
      critical: { identity: { 'docker-reference': `${reg.host}/tk/mine` }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
      optional: null,
    });
    const der = Buffer.from(layer.annotations['dev.cosignproject.cosign/signature'], 'base64');
    expect(der[0]).toBe(0x30); // DER, not WebCrypto's raw r‖s
    expect(opensslVerify(dir, keys.pub, der, payload)).toBe(true);
    expect(opensslVerify(dir, other.pub, der, payload)).toBe(false);
    // And tabkernel's pull accepts it.
    const run = tabkernel(['run', ref('mine')], { TABKERNEL_POLICY: policy('mine', { [`${reg.host}/tk`]: signedBy(keys.pub) }) });
    expect(run).toMatchObject({ status: 0, out: 'hello from the image\n' });
  });

  it('adds a second signature after the first, as cosign does', async () => {
    const r = tabkernel(['image', 'sign', '--key', keys.sec1, ref('mine')]);
    expect(r.out).toMatch(/ \(2 signatures\)\n$/);
  });

  it('signs with a SEC1 key (openssl ecparam -genkey), wrapped into PKCS#8 for WebCrypto', async () => {
    expect(tabkernel(['image', 'sign', '--key', keys.sec1, ref('sec1')]).status).toBe(0);
    const run = tabkernel(['run', ref('sec1')], { TABKERNEL_POLICY: policy('sec1', { [`${reg.host}/tk/sec1`]: signedBy(keys.pub) }) });
    expect(run).toMatchObject({ status: 0, out: 'hello from the image\n' });
  });

  it("signs with cosign's encrypted key, its passphrase from COSIGN_PASSWORD, and says so when it is wrong or missing", async () => {
    const key = path.join(fixtures, 'cosign-test.key');
    const wrong = tabkernel(['image', 'sign', '--key', key, ref('cosignkey')], { COSIGN_PASSWORD: 'not it' });
    expect(wrong.status).toBe(1);
    expect(wrong.err).toMatch(/cannot decrypt the key: wrong passphrase/);
    // No terminal to ask on: setsid leaves the CLI without a controlling terminal.
    const none = spawnSync('setsid', ['-w', process.execPath, cli, 'image', 'sign', '--key', key, ref('cosignkey')], {
      env: { ...process.env, COSIGN_PASSWORD: undefined }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000,
    });
    expect(none.stderr.toString()).toMatch(/the key is encrypted: set COSIGN_PASSWORD, or run on a terminal/);
    const ok = tabkernel(['image', 'sign', '--key', key, ref('cosignkey')], { COSIGN_PASSWORD: 'tabkernel-test-passphrase' });
    expect(ok.err).toBe('');
    const run = tabkernel(['run', ref('cosignkey')], { TABKERNEL_POLICY: policy('cosignkey', { [`${reg.host}/tk/cosignkey`]: signedBy(path.join(fixtures, 'cosign-test.pub')) }) });
    expect(run).toMatchObject({ status: 0, out: 'hello from the image\n' });
  });

  it("asks for a cosign key's passphrase on the terminal when COSIGN_PASSWORD is not set", () => {
    // script(1) gives the CLI a terminal; the passphrase is typed ahead into it.
    const key = path.join(fixtures, 'cosign-test.key');
    const onTerminal = (typed: string) => spawnSync('script', ['-qec', `${process.execPath} ${cli} image sign --key ${key} ${ref('cosignkey')}`, '/dev/null'], {
      input: typed, env: { ...process.env, COSIGN_PASSWORD: undefined, TABKERNEL_CACHE: fs.mkdtempSync(path.join(dir, 'cache-')) }, timeout: 60_000,
    }).stdout.toString();
    expect(onTerminal('tabkernel-test-passphrase\r')).toMatch(new RegExp(`Enter password for private key: \r\n${ref('cosignkey')}: signed sha256:`));
    expect(onTerminal('wrong\r')).toMatch(/Enter password for private key: \r\ntabkernel: .*cannot decrypt the key: wrong passphrase/);
  });

  it('signs in a token-auth registry with the credentials of the auth file (a pull,push token)', async () => {
    const secure = await startRegistry({ auth: 'token' });
    try {
      const layout = buildImage(dir, 'small', { files: { '/etc/greeting': 'hi\n' }, cmd: ['/bin/sh'] });
      await secure.pushLayout(layout, 'small', 'tk/app:1');
      const env = { REGISTRY_AUTH_FILE: secure.writeAuthFile(path.join(dir, 'auth.json')) };
      const r = await tabkernelAsync(['image', 'sign', '--key', keys.pkcs8, `${secure.host}/tk/app:1`], env);
      expect(r.err).toBe('');
      expect(secure.tokenRequests.some((q) => decodeURIComponent(q.url).includes('scope=repository:tk/app:pull,push'))).toBe(true);
      const anonymous = await tabkernelAsync(['image', 'sign', '--key', keys.pkcs8, `${secure.host}/tk/app:1`], { REGISTRY_AUTH_FILE: path.join(dir, 'none.json') });
      expect(anonymous.status).toBe(1);
      expect(anonymous.err).toMatch(/^tabkernel: 127\.0\.0\.1:\d+: denied: anonymous access \(no credentials for it were found in the auth files\) is not granted repository:tk\/app:pull \(401 for GET \/v2\/tk\/app\/manifests\/1\)\n$/);
    } finally {
      await secure.stop();
    }
  });

  it('refuses keys it cannot use, by name', () => {
    const p384 = path.join(dir, 'p384.pem');
    spawnSync('openssl', ['ecparam', '-genkey', '-name', 'secp384r1', '-noout', '-out', p384]);
    const r = tabkernel(['image', 'sign', '--key', p384, ref('mine')]);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/an EC key on P-384; only P-256 is supported/);
    expect(tabkernel(['image', 'sign', '--key', path.join(dir, 'nothing.pem'), ref('mine')]).err).toMatch(/--key .*nothing\.pem: no such file/);
  });
});

describe('what the policy refuses: the image is neither stored nor run', () => {
  /** Run `repo` under `scopes`; expect status 125, the message, and nothing in the store. */
  function refused(repo: string, scopes: Record<string, unknown[]>, message: RegExp | string) {
    const r = tabkernel(['run', ref(repo)], { TABKERNEL_POLICY: policy(repo, scopes) });
    expect(r.status).toBe(125);
    expect(r.out).toBe('');
    if (typeof message === 'string') expect(r.err).toContain(message);
    else expect(r.err).toMatch(message);
    expect(ls(r.cache)).not.toContain(`tk/${repo}`);
    return r;
  }

  it('a signature over another digest', async () => {
    const digest = await tagDigest(reg, 'tk/otherdigest', '1');
    const elsewhere = `sha256:${'ab'.repeat(32)}`;
    const payload = cosignPayload(`${reg.host}/tk/otherdigest`, elsewhere);
    await pushSignatureManifest(reg, dir, 'tk/otherdigest', digest, [{ payload, signature: opensslSign(dir, keys.sec1, payload).toString('base64') }]);
    refused('otherdigest', { [`${reg.host}/tk/otherdigest`]: signedBy(keys.pub) },
      `tabkernel: policy: docker ${reg.host}/tk/otherdigest requires a sigstore signature: signed for ${elsewhere}, not for ${digest}`);
  });

  it('a signature by another key', async () => {
    const digest = await tagDigest(reg, 'tk/wrongkey', '1');
    const payload = cosignPayload(`${reg.host}/tk/wrongkey`, digest);
    await pushSignatureManifest(reg, dir, 'tk/wrongkey', digest, [{ payload, signature: opensslSign(dir, other.sec1, payload).toString('base64') }]);
    refused('wrongkey', { [`${reg.host}/tk/wrongkey`]: signedBy(keys.pub) }, `requires a sigstore signature: the signature does not verify with the key ${keys.pub}`);
  });

  it('a payload changed after it was signed', async () => {
    const digest = await tagDigest(reg, 'tk/changed', '1');
    const payload = cosignPayload(`${reg.host}/tk/changed`, digest);
    const signature = opensslSign(dir, keys.sec1, payload).toString('base64');
    await pushSignatureManifest(reg, dir, 'tk/changed', digest, [{ payload: payload.replace('"optional":null', '"optional":{}'), signature }]);
    refused('changed', { [`${reg.host}/tk/changed`]: signedBy(keys.pub) }, 'the signature does not verify with the key');
  });

  it('no signature at all', () => {
    refused('unsigned', { [`${reg.host}/tk/unsigned`]: signedBy(keys.pub) },
      new RegExp(`^tabkernel: policy: docker ${reg.host}/tk/unsigned requires a sigstore signature: no signature found \\(no ${reg.host}/tk/unsigned:sha256-[0-9a-f]{64}\\.sig\\) \\(.*unsigned\\.policy\\.json\\)\n$`, 'm'));
  });

  it('a reject scope, which wins over a more general one', () => {
    refused('rejected', { [`${reg.host}/tk/rejected`]: [{ type: 'reject' }], [reg.host]: [{ type: 'insecureAcceptAnything' }] },
      `tabkernel: policy: docker ${reg.host}/tk/rejected rejects every image: ${reg.host}/tk/rejected:1 refused`);
  });

  it('an image stored earlier is admitted again when it runs', () => {
    const pulled = tabkernel(['image', 'pull', ref('unsigned')]);
    expect(pulled.status).toBe(0);
    const r = tabkernel(['run', ref('unsigned')], { TABKERNEL_POLICY: policy('later', { [`${reg.host}/tk/unsigned`]: [{ type: 'reject' }] }) }, pulled.cache);
    expect(r.status).toBe(125);
    expect(r.err).toMatch(/rejects every image/);
  });

  it("the shell's image command, under the same policy", () => {
    const file = policy('shell', { [`${reg.host}/tk/rejected`]: [{ type: 'reject' }] });
    const r = tabkernel(['run', 'sh', '-c', `image pull ${ref('rejected')}; echo rc=$?; image ls`], { TABKERNEL_POLICY: file });
    expect(r.err).toBe(`pulling ${ref('rejected')}\nimage: policy: docker ${reg.host}/tk/rejected rejects every image: ${ref('rejected')} refused (${file})\n`);
    expect(r.out).toMatch(/^rc=1\nREFERENCE +DIGEST +KIND +SIZE\n$/);
  });

  it('an invalid policy file, naming what is wrong with it', () => {
    const file = path.join(dir, 'bad.policy.json');
    fs.writeFileSync(file, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }], tabkernel: {} }));
    const r = tabkernel(['run', ref('unsigned')], { TABKERNEL_POLICY: file });
    expect(r.status).toBe(125);
    expect(r.err).toContain(`tabkernel: policy: ${file}: the top level: unknown field "tabkernel"`);
  });
});

describe('capabilities', () => {
  it('mounts a host directory into a container only where the capabilities grant it (EACCES otherwise)', () => {
    const data = fs.mkdtempSync(path.join(dir, 'data-'));
    fs.writeFileSync(path.join(data, 'note'), 'from the host\n');
    const args = ['run', '--dir', `${data}::/data`, ref('mounts'), 'cat /data/note'];
    const denied = tabkernel(args, { TABKERNEL_POLICY: policy('open', {}) });
    expect(denied.status).toBe(125);
    expect(denied.out).toBe('');
    expect(denied.err).toBe(`tabkernel: --dir ${data}: Permission denied (EACCES): policy: "default" mounts [] grants no ${fs.realpathSync(data)} to a container of ${ref('mounts')} (the built-in capabilities)\n`);
    const caps = path.join(dir, 'tabkernel-capabilities.json');
    fs.writeFileSync(caps, JSON.stringify({ transports: { docker: { [`${reg.host}/tk/mounts`]: { mounts: [path.dirname(fs.realpathSync(data))] } } } }));
    const granted = tabkernel(args, { TABKERNEL_POLICY: policy('open', {}) });
    expect(granted).toMatchObject({ status: 0, out: 'from the host\n' });
    // A program run from the host keeps its --dir (the built-in "programs"), unless the file says otherwise.
    fs.writeFileSync(caps, JSON.stringify({ programs: { mounts: ['/nowhere'] } }));
    const prog = tabkernel(['run', '--dir', data, 'ls', data], { TABKERNEL_POLICY: policy('open', {}) });
    expect(prog.status).toBe(1);
    expect(prog.err).toMatch(/Permission denied \(EACCES\): policy: "programs" mounts \["\/nowhere"\] grants no .* to a program run from the host \(.*tabkernel-capabilities\.json\)/);
    fs.rmSync(caps);
  });

  it('says which policy is in force', () => {
    const file = policy('shown', { [`${reg.host}/tk`]: signedBy(keys.pub) });
    const r = tabkernel(['image', 'policy'], { TABKERNEL_POLICY: file });
    expect(r.out).toBe(`${file}: default insecureAcceptAnything; docker ${reg.host}/tk sigstoreSigned (keyPath ${keys.pub}, matchRepository)\n`);
  });
});
