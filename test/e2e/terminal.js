// Driving the page's terminal the way a person does: open the page, wait for the
// shell's prompt, type a command line, read what it printed off xterm's screen.
// Works through the driver's page interface (drivers/driver.js), so in any browser.
import assert from 'node:assert/strict';

/** The shell's prompt as the page sets PS1 (web/main.ts), as written and as shown. */
export const PROMPT_RAW = '\x1b[1;32mtabkernel\x1b[0m$ ';
export const PROMPT = 'tabkernel$ ';
/** How long the page may take to boot the kernel and run a program. */
export const RUN_TIMEOUT_MS = 30_000;
/** How long a command at the prompt may take before a test gives up on it. */
export const COMMAND_TIMEOUT_MS = 10_000;
/** The running program's time to take the terminal's foreground group from the shell. */
export const SETTLE_MS = 300;

/**
 * Installed in the page before its scripts. Every text the status line shows
 * is kept in window.__statusLog (progress comes and goes too fast to poll).
 * Prompts are counted in the output as
 * the kernel sends it (the screen's scrollback forgets old ones); the screen is
 * read through xterm's buffer: all of it (the scrollback and the screen, wrapped
 * lines joined, each line right-trimmed, trailing blank lines dropped), or the
 * last lines up to the cursor (the same way), cheap enough to poll.
 */
function installScreenReader(promptRaw) {
  window.__promptsSeen = 0;
  window.__statusLog = [];
  document.addEventListener('DOMContentLoaded', () => {
    const status = document.getElementById('status');
    if (!status) return;
    new window.MutationObserver(() => {
      const text = status.textContent;
      if (text && window.__statusLog[window.__statusLog.length - 1] !== text) window.__statusLog.push(text);
    }).observe(status, { childList: true, characterData: true, subtree: true });
  });
  let tabkernel;
  Object.defineProperty(window, 'tabkernel', {
    configurable: true,
    get: () => tabkernel,
    set(value) {
      tabkernel = value;
      const decoder = new TextDecoder();
      let tail = '';
      value.kernel.onOutput((_fd, data) => {
        const text = tail + decoder.decode(data, { stream: true });
        window.__promptsSeen += text.split(promptRaw).length - 1;
        tail = text.slice(-(promptRaw.length - 1));
      });
    },
  });
  const lineText = (buffer, i) => buffer.getLine(i).translateToString(true).trimEnd();
  window.__screen = () => {
    const buffer = window.tabkernel?.terminal.buffer.active;
    if (!buffer) return '';
    const lines = [];
    for (let i = 0; i < buffer.length; i++) {
      const text = lineText(buffer, i);
      if (buffer.getLine(i).isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  };
  window.__tail = (n) => {
    const buffer = window.tabkernel?.terminal.buffer.active;
    if (!buffer) return '';
    const cursor = buffer.baseY + buffer.cursorY;
    const lines = [];
    for (let i = Math.max(0, cursor - n + 1); i <= cursor; i++) lines.push(lineText(buffer, i));
    return lines.join('\n').trimEnd();
  };
}

/** The whole screen, scrollback included. */
export const screen = (page) => page.evaluate(() => window.__screen());
/** How many prompts the shell has written so far. */
export const prompts = (page) => page.evaluate(() => window.__promptsSeen);

/** Wait until `n` prompts have been written, the last one drawn and waiting for a command. */
export function waitForPrompts(page, n, timeout = COMMAND_TIMEOUT_MS) {
  return page.waitFor(
    ({ p, n }) => window.__promptsSeen >= n && window.__tail(1) === p.trimEnd(),
    { p: PROMPT, n },
    timeout,
  );
}

/** Wait until the last lines of the screen, up to the cursor, match `re` (tested in the page). */
export function waitForScreen(page, re, timeout = COMMAND_TIMEOUT_MS) {
  return page.waitFor(
    ({ source, flags }) => new RegExp(source, flags).test(window.__tail(40)),
    { source: re.source, flags: re.flags },
    timeout,
  );
}

/** Open a page at `url`, collecting its problems (no terminal reader). */
export async function openPage(ctx, url) {
  const page = await ctx.browser.newPage();
  await page.goto(url);
  return page;
}

/** Open the page with the screen reader and status log installed, without waiting for anything. */
export async function openReaderPage(ctx, url) {
  const page = await ctx.browser.newPage({ init: [installScreenReader, PROMPT_RAW] });
  await page.goto(url);
  return page;
}

/** The page with ?fresh: a root file system of its own, not the one an earlier case left in IndexedDB. */
export function freshUrl(ctx) {
  const url = new URL(ctx.isolatedUrl);
  url.searchParams.set('fresh', '');
  return url.href;
}

/**
 * Open the page (by default fresh) and wait for the shell's first prompt, the
 * terminal focused; `beforeLoad(page)` runs before the page is loaded.
 */
export async function openTerminal(ctx, url = freshUrl(ctx), beforeLoad = undefined) {
  const page = await ctx.browser.newPage({ init: [installScreenReader, PROMPT_RAW] });
  await beforeLoad?.(page);
  await page.goto(url);
  await waitForPrompts(page, 1, RUN_TIMEOUT_MS);
  await page.click('#terminal');
  return page;
}

/** Type a command line as a person would and press Enter, without waiting. */
export async function type(page, line) {
  await page.type(line);
  await page.press('Enter');
}

/**
 * Type `line`, wait for the next prompt and return what the command printed: the
 * text between its line and that prompt.
 */
export async function command(page, line, timeout = COMMAND_TIMEOUT_MS) {
  const before = await prompts(page);
  await type(page, line);
  await waitForPrompts(page, before + 1, timeout);
  const text = await screen(page);
  const echoed = text.lastIndexOf(PROMPT + line + '\n');
  assert.notEqual(echoed, -1, `the screen does not show the command line ${JSON.stringify(line)}:\n${text}`);
  return text.slice(echoed + PROMPT.length + line.length + 1, text.lastIndexOf(PROMPT.trimEnd()));
}

/** Let a program just started take the terminal from the shell (no condition shows it). */
export const settle = (page, ms = SETTLE_MS) => page.pause(ms);

/** Run `wasm` in a kernel of its own (the page's holds the shell); its exit notice and decoded output. */
export function runInPage(page, wasm, argv, env = [], tty = undefined) {
  return page.evaluate(
    async ({ bytes, argv, env, tty }) => {
      const kernel = new window.tabkernel.BrowserKernel();
      const out = { 1: '', 2: '' };
      const decoder = { 1: new TextDecoder(), 2: new TextDecoder() };
      kernel.onOutput((fd, data) => (out[fd] += decoder[fd].decode(data, { stream: true })));
      const exit = await kernel.run({ wasm: new Uint8Array(bytes), argv, env, tty });
      kernel.terminate();
      return { status: exit.status, error: exit.error ?? '', stdout: out[1], stderr: out[2] };
    },
    { bytes: [...wasm], argv, env, tty },
  );
}
