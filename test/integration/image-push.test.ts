// `tabkernel image push` end to end against Debian's docker-registry on
// loopback (test/support/registry.ts): the image is tk/app:1 of
// test/support/app-image.ts (built by umoci, put in a first, anonymous
// registry by skopeo), pulled into the CLI's store, then pushed by tabkernel
// to a second registry with htpasswd auth and a third with token auth. skopeo
// is the judge of what arrived (inspect, copy to an OCI layout), and a pull
// into an empty cache must run. The registries' access logs show which
// requests the pushes made (PATCH chunks, mounts).
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_SIZE } from '../../kernel/image/upload.js';
import { startAppImage, type AppImage } from '../support/app-image.js';
import { root } from '../support/kernel.js';
import { buildImage, startRegistry, type TestRegistry } from '../support/registry.js';

const cli = path.join(root, 'bin/tabkernel.js');

let app: AppImage | undefined;
let basic: TestRegistry | undefined; // htpasswd
let token: TestRegistry | undefined; // token auth; anonymous users may pull
let dir: string;
let authFile: string;
let pulledDigest: string;

/**
 * `tabkernel ARGS` with the test's store, auth file and a HOME of its own (no
 * auth file of the user's). Asynchronous: the token issuer and skopeo's
 * partners run in this process.
 */
function tabkernel(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, ...args], {
      env: { ...process.env, TABKERNEL_CACHE: path.join(dir, 'cache'), HOME: path.join(dir, 'home'), REGISTRY_AUTH_FILE: authFile, ...env },
      timeout: 120_000, maxBuffer: 16 << 20, encoding: 'utf8',
    }, (e, out, err) => {
      if (e && typeof e.code !== 'number') reject(e);
      else resolve({ status: e ? (e.code as number) : 0, out, err });
    });
  });
}

/** The digest a push reports on its last line. */
function reported(err: string, ref: string): string {
  const m = new RegExp(`^${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (sha256:[0-9a-f]{64}) \\(`, 'm').exec(err);
  if (!m) throw new Error(`no digest reported for ${ref} in:\n${err}`);
  return m[1];
}

/** The outcome each blob line of a push reports, in order. */
const outcomes = (err: string): string[] => [...err.matchAll(/^blob \d+\/\d+ [0-9a-f]{12}: [\d.]+ MB, (exists|mounted|pushed)/gm)].map((m) => m[1]);

function skopeo(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('skopeo', args, { encoding: 'utf8' }, (e, out, err) => (e ? reject(new Error(`skopeo ${args.join(' ')}: ${err}`)) : resolve(out)));
  });
}

const creds = (reg: TestRegistry): string[] => ['--creds', `tk:${reg.users.tk}`];

/** An auth file (containers auth.json) with `password` for user tk at each registry. */
function writeAuth(file: string, password: (reg: TestRegistry) => string): string {
  const auths: Record<string, { auth: string }> = {};
  for (const reg of [basic!, token!]) auths[reg.host] = { auth: Buffer.from(`tk:${password(reg)}`).toString('base64') };
  fs.writeFileSync(file, JSON.stringify({ auths }));
  return file;
}

/** Access-log lines of `reg` for requests whose method and path start as `prefix` (e.g. `PATCH /v2/tk/big/`). */
function logged(reg: TestRegistry, prefix: string): string[] {
  return fs.readFileSync(path.join(reg.dir, 'registry.log'), 'utf8').split('\n').filter((l) => l.includes(`"${prefix}`));
}

beforeAll(async () => {
  app = await startAppImage('tk-image-push-', ['sh', 'cat', 'echo']);
  dir = app.dir;
  fs.mkdirSync(path.join(dir, 'home'));
  basic = await startRegistry({ auth: 'htpasswd' });
  token = await startRegistry({ auth: 'token', anonymousPull: true });
  authFile = writeAuth(path.join(dir, 'auth.json'), (reg) => reg.users.tk);
  const pulled = await tabkernel(['image', 'pull', app.ref]);
  expect(pulled.status, pulled.err).toBe(0);
  pulledDigest = /: (sha256:[0-9a-f]{64})$/m.exec(pulled.err)![1];
}, 90_000);

afterAll(async () => {
  await Promise.all([app?.stop(), basic?.stop(), token?.stop()]);
});

describe('tabkernel image push to a registry with Basic auth', () => {
  it('pushes every blob of an image of the store and the manifest, and reports the digest skopeo sees', async () => {
    const dest = `${basic!.host}/tk/app:1`;
    const r = await tabkernel(['image', 'push', app!.ref, dest]);
    expect(r.status, r.err).toBe(0);
    expect(r.err.split('\n')[0]).toBe(`pushing ${app!.ref} to ${dest}`);
    expect(outcomes(r.err)).toEqual(['pushed', 'pushed', 'pushed', 'pushed', 'pushed']); // 3 layers and /etc/greeting's, then the config
    expect(reported(r.err, dest)).toBe(pulledDigest);
    const inspected = JSON.parse(await skopeo(['inspect', '--tls-verify=false', ...creds(basic!), `docker://${dest}`]));
    expect(inspected.Digest).toBe(pulledDigest);
    expect([inspected.Os, inspected.Architecture]).toEqual(['wasi', 'wasm']);
  });

  it('gives skopeo copy the same manifest, config and layer digests as the store holds', async () => {
    const layout = path.join(dir, 'copied');
    await skopeo(['copy', '--quiet', '--src-tls-verify=false', '--src-creds', `tk:${basic!.users.tk}`, `docker://${basic!.host}/tk/app:1`, `oci:${layout}:t`]);
    const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
    expect(index.manifests[0].digest).toBe(pulledDigest);
    const manifest = JSON.parse(fs.readFileSync(path.join(layout, 'blobs/sha256', pulledDigest.slice(7)), 'utf8'));
    const ours = JSON.parse((await tabkernel(['image', 'inspect', app!.ref])).out);
    expect(manifest.config.digest).toBe(ours.configDigest);
    expect(manifest.layers.map((l: { digest: string }) => l.digest)).toEqual(ours.layers.map((l: { digest: string }) => l.digest));
    for (const l of manifest.layers) {
      const bytes = fs.readFileSync(path.join(layout, 'blobs/sha256', l.digest.slice(7)));
      expect(`sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`).toBe(l.digest);
    }
  });

  it('is pulled back into an empty cache and runs', async () => {
    const env = { TABKERNEL_CACHE: path.join(dir, 'empty-cache'), HOME: fs.mkdtempSync(path.join(dir, 'home-')) };
    const pulled = await tabkernel(['image', 'pull', `${basic!.host}/tk/app:1`], env);
    expect(pulled.status, pulled.err).toBe(0);
    expect(pulled.err).toMatch(new RegExp(`: ${pulledDigest}$`, 'm'));
    const run = await tabkernel(['run', `${basic!.host}/tk/app:1`], env);
    expect(run).toMatchObject({ status: 0, out: 'hello from the image\n' });
  });

  it('finds every blob there on a second push', async () => {
    const r = await tabkernel(['image', 'push', app!.ref, `${basic!.host}/tk/app:1`]);
    expect(r.status, r.err).toBe(0);
    expect(outcomes(r.err)).toEqual(['exists', 'exists', 'exists', 'exists', 'exists']);
  });

  it('mounts every blob when pushing to another repository of the same registry', async () => {
    // The first push named the image by its destination in the store: that is where the blobs are on this registry.
    const r = await tabkernel(['image', 'push', `${basic!.host}/tk/app:1`, `${basic!.host}/tk/copy:1`]);
    expect(r.status, r.err).toBe(0);
    expect(outcomes(r.err)).toEqual(['mounted', 'mounted', 'mounted', 'mounted', 'mounted']);
    expect(logged(basic!, 'POST /v2/tk/copy/blobs/uploads/?mount=sha256%3A').filter((l) => l.includes('&from=tk%2Fapp') && / 201 /.test(l))).toHaveLength(5);
    expect(logged(basic!, 'PATCH /v2/tk/copy/')).toEqual([]);
    expect(JSON.parse(await skopeo(['inspect', '--tls-verify=false', ...creds(basic!), `docker://${basic!.host}/tk/copy:1`])).Digest).toBe(pulledDigest);
  });

  it('sends a layer larger than a chunk in PATCHes of CHUNK_SIZE bytes', async () => {
    // 20 MiB of random bytes: the gzip layer stays larger than two chunks.
    const layout = buildImage(dir, 'big', { files: { '/data/noise.bin': crypto.randomBytes(20 << 20), '/etc/greeting': 'big\n' }, cmd: ['/bin/true'] });
    await app!.reg.pushLayout(layout, 'big', 'tk/big:1');
    expect((await tabkernel(['image', 'pull', `${app!.reg.host}/tk/big:1`])).status).toBe(0);
    const big = JSON.parse((await tabkernel(['image', 'inspect', `${app!.reg.host}/tk/big:1`])).out) as { manifestDigest: string; layers: Array<{ digest: string; size: number }> };
    const layer = big.layers.find((l) => l.size > CHUNK_SIZE)!;
    expect(layer.size).toBeGreaterThan(2 * CHUNK_SIZE);

    const r = await tabkernel(['image', 'push', `${app!.reg.host}/tk/big:1`, `${basic!.host}/tk/big:1`]);
    expect(r.status, r.err).toBe(0);
    const patches = logged(basic!, 'PATCH /v2/tk/big/blobs/uploads/');
    expect(patches).toHaveLength(Math.ceil(layer.size / CHUNK_SIZE));
    expect(patches.every((l) => / 202 /.test(l))).toBe(true);
    // The small blobs went whole in their closing PUT; only the big one's PUT closes a chunked upload.
    expect(logged(basic!, 'PUT /v2/tk/big/blobs/uploads/')).toHaveLength(big.layers.length + 1);
    const inspected = JSON.parse(await skopeo(['inspect', '--tls-verify=false', ...creds(basic!), `docker://${basic!.host}/tk/big:1`]));
    expect(inspected.Digest).toBe(big.manifestDigest);
    expect(inspected.Layers).toContain(layer.digest);
  }, 120_000);

  it('fails with a wrong password, saying so, exiting 1 and leaving no tag', async () => {
    const wrong = writeAuth(path.join(dir, 'wrong.json'), () => 'not-the-password');
    const r = await tabkernel(['image', 'push', app!.ref, `${basic!.host}/tk/wrong:1`], { REGISTRY_AUTH_FILE: wrong });
    expect(r.status).toBe(1);
    expect(r.err).toMatch(new RegExp(`^tabkernel: ${basic!.host}: the credentials for user "tk" were refused$`, 'm'));
    await expect(skopeo(['inspect', '--tls-verify=false', ...creds(basic!), `docker://${basic!.host}/tk/wrong:1`])).rejects.toThrow(/manifest unknown/);
  });

  it('refuses a blob of the store that no longer matches its digest, leaving no tag', async () => {
    // A copy of the store whose only image is the source, with one layer's bytes changed on disk.
    const damaged = path.join(dir, 'damaged-cache');
    fs.cpSync(path.join(dir, 'cache'), damaged, { recursive: true });
    const index = JSON.parse(fs.readFileSync(path.join(damaged, 'index.json'), 'utf8'));
    index.manifests = index.manifests.filter((m: { annotations: Record<string, string> }) => m.annotations['org.opencontainers.image.ref.name'] === app!.ref);
    fs.writeFileSync(path.join(damaged, 'index.json'), JSON.stringify(index));
    const ours = JSON.parse((await tabkernel(['image', 'inspect', app!.ref])).out) as { layers: Array<{ digest: string; size: number }> };
    const victim = ours.layers.reduce((a, b) => (a.size >= b.size ? a : b));
    fs.writeFileSync(path.join(damaged, 'blobs/sha256', victim.digest.slice(7)), crypto.randomBytes(victim.size));
    const r = await tabkernel(['image', 'push', app!.ref, `${basic!.host}/tk/damaged:1`], { TABKERNEL_CACHE: damaged });
    expect(r.status).toBe(1);
    expect(r.err).toMatch(new RegExp(`^tabkernel: ${victim.digest}: the local copy is damaged \\(content hashes to sha256:[0-9a-f]{64}\\); not pushed`, 'm'));
    await expect(skopeo(['inspect', '--tls-verify=false', ...creds(basic!), `docker://${basic!.host}/tk/damaged:1`])).rejects.toThrow(/manifest unknown/);
  });

  it('uses plain HTTP for a registry that is not loopback only with --insecure', async () => {
    // 0.0.0.0 reaches the registry on 127.0.0.1, but is not a loopback name to tabkernel: HTTPS unless --insecure.
    const host = basic!.host.replace('127.0.0.1', '0.0.0.0');
    const auth = path.join(dir, 'insecure.json');
    fs.writeFileSync(auth, JSON.stringify({ auths: { [host]: { auth: Buffer.from(`tk:${basic!.users.tk}`).toString('base64') } } }));
    const refused = await tabkernel(['image', 'push', app!.ref, `${host}/tk/insecure:1`], { REGISTRY_AUTH_FILE: auth });
    expect(refused.status).toBe(1);
    expect(refused.err).toMatch(new RegExp(`^tabkernel: cannot reach https://${host.replace(/\./g, '\\.')} \\(ERR_SSL_WRONG_VERSION_NUMBER\\)$`, 'm'));
    const r = await tabkernel(['image', 'push', '--insecure', app!.ref, `${host}/tk/insecure:1`], { REGISTRY_AUTH_FILE: auth });
    expect(r.status, r.err).toBe(0);
    expect(reported(r.err, `${host}/tk/insecure:1`)).toBe(pulledDigest);
    expect(JSON.parse(await skopeo(['inspect', '--tls-verify=false', ...creds(basic!), `docker://${basic!.host}/tk/insecure:1`])).Digest).toBe(pulledDigest);
  });

  it('says what is wrong with a SRC the store lacks, or with a bad reference', async () => {
    const missing = await tabkernel(['image', 'push', `${basic!.host}/tk/none:1`]);
    expect(missing.status).toBe(1);
    expect(missing.err).toMatch(new RegExp(`^tabkernel: no image ${basic!.host}/tk/none:1 in the store`, 'm'));
    const bad = await tabkernel(['image', 'push', app!.ref, 'Bad//Ref']);
    expect(bad.status).toBe(1);
    expect(bad.err).toMatch(/invalid image reference "Bad\/\/Ref"/);
    expect((await tabkernel(['image', 'push'])).status).toBe(2);
  });
});

describe('tabkernel image push to a registry with token auth', () => {
  it('pushes with a pull,push token, then mounts into another repository with a token for both', async () => {
    const dest = `${token!.host}/tk/app:1`;
    const first = await tabkernel(['image', 'push', app!.ref, dest]);
    expect(first.status, first.err).toBe(0);
    expect(outcomes(first.err)).toEqual(['pushed', 'pushed', 'pushed', 'pushed', 'pushed']);
    const second = await tabkernel(['image', 'push', dest, `${token!.host}/tk/mounted:1`]);
    expect(second.status, second.err).toBe(0);
    expect(outcomes(second.err)).toEqual(['mounted', 'mounted', 'mounted', 'mounted', 'mounted']);
    const scopes = token!.tokenRequests.map((t) => new URL(t.url, 'http://x').searchParams.getAll('scope'));
    expect(scopes).toContainEqual(['repository:tk/app:pull,push']);
    expect(scopes).toContainEqual(['repository:tk/mounted:pull,push', 'repository:tk/app:pull']);
    for (const name of ['tk/app:1', 'tk/mounted:1']) {
      expect(JSON.parse(await skopeo(['inspect', '--tls-verify=false', ...creds(token!), `docker://${token!.host}/${name}`])).Digest).toBe(pulledDigest);
    }
  });

  it('is refused for anonymous users, whom the token server grants pull only: denied, naming the scope', async () => {
    const none = path.join(dir, 'none.json');
    fs.writeFileSync(none, '{"auths":{}}');
    const r = await tabkernel(['image', 'push', app!.ref, `${token!.host}/tk/anon:1`], { REGISTRY_AUTH_FILE: none });
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/denied: anonymous access \(no credentials for it were found in the auth files\) is not granted repository:tk\/anon:pull,push/);
  });

  it('fails with a wrong password at the token endpoint, saying so', async () => {
    const wrong = writeAuth(path.join(dir, 'wrong-token.json'), () => 'not-the-password');
    const r = await tabkernel(['image', 'push', app!.ref, `${token!.host}/tk/wrong:1`], { REGISTRY_AUTH_FILE: wrong });
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/token endpoint http:\/\/127\.0\.0\.1:\d+\/token \(as "tk"\): HTTP 401/);
  });
});
