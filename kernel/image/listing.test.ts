import { describe, expect, it } from 'vitest';
import { renderImage, renderImageList } from './listing.js';
import type { ImageDescription } from './pull.js';

const image = (reference: string, sizes: number[]): ImageDescription => ({
  reference,
  manifestDigest: `sha256:${'c'.repeat(64)}`,
  manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
  configDigest: `sha256:${'d'.repeat(64)}`,
  config: {},
  layers: sizes.map((size, i) => ({ digest: `sha256:${String(i).repeat(64)}`, mediaType: 'x', size })),
  kind: 'image',
} as ImageDescription);

describe('renderImageList', () => {
  it('pads every column but the last to its widest cell, sizes in MB and digests cut to 12 digits', () => {
    const text = renderImageList([
      { reference: 'docker.io/library/a:1', image: image('docker.io/library/a:1', [1_500_000, 500_000]) },
      { reference: 'r.example/long/name:tag', image: undefined },
    ]);
    expect(text).toBe([
      'REFERENCE                DIGEST        KIND        SIZE',
      'docker.io/library/a:1    cccccccccccc  image       2.0 MB',
      'r.example/long/name:tag  -             incomplete  -',
      '',
    ].join('\n'));
  });

  it('is the header alone for an empty store', () => {
    expect(renderImageList([])).toBe('REFERENCE  DIGEST  KIND  SIZE\n');
  });
});

describe('renderImage', () => {
  it('is the description as indented JSON with a final newline', () => {
    const img = image('x/y:1', [1]);
    expect(JSON.parse(renderImage(img))).toEqual(img);
    expect(renderImage(img)).toMatch(/^\{\n {2}"reference": "x\/y:1",\n[\s\S]*\}\n$/);
  });
});
