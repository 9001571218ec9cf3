// The image the CLI's and the shell's image tests run (image-cli.test.ts,
// image-shell.test.ts, image-progress.test.ts): `tk/app:1` in a real registry
// on loopback (registry.ts: Debian's docker-registry, the image built by umoci
// and pushed by skopeo), holding programs of the root image — a layer for
// each file — with a shell entrypoint, a Cmd that prints /etc/greeting, Env
// (GREETING, PATH) and WorkingDir /etc.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root } from './kernel.js';
import { buildImage, startRegistry, type TestRegistry } from './registry.js';

export interface AppImage {
  reg: TestRegistry;
  /** A temporary directory for the test (the image's layout is in it); removed by stop(). */
  dir: string;
  /** `HOST:PORT/tk/app:1`. */
  ref: string;
  stop(): Promise<void>;
}

/** A program of the root image (userland/rootfs/bin). */
export const rootBin = (name: string): Uint8Array => fs.readFileSync(path.join(root, 'userland/rootfs/bin', name));

/** Start a registry holding tk/app:1 with `/bin/P` for each of `programs` (sh among them) and /etc/greeting. */
export async function startAppImage(prefix: string, programs: readonly string[]): Promise<AppImage> {
  const reg = await startRegistry();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const files: Record<string, Uint8Array | string> = { '/etc/greeting': 'hello from the image\n' };
  for (const p of programs) files[`/bin/${p}`] = rootBin(p);
  const layout = buildImage(dir, 'app', {
    files, entrypoint: ['/bin/sh', '-c'], cmd: ['cat greeting'], env: ['GREETING=hi', 'PATH=/bin'], workdir: '/etc',
  });
  await reg.pushLayout(layout, 'app', 'tk/app:1');
  return {
    reg, dir, ref: `${reg.host}/tk/app:1`,
    async stop() {
      await reg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
