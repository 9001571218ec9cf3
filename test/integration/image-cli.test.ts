// `tabkernel image …` and `tabkernel run REF` (issue 11) end to end: the CLI
// against Debian's docker-registry on loopback, images built with umoci and
// pushed with skopeo, the store a temp directory ($TABKERNEL_CACHE). The
// image holds real programs of the root image, so its entrypoint is a shell.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppImage, type AppImage } from '../support/app-image.js';
import { root } from '../support/kernel.js';
import type { TestRegistry } from '../support/registry.js';

const cli = path.join(root, 'bin/tabkernel.js');

let app: AppImage | undefined;
let reg: TestRegistry;
let dir: string;
let cache: string;
let ref: string;

function tabkernel(args: string[], input = '') {
  const r = spawnSync(process.execPath, [cli, ...args], {
    input, env: { ...process.env, TABKERNEL_CACHE: cache }, timeout: 60_000, maxBuffer: 16 << 20,
  });
  return { status: r.status, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

beforeAll(async () => {
  app = await startAppImage('tk-image-cli-', ['sh', 'cat', 'echo', 'ls', 'pwd', 'printenv']);
  ({ reg, dir, ref } = app);
  cache = path.join(dir, 'cache');
}, 60_000);

afterAll(() => app?.stop());

describe('tabkernel image and run REF', () => {
  it('pulls an image with per-layer progress and lists it', () => {
    const r = tabkernel(['image', 'pull', ref]);
    expect(r.err).toMatch(new RegExp(`^pulling ${reg.host}/tk/app:1\n`));
    // One line per layer when stderr is not a terminal (umoci made one layer per file).
    expect(r.err.split('\n').filter((l) => /^layer \d+\/7 [0-9a-f]{12}: [\d.]+ MB, [\d.]+ MB\/s$/.test(l))).toHaveLength(7);
    expect(r.status).toBe(0);
    const ls = tabkernel(['image', 'ls']);
    expect(ls.out.split('\n')[0]).toMatch(/^REFERENCE +DIGEST +KIND +SIZE$/);
    expect(ls.out).toMatch(new RegExp(`^${reg.host}/tk/app:1 +[0-9a-f]{12} +image +[\\d.]+ MB$`, 'm'));
  });

  it('inspects an image: its config and layers as JSON', () => {
    const r = tabkernel(['image', 'inspect', ref]);
    expect(r.status).toBe(0);
    const img = JSON.parse(r.out);
    expect(img.config.config.Entrypoint).toEqual(['/bin/sh', '-c']);
    expect(img.config.config.WorkingDir).toBe('/etc');
    expect(img.layers).toHaveLength(7);
    expect(img.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("runs the image's Entrypoint and Cmd in its WorkingDir with its Env", () => {
    const r = tabkernel(['run', ref]);
    expect(r).toMatchObject({ status: 0, out: 'hello from the image\n', err: '' });
  });

  it('lets arguments replace Cmd, --env set variables and --entrypoint replace the entrypoint', () => {
    expect(tabkernel(['run', ref, 'echo $GREETING; pwd; ls /']).out).toBe('hi\n/etc\nbin\ndev\netc\nproc\n');
    expect(tabkernel(['run', '--env', 'GREETING=yo', ref, 'echo $GREETING']).out).toBe('yo\n');
    expect(tabkernel(['run', '--entrypoint', '/bin/echo', ref, 'a', 'b']).out).toBe('a b\n');
  });

  it('gives every run a fresh upper: what one container writes, the next does not see', () => {
    expect(tabkernel(['run', ref, 'echo changed > greeting; cat greeting']).out).toBe('changed\n');
    expect(tabkernel(['run', ref]).out).toBe('hello from the image\n');
  });

  it('runs pipelines and reads stdin inside the container', () => {
    expect(tabkernel(['run', ref, 'cat | cat'], 'piped\n').out).toBe('piped\n');
  });

  it('says what is wrong with a bad reference or a missing image, with status 125', () => {
    const missing = tabkernel(['run', `${reg.host}/tk/nothing:1`]);
    expect(missing.status).toBe(125);
    expect(missing.err).toMatch(/tk\/nothing/);
    const usage = tabkernel(['image', 'inspect', `${reg.host}/tk/nothing:1`]);
    expect(usage.status).toBe(1);
    expect(usage.err).toMatch(/no image .*tk\/nothing:1 in the store/);
  });

  it('runs a cached image with the registry stopped, and removes it', async () => {
    await reg.halt();
    try {
      expect(tabkernel(['run', ref]).out).toBe('hello from the image\n');
      const rm = tabkernel(['image', 'rm', ref]);
      expect(rm.status).toBe(0);
      expect(rm.out).toMatch(new RegExp(`^Untagged: ${reg.host}/tk/app:1\n(Deleted: sha256:[0-9a-f]{64}\n){9}$`));
      expect(tabkernel(['image', 'ls']).out.trim().split('\n')).toHaveLength(1);
      const again = tabkernel(['run', ref]);
      expect(again.status).toBe(125);
    } finally {
      await reg.restart();
    }
  });
});
