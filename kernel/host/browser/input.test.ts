import { describe, expect, it } from 'vitest';
import { PageInput } from './input.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

/** One read, as the kernel's pump makes it. */
function read(input: PageInput, max = 100): Promise<string | null> {
  return new Promise((resolve) => input.read(max, (data) => resolve(text(data))));
}

describe('page input', () => {
  it('reads end of file until a terminal is attached', async () => {
    const input = new PageInput();
    input.push(bytes('ignored'));
    expect(await read(input)).toBe('');
  });

  it('answers a waiting read with the next keys typed', async () => {
    const input = new PageInput();
    input.attach();
    const pending = read(input);
    input.push(bytes('ls\r'));
    expect(await pending).toBe('ls\r');
  });

  it('queues keys typed before a read, and delivers them in order', async () => {
    const input = new PageInput();
    input.attach();
    input.push(bytes('ab'));
    input.push(bytes('c'));
    expect(await read(input)).toBe('ab');
    expect(await read(input)).toBe('c');
  });

  it('delivers at most the bytes a read asks for, the rest to the next', async () => {
    const input = new PageInput();
    input.attach();
    input.push(bytes('abcdef'));
    expect(await read(input, 4)).toBe('abcd');
    expect(await read(input, 4)).toBe('ef');
  });

  it('answers a read asynchronously, never inside the call', () => {
    const input = new PageInput();
    input.attach();
    input.push(bytes('x'));
    let answered = false;
    input.read(10, () => (answered = true));
    expect(answered).toBe(false);
  });
});
