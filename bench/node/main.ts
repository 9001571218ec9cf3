// `npm run bench`: the suite in Node. Flags: --quick (every case briefly, under
// a minute), --json FILE (issue 5's schema), --only PREFIX[,PREFIX…],
// --load N (the syscall cases with N busy-loop workers competing for the cores).
// Prints progress while it runs, then the table (core/report.ts).
import fs from 'node:fs';
import os from 'node:os';
import { NodePlatform } from './platform.js';
import { runSuite } from '../core/suite.js';
import { table } from '../core/report.js';

export async function main(argv: string[], floorWorker: URL): Promise<number> {
  const quick = argv.includes('--quick');
  const at = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const json = at('--json');
  const only = (at('--only') ?? '').split(',').filter(Boolean);
  const load = Number(at('--load') ?? 0);
  if (!Number.isInteger(load) || load < 0) throw new Error(`--load wants a count of busy workers, not '${at('--load')}'`);
  const p = new NodePlatform(floorWorker);
  const hasNative = p.buildNative();
  if (!hasNative) {
    console.error('bench: gcc not found; native references are n/a');
    delete (p as Partial<NodePlatform>).native;
    delete (p as Partial<NodePlatform>).nativeShell;
  }
  const t0 = performance.now();
  const loadavgStart = os.loadavg().map((l) => +l.toFixed(2));
  console.log(`bench: node ${process.version}${quick ? ', --quick' : ''}${load ? `, --load ${load}` : ''}, load average ${loadavg()}`);
  const results = await runSuite(p, { quick, only, load, log: (l) => console.log(l) });
  console.log(`\n${table(results)}\n\nratios: tabkernel's cost over the reference's (> 1 = tabkernel slower; for MB/s, the reference's bandwidth over tabkernel's)`);
  console.log(`bench: ${((performance.now() - t0) / 1000).toFixed(1)} s, load average ${loadavg()} at the end`);
  if (json) fs.writeFileSync(json, JSON.stringify({ env: { ...p.env(), loadavgStart, quick, load }, results }, null, 2) + '\n');
  await p.cleanup();
  return results.some((r) => r.subject === 'tabkernel') ? 0 : 1;
}

/** The host's 1, 5 and 15 minute load averages (the busy workers of --load count too). */
function loadavg(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}
