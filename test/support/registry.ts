// A real OCI registry for tests: Debian's docker-registry (distribution 2.8)
// started on a free loopback port with a config of its own in a temp
// directory — never the system service — in one of three auth modes (none,
// htpasswd, token) and optionally with the `redirect` storage middleware, so
// blobs sit behind a 307 to a separate blob server on another port, as Docker
// Hub and GHCR serve them. Token mode runs a token issuer here: ES256 JWTs
// whose x5c header carries a certificate that openssl made and the registry
// trusts. Images are built with umoci and pushed with skopeo; raw blobs and
// hand-made manifests go up through the HTTP API (pushBlob, putManifest).
// The configs and flows are the ones measured in shared/notes/IMAGES.md §1–2.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export interface RegistryOptions {
  auth?: RegistryAuth;
  /** Users for htpasswd and token modes (default { tk: 'tkpass' }). */
  users?: Record<string, string>;
  /** Serve blobs through a 307 to a blob server on another port (the redirect middleware). */
  redirect?: boolean;
  /** Token mode: the field the issuer puts the token in (default 'token'). */
  tokenField?: 'token' | 'access_token';
  /** Token mode: whether anonymous requests get pull access (default false). */
  anonymousPull?: boolean;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`, as an image reference names it. */
  readonly host: string;
  readonly url: string;
  /** The temp directory holding config, storage, keys and the log. */
  readonly dir: string;
  readonly users: Record<string, string>;
  /** Requests the blob server (redirect mode) and the token issuer (token mode) saw. */
  readonly blobRequests: RecordedRequest[];
  readonly tokenRequests: RecordedRequest[];
  /** Redirect mode: cut the connection after this many bytes of each larger blob body (undefined: serve whole). */
  cutBlobsAfter: number | undefined;
  /** Redirect mode: send this many bytes of each larger blob body, then nothing more (the connection stays open). */
  hangBlobsAfter: number | undefined;
  /** The file in the registry's storage holding a blob's bytes. */
  blobFile(digest: string): string;
  /** An Authorization header that may push and pull `repository` (Basic, or a token minted here). */
  pushAuthorization(repository: string): string | undefined;
  /** An auth file (containers auth.json format) with the first user's credentials for this registry. */
  writeAuthFile(file: string): string;
  /**
   * skopeo copy oci:LAYOUT:TAG docker://HOST/NAME, with credentials when auth is on.
   * Asynchronous: skopeo talks to the token issuer and blob server in this process.
   */
  pushLayout(layout: string, tag: string, name: string): Promise<void>;
  /** Stop the registry and the servers (waits until the process is gone). */
  stop(): Promise<void>;
  /** Stop the registry process only (its storage and servers stay; restart brings it back). */
  halt(): Promise<void>;
  /** Start the same registry again on the same port and storage. */
  restart(): Promise<void>;
}

/** A TCP port of 127.0.0.1 that nobody listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** The token issuer: ES256 JWTs with the certificate in x5c (distribution's token.go accepts these). */
class TokenIssuer {
  private readonly key: crypto.KeyObject;
  private readonly certDer: string;

  constructor(keyFile: string, certFile: string, readonly service: string, readonly issuer: string) {
    this.key = crypto.createPrivateKey(fs.readFileSync(keyFile));
    this.certDer = new crypto.X509Certificate(fs.readFileSync(certFile)).raw.toString('base64');
  }

  mint(subject: string, access: Array<{ type: string; name: string; actions: string[] }>): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [this.certDer] };
    const claims = { iss: this.issuer, sub: subject, aud: this.service, exp: now + 300, nbf: now - 10, iat: now, jti: crypto.randomUUID(), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = crypto.sign('sha256', Buffer.from(input), { key: this.key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${b64url(sig)}`;
  }
}

/** Scopes as token.md writes them: `repository:NAME:a,b`, several per parameter possibly space-separated. */
function parseScopes(params: URLSearchParams): Array<{ type: string; name: string; actions: string[] }> {
  return params.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean).map((s) => {
    const [type, ...rest] = s.split(':');
    const actions = rest.pop() ?? '';
    return { type, name: rest.join(':'), actions: actions.split(',').filter(Boolean) };
  });
}

function registryConfig(dir: string, port: number, opts: { auth: RegistryAuth; tokenPort?: number; blobPort?: number }): string {
  const lines = [
    'version: 0.1',
    'log: { level: info, formatter: text }',
    'storage:',
    `  filesystem: { rootdirectory: ${dir}/data }`,
    '  delete: { enabled: true }',
  ];
  if (opts.auth === 'htpasswd') lines.push(`auth: { htpasswd: { realm: tabkernel-test, path: ${dir}/htpasswd } }`);
  if (opts.auth === 'token') {
    lines.push(`auth: { token: { realm: "http://127.0.0.1:${opts.tokenPort}/token", service: tabkernel-registry, issuer: tabkernel-token, rootcertbundle: ${dir}/token.crt } }`);
  }
  if (opts.blobPort) lines.push(`middleware: { storage: [ { name: redirect, options: { baseurl: "http://127.0.0.1:${opts.blobPort}/" } } ] }`);
  lines.push(
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: tabkernel-test-secret',
    '  headers:',
    '    Access-Control-Allow-Origin: ["*"]',
    '    Access-Control-Allow-Methods: ["HEAD, GET, OPTIONS, PUT, POST, PATCH, DELETE"]',
    '    Access-Control-Allow-Headers: ["Authorization, Accept, Content-Type, Content-Range, Range"]',
    '    Access-Control-Expose-Headers: ["Docker-Content-Digest, Location, Docker-Upload-UUID, Range, WWW-Authenticate, OCI-Subject, Link"]',
    '    Cross-Origin-Resource-Policy: ["cross-origin"]',
  );
  return `${lines.join('\n')}\n`;
}

async function waitUntilUp(url: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}):\n${fs.readFileSync(log, 'utf8')}`);
    try {
      const res = await fetch(`${url}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not come up at ${url}:\n${fs.readFileSync(log, 'utf8')}`);
}

/** Start a registry (see the file header). Stop it with `stop()` in an afterAll. */
export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const auth = opts.auth ?? 'none';
  const users = opts.users ?? { tk: 'tkpass' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-'));
  const blobRequests: RecordedRequest[] = [];
  const tokenRequests: RecordedRequest[] = [];
  const servers: http.Server[] = [];

  // 1. Auth material.
  let issuer: TokenIssuer | undefined;
  if (auth === 'htpasswd') {
    const lines = Object.entries(users).map(([u, p]) => execFileSync('htpasswd', ['-Bbn', u, p], { encoding: 'utf8' }).trim());
    fs.writeFileSync(path.join(dir, 'htpasswd'), `${lines.join('\n')}\n`);
  }
  let tokenPort: number | undefined;
  if (auth === 'token') {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', '/CN=tabkernel-token', '-keyout', path.join(dir, 'token.key'), '-out', path.join(dir, 'token.crt')], { stdio: 'ignore' });
    const iss = new TokenIssuer(path.join(dir, 'token.key'), path.join(dir, 'token.crt'), 'tabkernel-registry', 'tabkernel-token');
    issuer = iss;
    const server = http.createServer((req, res) => {
      tokenRequests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      const u = new URL(req.url ?? '/', 'http://x');
      let subject = '';
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      if (basic) {
        const [user, ...pass] = Buffer.from(basic[1], 'base64').toString().split(':');
        if (users[user] !== pass.join(':')) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
          return;
        }
        subject = user;
      }
      const access = parseScopes(u.searchParams).map((s) => ({
        ...s,
        actions: subject ? s.actions : opts.anonymousPull ? s.actions.filter((a) => a === 'pull') : [],
      }));
      const token = iss.mint(subject, access);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ [opts.tokenField ?? 'token']: token, expires_in: 300, issued_at: new Date().toISOString() }));
    });
    servers.push(server);
    tokenPort = await listen(server);
  }

  // 2. The blob server behind the redirect middleware: the storage's files, as a CDN would serve them.
  const reg: { cutBlobsAfter: number | undefined; hangBlobsAfter: number | undefined } = { cutBlobsAfter: undefined, hangBlobsAfter: undefined };
  let blobPort: number | undefined;
  if (opts.redirect) {
    const server = http.createServer((req, res) => {
      blobRequests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      const file = path.join(dir, 'data', decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      if (!file.startsWith(path.join(dir, 'data') + path.sep) || !fs.existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      const body = fs.readFileSync(file);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      if (reg.hangBlobsAfter !== undefined && body.length > reg.hangBlobsAfter) {
        res.write(body.subarray(0, reg.hangBlobsAfter));
        return;
      }
      if (reg.cutBlobsAfter === undefined || body.length <= reg.cutBlobsAfter) {
        res.end(body);
        return;
      }
      res.write(body.subarray(0, reg.cutBlobsAfter), () => setTimeout(() => res.socket?.destroy(), 20));
    });
    servers.push(server);
    blobPort = await listen(server);
  }

  // 3. The registry itself.
  const port = await freePort();
  const config = path.join(dir, 'config.yml');
  fs.writeFileSync(config, registryConfig(dir, port, { auth, tokenPort, blobPort }));
  const log = path.join(dir, 'registry.log');
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  const start = async (): Promise<void> => {
    const out = fs.openSync(log, 'a');
    child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    await waitUntilUp(url, child, log);
  };
  const stopRegistry = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await gone; // distribution shuts down gracefully (~0.5 s)
  };
  await start();

  const firstUser = Object.keys(users)[0];
  const host = `127.0.0.1:${port}`;
  const pushAuthorization = (repository: string): string | undefined => {
    if (auth === 'htpasswd') return `Basic ${Buffer.from(`${firstUser}:${users[firstUser]}`).toString('base64')}`;
    if (auth === 'token') return `Bearer ${issuer!.mint(firstUser, [{ type: 'repository', name: repository, actions: ['pull', 'push'] }])}`;
    return undefined;
  };
  return Object.assign(reg, {
    host,
    url,
    dir,
    users,
    blobRequests,
    tokenRequests,
    blobFile: (digest: string) => {
      const hex = digest.replace(/^sha256:/, '');
      return path.join(dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
    },
    pushAuthorization,
    writeAuthFile: (file: string) => {
      const authValue = Buffer.from(`${firstUser}:${users[firstUser]}`).toString('base64');
      fs.writeFileSync(file, JSON.stringify({ auths: { [host]: { auth: authValue } } }));
      return file;
    },
    pushLayout: (layout: string, tag: string, name: string) => {
      const creds = auth === 'none' ? [] : ['--dest-creds', `${firstUser}:${users[firstUser]}`];
      const args = ['copy', '--quiet', '--dest-tls-verify=false', ...creds, `oci:${layout}:${tag}`, `docker://${host}/${name}`];
      return new Promise<void>((resolve, reject) => {
        execFile('skopeo', args, (err, _stdout, stderr) => (err ? reject(new Error(`skopeo ${args.join(' ')}: ${stderr}`)) : resolve()));
      });
    },
    stop: async () => {
      await stopRegistry();
      await Promise.all(servers.map(closeServer));
      fs.rmSync(dir, { recursive: true, force: true });
    },
    halt: stopRegistry,
    restart: async () => {
      await stopRegistry();
      await start();
    },
  });
}

// -- images -------------------------------------------------------------------

export interface ImageSpec {
  /** Files to put in the image: path inside it → content (one umoci layer each; modules get mode 0755). */
  files: Record<string, string | Uint8Array>;
  os?: string;
  architecture?: string;
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workdir?: string;
}

/** Build an image with umoci into a new OCI layout under `dir`; returns the layout path. */
export function buildImage(dir: string, tag: string, spec: ImageSpec): string {
  const layout = fs.mkdtempSync(path.join(dir, 'layout-'));
  fs.rmSync(layout, { recursive: true });
  execFileSync('umoci', ['init', '--layout', layout]);
  execFileSync('umoci', ['new', '--image', `${layout}:${tag}`]);
  const src = fs.mkdtempSync(path.join(dir, 'src-'));
  for (const [inside, content] of Object.entries(spec.files)) {
    const file = path.join(src, path.basename(inside));
    fs.writeFileSync(file, content);
    // A WebAssembly module is a program: executable, as a build would leave it.
    if (typeof content !== 'string' && content[0] === 0 && content[1] === 0x61 && content[2] === 0x73 && content[3] === 0x6d) fs.chmodSync(file, 0o755);
    execFileSync('umoci', ['insert', '--image', `${layout}:${tag}`, file, inside]);
  }
  const config = ['config', '--image', `${layout}:${tag}`, '--os', spec.os ?? 'wasi', '--architecture', spec.architecture ?? 'wasm'];
  for (const e of spec.entrypoint ?? []) config.push('--config.entrypoint', e);
  for (const c of spec.cmd ?? []) config.push('--config.cmd', c);
  for (const e of spec.env ?? []) config.push('--config.env', e);
  if (spec.workdir !== undefined) config.push('--config.workingdir', spec.workdir);
  execFileSync('umoci', config);
  return layout;
}

/** A WebAssembly core module with nothing in it (the 8-byte header). */
export const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
/** The header of a WebAssembly component (version 0x0d, layer 1). */
export const COMPONENT_HEADER = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
}

/** Push one blob through the API (POST, then PUT with the digest); returns its descriptor fields. */
export async function pushBlob(reg: TestRegistry, repository: string, bytes: Uint8Array | string): Promise<{ digest: string; size: number }> {
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  const digest = sha256(data);
  const authorization = reg.pushAuthorization(repository);
  const auth: Record<string, string> = authorization ? { authorization } : {};
  const post = await fetch(`${reg.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: auth });
  await post.arrayBuffer();
  if (post.status !== 202) throw new Error(`POST upload: ${post.status}`);
  const location = new URL(post.headers.get('location')!, reg.url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: data });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`PUT blob: ${put.status}`);
  return { digest, size: data.length };
}

/** PUT a manifest or index (JSON text) under a tag; returns its digest and size. */
export async function putManifest(reg: TestRegistry, repository: string, tag: string, json: string, mediaType: string): Promise<{ digest: string; size: number }> {
  const authorization = reg.pushAuthorization(repository);
  const res = await fetch(`${reg.url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType, ...(authorization ? { authorization } : {}) },
    body: json,
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`PUT manifest: ${res.status} ${text}`);
  return { digest: sha256(json), size: Buffer.byteLength(json) };
}

/** GET a manifest's bytes as the registry stores them (for building indexes by hand). */
export async function getManifest(reg: TestRegistry, repository: string, reference: string): Promise<{ digest: string; size: number; mediaType: string; json: string }> {
  const authorization = reg.pushAuthorization(repository);
  const res = await fetch(`${reg.url}/v2/${repository}/manifests/${reference}`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json', ...(authorization ? { authorization } : {}) },
  });
  const json = await res.text();
  if (res.status !== 200) throw new Error(`GET manifest: ${res.status} ${json}`);
  return { digest: sha256(json), size: Buffer.byteLength(json), mediaType: res.headers.get('content-type') ?? '', json };
}
