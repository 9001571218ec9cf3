// Reading the policy's JSON files strictly, as containers/image reads
// policy.json: a document must be an object, and a field nobody knows is an
// error (a typo must not quietly loosen a rule).

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `build(doc)` applied to the JSON object in `text`; an Error saying what is
 * wrong, `what` first: not JSON, not an object, or what `build` throws.
 */
export function readJsonObject<T>(text: string, what: string, build: (doc: Record<string, unknown>) => T): T | Error {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return new Error(`${what}: not valid JSON (${(e as Error).message})`);
  }
  try {
    if (!isObject(doc)) throw new Error('not a JSON object');
    return build(doc);
  } catch (e) {
    return new Error(`${what}: ${(e as Error).message}`);
  }
}

/** Throw when `o` has a field not in `allowed`. */
export function onlyFields(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new Error(`${where}: unknown field ${JSON.stringify(k)}`);
}
