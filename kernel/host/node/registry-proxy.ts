// The registry proxy of the dev server and `vite preview` (vite.config.ts):
// a same-origin path, /registry/HOST/v2/…, through which the page reaches
// registries it cannot fetch directly — any with authentication (a request
// carrying Authorization is preflighted, and distribution answers the
// preflight with 401) and any without CORS (Docker Hub, GHCR, quay.io).
// Pull only (GET and HEAD), for an allowlist of upstream hosts.
//
// What it does to the traffic:
//   - HTTP for loopback upstreams, HTTPS for every other.
//   - A redirect back to the upstream is rewritten into the proxy path (the
//     page follows it, same-origin); a redirect to another host (Docker Hub's
//     blobs, 307 to a CDN) is followed here, without Authorization, and the
//     answer streamed back: Authorization never crosses to another host.
//   - Credentials stay on the server. The proxy reads the auth files of the
//     user it runs as (credentials.ts: $REGISTRY_AUTH_FILE, containers'
//     auth.json, Docker's config.json), as docker-credential-helpers do:
//       * a Bearer challenge's realm is rewritten to /registry/HOST/-/token,
//         and a token request there goes to the real realm with the server's
//         Basic credentials for HOST: the page gets a scoped, short-lived
//         token, never the password. Only realms that HOST itself announced
//         are reachable that way (no open relay for the credentials);
//       * a Basic challenge is answered here with the server's credentials,
//         and the page never sees the 401.
// Allowlist: $TABKERNEL_REGISTRY_PROXY (comma-separated hosts; `loopback`
// stands for localhost, 127.0.0.0/8 and ::1; empty or `none` turns the proxy
// off), default DEFAULT_ALLOW; and, when the capabilities in force
// (policy.ts: tabkernel-capabilities.json, read per request) list
// "registries", only those too. docs/IMAGES.md ("The page") and
// docs/POLICY.md document it.
// Spec: OCI distribution-spec; distribution's docs/spec/auth/token.md;
// Fetch standard (CORS preflight, Authorization on redirects).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { basicAuthorization, parseChallenges, type Challenge } from '../../image/auth.js';
import { DOCKER_HUB, DOCKER_HUB_API } from '../../image/reference.js';
import { isLoopback } from '../../image/registry.js';
import { checkRegistry } from '../../policy/capabilities.js';
import { readCredentials } from './credentials.js';
import { loadCapabilities } from './policy.js';

export const PROXY_PREFIX = '/registry/';
export const DEFAULT_ALLOW = ['loopback', 'docker.io', 'registry-1.docker.io', 'ghcr.io', 'quay.io'];
const REDIRECT_MAX = 10;
/** Request headers passed upstream (Authorization only to the upstream itself). */
const FORWARD = ['accept', 'range', 'if-none-match', 'user-agent'];
/** Response headers passed back. */
const PASS_BACK = [
  'content-type', 'content-length', 'content-range', 'accept-ranges', 'etag', 'last-modified', 'retry-after',
  'docker-content-digest', 'docker-distribution-api-version',
];

export interface RegistryProxyOptions {
  /** Upstream hosts allowed (default: $TABKERNEL_REGISTRY_PROXY, else DEFAULT_ALLOW). */
  allow?: readonly string[];
  /** The environment the auth files are found through, read per request (default process.env). */
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The allowlist from the environment: $TABKERNEL_REGISTRY_PROXY, else DEFAULT_ALLOW. */
export function allowlistFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const v = env.TABKERNEL_REGISTRY_PROXY;
  if (v === undefined) return DEFAULT_ALLOW;
  return v.split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '' && h !== 'none');
}

/** Why the capabilities in force do not let images come from upstream `host`, or undefined. */
function capabilityRefusal(host: string, env: NodeJS.ProcessEnv): string | undefined {
  let caps: ReturnType<typeof loadCapabilities>;
  try {
    caps = loadCapabilities(env);
  } catch (e) {
    return `registry proxy: ${(e as Error).message}`;
  }
  // The page names Docker Hub docker.io; the proxy sees its API host.
  const name = host.toLowerCase() === DOCKER_HUB_API ? DOCKER_HUB : host;
  const grant = checkRegistry(caps.capabilities, name);
  return grant.allowed ? undefined : `registry proxy: policy: images may not be pulled from ${name}: ${grant.rule} (${caps.file})`;
}

/** A connect-style middleware answering PROXY_PREFIX; other paths go to `next`. */
export function registryProxy(opts: RegistryProxyOptions = {}): Middleware {
  const allow = opts.allow ?? allowlistFromEnv(opts.env);
  const allowed = (host: string): boolean => allow.includes(host.toLowerCase()) || (allow.includes('loopback') && isLoopback(host));
  const doFetch = opts.fetch ?? fetch;
  const env = (): NodeJS.ProcessEnv => opts.env ?? process.env;
  /** Per upstream host: the token realms it announced, and whether it wants Basic. */
  const realms = new Map<string, Set<string>>();
  const basic = new Set<string>();

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const rest = url.pathname.slice(PROXY_PREFIX.length);
    const slash = rest.indexOf('/');
    const host = slash < 0 ? rest : rest.slice(0, slash);
    const path = slash < 0 ? '/' : rest.slice(slash);
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'UNSUPPORTED', 'the registry proxy only pulls (GET, HEAD)');
    if (!allowed(host)) {
      return fail(res, 403, 'DENIED', `registry proxy: ${host} is not an allowed upstream (allowed: ${allow.join(', ') || 'none'}; set TABKERNEL_REGISTRY_PROXY)`);
    }
    const refusal = capabilityRefusal(host, env());
    if (refusal) return fail(res, 403, 'DENIED', refusal);
    const origin = `${isLoopback(host) ? 'http' : 'https'}://${host}`;
    const self = `http://${req.headers.host}${PROXY_PREFIX}${host}`;
    if (path === '/-/token') return token(req, res, host, url);
    if (path !== '/v2/' && !path.startsWith('/v2/')) return fail(res, 404, 'NAME_UNKNOWN', `registry proxy: only /v2/ paths are proxied, not ${path}`);
    const repository = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//.exec(path)?.[1] ?? '';
    const headers = forwarded(req);
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    else if (basic.has(host)) await addBasic(headers, host, repository);
    let up = await upstream(`${origin}${path}${url.search}`, req.method, headers);
    if (up.status === 401 && !headers.authorization && (await answerBasic(up, headers, host, repository))) {
      await up.body?.cancel();
      up = await upstream(`${origin}${path}${url.search}`, req.method, headers);
    }
    const location = up.headers.get('location');
    if (isRedirect(up.status) && location !== null) {
      const target = new URL(location, `${origin}${path}`);
      if (target.origin === origin) {
        await up.body?.cancel();
        return reply(res, up, { location: `${self}${target.pathname}${target.search}` });
      }
      // Another host (a CDN): followed here, without Authorization.
      await up.body?.cancel();
      const { authorization: _, ...plain } = headers;
      up = await follow(target, req.method, plain);
    }
    const challenge = up.headers.get('www-authenticate');
    return reply(res, up, challenge === null ? {} : { 'www-authenticate': rewriteChallenges(challenge, host, self) });
  }

  /** A token request for HOST: to a realm HOST announced, with the server's credentials for HOST if it has any. */
  async function token(req: IncomingMessage, res: ServerResponse, host: string, url: URL): Promise<void> {
    const realm = url.searchParams.get('realm') ?? '';
    if (!realms.get(host)?.has(realm)) return fail(res, 403, 'DENIED', `registry proxy: ${realm || 'no realm'} is not a token realm ${host} announced`);
    const target = new URL(realm);
    for (const [k, v] of url.searchParams) if (k !== 'realm') target.searchParams.append(k, v);
    const scope = url.searchParams.getAll('scope').join(' ');
    const repository = /repository:([^:\s]+):/.exec(scope)?.[1] ?? '';
    const headers: Record<string, string> = { accept: 'application/json' };
    const creds = await readCredentials(host, repository, env());
    if (creds) headers.authorization = basicAuthorization(creds);
    return reply(res, await follow(target, req.method ?? 'GET', headers, true), {});
  }

  /** If HOST challenges with Basic and the server has credentials for it: set them (and remember). */
  async function answerBasic(up: Response, headers: Record<string, string>, host: string, repository: string): Promise<boolean> {
    const challenges = parseChallenges(up.headers.get('www-authenticate') ?? '');
    if (!challenges.some((c) => c.scheme === 'basic') || challenges.some((c) => c.scheme === 'bearer')) return false;
    if (!(await addBasic(headers, host, repository))) return false;
    basic.add(host);
    return true;
  }

  async function addBasic(headers: Record<string, string>, host: string, repository: string): Promise<boolean> {
    const creds = await readCredentials(host, repository, env());
    if (creds) headers.authorization = basicAuthorization(creds);
    return creds !== undefined;
  }

  /** Rewrite Bearer realms into the proxy's token path (remembering them); other challenges as they are. */
  function rewriteChallenges(header: string, host: string, self: string): string {
    const challenges = parseChallenges(header);
    if (!challenges.some((c) => c.scheme === 'bearer' && c.params.realm)) return header;
    return challenges.map((c) => {
      if (c.scheme !== 'bearer' || !c.params.realm) return formatChallenge(c);
      const known = realms.get(host) ?? new Set<string>();
      known.add(c.params.realm);
      realms.set(host, known);
      return formatChallenge({ ...c, params: { ...c.params, realm: `${self}/-/token?realm=${encodeURIComponent(c.params.realm)}` } });
    }).join(', ');
  }

  function upstream(target: string, method: string, headers: Record<string, string>): Promise<Response> {
    return doFetch(target, { method, headers, redirect: 'manual' });
  }

  /** Follow redirects from `url` here; Authorization goes only to `url`'s own origin, and only if `keepAuth`. */
  async function follow(url: URL, method: string, headers: Record<string, string>, keepAuth = false): Promise<Response> {
    let current = url;
    const first = url.origin;
    const h = { ...headers };
    if (!keepAuth) delete h.authorization;
    for (let hop = 0; hop <= REDIRECT_MAX; hop++) {
      if (current.protocol !== 'https:' && !(current.protocol === 'http:' && isLoopback(current.host))) {
        throw new ProxyError(502, `refusing ${current.protocol}//${current.host}: plain HTTP only to loopback hosts`);
      }
      if (current.origin !== first) delete h.authorization;
      const res = await upstream(current.href, method, h);
      const location = res.headers.get('location');
      if (!isRedirect(res.status) || location === null) return res;
      await res.body?.cancel();
      current = new URL(location, current);
    }
    throw new ProxyError(502, `more than ${REDIRECT_MAX} redirects from ${url.origin}`);
  }

  return (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (!url.pathname.startsWith(PROXY_PREFIX)) return next();
    handle(req, res, url).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      const host = url.pathname.slice(PROXY_PREFIX.length).split('/')[0];
      if (e instanceof ProxyError) return fail(res, e.status, 'UNREACHABLE', `registry proxy: ${host}: ${e.message}`);
      // fetch's TypeError "fetch failed" carries the reason (ECONNREFUSED, ENOTFOUND…) as its cause.
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      fail(res, 502, 'UNREACHABLE', `registry proxy: cannot reach ${host} (${cause?.code ?? cause?.message ?? (e as Error).message})`);
    });
  };
}

class ProxyError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function isRedirect(status: number): boolean {
  return [301, 302, 303, 307, 308].includes(status);
}

function forwarded(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARD) {
    const v = req.headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

function formatChallenge(c: Challenge): string {
  const params = Object.entries(c.params).map(([k, v]) => `${k}="${v.replace(/["\\]/g, '\\$&')}"`);
  const scheme = c.scheme === 'bearer' ? 'Bearer' : c.scheme === 'basic' ? 'Basic' : c.scheme;
  return params.length ? `${scheme} ${params.join(',')}` : scheme;
}

/** Send an upstream answer on: its status, the headers worth passing, `extra`, the body streamed. */
function reply(res: ServerResponse, up: Response, extra: Record<string, string>): void {
  const headers: Record<string, string> = {};
  for (const name of PASS_BACK) {
    const v = up.headers.get(name);
    if (v !== null) headers[name] = v;
  }
  // fetch decoded a compressed body: its length is no longer the one sent.
  if (up.headers.get('content-encoding')) delete headers['content-length'];
  Object.assign(headers, extra);
  res.writeHead(up.status, headers);
  if (!up.body) return void res.end();
  Readable.fromWeb(up.body as import('node:stream/web').ReadableStream).on('error', () => res.destroy()).pipe(res);
}

/** An error in the OCI error shape, which the page's registry client shows. */
function fail(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ code, message }] }));
}
