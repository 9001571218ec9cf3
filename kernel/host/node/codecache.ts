// Loading a CommonJS bundle with V8's code cache: dist/runner.js (the kernel,
// ~600 KB) is compiled from a cache of the code V8 made for it the last time,
// instead of being parsed again on every `tabkernel run` (15-40 ms on this
// machine's cores, which the first process's worker is booting on meanwhile).
// The cache is written once, when a run finds none or a stale one: at that
// run's exit, so it holds the functions the start-up used, not just the
// top level. It lives beside the bundle (FILE.v8cache) and names the bundle's
// size and mtime, so a rebuilt bundle never runs stale code; V8 refuses a
// cache from another V8 version or other flags by itself. A cache that
// cannot be read or written (a read-only install) only costs the parse.
// Node 22's module.enableCompileCache does this; Node 20 has only vm.Script.
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import { createRequire, Module } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { threadId } from 'node:worker_threads';

/**
 * require(file), compiled from its code cache when there is a good one.
 * `save`: when a missing or stale cache is written — at this thread's exit
 * (the CLI: the cache then holds what the whole start compiled), or `now`,
 * after the file's top level ran (a process worker, which is terminated).
 */
export function requireCached(file: string, save: 'exit' | 'now' = 'exit'): unknown {
  let source: string;
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
    source = decode(fs.readFileSync(file));
  } catch {
    return createRequire(file)(file);
  }
  const cacheFile = `${file}.v8cache`;
  const stamp = Buffer.from(`${st.size}:${st.mtimeMs}\n`);
  let cachedData: Buffer | undefined;
  try {
    const c = fs.readFileSync(cacheFile);
    if (c.subarray(0, stamp.length).equals(stamp)) cachedData = c.subarray(stamp.length);
  } catch {
    // none yet
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const write = (): void => {
    // Whole or not at all (runs and workers in parallel may write it at once): a temporary file, renamed.
    const tmp = `${cacheFile}.${process.pid}.${threadId}`;
    try {
      fs.writeFileSync(tmp, Buffer.concat([stamp, script.createCachedData()]));
      fs.renameSync(tmp, cacheFile);
    } catch {
      fs.rmSync(tmp, { force: true }); // not writable: the next run parses again
    }
  };
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  if (stale && save === 'exit') process.once('exit', write);
  const module = { exports: {} as unknown };
  const fn = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  fn.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  if (stale && save === 'now') write();
  return module.exports;
}

/**
 * A bundle's text. scripts/build.js writes the bundles in ASCII, which
 * decodes as Latin-1 in a fraction of UTF-8's time (runner.js: ~2 ms against
 * ~8 on this machine); anything else is decoded as UTF-8.
 */
function decode(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}
