// The browsers the e2e cases run in, behind one small page interface, so each
// case is written once. A driver launches its browser and opens pages; a page:
//
//   goto(url)                         load url and wait for its load event
//   evaluate(fn, arg)                 run fn(arg) in the page; its (awaited) result
//   waitFor(fn, arg, timeoutMs)       poll fn(arg) in the page (every 20 ms) until truthy
//   waitForSelector(selector, ms)     until an element matches
//   click(selector)                   click the element's centre
//   type(text)                        type text key by key, as a person would
//   press(key)                        one key, with modifiers: 'Enter', 'ArrowUp', 'Control+C'
//   resize(width, height)             the viewport's size in CSS pixels
//   screenshot(path)                  a PNG of the viewport
//   pause(ms)                         wait (only where no condition can be waited on)
//   setOffline(bool)                  fail (or no longer) every request of the page and its workers
//   close()
//   problems                          uncaught exceptions and console errors, as strings
//
// newPage({ init: [fn, arg] }) runs fn(arg) in every document of the page before
// the page's own scripts. stopServiceWorkers() stops the browser's service
// workers, as the browser does to an idle one; null where the driver cannot
// (the cases that need it skip in that browser and say why). chromium.js
// drives Debian's chromium through playwright-core (CDP); firefox.js drives
// Debian's firefox-esr through puppeteer-core over WebDriver BiDi. Neither
// downloads a browser or a driver.
import { launchChromium } from './chromium.js';
import { launchFirefox } from './firefox.js';

/** Every browser the suite knows, in the order it runs them. */
export const BROWSERS = ['chromium', 'firefox'];

/** Where each browser's executable is looked for, and the package that provides it. */
export const EXECUTABLES = {
  chromium: { path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', apt: 'chromium', env: 'CHROMIUM_PATH' },
  firefox: { path: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', apt: 'firefox-esr', env: 'FIREFOX_PATH' },
};

/**
 * Launch `name` headless with a profile under `profileDir`: `{ name, version, newPage(options), stopServiceWorkers, close() }`.
 */
export function launch(name, profileDir) {
  const executablePath = EXECUTABLES[name].path;
  if (name === 'chromium') return launchChromium(executablePath, profileDir);
  if (name === 'firefox') return launchFirefox(executablePath, profileDir);
  throw new Error(`unknown browser ${name} (known: ${BROWSERS.join(', ')})`);
}
