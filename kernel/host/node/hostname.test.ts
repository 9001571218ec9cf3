import { describe, expect, it } from 'vitest';
import { fromHostName, toHostName } from './hostname.js';

const bytes = (...b: number[]) => Buffer.from(b);

describe('host file names', () => {
  it('keeps valid UTF-8 names as they are', () => {
    expect(fromHostName(Buffer.from('Действие ✓ 💙'))).toBe('Действие ✓ 💙');
    expect(toHostName('Действие')).toBe('Действие');
  });

  it('maps each byte outside valid UTF-8 to U+EF80 + (byte − 0x80), and back', () => {
    const latin1 = bytes(0x63, 0x61, 0x66, 0xe9); // "café" in Latin-1
    const name = fromHostName(latin1);
    expect(name).toBe('caf\uefe9');
    expect(toHostName(name)).toEqual(latin1);
  });

  it('treats overlong forms, surrogates and truncated sequences as bytes', () => {
    for (const raw of [bytes(0xc0, 0x80), bytes(0xed, 0xa0, 0x80), bytes(0x41, 0xe2, 0x82), bytes(0xf5, 0x80, 0x80, 0x80), bytes(0xff)]) {
      const name = fromHostName(raw);
      expect(name).not.toContain('\ufffd');
      expect(toHostName(name)).toEqual(raw);
    }
  });

  it('keeps a real U+FFFD in a valid name', () => {
    expect(fromHostName(Buffer.from('a\ufffdb'))).toBe('a\ufffdb');
  });
});
