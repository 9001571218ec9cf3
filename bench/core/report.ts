// The table: per case, tabkernel's median with its spread, and each
// reference's median with tabkernel's ratio to it (>1: tabkernel is slower,
// for times; for MB/s and req/s the ratio is the reference's rate over
// tabkernel's, so >1 still means tabkernel is behind). n/a: no such reference for that
// case here; a reference measured in no case of the run has no column.
import { fmt, CASES } from './suite.js';
import type { Result, Subject } from './stats.js';

export const REFERENCES: Subject[] = ['floor', 'futex', 'postMessage', 'node:wasi', 'browser_wasi_shim', 'native', 'skopeo', 'rootfs', 'node:http'];

/** tabkernel's cost relative to a reference: > 1 means tabkernel is slower. */
export function ratio(tk: Result, ref: Result): number {
  return tk.unit === 'MB/s' || tk.unit === 'req/s' ? ref.median / tk.median : tk.median / ref.median;
}

export function table(results: Result[], extra: Result[] = []): string {
  const all = [...results, ...extra];
  const names = [...CASES.map((c) => c.name), ...extra.map((r) => r.name)].filter((n, i, a) => a.indexOf(n) === i);
  const refs = REFERENCES.filter((s) => all.some((r) => r.subject === s));
  const header = ['case', 'unit', 'tabkernel (min–max)', ...refs.map((s) => `${s} (×)`)];
  const rows: string[][] = [];
  for (const name of names) {
    const of = (s: Subject) => all.find((r) => r.name === name && r.subject === s);
    const tk = of('tabkernel');
    if (!tk && !refs.some((s) => of(s))) continue;
    rows.push([
      name,
      (tk ?? refs.map(of).find(Boolean))!.unit,
      tk ? `${fmt(tk.median)} (${fmt(tk.min)}–${fmt(tk.max)})` : 'failed',
      ...refs.map((s) => {
        const r = of(s);
        if (!r) return 'n/a';
        return tk ? `${fmt(r.median)} (${fmt(ratio(tk, r))}×)` : fmt(r.median);
      }),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
