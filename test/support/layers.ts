// Hand-made layer entries for tests (no tar needed): what the tar reader would
// yield for each kind. Used by kernel/image/unpack.test.ts and kernel/fs/overlay.test.ts.
import type { EntryKind, LayerEntry } from '../../kernel/image/entry.js';

/** 2020-01-01T00:00:00Z in ns: every test entry's mtime unless given. */
export const T0 = 1_577_836_800_000_000_000n;

function base(path: string, kind: EntryKind, mode: number): LayerEntry {
  return { path, kind, mode, mtime: T0, uid: 0, gid: 0, linkname: '', size: 0, data: [], devmajor: 0, devminor: 0 };
}

/** A file whose bytes are `content` (text or bytes), optionally cut into `pieces` of that many bytes. */
export function file(path: string, content: string | Uint8Array, mode = 0o644, pieces?: number): LayerEntry {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const data: Uint8Array[] = [];
  const step = pieces ?? Math.max(1, bytes.length);
  for (let at = 0; at < bytes.length; at += step) data.push(bytes.subarray(at, at + step));
  return { ...base(path, 'file', mode), size: bytes.length, data };
}

export function dir(path: string, mode = 0o755, mtime = T0): LayerEntry {
  return { ...base(path, 'dir', mode), mtime };
}

export function symlink(path: string, target: string): LayerEntry {
  return { ...base(path, 'symlink', 0o777), linkname: target };
}

export function hardlink(path: string, target: string): LayerEntry {
  return { ...base(path, 'hardlink', 0o644), linkname: target };
}

export function chardev(path: string, major: number, minor: number): LayerEntry {
  return { ...base(path, 'chardev', 0o666), devmajor: major, devminor: minor };
}

/** `DIR/.wh.NAME`: delete `path` of the layers below. */
export function whiteout(path: string): LayerEntry {
  const slash = path.lastIndexOf('/');
  return file(`${path.slice(0, slash + 1)}.wh.${path.slice(slash + 1)}`, '');
}

/** `DIR/.wh..wh..opq`: hide everything below in `path`. */
export function opaque(path: string): LayerEntry {
  return file(path === '' ? '.wh..wh..opq' : `${path}/.wh..wh..opq`, '');
}
