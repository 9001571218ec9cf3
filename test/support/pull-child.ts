// A pull in a process of its own, for tests that kill it (SIGKILL) mid-blob:
// `node pull-child.js CACHE_DIR REFERENCE`. Bundled by the test with esbuild.
// Prints "done DIGEST" on success.
import { DirBlobStore } from '../../kernel/host/node/blobstore.js';
import { nodeRegistry, nodeSha256 } from '../../kernel/host/node/registry.js';
import { pull } from '../../kernel/image/pull.js';

const [cache, ref] = process.argv.slice(2);
const store = await DirBlobStore.open(cache);
const img = await pull(ref, { registry: nodeRegistry(), store, sha256: nodeSha256 });
process.stdout.write(`done ${img.manifestDigest}\n`);
