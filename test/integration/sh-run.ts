// Running the root image's shell for the sh-*.test.ts files: a script through
// `node bin/tabkernel.js run sh ...` (by its guest name, so it gets the root
// image's file system), compared exactly with what dash prints.
import { expect } from 'vitest';
import { run } from './wasi-cli.js';

export interface Expect { stdout: string; stderr: string; status: number }

/** sh [FLAGS...] -c SCRIPT [ARGS...] (or the script on stdin when viaStdin), then exact stdout, stderr and status. */
export function expectSh(script: string, want: Expect, o: { flags?: string[]; args?: string[]; input?: string; viaStdin?: boolean } = {}): void {
  const flags = o.flags ?? [];
  const args = o.viaStdin ? [...flags, ...(o.args ?? [])] : [...flags, '-c', script, ...(o.args ?? [])];
  const r = run('sh', args, { input: o.viaStdin ? script : (o.input ?? '') });
  expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual(want);
}
