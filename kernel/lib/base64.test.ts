import { describe, expect, it } from 'vitest';
import { base64, fromBase64 } from './base64.js';

describe('base64', () => {
  it('encodes and decodes as Buffer does, every padding', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 31, 32, 33, 100]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      const text = Buffer.from(bytes).toString('base64');
      expect(base64(bytes)).toBe(text);
      expect(fromBase64(text)).toEqual(bytes);
    }
  });

  it('skips the line breaks of PEM bodies', () => {
    expect(fromBase64('aGVs\nbG8g\r\nd29y bGQ=\n')).toEqual(new TextEncoder().encode('hello world'));
  });

  it('refuses what is not base64 with an Error, never a throw', () => {
    expect(fromBase64('abc')).toBeInstanceOf(Error);
    expect((fromBase64('ab$d') as Error).message).toMatch(/not base64 \("\$" at 2\)/);
    expect(fromBase64('a=bc')).toBeInstanceOf(Error);
    expect(fromBase64('aGVsbG8-')).toBeInstanceOf(Error); // base64url is another alphabet
  });
});
