// Job control at the terminal: background jobs, Ctrl-Z, bg and fg.
import assert from 'node:assert/strict';
import { test } from '../harness.js';
import { command, openTerminal, prompts, screen, settle, type, waitForPrompts, waitForScreen } from '../terminal.js';

test('terminal: sleep 100 &, jobs lists it, kill %1 ends it', async (ctx) => {
  const page = await openTerminal(ctx);
  await command(page, 'sleep 100 &');
  assert.match(await command(page, 'jobs'), /^\[1\] \+ Running +sleep 100\n$/);
  await command(page, 'kill %1');
  await waitForScreen(page, /\[1\] \+ Terminated +sleep 100/);
  assert.equal(await command(page, 'jobs'), '');
  await page.close();
});

test('terminal: Ctrl-Z stops sleep 100, bg resumes it, fg brings it back, Ctrl-C ends it', async (ctx) => {
  const page = await openTerminal(ctx);
  let before = await prompts(page);
  await type(page, 'sleep 100');
  await settle(page);
  await page.press('Control+Z');
  await waitForPrompts(page, before + 1);
  assert.match(await screen(page), /\[1\] \+ Stopped +sleep 100\n/);
  assert.match(await command(page, 'bg'), /^\[1\] sleep 100\n$/);
  assert.match(await command(page, 'jobs'), /^\[1\] \+ Running +sleep 100\n$/);
  before = await prompts(page);
  await type(page, 'fg');
  await waitForScreen(page, /fg\nsleep 100$/);
  await settle(page);
  await page.press('Control+C');
  await waitForPrompts(page, before + 1);
  assert.equal(await command(page, 'jobs'), '');
  await page.close();
});
