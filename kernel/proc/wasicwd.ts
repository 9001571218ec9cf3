// The working directory of a plain WASI program. A program that does not
// import `tabkernel` (built with wasi-libc alone: clang and wasm-ld from npm,
// most WASI programs) has no way to learn its cwd: wasi-libc starts in "/" and
// resolves every path through the preopens, by longest name prefix, an empty
// name ("/" and "." both strip to it) matching anything and the latest
// registered winning a tie. Started by spawn or exec in a directory other
// than "/", such a program gets what `wasmtime --dir .` would give it:
//   - a "." preopen of its cwd, last, so relative paths resolve against it;
//   - when it holds the root as its "/" preopen, one preopen per top-level
//     directory ("/usr", "/tmp", …) ahead of it, so that absolute paths still
//     reach the whole tree (each matches a longer prefix than ".").
// What this cannot tell apart, as wasi-libc cannot: a relative path whose
// first component names a top-level directory (`tmp/x`) resolves from the
// root; `./tmp/x` resolves from the cwd. A process with Unix paths (one of
// the root image's) leaves the cwd by `..`, as on Unix, where wasmtime would
// refuse the escape. The added fds are close-on-exec.
// Programs built on tabkernel's libc take their cwd from the kernel instead
// (userland/libc/cwd.c). docs/SYSCALLS.md states the rule.
import { isErr } from '../abi/errno.js';
import { PREOPEN_RIGHTS } from '../abi/wasi.js';
import { DirHandle } from '../fs/dirhandle.js';
import { DirInode } from '../fs/inode.js';
import { resolveAbsolute } from '../fs/path.js';
import { usesTabkernel } from './modules.js';
import type { Process } from './process.js';

/** Give `p` (whose program is about to start) its cwd as preopens, if it is a plain WASI program. */
export function preopenCwd(p: Process): void {
  if (p.cwd === '/' || usesTabkernel(p.module)) return;
  const cwd = resolveAbsolute(p.ns, '/', p.cwd, true);
  if (isErr(cwd) || !(cwd.node instanceof DirInode)) return;
  const add = (name: string, dir: DirInode, at?: string): boolean => !isErr(p.fds.alloc({
    file: new DirHandle(dir, dir, name === '.' ? p.cwd : name), rightsBase: PREOPEN_RIGHTS.base, rightsInheriting: PREOPEN_RIGHTS.inheriting,
    preopen: name, cloexec: true, at,
  }, 3));
  const root = p.ns.root;
  const holdsRoot = [...p.fds.entries()].some(([, e]) => e.preopen === '/' && e.file.inode === root);
  if (holdsRoot) {
    const names = root.list();
    for (const [name] of isErr(names) ? [] : [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      // Through the mount table: /tmp, /proc and host directories are mounted on these names.
      const r = resolveAbsolute(p.ns, '/', `/${name}`, false);
      if (isErr(r) || !(r.node instanceof DirInode)) continue;
      if (!add(`/${name}`, r.node)) return;
    }
  }
  // A process with Unix paths leaves its cwd by `..` as on Unix (syscall/helpers.ts lookup).
  add('.', cwd.node, p.unixPaths ? p.cwd : undefined);
}
