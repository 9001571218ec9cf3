// `npm run bench` as a product: a quick run of a few cases prints the table and
// writes issue 5's JSON, every result a positive median with its subject.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../support/kernel.js';

interface BenchResult { name: string; unit: string; median: number; min: number; max: number; samples: number; subject: string }

describe('npm run bench', () => {
  it('runs the selected cases beside their references and writes the JSON results', () => {
    const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tk-bench-')), 'out.json');
    const r = spawnSync(process.execPath, ['--no-warnings', path.join(root, 'bench/run.js'), '--quick', '--only', 'syscall.clock,spawn,pipeline', '--json', json],
      { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| syscall\.clock +\| ns\/call +\|/);
    const out = JSON.parse(fs.readFileSync(json, 'utf8')) as { env: Record<string, unknown>; results: BenchResult[] };
    expect(out.env.host).toBe('node');
    const got = out.results.map((x) => `${x.name}/${x.subject}`);
    for (const want of ['syscall.clock/tabkernel', 'syscall.clock/node:wasi', 'spawn.true/tabkernel', 'pipeline/tabkernel']) expect(got).toContain(want);
    for (const x of out.results) {
      expect(x.median, JSON.stringify(x)).toBeGreaterThan(0);
      expect(x.min).toBeLessThanOrEqual(x.median);
      expect(x.max).toBeGreaterThanOrEqual(x.median);
      expect(x.samples).toBeGreaterThan(0);
      expect(['tabkernel', 'floor', 'futex', 'postMessage', 'node:wasi', 'native']).toContain(x.subject);
    }
  }, 150_000);
});
