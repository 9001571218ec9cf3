// Helper for the utils-*.test.ts integration tests: run one utility from
// userland/bin through the real CLI (`node bin/tabkernel.js run --dir TMP::/
// userland/rootfs/bin/NAME ARGS`) in a fresh host directory that is the
// guest's root, and report exact stdout, stderr and status.
// The binaries are the installed ones (userland/build.sh puts each
// userland/bin/NAME.c at userland/rootfs/bin/NAME); while that is not built,
// /tmp/ub/NAME.wasm (a hand-built copy) is used instead, and a suite whose
// utility exists in neither place is skipped. UTILS_DEV_DIR=DIR prefers
// DIR/NAME.wasm (to test sources newer than the installed image).
import fs from 'node:fs';
import path from 'node:path';
import { root, run, scratch } from './wasi-cli.js';

/** Where the utility NAME is, or null when it is not built. */
export function utilPath(name: string): string | null {
  const devDir = process.env.UTILS_DEV_DIR;
  if (devDir && fs.existsSync(path.join(devDir, `${name}.wasm`))) return path.join(devDir, `${name}.wasm`);
  const installed = path.join(root, 'userland/rootfs/bin', name);
  if (fs.existsSync(installed)) return installed;
  const dev = `/tmp/ub/${name}.wasm`;   // development fallback only
  return fs.existsSync(dev) ? dev : null;
}

/** True when NAME is installed in the root image (so it runs as a guest program). */
export function installed(name: string): boolean {
  return fs.existsSync(path.join(root, 'userland/rootfs/bin', name));
}

/** True when every named utility is built. */
export function haveUtils(...names: string[]): boolean {
  return names.every((n) => utilPath(n) !== null);
}

export interface UtilResult {
  stdout: string;
  stderr: string;
  status: number | null;
  dir: string;        // the host directory that was the guest's root
}

export interface UtilOptions {
  files?: Record<string, string | Buffer>;   // relative path → contents; a path ending in '/' is a directory
  links?: Record<string, string>;            // relative path → symlink target
  mtimes?: Record<string, number>;           // relative path → mtime (and atime), seconds since the epoch
  input?: string | Buffer;
  env?: string[];
  cwd?: string;
  mount?: string;   // where the directory appears in the guest (default '/'; elsewhere keeps the image's /bin)
  guest?: boolean;  // run NAME from the image's PATH instead of the host file (sees /proc and /bin)
}

/** Populate dir with the files, directories and links of o. */
export function populate(dir: string, o: UtilOptions): void {
  for (const [rel, data] of Object.entries(o.files ?? {})) {
    const p = path.join(dir, rel);
    if (rel.endsWith('/')) { fs.mkdirSync(p, { recursive: true, mode: 0o755 }); fs.chmodSync(p, 0o755); continue; }
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, data);
    fs.chmodSync(p, 0o644);   // the same modes whatever the umask
  }
  for (const [rel, target] of Object.entries(o.links ?? {})) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.symlinkSync(target, p);
  }
  for (const [rel, t] of Object.entries(o.mtimes ?? {})) fs.lutimesSync(path.join(dir, rel), t, t);
}

/** Run utility NAME with ARGS in a fresh directory populated from o. */
export function util(name: string, args: string[] = [], o: UtilOptions = {}): UtilResult {
  const wasm = utilPath(name);
  if (!wasm) throw new Error(`utility ${name} is not built`);
  const dir = scratch(`util-${name.replace(/[^a-z]/g, '_')}`);
  populate(dir, o);
  const mount = o.mount ?? '/';
  const cwd = o.cwd ?? (mount === '/' ? undefined : mount);
  const dirs = [`${dir}::${mount}`];
  let env = o.env;
  if (o.guest && process.env.UTILS_DEV_DIR && wasm.endsWith('.wasm')) {
    // a development build shadows the image's copy: first on PATH
    const bin = scratch('util-bin');
    fs.copyFileSync(wasm, path.join(bin, name));
    dirs.push(`${bin}::/usr/local/bin`);
    env = [...(env ?? []), 'PATH=/usr/local/bin:/bin'];
  }
  const r = run(o.guest ? name : wasm, args, { dirs, input: o.input ?? '', env, cwd });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, dir };
}

/** The three observable results, for one toEqual. */
export function out(r: UtilResult): { stdout: string; stderr: string; status: number | null } {
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** Contents of a file the utility left behind. */
export function readBack(r: UtilResult, rel: string): string {
  return fs.readFileSync(path.join(r.dir, rel), 'utf8');
}

export function exists(r: UtilResult, rel: string): boolean {
  try {
    fs.lstatSync(path.join(r.dir, rel));
    return true;
  } catch {
    return false;
  }
}
