// Build the Node bundles (dist/) once before any test: tests start real
// process workers from dist/process-worker.js and run bin/tabkernel.js.
import { build } from '../../scripts/build.js';

export default function setup(): void {
  build();
}
