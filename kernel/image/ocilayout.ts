// `--output oci:DIR`: a built image written as an OCI image layout into a
// directory of the VFS (a host directory in the CLI, any directory of the page):
// `oci-layout`, `blobs/sha256/HEX` for the manifest, the config and every
// layer (copied from the image store), and `index.json` naming the manifest —
// with the tag as `org.opencontainers.image.ref.name` (what `skopeo
// inspect oci:DIR:TAG` and `umoci unpack --image DIR:TAG` look for) and the
// whole reference as `io.containerd.image.name`, when the build was tagged.
// A blob already in DIR is not written again; index.json names only this image.
// Spec: OCI image-spec image-layout.md, annotations.md.
import { Errno, errnoLabel, isErr } from '../abi/errno.js';
import { DirInode } from '../fs/inode.js';
import type { Descriptor } from './media.js';
import { MediaType } from './media.js';
import type { BlobStore } from './store.js';

const enc = new TextEncoder();

/** Write the image `manifest` (and what it names: `blobs`) from `store` into `dir`. */
export async function writeLayout(dir: DirInode, store: BlobStore, manifest: Descriptor, blobs: readonly string[], ref?: { name: string; tag: string }): Promise<void> {
  const fail = (what: string, e: Errno): never => {
    throw new Error(`cannot write ${what} of the OCI layout (E${errnoLabel(e)})`);
  };
  const sha = subdir(subdir(dir, 'blobs', fail), 'sha256', fail);
  for (const digest of [...blobs, manifest.digest]) {
    const hex = digest.slice('sha256:'.length);
    if (!isErr(sha.lookup(hex))) continue;
    const chunks = await store.stream(digest);
    if (!chunks) throw new Error(`blob ${digest} is not in the image store`);
    const file = createFile(sha, hex, `blobs/sha256/${hex}`, fail);
    for await (const chunk of chunks) writeAll(file, chunk, `blobs/sha256/${hex}`, fail);
    file.release();
  }
  const target: Descriptor = { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size };
  if (ref) target.annotations = { 'io.containerd.image.name': ref.name, 'org.opencontainers.image.ref.name': ref.tag };
  const index = { schemaVersion: 2, mediaType: MediaType.OCI_INDEX, manifests: [target] };
  writeWhole(dir, 'oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }), fail);
  writeWhole(dir, 'index.json', JSON.stringify(index), fail);
}

function subdir(dir: DirInode, name: string, fail: (what: string, e: Errno) => never): DirInode {
  let node = dir.lookup(name);
  if (isErr(node)) {
    const e = dir.mkdir(name);
    if (e !== Errno.SUCCESS) fail(name, e);
    node = dir.lookup(name);
  }
  if (isErr(node)) return fail(name, node.errno);
  if (!(node instanceof DirInode)) return fail(name, Errno.NOTDIR);
  return node;
}

function createFile(dir: DirInode, name: string, what: string, fail: (what: string, e: Errno) => never) {
  if (!isErr(dir.lookup(name))) {
    const e = dir.unlink(name);
    if (e !== Errno.SUCCESS) fail(what, e);
  }
  const node = dir.createFile(name);
  if (isErr(node)) return fail(what, node.errno);
  const f = node.open({ read: false, write: true });
  if (isErr(f)) return fail(what, f.errno);
  return f;
}

function writeAll(f: { write(d: Uint8Array): number | { errno: Errno } }, data: Uint8Array, what: string, fail: (what: string, e: Errno) => never): void {
  for (let off = 0; off < data.length; ) {
    const n = f.write(data.subarray(off));
    if (typeof n !== 'number') fail(what, n.errno);
    off += n as number;
  }
}

function writeWhole(dir: DirInode, name: string, text: string, fail: (what: string, e: Errno) => never): void {
  const f = createFile(dir, name, name, fail);
  writeAll(f, enc.encode(text), name, fail);
  f.release();
}
