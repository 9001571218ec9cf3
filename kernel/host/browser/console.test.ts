import { describe, expect, it } from 'vitest';
import { Pty } from '../../tty/pty.js';
import { ConsoleOutput } from './console.js';

const KiB = 1024;

/** A console PTY pushing into a ConsoleOutput, and what reached the page. */
function consoleWith(pty: Pty | null = new Pty(0, () => {})) {
  const posted: Uint8Array[] = [];
  const out = new ConsoleOutput((data) => posted.push(data), () => pty);
  if (pty) pty.sink = (b) => void out.write(b);
  const postedBytes = () => posted.reduce((n, b) => n + b.length, 0);
  return { pty: pty!, out, posted, postedBytes };
}

/** `n` bytes of program output with no newline (ONLCR would add bytes). */
const block = (n: number) => new Uint8Array(n).fill(0x79);

describe('console output flow control', () => {
  it('posts every write while the page keeps up', () => {
    const { pty, out, posted } = consoleWith();
    pty.write(new TextEncoder().encode('hi\n'));
    expect(new TextDecoder().decode(posted[0])).toBe('hi\r\n');
    out.ack(4);
    pty.write(block(100 * KiB));
    expect(posted.length).toBe(2);
  });

  it('holds the output in the PTY once more than 512 KiB are unacknowledged', () => {
    const { pty, postedBytes } = consoleWith();
    for (let i = 0; i < 9; i++) pty.write(block(64 * KiB));
    expect(postedBytes()).toBe(9 * 64 * KiB);
    expect(pty.sink).toBe(null);
    pty.write(block(64 * KiB));
    expect(postedBytes()).toBe(9 * 64 * KiB);
    expect(pty.pendingOutput).toBe(64 * KiB);
  });

  it('leaves writers no room once the PTY holds its limit', () => {
    const { pty } = consoleWith();
    for (let i = 0; i < 9 + 16; i++) pty.write(block(64 * KiB));
    expect(pty.outputRoom).toBe(false);
  });

  it('sends held output as the page acknowledges, then pushes again', () => {
    const { pty, out, postedBytes } = consoleWith();
    for (let i = 0; i < 12; i++) pty.write(block(64 * KiB));
    out.ack(9 * 64 * KiB);
    expect(postedBytes()).toBe(12 * 64 * KiB);
    expect(pty.pendingOutput).toBe(0);
    expect(pty.sink).not.toBe(null);
  });

  it('does not send held output while the page is still far behind', () => {
    const { pty, out, postedBytes } = consoleWith();
    for (let i = 0; i < 12; i++) pty.write(block(64 * KiB));
    out.ack(64 * KiB);
    expect(postedBytes()).toBe(9 * 64 * KiB);
  });

  it('flushes everything held, whatever the backlog (before the exit notice)', () => {
    const { pty, out, postedBytes } = consoleWith();
    for (let i = 0; i < 12; i++) pty.write(block(64 * KiB));
    out.flush();
    expect(postedBytes()).toBe(12 * 64 * KiB);
    expect(pty.pendingOutput).toBe(0);
  });

  it('never holds output when no console PTY is attached', () => {
    const { out, postedBytes } = consoleWith(null);
    for (let i = 0; i < 12; i++) out.write(block(64 * KiB));
    expect(postedBytes()).toBe(12 * 64 * KiB);
  });
});
