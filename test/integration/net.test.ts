// The network end to end (docs/NETWORK.md): the C checks of the socket calls
// (test/programs/posix/net.c), an echo server and client in separate
// processes, httpd published with `tabkernel run -p` and answering Node's
// fetch, Node's http client (keep-alive) and Debian's curl, 100 connections
// at once, a server killed in the middle of a response, and outbound
// connections denied by default and let through by --allow-net or a
// capabilities file, against servers this test starts on the host.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAllOk, prog, root, run, scratch } from './wasi-cli.js';
import { freePort } from '../support/registry.js';

const cli = path.join(root, 'bin/tabkernel.js');
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const haveCurl = spawnSync('curl', ['--version']).status === 0;

interface Cli {
  child: ChildProcess;
  /** The first line the guest prints (httpd's URL). */
  firstLine: Promise<string>;
  stderr(): string;
  /** Stop it and wait for it to end. */
  stop(): Promise<void>;
}

/** `tabkernel run ARGS` in the background. */
function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): Cli {
  const child = spawn(process.execPath, [cli, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('close', (code) => reject(new Error(`tabkernel ended (${code}) before printing a line; stderr: ${err}`)));
  });
  firstLine.catch(() => {});
  const ended = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    child, firstLine, stderr: () => err,
    stop: async () => {
      child.kill('SIGTERM');
      await ended;
    },
  };
}

/** GET `url` with Node's http client through `agent`: status, body, and whether the socket was reused. */
function get(url: string, agent: http.Agent): Promise<{ status: number; body: Buffer; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), reused: req.reusedSocket }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

describe('sockets', () => {
  it('passes the C checks of the socket calls', () => {
    const r = run(prog('net'), ['selftest'], { timeout: 60_000 });
    expectAllOk(r, 100);
  });

  it('carries an echo between a server and a client in separate processes', () => {
    const r = run('sh', ['-c', '/t/net.wasm echo-server 7070 2 & /t/net.wasm echo-client 7070 hello; /t/net.wasm echo-client 7070 world; wait'],
      { dirs: [`${path.join(root, 'test/programs/bin')}::/t`], timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('echo: hello\necho: world\n');
    expect(r.status).toBe(0);
  });

  it('carries a datagram from nc -u to nc -u -l', () => {
    // Datagrams to a port nobody has bound yet are dropped: the client sends until the server has one.
    const script = 'nc -u -l -w 5 7073 > /tmp/u & while [ ! -s /tmp/u ]; do echo dgram | nc -u -w 0.1 127.0.0.1 7073; done; kill %1; wait; head -n 1 /tmp/u';
    const r = run('sh', ['-c', script], { timeout: 30_000 });
    expect(r.stdout).toBe('dgram\n');
  });

  it('serves nc -l to nc, and reports a closed port with nc -z', () => {
    // The client tries again until the listener is up (a refused connect leaves it as it was).
    const script = 'nc -l 7071 > /tmp/got & until echo over nc | nc -N 127.0.0.1 7071 2>/dev/null; do sleep 0.02; done; wait; cat /tmp/got; nc -z 127.0.0.1 7072; echo "closed: $?"';
    const r = run('sh', ['-c', script], { timeout: 30_000 });
    expect(r.stdout).toBe('over nc\nclosed: 1\n');
    expect(r.status).toBe(0);
  });
});

describe('httpd published with -p', () => {
  let dir: string;
  let big: Buffer;
  let port: number;
  let server: Cli;

  beforeAll(async () => {
    dir = scratch('httpd');
    big = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i);
    fs.writeFileSync(path.join(dir, 'big.bin'), big);
    fs.writeFileSync(path.join(dir, 'index.txt'), 'small file\n');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'page.html'), '<p>hi</p>\n');
    port = await freePort();
    server = startCli(['-p', `${port}:8080`, '--dir', `${dir}::/srv`, 'httpd', '-q', '/srv']);
    expect(await server.firstLine).toBe('http://127.0.0.1:8080/');
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("answers Node's fetch with a 10 MiB body whose hash matches", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/big.bin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(big.length));
    expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(sha(big));
  });

  it("keeps the connection alive for Node's http client", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const a = await get(`http://127.0.0.1:${port}/index.txt`, agent);
    const b = await get(`http://127.0.0.1:${port}/big.bin`, agent);
    const c = await get(`http://127.0.0.1:${port}/sub/`, agent);
    agent.destroy();
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect([a.reused, b.reused, c.reused]).toEqual([false, true, true]);
    expect(a.body.toString()).toBe('small file\n');
    expect(sha(b.body)).toBe(sha(big));
    expect(c.body.toString()).toContain('<a href="page.html">page.html</a>');
  });

  it.skipIf(!haveCurl)('answers curl, keeping the connection alive, with the 10 MiB body whose hash matches', () => {
    const out = path.join(dir, 'curl.out');
    const r = spawnSync('curl', ['-s', '-o', out, '-w', '%{http_code} %{num_connects}\\n', `http://127.0.0.1:${port}/big.bin`, '-o', `${out}2`, `http://127.0.0.1:${port}/big.bin`], { encoding: 'utf8' });
    expect(r.stdout).toBe('200 1\n200 0\n');
    expect(sha(fs.readFileSync(out))).toBe(sha(big));
    expect(sha(fs.readFileSync(`${out}2`))).toBe(sha(big));
    const head = spawnSync('curl', ['-s', '-I', `http://127.0.0.1:${port}/sub/page.html`], { encoding: 'utf8' });
    expect(head.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head.stdout).toMatch(/\r\nContent-Type: text\/html; charset=utf-8\r\n/);
    const range = spawnSync('curl', ['-s', '-r', '2-5', `http://127.0.0.1:${port}/index.txt`], { encoding: 'utf8' });
    expect(range.stdout).toBe('all ');
    const missing = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/nope`], { encoding: 'utf8' });
    expect(missing.stdout).toBe('404');
  });

  it('takes 100 connections at once', async () => {
    const agent = new http.Agent({ keepAlive: false, maxSockets: 100 });
    const all = await Promise.all(Array.from({ length: 100 }, (_, i) => get(`http://127.0.0.1:${port}/index.txt?${i}`, agent)));
    agent.destroy();
    expect(all.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(new Set(all.map((r) => r.body.toString()))).toEqual(new Set(['small file\n']));
  });
});

describe('a server killed in the middle of a response', () => {
  it('gives the client a clean error, and refuses new connections', async () => {
    const dir = scratch('killed');
    const big = Buffer.alloc(16 * 1024 * 1024, 7);
    fs.writeFileSync(path.join(dir, 'big.bin'), big);
    const port = await freePort();
    // The guest kills httpd once the test makes /srv/kill-now, then stays up.
    const script = 'httpd -q /srv & pid=$!; while [ ! -e /srv/kill-now ]; do sleep 0.02; done; kill -9 $pid; echo killed; exec sleep 60';
    const cliProc = startCli(['-p', `${port}:8080`, '--dir', `${dir}::/srv`, 'sh', '-c', script]);
    try {
      // Wait for httpd to listen: connections are reset until it does.
      let res: http.IncomingMessage | null = null;
      while (!res) {
        res = await new Promise<http.IncomingMessage | null>((resolve) => {
          const req = http.get(`http://127.0.0.1:${port}/big.bin`, resolve);
          req.on('error', () => setTimeout(() => resolve(null), 20));
        });
      }
      expect(res.statusCode).toBe(200);
      // Read a little, stop reading, kill the server, then read on: the body ends short with an error.
      const first = await new Promise<Buffer>((resolve) => res!.once('data', resolve));
      res.pause();
      fs.writeFileSync(path.join(dir, 'kill-now'), '');
      const ended = await new Promise<{ got: number; error: string | null }>((resolve) => {
        let got = first.length;
        res!.on('data', (d: Buffer) => { got += d.length; });
        res!.on('error', (e) => resolve({ got, error: e.message }));
        res!.on('close', () => resolve({ got, error: res!.complete ? null : 'aborted' }));
        res!.resume();
      });
      expect(ended.error).not.toBeNull();
      expect(ended.got).toBeLessThan(big.length);
      // Nobody listens on 8080 now: the published port resets the next connection.
      const next = await new Promise<string>((resolve) => {
        const req = http.get(`http://127.0.0.1:${port}/big.bin`, () => resolve('answered'));
        req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
      expect(next).toBe('ECONNRESET');
    } finally {
      await cliProc.stop();
    }
  }, 30_000);
});

describe('outbound connections', () => {
  let hostServer: http.Server;
  let hostPort: number;

  beforeAll(async () => {
    hostServer = http.createServer((req, res) => res.end(`host says hi to ${req.url}\n`));
    await new Promise<void>((resolve) => hostServer.listen(0, '0.0.0.0', resolve));
    hostPort = (hostServer.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => hostServer.close(() => resolve())));

  /** An environment whose policy has no capabilities file: the built-in ones (no network). */
  const builtIn = (): NodeJS.ProcessEnv => {
    const d = scratch('policy');
    fs.writeFileSync(path.join(d, 'policy.json'), JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const env: NodeJS.ProcessEnv = { ...process.env, TABKERNEL_POLICY: path.join(d, 'policy.json') };
    delete env.TABKERNEL_CAPABILITIES;
    return env;
  };

  const fetchHost = (flags: string[], url: string, env?: NodeJS.ProcessEnv) =>
    new Promise<ReturnType<typeof run>>((resolve) => {
      // Asynchronous: the host server answers on this thread.
      const child = spawn(process.execPath, [cli, 'run', ...flags, 'fetch', url], { env: env ?? process.env });
      let stdout = '', stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr, stdoutBytes: Buffer.from(stdout) }));
    });

  it('are refused by default, naming the rule', async () => {
    const env = builtIn();
    const r = await fetchHost([], `http://host.tabkernel.internal:${hostPort}/x`, env);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`tabkernel: policy: connect to host.tabkernel.internal:${hostPort} refused: "programs" network [] (the built-in capabilities)`);
    expect(r.stderr).toContain(`fetch: connect to host.tabkernel.internal port ${hostPort} failed: Connection refused`);
    expect(r.status).toBe(7);
  });

  it('go through with --allow-net', async () => {
    const env = builtIn();
    const r = await fetchHost(['--allow-net', `loopback:${hostPort}`], `http://host.tabkernel.internal:${hostPort}/y`, env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('host says hi to /y\n');
    expect(r.status).toBe(0);
  });

  it('go through when the capabilities grant the host', async () => {
    const caps = path.join(scratch('caps'), 'tabkernel-capabilities.json');
    fs.writeFileSync(caps, JSON.stringify({ programs: { network: [`127.0.0.1:${hostPort}`] } }));
    const r = await fetchHost([], `http://host.tabkernel.internal:${hostPort}/z`, { ...process.env, TABKERNEL_CAPABILITIES: caps });
    expect(r.stdout).toBe('host says hi to /z\n');
    expect(r.status).toBe(0);
    const other = await fetchHost([], `http://host.tabkernel.internal:${hostPort + 1}/z`, { ...process.env, TABKERNEL_CAPABILITIES: caps });
    expect(other.stderr).toContain(`refused: "programs" network ["127.0.0.1:${hostPort}"] (${caps})`);
    expect(other.status).toBe(7);
  });

  it("resolve names through the host's DNS only as the policy allows", async () => {
    const name = os.hostname().toLowerCase();
    const resolvable = await dns.promises.lookup(name).then(() => true, () => false);
    if (!resolvable || !/^[a-z0-9.-]+$/.test(name)) return; // a host whose own name does not resolve: nothing to check here
    const env = builtIn();
    const denied = await fetchHost([], `http://${name}:${hostPort}/n`, env);
    expect(denied.stderr).toContain(`tabkernel: policy: lookup of ${name} refused`);
    expect(denied.status).toBe(6);
    const allowed = await fetchHost(['--allow-net', name], `http://${name}:${hostPort}/n`, env);
    expect(allowed.stdout).toBe('host says hi to /n\n');
    expect(allowed.status).toBe(0);
  });
});
