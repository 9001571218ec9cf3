// The progress of the pulls a process makes (kernel/syscall/image.ts,
// syscall/progress.ts): drawn on the progress fd /bin/image passes (its
// stderr) — bars on a terminal, lines otherwise — and reported to the host
// (Host.pullProgress, which the page shows on its status line): each layer
// from its start to its end, then the end of the pull, done or failed.
// A kernel in this thread with the CLI's image service on a temporary store,
// against Debian's docker-registry on loopback (test/support/app-image.ts).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeImageService } from '../../kernel/host/node/images.js';
import type { PullReport } from '../../kernel/image/progress.js';
import { startAppImage, type AppImage } from '../support/app-image.js';
import { captureKernel } from '../support/kernel.js';

let app: AppImage | undefined;
let ref: string;
let store = 0;

beforeAll(async () => {
  app = await startAppImage('tk-image-progress-', ['sh', 'cat']);
  ref = app.ref;
}, 60_000);

afterAll(() => app?.stop());

/** A kernel with an empty image store of its own; its host records the pull reports. */
function kernel(opts: { tty?: boolean } = {}) {
  const images = nodeImageService([], path.join(app!.dir, `store-${++store}`));
  const k = captureKernel('', { ...opts, images });
  const reports: PullReport[] = [];
  Object.assign(k.host, { pullProgress: (r: PullReport) => reports.push(r) });
  const sh = async (script: string) => {
    k.clear();
    const tty = opts.tty ? { rows: 24, cols: 200 } : undefined;
    const n = await k.kernel.boot.run({ type: 'run', argv: ['sh', '-c', script], env: [], cwd: '/', mounts: [], tty });
    return { status: n.status, out: k.stdout(), err: k.stderr() };
  };
  return { sh, reports };
}

/** The image's layers: /etc/greeting, /bin/sh, /bin/cat. */
const LAYERS = 3;

describe('the progress of a pull a process makes', () => {
  it('is reported to the host layer by layer, each from its start to its end, then done', async () => {
    const { sh, reports } = kernel();
    const r = await sh(`image pull ${ref}`);
    expect(r.status).toBe(0);
    const pid = reports[0].pid;
    expect(reports[0]).toEqual({ pid, reference: ref });
    expect(reports.at(-1)).toEqual({ pid, reference: ref, end: 'done' });
    const layers = reports.slice(1, -1).map((x) => x.layer!);
    expect(layers.every((l) => l !== undefined && l.count === LAYERS)).toBe(true);
    for (let i = 0; i < LAYERS; i++) {
      const mine = layers.filter((l) => l.index === i);
      expect(mine[0]).toMatchObject({ done: 0, end: false, cached: false });
      expect(mine.at(-1)).toMatchObject({ end: true, cached: false });
      expect(mine.at(-1)!.done).toBe(mine.at(-1)!.total);
      expect(mine.at(-1)!.rate).toBeGreaterThan(0);
    }
    // Layers go in order, bottom first.
    expect(layers.map((l) => l.index)).toEqual([...layers.map((l) => l.index)].sort());
  });

  it('is written on the progress fd as a line per layer when it is no terminal', async () => {
    const { sh } = kernel();
    const r = await sh(`image pull ${ref} 2>&1 | cat`);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`pulling ${ref}`);
    for (let i = 1; i <= LAYERS; i++) expect(lines[i]).toMatch(new RegExp(`^layer ${i}/${LAYERS} [0-9a-f]{12}: [\\d.]+ MB, [\\d.]+ MB/s$`));
    expect(lines[LAYERS + 1]).toMatch(/: sha256:[0-9a-f]{64}$/);
    expect(r.out).not.toContain('\r');
  });

  it('is drawn as a bar per layer, redrawn in place, when the progress fd is a terminal', async () => {
    const { sh } = kernel({ tty: true });
    const r = await sh(`image pull ${ref}`);
    expect(r.status).toBe(0);
    // Each layer: a bar from empty to full, its line ended once it is all in.
    for (let i = 1; i <= LAYERS; i++) {
      const head = `\r\x1b\\[Klayer ${i}/${LAYERS} [0-9a-f]{12}`;
      expect(r.out).toMatch(new RegExp(`${head} \\[ {24}\\] 0\\.0 of [\\d.]+ MB`));
      expect(r.out).toMatch(new RegExp(`${head} \\[#{24}\\] ([\\d.]+) of \\1 MB, [\\d.]+ MB/s\r?\n`));
    }
  });

  it('ends with failed and the reason when the pull fails', async () => {
    const { sh, reports } = kernel();
    const r = await sh(`image pull ${app!.reg.host}/tk/nothing:1`);
    expect(r.status).toBe(1);
    expect(reports).toHaveLength(2);
    expect(reports[1]).toMatchObject({ reference: `${app!.reg.host}/tk/nothing:1`, end: 'failed' });
    expect(reports[1].error).toMatch(/tk\/nothing/);
  });

  it('is not reported for what pulls nothing: ls, inspect, a run of an image the store holds', async () => {
    const { sh, reports } = kernel();
    expect((await sh(`image pull ${ref}`)).status).toBe(0);
    reports.length = 0;
    const r = await sh(`image ls; image inspect ${ref} >/dev/null; image run ${ref} 'echo ran'`);
    expect(r.out).toMatch(/ran\n$/);
    expect(reports).toEqual([]);
  });

  it('is reported for the pull `image run` makes of an image the store lacks', async () => {
    const { sh, reports } = kernel();
    const r = await sh(`image run ${ref}`);
    expect(r.out).toBe('hello from the image\n');
    expect(r.err).toMatch(new RegExp(`^(layer \\d/${LAYERS} [0-9a-f]{12}: [\\d.]+ MB, [\\d.]+ MB/s\n){${LAYERS}}$`));
    expect(reports.filter((x) => x.layer?.end)).toHaveLength(LAYERS);
    expect(reports.at(-1)).toMatchObject({ end: 'done' });
  });

  it('fails with EBADF, pulling nothing, when the progress fd is not open for writing', async () => {
    const { sh, reports } = kernel();
    const r = await sh(`image pull ${ref} 2</dev/null; echo rc=$?; image ls | grep -c tk/app`);
    expect(r.out).toBe('rc=1\n0\n');
    expect(reports).toEqual([]);
  });
});
