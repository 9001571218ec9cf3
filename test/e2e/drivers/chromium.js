// The Chromium driver (see driver.js): Debian's chromium through playwright-core,
// over the Chrome DevTools Protocol, with a persistent profile in a temporary folder.
import { chromium } from 'playwright-core';
import { POLL_MS, watchProblems } from './common.js';

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launchChromium(executablePath, profileDir) {
  const context = await chromium.launchPersistentContext(profileDir, { executablePath, headless: true, args: ARGS });
  return {
    name: 'chromium',
    version: context.browser()?.version() ?? '',
    async newPage({ init } = {}) {
      const page = await context.newPage();
      const problems = [];
      watchProblems(page, problems);
      if (init) await page.addInitScript(init[0], init[1]);
      return wrap(page, problems);
    },
    async stopServiceWorkers() {
      // The DevTools protocol's ServiceWorker domain, through any page's session (the browser's workers are shared).
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      try {
        await cdp.send('ServiceWorker.enable');
        await cdp.send('ServiceWorker.stopAllWorkers');
      } finally {
        await cdp.detach();
      }
    },
    close: () => context.close(),
  };
}

function wrap(page, problems) {
  return {
    problems,
    goto: (url) => page.goto(url).then(() => undefined),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitFor: (fn, arg, timeout) => page.waitForFunction(fn, arg, { timeout, polling: POLL_MS }).then(() => undefined),
    waitForSelector: (selector, timeout) => page.waitForSelector(selector, { timeout }).then(() => undefined),
    click: (selector) => page.click(selector),
    type: (text) => page.keyboard.type(text),
    press: (key) => page.keyboard.press(key),
    resize: (width, height) => page.setViewportSize({ width, height }),
    screenshot: (path) => page.screenshot({ path }).then(() => undefined),
    pause: (ms) => page.waitForTimeout(ms),
    // The whole context: its pages, their workers and service workers.
    setOffline: (offline) => page.context().setOffline(offline),
    close: () => page.close(),
  };
}
