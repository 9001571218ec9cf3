// A built layer's blob: its entries written as tar (tarwriter.ts), gzip'd by
// fflate at one level with a zero mtime and no name in the gzip header, and
// hashed twice — the tar (the diff_id the config lists) and the gzip (the
// digest the manifest lists). fflate is the one compressor everywhere
// (node:zlib and fflate give different bytes at the same level), and its
// output depends on how the input is cut into pushes, so the tar is pushed in
// chunks of CHUNK bytes whatever size its pieces have: the CLI and the page
// make the same bytes. DESIGN.md §6.
// Spec: OCI image-spec layer.md (diff_id: the digest of the uncompressed tar),
// RFC 1952 (gzip).
import type { Sha256Factory } from './digest.js';
import { MediaType } from './media.js';
import { writeTar, type TarEntry } from './tarwriter.js';

/** The gzip level of every layer tabkernel builds. */
export const GZIP_LEVEL = 6;
/** What the compressor is handed at a time (its output depends on it). */
const CHUNK = 1 << 16;
export const LAYER_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';

export interface LayerBlob {
  mediaType: typeof LAYER_MEDIA_TYPE;
  /** sha256 of the compressed bytes (the manifest's layer digest). */
  digest: string;
  /** sha256 of the tar (the config's rootfs.diff_ids). */
  diffId: string;
  /** The compressed size. */
  size: number;
  /** The compressed bytes. */
  chunks: Uint8Array[];
}

/** Write, compress and hash a layer of `entries`. */
export async function layerBlob(entries: Iterable<TarEntry>, sha256: Sha256Factory): Promise<LayerBlob> {
  const { Gzip } = await import('fflate');
  const tarHash = await sha256();
  const gzHash = await sha256();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const gzip = new Gzip({ level: GZIP_LEVEL, mtime: 0 }, (data) => {
    gzHash.update(data);
    chunks.push(data);
    size += data.length;
  });
  const buf = new Uint8Array(CHUNK);
  let used = 0;
  for (const block of writeTar(entries)) {
    tarHash.update(block);
    for (let off = 0; off < block.length; ) {
      const n = Math.min(CHUNK - used, block.length - off);
      buf.set(block.subarray(off, off + n), used);
      used += n;
      off += n;
      if (used === CHUNK) {
        gzip.push(buf.slice(), false);
        used = 0;
      }
    }
  }
  gzip.push(buf.slice(0, used), true);
  return { mediaType: LAYER_MEDIA_TYPE, digest: `sha256:${gzHash.hex()}`, diffId: `sha256:${tarHash.hex()}`, size, chunks };
}

/** The OCI media types a built image is written with. */
export const BUILT = { manifest: MediaType.OCI_MANIFEST, config: MediaType.OCI_CONFIG, layer: LAYER_MEDIA_TYPE } as const;
