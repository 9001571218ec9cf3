// A registry client for the OCI distribution API v1.1 / Docker registry API
// v2: `GET /v2/`, manifests by tag or digest (GET and HEAD), and blobs, over a
// fetch the host injects; `send` is the same authenticated request for any
// method, which the push side (upload.ts, push.ts) builds its flows on. Each
// request runs the challenge loop
// (auth.ts): a 401 names Basic or Bearer; Basic sends the user's credentials,
// Bearer fetches a token for the request's scope, and a refused token is
// fetched once more. Redirects are followed here, not by fetch, so that
// Authorization never crosses to another origin (blobs on Docker Hub, GHCR and
// S3-backed registries live behind a 307 to a CDN). Transport: plain HTTP only
// for loopback registries or those named `insecure`, HTTPS otherwise.
// Everything read is verified against its digest (digest.ts) before a caller
// sees it as good; pull.ts decides what to fetch, store.ts keeps it.
// Spec: OCI distribution-spec (spec.md, "Pull", "Push"), docs/spec/auth/token.md.

import { basicAuthorization, parseChallenges, parseTokenResponse, pullScope, TokenCache, type CredentialLookup } from './auth.js';
import { digestOf, isDigest, verified, verifyBytes, DigestMismatchError, type Expected, type Sha256Factory } from './digest.js';
import { MANIFEST_ACCEPT } from './media.js';
import { apiHost } from './reference.js';
import { concatBytes } from '../lib/bytes.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the client asks of fetch. Hosts map it onto theirs (kernel/host/node/registry.ts). */
export interface FetchInit {
  method: Method;
  headers: Record<string, string>;
  /**
   * A push's body (a blob, a chunk of one, a manifest), always held whole: it
   * is sent again after a 401 or a 307, which a stream could not be. Over an
   * ArrayBuffer: fetch takes no view of shared memory.
   */
  body?: Uint8Array<ArrayBuffer>;
  /**
   * Always 'manual': the client follows redirects itself. A host whose fetch
   * cannot hand a redirect over (the browser's are opaque) follows it instead;
   * the Fetch standard drops Authorization on a cross-origin redirect, which
   * is the same rule.
   */
  redirect: 'manual';
  signal?: AbortSignal;
}

export interface ByteReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}

/** The part of a fetch Response the client reads. */
export interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: { getReader(): ByteReader } | null;
}

export type Fetch = (url: string, init: FetchInit) => Promise<FetchResponse>;

export interface RegistryOptions {
  fetch: Fetch;
  sha256: Sha256Factory;
  /** The user's credentials per registry (absent: anonymous only). */
  credentials?: CredentialLookup;
  /** Registries (`host[:port]` as in references) that may be reached over plain HTTP. */
  insecure?: readonly string[];
  /** Where a registry's API is reached (default `http[s]://HOST`); the page routes some through a proxy. */
  baseUrl?: (host: string, scheme: 'http' | 'https') => string;
}

/** A manifest or index as fetched and verified. */
export interface FetchedManifest {
  bytes: Uint8Array;
  /** sha256 of the bytes, which matched what was asked and what the registry said. */
  digest: string;
  /** The Content-Type the registry sent (without parameters), if any. */
  contentType?: string;
}

/** An authenticated request of any method (RegistryClient.send). */
export interface SendRequest {
  method: Method;
  /** The repository it concerns (whose credentials are looked up). */
  repository: string;
  /** A path under the registry's API (`/v2/…`), or an absolute URL the registry answered with (an upload's Location). */
  target: string;
  /** The token scopes it needs, space-separated (`repository:NAME:pull,push`). */
  scope: string;
  headers?: Record<string, string>;
  body?: Uint8Array<ArrayBuffer>;
  /** Whether redirects are followed (default true; a blob HEAD during a push takes a 307 as "exists"). */
  follow?: boolean;
  signal?: AbortSignal;
}

/** An answer, with the URL it came from (after redirects): relative Locations resolve against it. */
export interface SentResponse {
  res: FetchResponse;
  url: string;
}

/** An error answer of a registry, with the OCI error code when it sent one. */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

const MANIFEST_MAX = 4 << 20; // distribution refuses larger manifests too
const BLOB_IN_MEMORY_MAX = 64 << 20; // configs and the like, held whole
const REDIRECT_MAX = 10;
const REDIRECTS = [301, 302, 303, 307, 308];
/** What a request with a body may follow: only the redirects that keep the method and body. */
const BODY_REDIRECTS = [307, 308];

/** Whether a host (`name[:port]`, IPv6 in brackets) is loopback: localhost, 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  let name = host;
  if (name.startsWith('[')) name = name.slice(1, name.indexOf(']'));
  else if (name.includes(':')) name = name.slice(0, name.lastIndexOf(':'));
  name = name.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

type AuthState = { kind: 'basic'; header: string } | { kind: 'bearer'; realm: string; service: string };

export class RegistryClient {
  private readonly tokens = new TokenCache();
  /** How each registry asked to be authenticated (learnt from its first 401). */
  private readonly auth = new Map<string, AuthState>();

  constructor(private readonly opts: RegistryOptions) {}

  /** Whether plain HTTP may be used for `host`. */
  private httpAllowed(host: string): boolean {
    return isLoopback(host) || (this.opts.insecure ?? []).includes(host);
  }

  private url(registry: string, path: string): string {
    const host = apiHost(registry);
    const scheme = this.httpAllowed(registry) ? 'http' : 'https';
    const base = this.opts.baseUrl ? this.opts.baseUrl(host, scheme) : `${scheme}://${host}`;
    return base + path;
  }

  /** `GET /v2/`: is this a registry, and does it want authentication? */
  async ping(registry: string, signal?: AbortSignal): Promise<void> {
    const res = await this.request('GET', registry, '', '/v2/', {}, signal);
    if (res.status !== 200) throw await registryError(res, `${registry} does not answer as a registry (GET /v2/)`);
    await discard(res);
  }

  /** GET a manifest or index by tag or digest, verified (see FetchedManifest). */
  async manifest(registry: string, repository: string, reference: string, want?: Expected, signal?: AbortSignal): Promise<FetchedManifest> {
    const what = `${registry}/${repository}:${reference}`;
    const res = await this.request('GET', registry, repository, `/v2/${repository}/manifests/${reference}`, { accept: MANIFEST_ACCEPT }, signal);
    if (res.status === 404) throw await registryError(res, `manifest ${what} not found`);
    if (res.status !== 200) throw await registryError(res, `manifest ${what}`);
    const bytes = await readAll(res, MANIFEST_MAX, `manifest ${what}`);
    const digest = await digestOf(bytes, this.opts.sha256);
    // The manifest is good only if its bytes hash to every digest that vouches for it.
    const said = res.headers.get('docker-content-digest');
    if (said !== null && isDigest(said) && said !== digest) {
      throw new DigestMismatchError(said, `manifest ${what} hashes to ${digest}, not to the Docker-Content-Digest the registry sent`);
    }
    if (isDigest(reference) && reference !== digest) throw new DigestMismatchError(reference, `manifest ${what} hashes to ${digest}`);
    if (want) await verifyBytes(bytes, want, this.opts.sha256);
    const contentType = res.headers.get('content-type')?.split(';')[0].trim() || undefined;
    return { bytes, digest, contentType };
  }

  /** HEAD a manifest: its digest, type and size as the registry says (unverified), or undefined if unknown. */
  async headManifest(registry: string, repository: string, reference: string, signal?: AbortSignal): Promise<{ digest?: string; mediaType?: string; size?: number } | undefined> {
    const res = await this.request('HEAD', registry, repository, `/v2/${repository}/manifests/${reference}`, { accept: MANIFEST_ACCEPT }, signal);
    await discard(res);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw await registryError(res, `manifest ${registry}/${repository}:${reference}`);
    const length = res.headers.get('content-length');
    return {
      digest: res.headers.get('docker-content-digest') ?? undefined,
      mediaType: res.headers.get('content-type')?.split(';')[0].trim() || undefined,
      size: length === null ? undefined : Number(length),
    };
  }

  /**
   * A blob's bytes as they arrive, NOT yet verified (beyond a Docker-Content-Digest
   * or Content-Length that contradicts `want`): give them to store.ts putVerified
   * or digest.ts verified, which hash them on the way. Hashing here as well
   * would hash every layer twice.
   */
  async blob(registry: string, repository: string, want: Expected, signal?: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    const what = `blob ${want.digest} of ${registry}/${repository}`;
    if (!isDigest(want.digest)) throw new Error(`${what}: unsupported digest (only sha256 is supported)`);
    const res = await this.request('GET', registry, repository, `/v2/${repository}/blobs/${want.digest}`, {}, signal);
    if (res.status === 404) throw await registryError(res, `${what} not found`);
    if (res.status !== 200) throw await registryError(res, what);
    const said = res.headers.get('docker-content-digest'); // absent after a redirect to a CDN
    const length = res.headers.get('content-length');
    if ((said !== null && isDigest(said) && said !== want.digest) || (length !== null && want.size !== undefined && Number(length) !== want.size)) {
      await discard(res);
      throw new DigestMismatchError(want.digest, `the registry answered with ${said ?? 'another blob'} (${length} bytes)`);
    }
    return chunksOf(res);
  }

  /** A small blob (a config) held whole, verified. */
  async blobBytes(registry: string, repository: string, want: Expected, signal?: AbortSignal): Promise<Uint8Array> {
    if (want.size !== undefined && want.size > BLOB_IN_MEMORY_MAX) throw new Error(`blob ${want.digest} is too large to hold (${want.size} bytes)`);
    const chunks = await this.blob(registry, repository, want, signal);
    const parts: Uint8Array[] = [];
    for await (const chunk of verified(chunks, want, this.opts.sha256)) parts.push(chunk);
    return concatOne(parts);
  }

  // -- the challenge loop -----------------------------------------------------

  /** A pull request: `send` with the repository's pull scope. */
  private async request(
    method: 'GET' | 'HEAD',
    registry: string,
    repository: string,
    path: string,
    extra: { accept?: string },
    signal?: AbortSignal,
  ): Promise<FetchResponse> {
    const scope = repository ? pullScope(repository) : '';
    const headers: Record<string, string> = extra.accept ? { accept: extra.accept } : {};
    return (await this.send(registry, { method, repository, target: path, scope, headers, signal })).res;
  }

  /**
   * One request with authentication: send what this registry asked for last
   * time; on a 401, answer its challenge and try again, once more if a fresh
   * token is refused too. Authorization goes only to the registry's own
   * origin (an upload Location on a storage host gets none).
   */
  async send(registry: string, req: SendRequest): Promise<SentResponse> {
    const url = /^[a-z][a-z0-9+.-]*:/i.test(req.target) ? req.target : this.url(registry, req.target);
    const own = new URL(url).origin === new URL(this.url(registry, '/')).origin;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...req.headers };
      const authorization = own ? await this.authorization(registry, req.repository, req.scope, req.signal) : undefined;
      if (authorization) headers.authorization = authorization;
      const sent = await this.follow(req.method, url, headers, req.body, req.follow ?? true, req.signal);
      if (sent.res.status !== 401) return sent;
      await discard(sent.res);
      const challenges = parseChallenges(sent.res.headers.get('www-authenticate') ?? '');
      if (attempt >= 2 || challenges.length === 0) throw await this.refused(registry, req, authorization, challenges);
      await this.learn(registry, req.repository, req.scope, challenges, authorization);
    }
  }

  /** The error for a request the registry kept answering with 401: what was missing, as far as can be told. */
  private async refused(registry: string, req: SendRequest, sent: string | undefined, challenges: ReturnType<typeof parseChallenges>): Promise<RegistryError> {
    const where = `(401 for ${req.method} ${req.target.replace(/\?.*$/, '')})`;
    if (challenges.some((c) => c.params.error === 'insufficient_scope')) {
      const creds = await this.opts.credentials?.(registry, req.repository);
      const who = creds ? `user "${creds.username}"` : 'anonymous access (no credentials for it were found in the auth files)';
      return new RegistryError(`${registry}: denied: ${who} is not granted ${req.scope} ${where}`, 401, 'DENIED');
    }
    const why = sent ? 'credentials or token refused' : 'authentication required';
    return new RegistryError(`${registry}: ${why} ${where}`, 401, 'UNAUTHORIZED');
  }

  /** Remember how a registry wants to be authenticated; drop a token it refused. */
  private async learn(registry: string, repository: string, scope: string, challenges: ReturnType<typeof parseChallenges>, sent: string | undefined): Promise<void> {
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer?.params.realm) {
      const service = bearer.params.service ?? '';
      if (sent?.startsWith('Bearer ')) this.tokens.forget(bearer.params.realm, service, scope);
      this.auth.set(registry, { kind: 'bearer', realm: bearer.params.realm, service });
      return;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      const creds = await this.opts.credentials?.(registry, repository);
      if (!creds) throw new RegistryError(`${registry}: authentication required, and no credentials for it were found in the auth files`, 401, 'UNAUTHORIZED');
      const header = basicAuthorization(creds);
      if (sent === header) throw new RegistryError(`${registry}: the credentials for user "${creds.username}" were refused`, 401, 'UNAUTHORIZED');
      this.auth.set(registry, { kind: 'basic', header });
      return;
    }
    throw new RegistryError(`${registry}: unsupported authentication scheme(s): ${challenges.map((c) => c.scheme).join(', ')}`, 401, 'UNAUTHORIZED');
  }

  /** The Authorization header for a request, fetching a Bearer token if needed. */
  private async authorization(registry: string, repository: string, scope: string, signal?: AbortSignal): Promise<string | undefined> {
    const state = this.auth.get(registry);
    if (!state) return undefined;
    if (state.kind === 'basic') return state.header;
    const cached = this.tokens.get(state.realm, state.service, scope);
    if (cached) return `Bearer ${cached}`;
    const { token, expiresIn } = await this.fetchToken(registry, repository, state.realm, state.service, scope, signal);
    this.tokens.set(state.realm, state.service, scope, token, expiresIn);
    return `Bearer ${token}`;
  }

  /** GET REALM?service=…&scope=… — with Basic credentials if the user has some, anonymous otherwise. */
  private async fetchToken(registry: string, repository: string, realm: string, service: string, scope: string, signal?: AbortSignal): Promise<{ token: string; expiresIn?: number }> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new Error(`${registry}: malformed token realm "${realm}"`);
    }
    if (service) url.searchParams.append('service', service);
    for (const s of scope.split(' ').filter(Boolean)) url.searchParams.append('scope', s);
    const headers: Record<string, string> = { accept: 'application/json' };
    const creds = await this.opts.credentials?.(registry, repository);
    if (creds) {
      this.checkTransport(url, `token endpoint ${realm}`);
      headers.authorization = basicAuthorization(creds);
    }
    const { res } = await this.follow('GET', url.href, headers, undefined, true, signal);
    if (res.status !== 200) throw await registryError(res, `token endpoint ${realm}${creds ? ` (as "${creds.username}")` : ' (anonymous)'}`);
    const text = new TextDecoder().decode(await readAll(res, 1 << 20, `token endpoint ${realm}`));
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`token endpoint ${realm}: the answer is not JSON`);
    }
    return parseTokenResponse(body, realm);
  }

  /** Refuse to send anything over plain HTTP to a host that is neither loopback nor insecure. */
  private checkTransport(url: URL, what: string): void {
    if (url.protocol === 'https:') return;
    if (url.protocol === 'http:' && this.httpAllowed(url.host)) return;
    throw new Error(`${what}: refusing ${url.protocol}//${url.host} (plain HTTP only for loopback or --insecure registries)`);
  }

  /**
   * fetch with redirects followed here: Authorization is dropped for good as
   * soon as a redirect leaves the first origin, and a redirect to plain HTTP
   * is followed only to a host where HTTP is allowed. A request with a body
   * follows only 307 and 308 (the others would turn it into a GET).
   */
  private async follow(method: Method, url: string, headers: Record<string, string>, body: Uint8Array<ArrayBuffer> | undefined, follow: boolean, signal?: AbortSignal): Promise<SentResponse> {
    let current = new URL(url);
    const origin = current.origin;
    const h = { ...headers };
    const redirects = method === 'GET' || method === 'HEAD' ? REDIRECTS : BODY_REDIRECTS;
    for (let hop = 0; hop <= REDIRECT_MAX; hop++) {
      this.checkTransport(current, `${method} ${current.origin}${current.pathname}`);
      const init: FetchInit = { method, headers: h, redirect: 'manual', signal };
      if (body !== undefined) init.body = body;
      const res = await this.opts.fetch(current.href, init);
      const location = res.headers.get('location');
      if (!follow || !redirects.includes(res.status) || location === null) return { res, url: current.href };
      await discard(res);
      current = new URL(location, current.href);
      if (current.origin !== origin) delete h.authorization;
    }
    throw new Error(`${method} ${url}: more than ${REDIRECT_MAX} redirects`);
  }
}

/** A registry's error answer as an Error: its OCI error code and message if it sent them. */
export async function registryError(res: FetchResponse, what: string): Promise<RegistryError> {
  let code: string | undefined;
  let detail = '';
  try {
    const body = JSON.parse(new TextDecoder().decode(await readAll(res, 64 << 10, what))) as { errors?: Array<{ code?: string; message?: string }> };
    const e = body.errors?.[0];
    if (e) {
      code = e.code;
      detail = `: ${e.code ?? ''}${e.message ? ` ${e.message}` : ''}`;
    }
  } catch {
    // No body, or not the OCI error shape: the status says enough.
  }
  return new RegistryError(`${what}: HTTP ${res.status}${detail}`, res.status, code);
}

async function* chunksOf(res: FetchResponse): AsyncGenerator<Uint8Array> {
  if (!res.body) return;
  const reader = res.body.getReader();
  let done = false;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) {
        done = true;
        return;
      }
      if (r.value && r.value.length > 0) yield r.value;
    }
  } finally {
    // Stopped early (a mismatch, an abort): let the connection go.
    if (!done) await reader.cancel().catch(() => undefined);
  }
}

/** Read a whole body, refusing more than `limit` bytes. */
export async function readAll(res: FetchResponse, limit: number, what: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunksOf(res)) {
    size += chunk.length;
    if (size > limit) throw new Error(`${what}: larger than ${limit} bytes`);
    parts.push(chunk);
  }
  return concatOne(parts);
}

export async function discard(res: FetchResponse): Promise<void> {
  await res.body?.getReader().cancel().catch(() => undefined);
}


/** One array of `parts` (the part itself when there is one). */
function concatOne(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0] : concatBytes(parts);
}
