// Job control in the interactive shell on a PTY: each pipeline is a process
// group, and its later commands join the group of its first even when that
// one (a forked builtin) has already exited and is waiting to be reaped.
import { describe, expect, it } from 'vitest';
import { terminalKernel } from '../support/terminal.js';

describe('sh job control on a terminal', () => {
  it('runs pipelines whose group leader exits at once, every time', async () => {
    const t = terminalKernel();
    const done = t.kernel.boot.run({
      type: 'run', argv: ['sh'], env: ['PS1=$ ', 'PATH=/bin', 'HOME=/'], cwd: '/', mounts: [], tty: { rows: 24, cols: 80 },
    });
    const prompts = () => t.screen().split('$ ').length - 1;
    await t.until(() => prompts() >= 1);
    for (let i = 0; i < 20; i++) {
      const n = prompts();
      t.type(`echo x${i} | tr x y\r`);
      await t.until(() => prompts() > n);
    }
    const screen = t.screen();
    expect(screen).not.toMatch(/not permitted/);
    for (let i = 0; i < 20; i++) expect(screen).toContain(`y${i}\r\n`);
    t.type('\x04');
    expect((await done).status).toBe(0);
  }, 60_000);
});
