// COPY --chown=USER[:GROUP] and ADD --chown: the owner the copied paths get in
// the layer. Numbers are taken as they are; names are looked up in the stage
// root's /etc/passwd and /etc/group, as Docker does (a user alone: its
// primary group, from passwd). tabkernel runs every process as root, so the
// owner is recorded in the layer (layerdiff.ts) and nowhere else.
// Spec: the Dockerfile reference, "COPY --chown"; passwd(5), group(5).
import { isErr } from '../abi/errno.js';
import type { DirInode } from '../fs/inode.js';
import { MountNamespace } from '../fs/namespace.js';
import { resolveAbsolute } from '../fs/path.js';
import { CopyError } from './buildcopy.js';
import type { Owner } from './layerdiff.js';

/** The owner `spec` names, names resolved in `root`'s /etc/passwd and /etc/group. Throws CopyError. */
export function chownOf(spec: string, root: DirInode): Owner {
  const [user, group] = spec.split(':', 2);
  if (user === '' || group === '') throw new CopyError(`--chown=${spec}: expected USER[:GROUP]`);
  let uid: number;
  let primary: number | undefined;
  if (/^\d+$/.test(user)) {
    uid = Number(user);
  } else {
    const entry = table(root, '/etc/passwd').find((f) => f[0] === user);
    if (!entry || !/^\d+$/.test(entry[2] ?? '')) throw new CopyError(`--chown=${spec}: no user ${user} in the stage's /etc/passwd`);
    uid = Number(entry[2]);
    primary = /^\d+$/.test(entry[3] ?? '') ? Number(entry[3]) : undefined;
  }
  if (group === undefined) return { uid, gid: primary ?? uid };
  if (/^\d+$/.test(group)) return { uid, gid: Number(group) };
  const entry = table(root, '/etc/group').find((f) => f[0] === group);
  if (!entry || !/^\d+$/.test(entry[2] ?? '')) throw new CopyError(`--chown=${spec}: no group ${group} in the stage's /etc/group`);
  return { uid, gid: Number(entry[2]) };
}

/** A colon-separated table's lines as fields; none if the file is missing. */
function table(root: DirInode, path: string): string[][] {
  const r = resolveAbsolute(new MountNamespace(root), '/', path, true);
  if (isErr(r) || !r.node) return [];
  const f = r.node.open({ read: true, write: false });
  if (isErr(f)) return [];
  let text = '';
  const dec = new TextDecoder();
  for (;;) {
    const got = f.read(1 << 16);
    if (isErr(got) || got.length === 0) break;
    text += dec.decode(got, { stream: true });
  }
  f.release();
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(':'));
}
