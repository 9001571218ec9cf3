// `npm run bench`: the suite in Node. Flags: --quick (every case briefly, under
// a minute), --json FILE (issue 5's schema), --only PREFIX[,PREFIX…].
// Prints progress while it runs, then the table (core/report.ts).
import fs from 'node:fs';
import { NodePlatform } from './platform.js';
import { runSuite } from '../core/suite.js';
import { table } from '../core/report.js';

export async function main(argv: string[], floorWorker: URL): Promise<number> {
  const quick = argv.includes('--quick');
  const at = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const json = at('--json');
  const only = (at('--only') ?? '').split(',').filter(Boolean);
  const p = new NodePlatform(floorWorker);
  const hasNative = p.buildNative();
  if (!hasNative) {
    console.error('bench: gcc not found; native references are n/a');
    delete (p as Partial<NodePlatform>).native;
    delete (p as Partial<NodePlatform>).nativeShell;
  }
  const t0 = performance.now();
  console.log(`bench: node ${process.version}${quick ? ', --quick' : ''}`);
  const results = await runSuite(p, { quick, only, log: (l) => console.log(l) });
  console.log(`\n${table(results)}\n\nratios: tabkernel's cost over the reference's (> 1 = tabkernel slower; for MB/s, the reference's bandwidth over tabkernel's)`);
  console.log(`bench: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (json) fs.writeFileSync(json, JSON.stringify({ env: { ...p.env(), quick }, results }, null, 2) + '\n');
  await p.cleanup();
  return results.some((r) => r.subject === 'tabkernel') ? 0 : 1;
}
