// The shell's `image` command's calls (userland/bin/image.c): the host's
// image service (image/service.ts) — pull, fetch, inspect, list, remove — and
// `container`, an exec of an image's command in a fresh container of it
// (image/containers.ts): the caller's mount namespace becomes the
// container's, its cwd the image's WorkingDir, and its directory fds are
// closed (they lead into the tree it leaves), so the process — a child of the
// shell with job control like any other — sees only the image.
// A pull's progress goes where the caller says (its progress fd,
// syscall/progress.ts) and, for every pull, to the host (Host.pullProgress:
// the page's status line). Answers are text: a pull's description as JSON,
// `image ls` and `image inspect` as the CLI prints them (image/listing.ts).
// BUILD is syscall/build.ts's.
// Errors come back as an errno with the message in the data window.
import { Errno, errnoLabel } from '../abi/errno.js';
import { ImageOp } from '../abi/tabkernel.js';
import { DirInode } from '../fs/inode.js';
import { containerCommand, type ContainerCommand } from '../image/config.js';
import type { MountNamespace } from '../fs/namespace.js';
import { DigestMismatchError } from '../image/digest.js';
import { renderImage, renderImageList } from '../image/listing.js';
import { ProgressText, PullMeter, type PullReport } from '../image/progress.js';
import type { ImageDescription, LayerProgress } from '../image/pull.js';
import { runConfigOf } from '../image/rootfs.js';
import type { ImageService } from '../image/service.js';
import { buildFor } from './build.js';
import { strings } from './process.js';
import { ProgressFd } from './progress.js';
import { BLOCKED, type Result, type Task } from './task.js';

const enc = new TextEncoder();

/** An operation's outcome: text to answer, or an errno with its message. */
type Outcome = { ok: unknown } | { errno: Errno; message: string };

/** image: tk_image(op, ref, progress fd). Errors: BADF (the progress fd), INVAL, NOENT, IO, NOSYS, NOBUFS. */
export function image(t: Task, op: number, ref: string, progressFd: number): Result {
  const images = t.sys.containers.images;
  if (!images) return answer(t, { errno: Errno.NOSYS, message: 'this host keeps no images' });
  if (!Object.values(ImageOp).includes(op as never)) return Errno.INVAL;
  const r = t.await<Outcome>(() => {
    const out = ProgressFd.of(t, progressFd);
    if (typeof out === 'number') return { errno: out, message: '' };
    if (op === ImageOp.BUILD) return settle(buildFor(t, ref, out).then((r) => JSON.stringify(r)));
    // PULL goes to the registry whatever the store holds: the host hears of it at once.
    const progress = pullProgress(t, ref, out, op === ImageOp.PULL);
    return settle(progress.follow(operate(images, op, ref, progress.layer)));
  });
  return r === BLOCKED ? BLOCKED : answer(t, r.value);
}

/**
 * PULL, FETCH: the image's description as JSON (image/pull.ts ImageDescription);
 * INSPECT: the same, indented; LIST: the `image ls` table (image/listing.ts);
 * REMOVE: the digests deleted, a line each.
 */
async function operate(images: ImageService, op: number, ref: string, progress: (p: LayerProgress) => void): Promise<string> {
  switch (op) {
    case ImageOp.PULL: return JSON.stringify(await images.fetch(ref, progress, true));
    case ImageOp.FETCH: return JSON.stringify(await images.fetch(ref, progress));
    case ImageOp.INSPECT: {
      const img = await images.inspect(ref);
      if (!img) throw Object.assign(new Error(`no image ${ref} in the store`), { errno: Errno.NOENT });
      return renderImage(img);
    }
    case ImageOp.LIST: return renderImageList(await images.list());
    default: {
      try {
        return (await images.remove(ref)).map((d) => d + '\n').join('');
      } catch (e) {
        // removeImage's "no image … in the store".
        throw Object.assign(e as Error, { errno: /^no image /.test((e as Error).message) ? Errno.NOENT : undefined });
      }
    }
  }
}

export function container(t: Task, ref: string, entrypoint: string, argsBuf: Uint8Array, envBuf: Uint8Array): Result {
  t.uninterruptible = true;
  const containers = t.sys.containers;
  const images = containers.images;
  if (!images) return answer(t, { errno: Errno.NOSYS, message: 'this host keeps no images' });
  const args = strings(argsBuf);
  const env = strings(envBuf);
  const r = t.await(() => settle((async () => {
    // /bin/image fetches first, with its progress fd; a pull here (the image
    // removed in between) is reported to the host alone.
    const progress = pullProgress(t, ref, null, false);
    const img = await progress.follow(images.fetch(ref, progress.layer));
    const command = commandOf(img, entrypoint, args, env);
    const ns = await containers.create(img.layers, img.reference);
    if (ns instanceof Error) throw ns;
    await enter(t, ns, command);
  })()));
  if (r === BLOCKED) return BLOCKED;
  // Exec'd: the new program has the process, and exec answered the call.
  return 'errno' in r.value ? answer(t, r.value) : BLOCKED;
}

/** The command of a container of `img`, by Docker's rules; throws when there is none. */
function commandOf(img: ImageDescription, entrypoint: string, args: string[], env: string[]): ContainerCommand {
  const c = containerCommand(runConfigOf(img), { entrypoint: entrypoint === '' ? undefined : entrypoint, args, env });
  if (c instanceof Error) throw Object.assign(c, { errno: Errno.NOEXEC });
  return c;
}

/**
 * The process moves into `ns` and execs the command there, its program found
 * on the container's PATH; then its directory fds, which lead into the tree
 * it left, are closed (before the new program can make a call). If no
 * program loads, nothing has changed and this throws.
 */
async function enter(t: Task, ns: MountNamespace, command: ContainerCommand): Promise<void> {
  const p = t.proc;
  const [nsBefore, cwdBefore] = [p.ns, p.cwd];
  const path = command.env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '';
  const name = command.argv[0];
  const candidates = name.includes('/') ? [name] : path.split(':').map((d) => `${d || '.'}/${name}`);
  let failed: Errno = Errno.NOENT;
  p.ns = ns;
  p.cwd = command.cwd;
  for (const c of candidates) {
    const e = await t.sys.lifecycle.exec(p, c, command.argv, command.env);
    if (e === null) {
      for (const [fd, entry] of [...p.fds.entries()]) if (entry.file.inode instanceof DirInode) p.fds.close(fd);
      return;
    }
    failed = e.errno;
    if (failed !== Errno.NOENT) break;
  }
  [p.ns, p.cwd] = [nsBefore, cwdBefore];
  const why = failed === Errno.NOENT ? 'not found in the image' : `cannot run it (E${errnoLabel(failed)})`;
  throw Object.assign(new Error(`${name}: ${why}`), { errno: failed });
}

/** The outcome of `work`, its failure as an errno and message. */
async function settle(work: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await work };
  } catch (e) {
    const err = e as Error & { errno?: Errno };
    const errno = err.errno ?? (err instanceof DigestMismatchError ? Errno.IO : /invalid image reference/.test(err.message) ? Errno.INVAL : Errno.IO);
    return { errno, message: err.message };
  }
}

/** Answer with the outcome's text in the data window (ret0: its length). */
function answer(t: Task, o: Outcome): Errno {
  const text = 'ok' in o ? String(o.ok) : o.message;
  let bytes = enc.encode(text);
  const room = t.out().length;
  if (bytes.length > room) {
    if ('ok' in o) return Errno.NOBUFS;
    bytes = bytes.subarray(0, room);
  }
  t.out().set(bytes);
  t.ret(0, bytes.length);
  return 'ok' in o ? Errno.SUCCESS : o.errno;
}

/**
 * A pull's progress for the task's process: `layer` takes image/pull.ts's
 * updates, each shown on `out` (if any) and reported to the host; `follow`
 * ends both when the operation settles. The host hears of the pull from
 * `started` on, or else from its first layer: nothing of an operation that
 * pulls nothing (INSPECT, LIST, REMOVE, a FETCH the store answers).
 */
function pullProgress(t: Task, reference: string, out: ProgressFd | null, started: boolean): {
  layer: (p: LayerProgress) => void;
  follow<T>(work: Promise<T>): Promise<T>;
} {
  const pid = t.proc.pid;
  const host = (r: Omit<PullReport, 'pid' | 'reference'>): void => t.sys.containers.reportPull({ pid, reference, ...r });
  const meter = new PullMeter(() => performance.now());
  const text = new ProgressText(out?.isatty ?? false);
  let pulled = started;
  if (started) host({});
  return {
    layer(p) {
      const u = meter.update(p);
      if (!u) return;
      pulled = true;
      out?.write(text.text(u));
      host({ layer: u });
    },
    async follow(work) {
      try {
        const value = await work;
        if (pulled) host({ end: 'done' });
        return value;
      } catch (e) {
        if (pulled) host({ end: 'failed', error: (e as Error).message });
        throw e;
      } finally {
        out?.write(text.finish());
      }
    },
  };
}
