// The root file system across reloads: what the shell writes — under /root or
// over the root image, in /etc and /bin — is snapshotted into IndexedDB
// (kernel/host/browser/persist.ts; the root is an overlay of the image, whose
// upper layer is what is saved: kernel/fs/vfs.ts) and is there again after a
// reload; ?fresh forgets it.
import assert from 'node:assert/strict';
import { test } from '../harness.js';
import { command, freshUrl, openTerminal, waitForPrompts, RUN_TIMEOUT_MS } from '../terminal.js';

/** The head snapshot's records in the page's IndexedDB, as "KIND PATH" (none: []). */
function storedPaths(page) {
  return page.evaluate(() => new Promise((ok, fail) => {
    const req = window.indexedDB.open('tabkernel-root');
    // Not created yet: do not create it here (the kernel's worker makes its stores).
    req.onupgradeneeded = () => req.transaction.abort();
    req.onerror = () => (req.error?.name === 'AbortError' ? ok([]) : fail(req.error));
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction(['meta', 'upper']);
      const head = tx.objectStore('meta').get('head');
      head.onsuccess = () => {
        if (!head.result) return ok([]);
        const g = head.result.generation;
        const all = tx.objectStore('upper').getAll(window.IDBKeyRange.bound([g], [g, Infinity]));
        all.onsuccess = () => ok(all.result.map((r) => `${r.kind} ${r.path}`));
      };
      tx.oncomplete = () => db.close();
    };
  }));
}

/** Poll the store until its head holds every one of `wanted`. */
async function waitForStored(page, wanted, timeout = 10_000) {
  const end = Date.now() + timeout;
  let paths = [];
  while (Date.now() < end) {
    paths = await storedPaths(page);
    if (wanted.every((w) => paths.includes(w))) return;
    await page.pause(100);
  }
  assert.fail(`the snapshot never held ${wanted.join(', ')}; it holds: ${paths.join(', ')}`);
}

async function reopen(page, url) {
  await page.goto(url);
  await waitForPrompts(page, 1, RUN_TIMEOUT_MS);
  await page.click('#terminal');
}

test('persist: a file, a directory and a symlink under /root survive a reload; ?fresh starts empty', async (ctx) => {
  const fresh = freshUrl(ctx);
  const page = await openTerminal(ctx, fresh);
  assert.equal(await command(page, 'ls /root'), '');
  assert.equal(await command(page, 'echo kept > /root/note; mkdir -p /root/d; ln -s note /root/link'), '');
  await waitForStored(page, ['file root/note', 'dir root/d', 'symlink root/link']);
  // The image's directories are unchanged, /dev, /tmp and /proc are mount points: none in the snapshot.
  const paths = await storedPaths(page);
  for (const p of ['dir bin', 'dir dev', 'dir tmp', 'dir proc']) assert.ok(!paths.includes(p), `${p} was saved`);

  await reopen(page, ctx.isolatedUrl);
  assert.equal(await command(page, 'cat /root/note /root/link; ls -d /root/d'), 'kept\nkept\n/root/d\n');
  assert.equal(await command(page, 'ls /bin/sh'), '/bin/sh\n'); // the image is under the restored tree

  await reopen(page, fresh);
  assert.equal(await command(page, 'ls /root'), '');
  assert.deepEqual(await storedPaths(page), []);
  await page.close();
});

test('persist: changes to the root image — a new file in /etc, a changed /etc/passwd, a program removed from /bin — survive a reload', async (ctx) => {
  const fresh = freshUrl(ctx);
  const page = await openTerminal(ctx, fresh);
  const passwd = await command(page, 'cat /etc/passwd');
  assert.ok(passwd.includes('root:'), passwd);
  assert.equal(await command(page, 'echo hello > /etc/greeting; echo guest:x:1000:1000::/home/guest:/bin/sh >> /etc/passwd; rm /bin/true; cp /bin/echo /bin/say'), '');
  await waitForStored(page, ['file etc/greeting', 'file etc/passwd', 'whiteout bin/true', 'file bin/say']);

  await reopen(page, ctx.isolatedUrl);
  assert.equal(await command(page, 'cat /etc/greeting; tail -n 1 /etc/passwd; say still here'), 'hello\nguest:x:1000:1000::/home/guest:/bin/sh\nstill here\n');
  assert.equal(await command(page, 'ls /bin/true 2>&1; echo $?'), "ls: cannot access '/bin/true': No such file or directory\n2\n");
  assert.equal(await command(page, 'ls /bin/sh'), '/bin/sh\n');

  await reopen(page, fresh);
  assert.equal(await command(page, 'ls /bin/true; cat /etc/passwd'), `/bin/true\n${passwd}`);
  assert.equal(await command(page, 'ls /etc/greeting 2>&1'), "ls: cannot access '/etc/greeting': No such file or directory\n");
  await page.close();
});
