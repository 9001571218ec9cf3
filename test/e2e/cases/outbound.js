// The page's way out (kernel/host/browser/outbound.ts): a guest's `fetch URL`
// in the page's terminal goes through the browser's fetch, only as the policy
// grants. Against an HTTP server of this test on the machine's loopback (it
// lets any origin read it: CORS), which a guest reaches as
// host.tabkernel.internal (its own 127.0.0.1 is the kernel's loopback), the
// page refuses by default (the built-in capabilities grant no network) and
// fetches once tabkernel-capabilities.json beside the page grants
// 127.0.0.1 on that port.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '../harness.js';
import { command, openTerminal } from '../terminal.js';

/** A loopback HTTP server answering GET /hello to any origin (and CORS preflights); `{ port, requests, close() }`. */
async function corsServer() {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'GET, POST, HEAD' };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    if (req.url !== '/hello') return void res.writeHead(404, cors).end('not here\n');
    res.writeHead(200, { ...cors, 'Content-Type': 'text/plain' }).end('hello from the host\n');
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { port: server.address().port, requests, close: () => new Promise((ok) => server.close(ok)) };
}

test("outbound: a guest's fetch goes out through the browser only as the page's policy grants", async (ctx) => {
  const server = await corsServer();
  const dir = await mkdtemp(join(tmpdir(), 'tabkernel-e2e-outbound-'));
  const saved = process.env.TABKERNEL_CAPABILITIES;
  const host = `host.tabkernel.internal:${server.port}`;
  const url = `http://${host}/hello`;
  try {
    // 1. The built-in capabilities: no network beyond the guest's loopback.
    delete process.env.TABKERNEL_CAPABILITIES;
    const denied = await openTerminal(ctx);
    const refused = await command(denied, `fetch ${url}; echo "status $?"`);
    assert.match(refused, /fetch: connect to host\.tabkernel\.internal port \d+ failed: Connection refused\nstatus 7\n/);
    assert.deepEqual(server.requests, []);
    await denied.close();

    // 2. The page's capabilities grant this host and port to the programs run from the terminal.
    const caps = join(dir, 'tabkernel-capabilities.json');
    await writeFile(caps, JSON.stringify({ programs: { network: [`127.0.0.1:${server.port}`] } }));
    process.env.TABKERNEL_CAPABILITIES = caps;
    const page = await openTerminal(ctx);
    assert.equal(await command(page, `fetch ${url}`), 'hello from the host\n');
    assert.match(await command(page, `fetch -f http://${host}/missing; echo "status $?"`), /status 22\n$/);
    // The guest's own 127.0.0.1 is its loopback, where nobody listens; another port of the host is not granted.
    assert.match(await command(page, `fetch http://127.0.0.1:${server.port}/hello; echo "status $?"`), /Connection refused\nstatus 7\n/);
    assert.match(await command(page, `fetch http://host.tabkernel.internal:${server.port + 1}/; echo "status $?"`), /Connection refused\nstatus 7\n/);
    assert.equal(server.requests.filter((r) => r === 'GET /hello').length, 1, server.requests.join(', '));
    assert.deepEqual(page.problems.filter((p) => !/status of 404/.test(p)), []);
    await page.close();
  } finally {
    if (saved === undefined) delete process.env.TABKERNEL_CAPABILITIES;
    else process.env.TABKERNEL_CAPABILITIES = saved;
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
