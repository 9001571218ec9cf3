// The host's terminal attached through a PTY (what `tabkernel run -t` and the
// page do): echo, canonical input, end of file, and signals from the keyboard.
import { describe, expect, it } from 'vitest';
import { terminalKernel } from '../support/terminal.js';

describe('a terminal on a PTY', () => {
  it('echoes typed input, hands cat whole lines, and ends cat with Ctrl-D', async () => {
    const { kernel, type, screen, until } = terminalKernel();
    const done = kernel.boot.run({ type: 'run', argv: ['cat'], env: [], cwd: '/', mounts: [], tty: { rows: 24, cols: 80 } });
    type('hello\r');
    await until(() => screen().includes('hello\r\nhello\r\n'));
    expect(screen()).toBe('hello\r\nhello\r\n');
    type('\x04');
    expect((await done).status).toBe(0);
  });

  it('keeps a utility\'s output to the terminal line-buffered: grep prints each match as its line is typed', async () => {
    const { kernel, type, screen, until } = terminalKernel();
    const done = kernel.boot.run({ type: 'run', argv: ['grep', 'b'], env: [], cwd: '/', mounts: [], tty: { rows: 24, cols: 80 } });
    type('abc\r');
    await until(() => screen() === 'abc\r\nabc\r\n');
    expect(screen()).toBe('abc\r\nabc\r\n');   // before any more input, and before EOF
    type('xyz\r');
    type('ab\r');
    await until(() => screen() === 'abc\r\nabc\r\nxyz\r\nab\r\nab\r\n');
    expect(screen()).toBe('abc\r\nabc\r\nxyz\r\nab\r\nab\r\n');
    type('\x04');
    expect((await done).status).toBe(0);
  });

  it('kills the foreground program with SIGINT on Ctrl-C (status 130)', async () => {
    const { kernel, type, screen, until } = terminalKernel();
    const done = kernel.boot.run({ type: 'run', argv: ['sleep', '100'], env: [], cwd: '/', mounts: [], tty: { rows: 24, cols: 80 } });
    await new Promise((r) => setTimeout(r, 300));
    type('\x03');
    const notice = await done;
    await until(() => screen().includes('^C'));
    expect(notice.status).toBe(130);
    expect(screen()).toContain('^C');
  });

  it('reports the window size and changes it on resize', async () => {
    const { kernel, type, screen, until } = terminalKernel();
    const done = kernel.boot.run({ type: 'run', argv: ['sh', '-c', 'stty size; read x; stty size'], env: [], cwd: '/', mounts: [], tty: { rows: 30, cols: 100 } });
    await until(() => screen().includes('30 100'));
    kernel.boot.resizeConsole(40, 120);
    type('\r');
    await done;
    expect(screen()).toContain('30 100\r\n');
    expect(screen()).toContain('40 120\r\n');
  });
});

describe('a PTY master', () => {
  it('reaches its slave\'s modes and window size (tcgetattr, tcsetattr, TIOCSWINSZ), as on Linux', async () => {
    const { run } = await import('./wasi-cli.js');
    // Regression: these were ENOTTY on the master ("stty: ... not a tty").
    const r = run('sh', ['-c', 'exec 3<>/dev/ptmx; n=$(ls /dev/pts); stty -echo <&3; echo $?; stty < /dev/pts/$n | grep -o -- "-echo "; stty rows 30 cols 100 <&3; stty size < /dev/pts/$n; stty size <&3']);
    expect([r.stdout, r.stderr, r.status]).toEqual(['0\n-echo \n30 100\n30 100\n', '', 0]);
  });
});
