// Images end to end through the CLI (issue 11), beyond image-cli.test.ts:
// layers that delete and replace what is below them (umoci insert --whiteout,
// --opaque), symlinks and hard links inside a layer, a 50 MiB layer whose
// bytes must arrive whole, registries that want Basic credentials from an
// auth file or a Bearer token, a pull killed halfway and a blob tampered with
// in the registry's storage. Registries are Debian's docker-registry on
// loopback (test/support/registry.ts); images are built with umoci. The CLI
// is spawned asynchronously: the token issuer and the blob server of
// redirect mode run in this process and must keep answering.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../support/kernel.js';
import { sha256, startRegistry, type TestRegistry } from '../support/registry.js';

const cli = path.join(root, 'bin/tabkernel.js');
const MiB = 1 << 20;

let dir: string;
const registries: TestRegistry[] = [];

interface Result { status: number | null; out: string; err: string }

/** The CLI with its own cache and no auth files of the user's; `started` sees the child. */
function tabkernel(args: string[], o: { cache: string; env?: Record<string, string>; started?: (c: ChildProcess) => void }): Promise<Result> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: path.join(dir, 'home'), TABKERNEL_CACHE: o.cache, ...o.env };
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  o.started?.(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve) => {
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() });
    });
  });
}

const umoci = (...args: string[]): void => void execFileSync('umoci', args);

/** A new OCI layout with an empty image `layout:t`. */
function newLayout(name: string): string {
  const layout = path.join(dir, `layout-${name}`);
  umoci('init', '--layout', layout);
  umoci('new', '--image', `${layout}:t`);
  return layout;
}

/** A source tree under `dir`: path → content (a Buffer or text), made with parents. */
function tree(name: string, files: Record<string, string | Uint8Array>): string {
  const src = path.join(dir, `src-${name}`);
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, p)), { recursive: true });
    fs.writeFileSync(path.join(src, p), content, { mode: 0o755 });
  }
  return src;
}

const rootBin = (...names: string[]): Record<string, Uint8Array> =>
  Object.fromEntries(names.map((n) => [`bin/${n}`, fs.readFileSync(path.join(root, 'userland/rootfs/bin', n))]));

function configure(layout: string, entrypoint: string[]): void {
  const args = ['config', '--image', `${layout}:t`, '--os', 'wasi', '--architecture', 'wasm', '--config.env', 'PATH=/bin'];
  for (const e of entrypoint) args.push('--config.entrypoint', e);
  umoci(...args);
}

/** The digests of an OCI layout's layers for tag t, bottom first. */
function layerDigests(layout: string): string[] {
  const blob = (d: string): string => fs.readFileSync(path.join(layout, 'blobs/sha256', d.replace(/^sha256:/, '')), 'utf8');
  const index = JSON.parse(blob(JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')).manifests[0].digest)) as { layers: Array<{ digest: string }> };
  return index.layers.map((l) => l.digest);
}

async function registry(opts: Parameters<typeof startRegistry>[0] = {}): Promise<TestRegistry> {
  const r = await startRegistry(opts);
  registries.push(r);
  return r;
}

const freshCache = (name: string): string => fs.mkdtempSync(path.join(dir, `cache-${name}-`));
const blobsIn = (cache: string): string[] => fs.readdirSync(path.join(cache, 'blobs/sha256')).map((h) => `sha256:${h}`);

/** 50 MiB that gzip cannot shrink, made once. */
let bigFile: Buffer;
let bigLayout: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-image-layers-'));
  fs.mkdirSync(path.join(dir, 'home'));
  bigFile = crypto.randomBytes(50 * MiB);
  bigLayout = newLayout('big');
  umoci('insert', '--image', `${bigLayout}:t`, tree('big-base', rootBin('sh', 'sha256sum', 'cat')), '/');
  fs.writeFileSync(path.join(dir, 'big.bin'), bigFile);
  umoci('insert', '--image', `${bigLayout}:t`, path.join(dir, 'big.bin'), '/data/big.bin');
  configure(bigLayout, ['/bin/sh', '-c']);
}, 120_000);

afterAll(async () => {
  for (const r of registries) await r.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('image layers, as the container sees them', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await registry();
  }, 60_000);

  it('merges layers: whiteouts hide lower files, an opaque directory hides all below it, a re-added file comes back', async () => {
    const layout = newLayout('merge');
    // 1. The base: programs and files that later layers delete or replace.
    umoci('insert', '--image', `${layout}:t`, tree('merge-base', {
      ...rootBin('sh', 'ls', 'cat'),
      'etc/keep': 'kept\n', 'etc/gone': 'old\n', 'etc/back': 'old\n',
      'd/a': 'a\n', 'd/b': 'b\n', 'opq/x': 'x\n', 'opq/sub/y': 'y\n',
    }), '/');
    // 2. Deletions, an opaque replacement of /opq, an addition beside lower files, a file re-added after its whiteout.
    umoci('insert', '--image', `${layout}:t`, '--whiteout', '/etc/gone');
    umoci('insert', '--image', `${layout}:t`, '--whiteout', '/etc/back');
    umoci('insert', '--image', `${layout}:t`, '--opaque', tree('merge-opq', { z: 'z\n' }), '/opq');
    umoci('insert', '--image', `${layout}:t`, path.join(tree('merge-c', { c: 'c\n' }), 'c'), '/d/c');
    umoci('insert', '--image', `${layout}:t`, '--whiteout', '/d/a');
    umoci('insert', '--image', `${layout}:t`, path.join(tree('merge-back', { back: 'new\n' }), 'back'), '/etc/back');
    configure(layout, ['/bin/sh', '-c']);
    expect(layerDigests(layout)).toHaveLength(7);
    await reg.pushLayout(layout, 't', 'tk/merge:1');

    const r = await tabkernel(['run', `${reg.host}/tk/merge:1`, 'ls /etc; echo --; ls /d; echo --; ls /opq; cat /opq/sub/y || echo hidden; cat /etc/back /d/c'], { cache: freshCache('merge') });
    expect(r.err).toMatch(/^pulling .*\n(layer \d\/7 .*\n){7}cat: \/opq\/sub\/y: No such file or directory\n$/);
    expect(r.out).toBe('back\nkeep\n--\nb\nc\n--\nz\nhidden\nnew\nc\n');
    expect(r.status).toBe(0);
  }, 90_000);

  it('keeps symlinks (relative, absolute, to a directory) and hard links of a layer', async () => {
    const layout = newLayout('links');
    const src = tree('links', { ...rootBin('sh', 'cat', 'ls', 'stat', 'readlink'), 'data/file': 'linked\n' });
    fs.linkSync(path.join(src, 'data/file'), path.join(src, 'data/hard'));
    fs.symlinkSync('file', path.join(src, 'data/rel'));
    fs.symlinkSync('/data/file', path.join(src, 'data/abs'));
    fs.symlinkSync('data', path.join(src, 'lnk'));
    umoci('insert', '--image', `${layout}:t`, src, '/');
    configure(layout, ['/bin/sh', '-c']);
    await reg.pushLayout(layout, 't', 'tk/links:1');

    const script = 'cat /data/hard /data/rel /data/abs /lnk/file; readlink /data/rel /data/abs /lnk; stat -c "%h %i" /data/file /data/hard';
    const r = await tabkernel(['run', `${reg.host}/tk/links:1`, script], { cache: freshCache('links') });
    expect(r.status, r.err).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.slice(0, 7)).toEqual(['linked', 'linked', 'linked', 'linked', 'file', '/data/file', 'data']);
    // One inode, two names.
    const [a, b] = [lines[7].split(' '), lines[8].split(' ')];
    expect(a[0]).toBe('2');
    expect(b).toEqual(a);
  }, 90_000);

  it('delivers a 50 MiB layer whole: its file hashes right inside the container', async () => {
    await reg.pushLayout(bigLayout, 't', 'tk/big:1');
    const r = await tabkernel(['run', `${reg.host}/tk/big:1`, 'sha256sum /data/big.bin'], { cache: freshCache('big') });
    expect(r.status, r.err).toBe(0);
    expect(r.out).toBe(`${sha256(bigFile).slice('sha256:'.length)}  /data/big.bin\n`);
  }, 120_000);

  it('refuses a blob tampered with in the registry, naming its digest and caching nothing of the image; pulls it once repaired', async () => {
    const layout = newLayout('tamper');
    umoci('insert', '--image', `${layout}:t`, tree('tamper', { ...rootBin('cat'), 'etc/msg': 'intact\n' }), '/');
    configure(layout, ['/bin/cat', '/etc/msg']);
    await reg.pushLayout(layout, 't', 'tk/tamper:1');
    const [layer] = layerDigests(layout);
    const file = reg.blobFile(layer);
    const good = fs.readFileSync(file);
    const bad = Buffer.from(good);
    bad[bad.length >> 1] ^= 0xff; // the same size: only the hash can tell
    fs.writeFileSync(file, bad);
    const cache = freshCache('tamper');
    const ref = `${reg.host}/tk/tamper:1`;

    const refused = await tabkernel(['image', 'pull', ref], { cache });
    expect(refused.status).toBe(1);
    expect(refused.err).toContain(layer);
    expect(refused.err).toMatch(/refused, nothing of it was stored/);
    expect(blobsIn(cache)).not.toContain(layer);
    expect((await tabkernel(['image', 'ls'], { cache })).out).not.toContain('tk/tamper');
    expect(fs.readdirSync(path.join(cache, 'tmp'))).toEqual([]);

    fs.writeFileSync(file, good);
    expect((await tabkernel(['image', 'pull', ref], { cache })).status).toBe(0);
    expect(blobsIn(cache)).toContain(layer);
    expect(await tabkernel(['run', ref], { cache })).toMatchObject({ status: 0, out: 'intact\n' });
  }, 90_000);
});

describe('registries that want credentials', () => {
  /** A small image (cat /etc/msg) pushed to `reg` as tk/private:1. */
  async function pushPrivate(reg: TestRegistry, name: string): Promise<string> {
    const layout = newLayout(name);
    umoci('insert', '--image', `${layout}:t`, tree(name, { ...rootBin('cat'), 'etc/msg': 'secret\n' }), '/');
    configure(layout, ['/bin/cat', '/etc/msg']);
    await reg.pushLayout(layout, 't', 'tk/private:1');
    return `${reg.host}/tk/private:1`;
  }

  it('pulls and runs with Basic credentials from $REGISTRY_AUTH_FILE, and fails clearly without them', async () => {
    const reg = await registry({ auth: 'htpasswd' });
    const ref = await pushPrivate(reg, 'basic');
    const authFile = reg.writeAuthFile(path.join(dir, 'basic-auth.json'));

    const without = await tabkernel(['run', ref], { cache: freshCache('basic-none') });
    expect(without.status).toBe(125);
    expect(without.err).toMatch(/authentication required, and no credentials for it were found/);

    const cache = freshCache('basic');
    const pulled = await tabkernel(['image', 'pull', ref], { cache, env: { REGISTRY_AUTH_FILE: authFile } });
    expect(pulled.status, pulled.err).toBe(0);
    expect(await tabkernel(['run', ref], { cache })).toMatchObject({ status: 0, out: 'secret\n' });
    expect(await tabkernel(['run', ref], { cache: freshCache('basic-run'), env: { REGISTRY_AUTH_FILE: authFile } })).toMatchObject({ status: 0, out: 'secret\n' });
  }, 90_000);

  it('answers a Bearer challenge: a token from the issuer with the auth file\'s credentials, then the image', async () => {
    const reg = await registry({ auth: 'token' });
    const ref = await pushPrivate(reg, 'bearer');
    const authFile = reg.writeAuthFile(path.join(dir, 'bearer-auth.json'));
    reg.tokenRequests.length = 0;

    const r = await tabkernel(['run', ref], { cache: freshCache('bearer'), env: { REGISTRY_AUTH_FILE: authFile } });
    expect(r).toMatchObject({ status: 0, out: 'secret\n' });
    const asked = reg.tokenRequests.map((q) => new URL(q.url, 'http://x').searchParams);
    expect(asked.some((p) => p.get('scope') === 'repository:tk/private:pull' && p.get('service') === 'tabkernel-registry')).toBe(true);
    const basic = `Basic ${Buffer.from(`tk:${reg.users.tk}`).toString('base64')}`;
    expect(reg.tokenRequests.every((q) => q.headers.authorization === basic)).toBe(true);

    const refused = await tabkernel(['image', 'pull', ref], { cache: freshCache('bearer-anon') });
    expect(refused.status).toBe(1);
    expect(refused.err).toMatch(/tk\/private/);
  }, 90_000);
});

describe('a pull that is interrupted', () => {
  it('killed mid-blob leaves no blob under its digest; the next pull completes', async () => {
    const reg = await registry({ redirect: true });
    await reg.pushLayout(bigLayout, 't', 'tk/big:1');
    const big = layerDigests(bigLayout).at(-1)!;
    const ref = `${reg.host}/tk/big:1`;
    const cache = freshCache('killed');
    reg.hangBlobsAfter = 16 * MiB;

    // 1. Pull until the big layer's temp file holds some of what was sent, then SIGKILL the CLI.
    let child: ChildProcess | undefined;
    const killed = tabkernel(['image', 'pull', ref], { cache, started: (c) => (child = c) });
    const tmp = path.join(cache, 'tmp');
    const deadline = Date.now() + 60_000;
    const written = (): number => (fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((n) => n.startsWith(big.slice(7))).reduce((n, f) => n + fs.statSync(path.join(tmp, f)).size, 0) : 0);
    while (written() < 4 * MiB && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(written()).toBeGreaterThanOrEqual(4 * MiB);
    child!.kill('SIGKILL');
    expect((await killed).status).toBe(null);
    expect(blobsIn(cache)).not.toContain(big);
    expect((await tabkernel(['image', 'ls'], { cache })).out).not.toContain('tk/big');

    // 2. The same cache, the blob served whole: the pull completes and the blob is right.
    reg.hangBlobsAfter = undefined;
    const again = await tabkernel(['image', 'pull', ref], { cache });
    expect(again.status, again.err).toBe(0);
    expect(sha256(fs.readFileSync(path.join(cache, 'blobs/sha256', big.slice(7))))).toBe(big);
    expect((await tabkernel(['run', ref, 'cat /data/big.bin | sha256sum'], { cache })).out).toBe(`${sha256(bigFile).slice(7)}  -\n`);
  }, 150_000);
});
