// A tiny test runner: a case is a named async function of the run's context
// (`ctx.browser`, the driver of the browser it runs in; the servers' URLs; see
// run.js). Every case runs in every browser; `only` keeps the cases whose name
// holds those words (`a|b`: either).
const cases = [];

/** Register a case (each file under cases/ calls this at import). */
export function test(name, fn) {
  cases.push({ name, fn });
}

/** The registered cases, filtered by `only` if given. */
export function selected(only) {
  const any = only?.split('|') ?? [];
  return cases.filter(({ name }) => any.length === 0 || any.some((words) => name.includes(words)));
}

/** Run `list` one after another in `ctx`, printing `ok`/`FAIL` lines tagged with the browser; the counts. */
export async function runAll(list, ctx) {
  let passed = 0;
  let failed = 0;
  for (const { name, fn } of list) {
    const t0 = Date.now();
    try {
      await fn(ctx);
      passed++;
      console.log(`  ok   [${ctx.browser.name}] ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`  FAIL [${ctx.browser.name}] ${name}\n${indent(e instanceof Error ? e.stack ?? e.message : String(e))}`);
    }
  }
  return { passed, failed };
}

function indent(text) {
  return text.split('\n').map((l) => `       ${l}`).join('\n');
}
