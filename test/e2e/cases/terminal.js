// The terminal: typing, line editing, control keys, flow control, long output, resizing.
import assert from 'node:assert/strict';
import { test } from '../harness.js';
import { command, openTerminal, PROMPT, prompts, screen, settle, type, waitForPrompts, waitForScreen } from '../terminal.js';

test('terminal: echo hello | tr a-z A-Z prints HELLO', async (ctx) => {
  const page = await openTerminal(ctx);
  assert.equal(await command(page, 'echo hello | tr a-z A-Z'), 'HELLO\n');
  await page.close();
});

test('terminal: Ctrl-C ends sleep 100 and the prompt is back within a second', async (ctx) => {
  const page = await openTerminal(ctx);
  const before = await prompts(page);
  await type(page, 'sleep 100');
  await settle(page);
  await page.press('Control+C');
  await waitForPrompts(page, before + 1, 1000);
  assert.match(await screen(page), /sleep 100\n\^C\n/);
  await page.close();
});

test('terminal: cat copies lines until Ctrl-D, then the prompt is back', async (ctx) => {
  const page = await openTerminal(ctx);
  const before = await prompts(page);
  await type(page, 'cat');
  // Keys typed before the shell has put the terminal back in canonical mode
  // (it reads each line raw, for editing) would be read raw: let cat start.
  await settle(page);
  await type(page, 'one line');
  await waitForScreen(page, /cat\none line\none line$/);
  await page.press('Control+D');
  await waitForPrompts(page, before + 1);
  await page.close();
});

test('terminal: up-arrow recalls the last command', async (ctx) => {
  const page = await openTerminal(ctx);
  assert.equal(await command(page, 'echo recalled'), 'recalled\n');
  const before = await prompts(page);
  await page.press('ArrowUp');
  await waitForScreen(page, /tabkernel\$ echo recalled$/);
  await page.press('Enter');
  await waitForPrompts(page, before + 1);
  const text = await screen(page);
  assert.ok(
    text.endsWith(`${PROMPT}echo recalled\nrecalled\n${PROMPT}echo recalled\nrecalled\n${PROMPT.trimEnd()}`),
    `the command did not run twice:\n${text}`,
  );
  assert.doesNotMatch(text, /\^\[\[A/);
  await page.close();
});

test('terminal: yes | head -n 3 prints three lines and ends', async (ctx) => {
  const page = await openTerminal(ctx);
  assert.equal(await command(page, 'yes | head -n 3'), 'y\ny\ny\n');
  await page.close();
});

test('terminal: yes floods the screen, Ctrl-C stops it, the prompt is back and nothing was dropped', async (ctx) => {
  const page = await openTerminal(ctx);
  const before = await prompts(page);
  await type(page, 'yes');
  await waitForScreen(page, /(y\n){30}/);
  await page.pause(1000); // let the flood run long enough to fill xterm's write buffer
  await page.press('Control+C');
  await waitForPrompts(page, before + 1, 5000);
  // Flow control (kernel/host/browser/console.ts): xterm never had to discard output.
  assert.deepEqual(page.problems, []);
  assert.equal(await command(page, 'echo done'), 'done\n');
  await page.close();
});

test('terminal: long output arrives whole and in order', async (ctx) => {
  const page = await openTerminal(ctx);
  const before = await prompts(page);
  await type(page, 'seq 1 30000 > /tmp/n; cat /tmp/n /tmp/n');
  await waitForPrompts(page, before + 1, 30_000);
  // The scrollback keeps the last 5000 lines: 25001..30000, then the prompt.
  const lines = (await screen(page)).split('\n');
  assert.equal(lines.pop(), PROMPT.trimEnd());
  const numbers = lines.slice(-4000).map(Number);
  assert.deepEqual(numbers, Array.from({ length: 4000 }, (_, i) => 26001 + i));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('terminal: resizing the window changes stty size (SIGWINCH, TIOCGWINSZ)', async (ctx) => {
  const page = await openTerminal(ctx);
  const size = () => page.evaluate(() => `${window.tabkernel.terminal.rows} ${window.tabkernel.terminal.cols}`);
  const first = await size();
  assert.equal(await command(page, 'stty size'), `${first}\n`);
  await page.resize(640, 360);
  await page.waitFor((s) => `${window.tabkernel.terminal.rows} ${window.tabkernel.terminal.cols}` !== s, first, 5000);
  const second = await size();
  assert.equal(await command(page, 'stty size'), `${second}\n`);
  await page.close();
});

test('terminal: ?memory= and ?tmp-size= set the memory budget and /tmp; a full /tmp says "No space left on device"', async (ctx) => {
  const url = new URL(ctx.isolatedUrl);
  url.searchParams.set('memory', '512M');
  url.searchParams.set('tmp-size', '1M');
  const page = await openTerminal(ctx, url.href);
  assert.equal(await command(page, 'head -n 1 /proc/meminfo'), 'MemTotal:         524288 kB\n');
  assert.match(await command(page, 'yes > /tmp/f; df /tmp | tail -n 1'), /No space left on device[^]*tmpfs +1024 +1024 +0 +100% \/tmp\n$/);
  await page.close();
});
