import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { IdbAsyncifiedStore } from './asyncified.js';

let n = 0;
const opened: IdbAsyncifiedStore[] = [];
function store(name = `asyncified-test-${n++}`): IdbAsyncifiedStore {
  const s = new IdbAsyncifiedStore(name);
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

const key = 'b'.repeat(64);

describe('IdbAsyncifiedStore', () => {
  it('has no entry before the first put', async () => {
    expect(await store().get(key)).toBeUndefined();
  });

  it('gives back what was put, and a second put replaces it', async () => {
    const s = store();
    await s.put(key, new Uint8Array([1, 2, 3]));
    expect(await s.get(key)).toEqual(new Uint8Array([1, 2, 3]));
    await s.put(key, new Uint8Array([9]));
    expect(await s.get(key)).toEqual(new Uint8Array([9]));
  });

  it('keeps entries for the next page load: another store on the same database reads them', async () => {
    const name = `asyncified-test-${n++}`;
    const first = store(name);
    await first.put(key, new Uint8Array([7, 7]));
    first.close();
    expect(await store(name).get(key)).toEqual(new Uint8Array([7, 7]));
  });
});
