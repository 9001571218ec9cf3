// The test registry of test/support/registry.ts (Debian's docker-registry,
// umoci, skopeo) for the e2e cases, which are plain JavaScript: the module is
// bundled once per run with esbuild into a temp file and imported from there.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

let loaded;

/** test/support/registry.ts: { startRegistry, buildImage, freePort, … }. */
export function registrySupport() {
  loaded ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tabkernel-e2e-registry-'));
    const outfile = join(dir, 'registry.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('../support/registry.ts', import.meta.url))],
      outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning',
    });
    try {
      return await import(outfile);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return loaded;
}
