// What `image ls` and `image inspect` print, rendered here once for both
// front ends: the CLI (`tabkernel image`, host/node/images.ts) prints it
// itself, and the kernel answers the shell's `image` command (tk_image LIST
// and INSPECT, syscall/image.ts) with the same text, which /bin/image copies
// out as it is. The table's columns follow `docker image ls`: the reference,
// the manifest digest's first 12 digits, the kind, the layers' size in MB.
import type { ImageDescription } from './pull.js';
import { mb, shortDigest } from './progress.js';
import type { ImageSummary } from './service.js';

/** `image ls`: a header and a row per image, columns padded to their widest cell. */
export function renderImageList(images: readonly ImageSummary[]): string {
  const rows: string[][] = [['REFERENCE', 'DIGEST', 'KIND', 'SIZE']];
  for (const { reference, image: img } of images) {
    if (!img) {
      // The store lacks part of it: an interrupted pull.
      rows.push([reference, '-', 'incomplete', '-']);
      continue;
    }
    const size = img.layers.reduce((n, l) => n + l.size, 0);
    rows.push([reference, shortDigest(img.manifestDigest), img.kind, `${mb(size)} MB`]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((v, c) => (c === r.length - 1 ? v : v.padEnd(widths[c]))).join('  ') + '\n').join('');
}

/** `image inspect`: the image's description (its config and layers) as indented JSON. */
export function renderImage(img: ImageDescription): string {
  return JSON.stringify(img, null, 2) + '\n';
}
