// The Firefox driver (see driver.js): Debian's firefox-esr through puppeteer-core
// over WebDriver BiDi, which Firefox speaks itself: no geckodriver, and
// puppeteer-core never downloads a browser.
import puppeteer from 'puppeteer-core';
import { POLL_MS, watchProblems } from './common.js';

export async function launchFirefox(executablePath, profileDir) {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath,
    headless: true,
    userDataDir: profileDir,
    // The default 800×600 is smaller than Chromium's 1280×720; keep the terminal the same size.
    defaultViewport: { width: 1280, height: 720 },
    extraPrefsFirefox: {
      // No update checks, telemetry or first-run pages in a test profile.
      'app.update.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
    },
  });
  return {
    name: 'firefox',
    version: await browser.version(),
    async newPage({ init } = {}) {
      const page = await browser.newPage();
      const problems = [];
      watchProblems(page, problems);
      if (init) await page.evaluateOnNewDocument(init[0], init[1]);
      return wrap(page, problems);
    },
    // WebDriver BiDi has no command that stops service workers.
    stopServiceWorkers: null,
    close: () => browser.close(),
  };
}

/** Playwright's 'Control+C' as puppeteer's key presses: modifiers held around the last key. */
async function press(keyboard, combo) {
  const keys = combo.split('+');
  let key = keys.pop();
  if (key.length === 1 && keys.length > 0) key = key.toLowerCase(); // 'Control+C' is KeyC, unshifted
  for (const m of keys) await keyboard.down(m);
  await keyboard.press(key);
  for (const m of keys.reverse()) await keyboard.up(m);
}

function wrap(page, problems) {
  return {
    problems,
    goto: (url) => page.goto(url).then(() => undefined),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitFor: (fn, arg, timeout) => page.waitForFunction(fn, { timeout, polling: POLL_MS }, arg).then(() => undefined),
    waitForSelector: (selector, timeout) => page.waitForSelector(selector, { timeout }).then(() => undefined),
    click: (selector) => page.click(selector),
    type: (text) => page.keyboard.type(text),
    press: (key) => press(page.keyboard, key),
    resize: (width, height) => page.setViewport({ width, height }),
    screenshot: (path) => page.screenshot({ path }).then(() => undefined),
    pause: (ms) => new Promise((ok) => setTimeout(ok, ms)),
    // WebDriver BiDi's emulation.setNetworkConditions, for this page's browsing context.
    setOffline: (offline) => page.setOfflineMode(offline),
    close: () => page.close(),
  };
}
