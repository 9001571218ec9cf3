// The interactive shell's line editor and history (userland/sh/lineedit.c,
// history.c), driven through the kernel's PTY as a person would type: keys in,
// and the screen a terminal would show drawn from what came out (render()).
// The shell is started with a coloured PS1, so the prompt's width must skip its
// escape sequences for the line to be drawn in the right place.
import { describe, expect, it } from 'vitest';
import { captureKernel } from '../support/kernel.js';
import { render, terminalKernel } from '../support/terminal.js';

const PS1 = '\x1b[32mtk$\x1b[0m ';
const UP = '\x1b[A', DOWN = '\x1b[B', LEFT = '\x1b[D', RIGHT = '\x1b[C';
const HOME = '\x1b[H', END = '\x1b[F', DELETE = '\x1b[3~';
const ctrl = (c: string) => String.fromCharCode(c.charCodeAt(0) & 0x1f);

/** An interactive `sh` on a PTY `cols` wide, at its first prompt. */
async function shell(cols = 80) {
  const t = terminalKernel();
  const done = t.kernel.boot.run({
    type: 'run', argv: ['sh'], env: [`PS1=${PS1}`, 'PATH=/bin', 'HOME=/'], cwd: '/', mounts: [], tty: { rows: 24, cols },
  });
  const rows = () => render(t.screen(), cols);
  const prompts = () => t.screen().split(PS1).length - 1;
  const waitFor = async (what: string, pred: () => boolean) => {
    await t.until(pred);
    if (!pred()) throw new Error(`waiting for ${what}; the terminal shows:\n${rows().join('\n')}\n(raw: ${JSON.stringify(t.screen())})`);
  };
  await waitFor('the first prompt', () => prompts() >= 1);
  return {
    ...t,
    rows,
    waitFor,
    /** Type keys that end with Enter and wait for the next prompt. */
    async enter(keys: string) {
      const n = prompts();
      t.type(keys);
      await waitFor(`prompt ${n + 1}`, () => prompts() > n);
    },
    /** Ctrl-D at an empty prompt: the shell exits. */
    async end() {
      t.type(ctrl('D'));
      return done;
    },
  };
}

describe('sh line editing on a terminal', () => {
  it('recalls the previous command with Up and runs it again', async () => {
    const sh = await shell();
    await sh.enter('echo one\r');
    await sh.enter(`${UP}\r`);
    expect(sh.rows()).toEqual(['tk$ echo one', 'one', 'tk$ echo one', 'one', 'tk$']);
    expect((await sh.end()).status).toBe(0);
  });

  it('walks history with Up and Down, and Down past the newest entry gives back the line being typed', async () => {
    const sh = await shell();
    await sh.enter('echo first\r');
    await sh.enter('echo second\r');
    await sh.enter(`echo typed${UP}${UP}${DOWN}\r`);
    await sh.enter(`echo new${UP}${UP}${DOWN}${DOWN}\r`);
    expect(sh.rows().slice(4)).toEqual(['tk$ echo second', 'second', 'tk$ echo new', 'new', 'tk$']);
    await sh.end();
  });

  it('inserts at the cursor after Left, and Right moves back', async () => {
    const sh = await shell();
    await sh.enter(`echo ac${LEFT}b${RIGHT}d\r`);
    expect(sh.rows()).toEqual(['tk$ echo abcd', 'abcd', 'tk$']);
    await sh.end();
  });

  it('goes to the start and end of the line with Ctrl-A/Ctrl-E, Home/End and Ctrl-B/Ctrl-F', async () => {
    const sh = await shell();
    await sh.enter(`cho x${ctrl('A')}e${ctrl('E')}y\r`);
    await sh.enter(`cho 1${HOME}e${END}2\r`);
    await sh.enter(`cho 3\x1b[1~e\x1b[4~4\x1bOH\x1bOF5${ctrl('B')}${ctrl('F')}6\r`);
    expect(sh.rows()).toEqual(['tk$ echo xy', 'xy', 'tk$ echo 12', '12', 'tk$ echo 3456', '3456', 'tk$']);
    await sh.end();
  });

  it('kills to the start with Ctrl-U and to the end with Ctrl-K, and Ctrl-Y yanks it back', async () => {
    const sh = await shell();
    await sh.enter(`echo wrong${ctrl('U')}echo right\r`);
    await sh.enter(`echo keep cut${LEFT}${LEFT}${LEFT}${LEFT}${ctrl('K')}\r`);
    await sh.enter(`echo yank${ctrl('U')}${ctrl('Y')}ed\r`);
    expect(sh.rows()).toEqual(['tk$ echo right', 'right', 'tk$ echo keep', 'keep', 'tk$ echo yanked', 'yanked', 'tk$']);
    await sh.end();
  });

  it('erases the word before the cursor with Ctrl-W', async () => {
    const sh = await shell();
    await sh.enter(`echo one two  ${ctrl('W')}three\r`);
    expect(sh.rows()).toEqual(['tk$ echo one three', 'one three', 'tk$']);
    await sh.end();
  });

  it('erases left with Backspace (DEL and ^H) and at the cursor with Delete and Ctrl-D', async () => {
    const sh = await shell();
    await sh.enter('echo abcd\x7f\x08\r');
    await sh.enter(`xxecho xyz${HOME}${DELETE}${ctrl('D')}${END}\r`);
    expect(sh.rows()).toEqual(['tk$ echo ab', 'ab', 'tk$ echo xyz', 'xyz', 'tk$']);
    await sh.end();
  });

  it('swallows unknown escape sequences whole', async () => {
    const sh = await shell();
    await sh.enter('echo a\x1b[1;5Cb\x1b[15~c\x1bOPd\r');
    expect(sh.rows()).toEqual(['tk$ echo abcd', 'abcd', 'tk$']);
    await sh.end();
  });

  it('lists history with the history builtin, without empty lines or repeats', async () => {
    const sh = await shell();
    await sh.enter('echo a\r');
    await sh.enter('echo a\r');
    await sh.enter('  \r');
    await sh.enter('echo b\r');
    await sh.enter('history\r');
    expect(sh.rows().slice(-4)).toEqual(['    1  echo a', '    2  echo b', '    3  history', 'tk$']);
    await sh.end();
  });

  it('drops the line on Ctrl-C at the prompt and shows a fresh prompt (status 130)', async () => {
    const sh = await shell();
    sh.type('echo partial');
    await sh.waitFor('the typed line', () => sh.rows().at(-1) === 'tk$ echo partial');
    sh.type(ctrl('C'));
    await sh.waitFor('a new prompt', () => sh.rows().at(-1) === 'tk$');
    await sh.enter('echo $?\r');
    expect(sh.rows()).toEqual(['tk$ echo partial^C', 'tk$ echo $?', '130', 'tk$']);
    await sh.end();
  });

  it('gives commands a canonical terminal with echo: the modes are restored after each line', async () => {
    const sh = await shell();
    await sh.enter('stty -a\r');
    sh.type('echo x');
    await sh.waitFor('the typed line', () => sh.rows().at(-1) === 'tk$ echo x');
    sh.type(ctrl('C'));
    await sh.waitFor('a new prompt', () => sh.rows().at(-1) === 'tk$');
    await sh.enter('stty\r');
    const text = sh.rows().join('\n');
    const all = text.slice(text.indexOf('tk$ stty -a'), text.indexOf('tk$ echo x'));
    expect(all).toMatch(/(^|\s)icanon(\s|$)/m);
    expect(all).toMatch(/(^|\s)echo(\s|$)/m);
    // Plain stty lists the flags that are off: after Ctrl-C, neither icanon nor echo is.
    const off = text.slice(text.lastIndexOf('tk$ stty\n'));
    expect(off).not.toMatch(/-icanon|-echo(\s|$)/m);
    await sh.end();
  });

  it('scrolls a line wider than the terminal sideways without wrapping', async () => {
    const sh = await shell(30); // 4 columns of prompt, 25 of text, the last column free
    const word = 'abcdefghijklmnopqrstuvwxyz01';
    const line = `echo ${word}`;
    sh.type(`${line}${HOME}`);
    await sh.waitFor('the start of the line', () => sh.rows().at(-1) === `tk$ ${line.slice(0, 25)}`);
    await sh.enter(`${END}\r`);
    const rows = sh.rows();
    for (const row of rows) expect(row.length).toBeLessThan(30);
    expect(rows).toEqual([`tk$ ${line.slice(-24)}`, word, 'tk$']);
    await sh.end();
  });

  it('keeps the line being typed across a window resize (SIGWINCH)', async () => {
    const sh = await shell();
    sh.type('echo wi');
    await sh.waitFor('the typed line', () => sh.rows().at(-1) === 'tk$ echo wi');
    sh.kernel.boot.resizeConsole(30, 60);
    await new Promise((r) => setTimeout(r, 100));
    await sh.enter('nch\r');
    expect(sh.rows()).toEqual(['tk$ echo winch', 'winch', 'tk$']);
    await sh.end();
  });

  it('clears the screen on Ctrl-L and draws the prompt and line again', async () => {
    const sh = await shell();
    await sh.enter('echo before\r');
    sh.type(`echo after${ctrl('L')}`);
    await sh.waitFor('the redrawn line', () => sh.rows().length === 1);
    await sh.enter('\r');
    expect(sh.rows()).toEqual(['tk$ echo after', 'after', 'tk$']);
    await sh.end();
  });

  it('exits on Ctrl-D at an empty line with the last status', async () => {
    const sh = await shell();
    await sh.enter('false\r');
    expect((await sh.end()).status).toBe(1);
  });

  it('edits UTF-8 characters as one column each', async () => {
    const sh = await shell();
    await sh.enter(`echo üé${LEFT}x\x7f${LEFT}z\r`);
    expect(sh.rows()).toEqual(['tk$ echo züé', 'züé', 'tk$']);
    await sh.end();
  });
});

describe('sh -i reading from a pipe', () => {
  it('reads in blocks as before: prompts on stderr, no line editing', async () => {
    const { kernel, stdout, stderr } = captureKernel('echo hi\nhistory\n');
    const exit = await kernel.boot.run({ type: 'run', argv: ['sh', '-i'], env: ['PS1=$ '], cwd: '/', mounts: [] });
    expect(exit.status).toBe(0);
    expect(stdout()).toBe('hi\n');
    expect(stderr()).toBe('$ $ \n');
  });
});
