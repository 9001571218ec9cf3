// A build's result: the target stage's config and manifest (buildconfig.ts
// writes them the same way every time) put in the image store beside its
// layers, then the manifest tagged there (-t REF), or the image written as an
// OCI layout (--output oci:DIR, ocilayout.ts) — or neither: the digest alone.
// Spec: OCI image-spec manifest.md, config.md.
import type { DirInode } from '../fs/inode.js';
import { configJson, manifestJson, type StageImage } from './buildconfig.js';
import { digestOf } from './digest.js';
import { MediaType, type Descriptor } from './media.js';
import { writeLayout } from './ocilayout.js';
import { formatReference, parseReference } from './reference.js';
import type { ImageService } from './service.js';
import { putBytes } from './store.js';

export interface ExportTo {
  /** -t REF. */
  tag?: string;
  /** --output oci:DIR. */
  output?: { dir: DirInode; name: string };
}

/** Store the image, tag it or write its layout; `say` gets a line per thing done. */
export async function exportImage(
  images: ImageService, image: StageImage, epoch: number, to: ExportTo, say: (line: string) => void,
): Promise<{ reference?: string; manifestDigest: string; configDigest: string }> {
  const { sha256 } = images;
  const store = await images.store();
  const configBytes = configJson(image, epoch);
  const config: Descriptor = { mediaType: MediaType.OCI_CONFIG, digest: await digestOf(configBytes, sha256), size: configBytes.length };
  const manifestBytes = manifestJson(config, image.layers);
  const manifest: Descriptor = { mediaType: MediaType.OCI_MANIFEST, digest: await digestOf(manifestBytes, sha256), size: manifestBytes.length };
  for (const [d, bytes] of [[config, configBytes], [manifest, manifestBytes]] as const) {
    if (!(await store.has(d.digest))) await putBytes(store, sha256, d, bytes);
  }
  say(`exporting config ${config.digest} done`);
  say(`exporting manifest ${manifest.digest} done`);
  const tag = to.tag === undefined ? undefined : canonicalTag(to.tag);
  let reference: string | undefined;
  if (to.output) {
    await writeLayout(to.output.dir, store, manifest, [config.digest, ...image.layers.map((l) => l.digest)], tag);
    say(`exporting to OCI layout ${to.output.name} done`);
  } else if (tag) {
    await store.setRef(tag.name, manifest);
    reference = tag.name;
    say(`naming to ${tag.name} done`);
  }
  return { reference, manifestDigest: manifest.digest, configDigest: config.digest };
}

/** -t REF as the store names it, and its tag (an OCI layout's ref.name); an Error for a bad REF. */
export function canonicalTag(ref: string): { name: string; tag: string } {
  const r = parseReference(ref);
  if (r instanceof Error) throw new Error(`-t ${ref}: ${r.message}`);
  return { name: formatReference(r), tag: r.tag ?? 'latest' };
}
