import { describe, expect, it } from 'vitest';
import { ProgressText, PullMeter, type LayerUpdate } from './progress.js';
import type { LayerProgress } from './pull.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const layer = (done: number, over: Partial<LayerProgress> = {}): LayerProgress =>
  ({ digest: DIGEST, mediaType: 'x', index: 0, count: 2, done, total: 2_000_000, cached: false, ...over });

function meter() {
  let now = 1000;
  const m = new PullMeter(() => now, 100);
  return { m, at: (ms: number) => (now = 1000 + ms) };
}

describe('PullMeter', () => {
  it('passes on a layer’s start and end, and between them at most every 100 ms', () => {
    const { m, at } = meter();
    expect(m.update(layer(0))).toMatchObject({ done: 0, end: false });
    at(50);
    expect(m.update(layer(500_000))).toBeNull();
    at(100);
    expect(m.update(layer(1_000_000))).toMatchObject({ done: 1_000_000, end: false });
    at(150);
    expect(m.update(layer(2_000_000))).toMatchObject({ done: 2_000_000, end: true });
  });

  it('gives each layer’s rate since it began, and counts the bytes fetched over all layers', () => {
    const { m, at } = meter();
    m.update(layer(0));
    at(500);
    expect(m.update(layer(2_000_000))!.rate).toBe(4_000_000);
    m.update(layer(0, { digest: 'sha256:other', index: 1 }));
    m.update(layer(1_000, { digest: 'sha256:other', index: 1, total: 1_000 }));
    expect(m.bytes).toBe(2_001_000);
  });

  it('counts a layer the store held as ended at once, with no bytes and no rate', () => {
    const { m } = meter();
    expect(m.update(layer(2_000_000, { cached: true }))).toMatchObject({ end: true, rate: 0 });
    expect(m.bytes).toBe(0);
  });
});

const update = (done: number, over: Partial<LayerUpdate> = {}): LayerUpdate =>
  ({ ...layer(done), rate: 3_000_000, end: done === 2_000_000, ...over });

describe('ProgressText', () => {
  it('writes a line per layer once it ends when the stream is no terminal', () => {
    const t = new ProgressText(false);
    expect(t.text(update(0))).toBe('');
    expect(t.text(update(2_000_000))).toBe('layer 1/2 abababababab: 2.0 MB, 3.0 MB/s\n');
    expect(t.text(update(2_000_000, { cached: true, rate: 0 }))).toBe('layer 1/2 abababababab: 2.0 MB, cached\n');
    expect(t.finish()).toBe('');
  });

  it('redraws a bar in place on a terminal and ends its line with the layer', () => {
    const t = new ProgressText(true);
    expect(t.text(update(1_000_000))).toBe(`\r\x1b[Klayer 1/2 abababababab [${'#'.repeat(12)}${' '.repeat(12)}] 1.0 of 2.0 MB, 3.0 MB/s`);
    expect(t.text(update(2_000_000))).toBe(`\r\x1b[Klayer 1/2 abababababab [${'#'.repeat(24)}] 2.0 of 2.0 MB, 3.0 MB/s\n`);
    expect(t.finish()).toBe('');
  });

  it('counts a push’s blobs and says what became of each: exists, mounted, or pushed at its rate', () => {
    const t = new ProgressText(false, 'blob');
    expect(t.text(update(2_000_000, { cached: true, rate: 0, outcome: 'exists' }))).toBe('blob 1/2 abababababab: 2.0 MB, exists\n');
    expect(t.text(update(2_000_000, { cached: true, rate: 0, outcome: 'mounted' }))).toBe('blob 1/2 abababababab: 2.0 MB, mounted\n');
    expect(t.text(update(2_000_000, { outcome: 'pushed' }))).toBe('blob 1/2 abababababab: 2.0 MB, pushed, 3.0 MB/s\n');
    const bar = new ProgressText(true, 'blob');
    expect(bar.text(update(2_000_000, { outcome: 'pushed' }))).toBe(`\r\x1b[Kblob 1/2 abababababab [${'#'.repeat(24)}] 2.0 of 2.0 MB, pushed, 3.0 MB/s\n`);
  });

  it('ends a bar left open by a pull that failed mid-layer', () => {
    const t = new ProgressText(true);
    t.text(update(1_000_000));
    expect(t.finish()).toBe('\n');
    expect(t.finish()).toBe('');
  });
});
