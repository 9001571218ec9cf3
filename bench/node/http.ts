// net.http_rps in Node: requests per second that Node's http client (a
// keep-alive agent, CONNECTIONS requests in flight) gets from tabkernel's
// httpd published with `tabkernel run -p` (a new OS process running the
// built CLI, as a user runs it), and from a Node http server serving the same
// file from disk (a new OS process too, a few lines of script), in the same
// run. The file is small (1 KiB), so the figure is the cost of a request:
// through -p that is the host's socket, the pump in the CLI's kernel thread,
// the guest's rings and httpd's own work.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Sample } from '../core/stats.js';
import { freePort } from '../../test/support/registry.js';

/** Requests in flight at once. */
const CONNECTIONS = 8;
const FILE = 'page.html';

/** What a user of node:http writes to serve a directory's file. */
const NODE_SERVER = `import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
const [dir, port] = process.argv.slice(2);
http.createServer((req, res) => {
  fs.readFile(path.join(dir, decodeURIComponent(req.url.split('?')[0])), (err, body) => {
    if (err) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length });
    res.end(body);
  });
}).listen(Number(port), '127.0.0.1', () => console.log('http://127.0.0.1:' + port + '/'));
`;

/** Start `args` (node with them) and wait for its first line of output. */
function serve(args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout!.once('data', () => resolve(child));
    child.once('close', (code) => reject(new Error(`server ended (${code}) before it listened: ${err}`)));
  });
}

function get(url: string, agent: http.Agent, want: number): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      let n = 0;
      res.on('data', (d: Buffer) => { n += d.length; });
      res.on('end', () => (res.statusCode === 200 && n === want ? resolve() : reject(new Error(`status ${res.statusCode}, ${n} bytes`))));
      res.on('error', reject);
    }).on('error', reject);
  });
}

export class HttpRps {
  private readonly dir: string;
  private readonly size = 1024;

  constructor(private readonly root: string, tmp: string) {
    this.dir = fs.mkdtempSync(path.join(tmp, 'http-'));
    fs.writeFileSync(path.join(this.dir, FILE), Buffer.alloc(this.size, 'x'));
    fs.writeFileSync(path.join(this.dir, 'server.mjs'), NODE_SERVER);
  }

  /** `batches` samples of requests answered in about `targetMs` each, after a warm-up. */
  async run(subject: 'tabkernel' | 'node:http', batches: number, targetMs: number): Promise<Sample[]> {
    const port = await freePort();
    const args = subject === 'tabkernel'
      ? [path.join(this.root, 'bin/tabkernel.js'), 'run', '-p', `${port}:8080`, '--dir', `${this.dir}::/srv`, 'httpd', '-q', '/srv']
      : [path.join(this.dir, 'server.mjs'), this.dir, String(port)];
    const server = await serve(args);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const url = `http://127.0.0.1:${port}/${FILE}`;
    try {
      const batch = async (ms: number): Promise<Sample> => {
        const t0 = process.hrtime.bigint();
        const end = performance.now() + ms;
        let done = 0;
        await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
          while (performance.now() < end) {
            await get(url, agent, this.size);
            done++;
          }
        }));
        return { ns: Number(process.hrtime.bigint() - t0), ops: done };
      };
      await batch(Math.max(500, targetMs * 2));
      const samples: Sample[] = [];
      for (let i = 0; i < batches; i++) samples.push(await batch(targetMs));
      return samples;
    } finally {
      agent.destroy();
      server.kill('SIGTERM');
    }
  }
}
