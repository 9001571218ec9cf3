// tk_image BUILD: the shell's `image build` (userland/bin/image.c hands over
// its arguments, NUL-separated). The arguments are read as the CLI reads them
// (image/buildargs.ts), with the caller's environment for bare --build-arg
// NAMEs and SOURCE_DATE_EPOCH; the context, the Dockerfile and an --output
// directory are paths of the caller's namespace, relative to its cwd (the
// output directory made if missing). The build (image/build.ts) writes its
// progress and RUN's output on the caller's progress fd; it is cancelled —
// RUN's container killed — when the caller ends.
import { Errno, errnoLabel, isErr } from '../abi/errno.js';
import { DirInode } from '../fs/inode.js';
import type { MountNamespace } from '../fs/namespace.js';
import { resolveAbsolute } from '../fs/path.js';
import { Cancel, type BuildResult } from '../image/build.js';
import { BUILD_USAGE, parseBuildArgs } from '../image/buildargs.js';
import type { BuildOutput } from '../image/buildlog.js';
import type { ProgressFd } from './progress.js';
import type { Task } from './task.js';

/** A failure with its errno, as syscall/image.ts settles it. */
function failure(errno: Errno, message: string): Error {
  return Object.assign(new Error(message), { errno });
}

/** Build what `packed` asks for; the result as image.ts answers it. */
export async function buildFor(t: Task, packed: string, progress: ProgressFd | null): Promise<BuildResult> {
  const p = t.proc;
  const argv = packed.split('\0');
  if (argv[argv.length - 1] === '') argv.pop();
  const env = (name: string): string | undefined => p.env.find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
  const args = parseBuildArgs(argv, env);
  if (args instanceof Error) throw failure(Errno.INVAL, `${args.message}\n${BUILD_USAGE}`);
  const [ns, cwd] = [p.ns, p.cwd];
  const context = directory(ns, cwd, args.context, 'the build context', false);
  const dockerfilePath = args.file ?? `${args.context.replace(/\/+$/, '')}/Dockerfile`;
  const dockerfile = readText(ns, cwd, dockerfilePath);
  const output = args.output === undefined ? undefined : { dir: directory(ns, cwd, args.output, '--output', true), name: `oci:${args.output}` };
  const cancel = new Cancel();
  void t.sys.lifecycle.whenEnded(p).then(() => cancel.cancel(`the caller (pid ${p.pid}) ended`));
  const out: BuildOutput = progress
    ? { write: (text) => progress.write(text), writable: () => progress.writable(), onWritable: (cb) => progress.onWritable(cb) }
    : { write: () => {} };
  return t.sys.builder.build({
    dockerfile, dockerfileName: args.file ?? 'Dockerfile', context, tag: args.tag, buildArgs: args.buildArgs,
    target: args.target, output, noCache: args.noCache, cancel,
  }, out);
}

/** The directory at `path`; `make`: made (with its parents) if missing. */
function directory(ns: MountNamespace, cwd: string, path: string, what: string, make: boolean): DirInode {
  let r = resolveAbsolute(ns, cwd, path, true);
  const parent = path.replace(/\/+$/, '').split('/').slice(0, -1).join('/');
  if (make && isErr(r) && r.errno === Errno.NOENT && parent !== '') {
    directory(ns, cwd, parent, what, true);
    r = resolveAbsolute(ns, cwd, path, true);
  }
  if (isErr(r)) throw failure(r.errno, `${what} ${path}: ${r.errno === Errno.NOENT ? 'no such directory' : `E${errnoLabel(r.errno)}`}`);
  if (r.node instanceof DirInode) return r.node;
  if (r.node) throw failure(Errno.NOTDIR, `${what} ${path}: not a directory`);
  if (!make) throw failure(Errno.NOENT, `${what} ${path}: no such directory`);
  const e = r.parent.mkdir(r.name);
  if (e !== Errno.SUCCESS && e !== Errno.EXIST) throw failure(e, `${what} ${path}: cannot make it (E${errnoLabel(e)})`);
  return directory(ns, cwd, path, what, false);
}

/** A file's text (the Dockerfile). */
function readText(ns: MountNamespace, cwd: string, path: string): string {
  const r = resolveAbsolute(ns, cwd, path, true);
  if (isErr(r) || !r.node) throw failure(isErr(r) ? r.errno : Errno.NOENT, `${path}: no such file (the Dockerfile)`);
  if (r.node instanceof DirInode) throw failure(Errno.ISDIR, `${path}: a directory, not the Dockerfile`);
  const f = r.node.open({ read: true, write: false });
  if (isErr(f)) throw failure(f.errno, `${path}: cannot open (E${errnoLabel(f.errno)})`);
  const dec = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const got = f.read(1 << 16);
      if (isErr(got)) throw failure(got.errno, `${path}: cannot read (E${errnoLabel(got.errno)})`);
      if (got.length === 0) break;
      text += dec.decode(got, { stream: true });
    }
  } finally {
    f.release();
  }
  return text;
}
