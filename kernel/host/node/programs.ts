// The Node host's program history (hostapi.ts ProgramHistory): the large
// programs containers loaded from image layers, in one small JSON file in the
// cache directory (blobstore.ts defaultCacheDir), the most recent first, so
// that the next kernel's containers compile them at their start
// (proc/prefetch.ts). It is a hint: a file that does not parse reads as
// empty, a write that fails is dropped, and two CLIs writing at once leave
// one's list whole (written aside, then renamed over).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ProgramHistory, ProgramRecord } from '../../hostapi.js';
import { defaultCacheDir } from './blobstore.js';

/** How many programs are remembered. */
export const HISTORY_LENGTH = 8;

export class FileProgramHistory implements ProgramHistory {
  private records: ProgramRecord[] | null = null;

  constructor(private readonly file: string) {}

  list(): ProgramRecord[] {
    this.records ??= readRecords(this.file);
    return this.records;
  }

  note(r: ProgramRecord): void {
    const rest = this.list().filter((e) => e.path !== r.path);
    this.records = [{ path: r.path, name: r.name }, ...rest].slice(0, HISTORY_LENGTH);
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const aside = `${this.file}.${process.pid}`;
      writeFileSync(aside, JSON.stringify(this.records) + '\n');
      renameSync(aside, this.file);
    } catch {
      // A hint not kept.
    }
  }
}

function readRecords(file: string): ProgramRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter((e): e is ProgramRecord => typeof e?.path === 'string' && typeof e?.name === 'string' && e.path.startsWith('/'))
    .slice(0, HISTORY_LENGTH);
}

/** The CLI's history, in its cache directory. */
export function cacheProgramHistory(): FileProgramHistory {
  return new FileProgramHistory(path.join(defaultCacheDir(), 'programs.json'));
}
