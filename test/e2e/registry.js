// The test registry of test/support/registry.ts (Debian's docker-registry,
// umoci, skopeo) and the signatures of test/support/signatures.ts (openssl,
// skopeo) for the e2e cases, which are plain JavaScript: each module is
// bundled once per run with esbuild into a temp file and imported from there.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const loaded = new Map();

/** test/support/NAME.ts, bundled and imported once. */
function support(name) {
  if (!loaded.has(name)) {
    loaded.set(name, (async () => {
      const dir = await mkdtemp(join(tmpdir(), `tabkernel-e2e-${name}-`));
      const outfile = join(dir, `${name}.mjs`);
      await build({
        entryPoints: [fileURLToPath(new URL(`../support/${name}.ts`, import.meta.url))],
        outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning',
      });
      try {
        return await import(outfile);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })());
  }
  return loaded.get(name);
}

/** test/support/registry.ts: { startRegistry, buildImage, freePort, … }. */
export const registrySupport = () => support('registry');

/** test/support/signatures.ts: { opensslKeys, cosignPayload, opensslSign, pushSignatureManifest, tagDigest, … }. */
export const signatureSupport = () => support('signatures');
