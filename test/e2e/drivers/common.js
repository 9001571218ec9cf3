// What both drivers share (see driver.js).

/** The polling interval of waitFor, in ms. */
export const POLL_MS = 20;

/** Collect a page's uncaught exceptions and console errors into `problems` (the event names are the same in both clients). */
export function watchProblems(page, problems) {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
}
