// A registry in memory behind the registry client's Fetch, for the push unit
// tests (kernel/image/upload.test.ts, push.test.ts): blobs per repository,
// upload sessions whose Location carries a state that changes with every
// PATCH (a stale one is refused, as distribution's HMAC'd _state is), chunk
// order checked by Content-Range (416 otherwise), the closing PUT's digest
// checked (400 DIGEST_INVALID), cross-repository mounts, manifests by tag and
// digest, and optional Bearer auth whose tokens carry their scopes. Knobs make
// it misbehave the ways real registries do. Every request is recorded. The
// real registry is test/support/registry.ts.
import { createHash } from 'node:crypto';
import type { Fetch, FetchInit } from '../../kernel/image/registry.js';

export const digestOf = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface Seen {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Uint8Array;
}

interface Session {
  repo: string;
  parts: Uint8Array[];
  size: number;
  state: number;
}

export class FakeRegistry {
  readonly host = 'reg.example.com';
  readonly seen: Seen[] = [];
  /** repository → digests linked there. */
  readonly links = new Map<string, Set<string>>();
  readonly blobs = new Map<string, Uint8Array>();
  /** `repo:reference` → manifest bytes and type. */
  readonly manifests = new Map<string, { bytes: Uint8Array; type: string }>();
  private readonly sessions = new Map<string, Session>();
  private next = 0;

  // Knobs.
  /** Locations as absolute URLs (default: relative paths, as the spec allows). */
  absolute = false;
  /** OCI-Chunk-Min-Length in the POST answer. */
  minChunk = 0;
  /** Whether `?mount=` works (201) or opens a session (202). */
  mounts = true;
  /** Forget the next upload session once this many PATCHes went to it (404 BLOB_UPLOAD_UNKNOWN). */
  forgetAfterPatches: number | undefined;
  /** Answer the Nth PATCH (1-based) with this status. */
  failPatch: { n: number; status: number } | undefined;
  /** A Docker-Content-Digest for manifest PUTs other than the truth. */
  lieAboutManifest = false;
  /** A Range answer to PATCH one byte short of the truth. */
  shortRange = false;
  /** HEAD on a blob answers 307 to a storage host. */
  redirectHead = false;
  /** Bearer auth: the realm; the token is `tok:<scopes>`. */
  bearer = false;
  /** Answer each request after this many ms (a request on the wire while the client does other things). */
  delayMs = 0;
  private patches = 0;

  readonly fetch: Fetch = async (url, init) => {
    const u = new URL(url);
    this.seen.push({ method: init.method, url: u, headers: { ...init.headers }, body: init.body });
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (u.host === 'auth.example.com') return Response.json({ token: `tok:${u.searchParams.getAll('scope').join(' ')}` });
    if (this.bearer && !this.authorized(u, init)) {
      return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example.com/token",service="reg"' } });
    }
    return this.route(u, init);
  };

  /** The requests to the registry itself (not the token server), as `METHOD path?query`. */
  requests(): string[] {
    return this.seen.filter((s) => s.url.host === this.host).map((s) => `${s.method} ${s.url.pathname}${s.url.search}`);
  }

  has(repo: string, digest: string): boolean {
    return this.links.get(repo)?.has(digest) ?? false;
  }

  put(repo: string, bytes: Uint8Array): string {
    const d = digestOf(bytes);
    this.blobs.set(d, bytes);
    this.link(repo, d);
    return d;
  }

  private link(repo: string, digest: string): void {
    if (!this.links.has(repo)) this.links.set(repo, new Set());
    this.links.get(repo)!.add(digest);
  }

  /** A token must grant push on the repository of a write, and pull on a mount's source. */
  private authorized(u: URL, init: FetchInit): boolean {
    const auth = init.headers.authorization ?? '';
    if (!auth.startsWith('Bearer tok:')) return false;
    const scopes = auth.slice('Bearer tok:'.length).split(' ');
    const repo = /^\/v2\/(.+?)\/(blobs|manifests)\//.exec(u.pathname)?.[1];
    if (!repo) return true;
    const write = init.method !== 'GET' && init.method !== 'HEAD';
    if (!scopes.includes(`repository:${repo}:${write ? 'pull,push' : 'pull'}`) && !scopes.includes(`repository:${repo}:pull,push`)) return false;
    const from = u.searchParams.get('from');
    return from === null || scopes.includes(`repository:${from}:pull`);
  }

  private location(path: string): string {
    return this.absolute ? `https://${this.host}${path}` : path;
  }

  private error(status: number, code: string): Response {
    return Response.json({ errors: [{ code, message: code.toLowerCase().replace(/_/g, ' ') }] }, { status });
  }

  private route(u: URL, init: FetchInit): Response {
    let m: RegExpExecArray | null;
    if ((m = /^\/v2\/(.+)\/blobs\/uploads\/$/.exec(u.pathname)) && init.method === 'POST') return this.post(m[1], u);
    if ((m = /^\/v2\/(.+)\/blobs\/uploads\/([\w-]+)$/.exec(u.pathname))) return this.session(m[2], u, init);
    if ((m = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/.exec(u.pathname)) && init.method === 'HEAD') {
      if (!this.has(m[1], m[2])) return new Response(null, { status: 404 });
      if (this.redirectHead) return new Response(null, { status: 307, headers: { location: `https://storage.example.net/${m[2]}` } });
      return new Response(null, { status: 200, headers: { 'content-length': String(this.blobs.get(m[2])!.length), 'docker-content-digest': m[2] } });
    }
    if ((m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(u.pathname)) && init.method === 'PUT') return this.putManifest(m[1], m[2], init);
    return this.error(404, 'NAME_UNKNOWN');
  }

  private post(repo: string, u: URL): Response {
    const mount = u.searchParams.get('mount');
    const from = u.searchParams.get('from');
    if (mount && from && this.mounts && this.has(from, mount)) {
      this.link(repo, mount);
      return new Response(null, { status: 201, headers: { location: this.location(`/v2/${repo}/blobs/${mount}`), 'docker-content-digest': mount } });
    }
    const id = `u${++this.next}`;
    this.sessions.set(id, { repo, parts: [], size: 0, state: 0 });
    const headers: Record<string, string> = { location: this.location(`/v2/${repo}/blobs/uploads/${id}?_state=0`), range: '0-0' };
    if (this.minChunk) headers['oci-chunk-min-length'] = String(this.minChunk);
    return new Response(null, { status: 202, headers });
  }

  private session(id: string, u: URL, init: FetchInit): Response {
    const s = this.sessions.get(id);
    if (!s) return this.error(404, 'BLOB_UPLOAD_UNKNOWN');
    if (init.method === 'DELETE') {
      this.sessions.delete(id);
      return new Response(null, { status: 204 });
    }
    if (u.searchParams.get('_state') !== String(s.state)) return this.error(400, 'BLOB_UPLOAD_INVALID');
    const body = init.body ?? new Uint8Array(0);
    if (init.method === 'PATCH') {
      this.patches++;
      if (this.failPatch?.n === this.patches) return this.error(this.failPatch.status, 'UNKNOWN');
      if (this.forgetAfterPatches !== undefined && s.parts.length >= this.forgetAfterPatches) {
        this.forgetAfterPatches = undefined;
        this.sessions.delete(id);
        return this.error(404, 'BLOB_UPLOAD_UNKNOWN');
      }
      const range = /^(\d+)-(\d+)$/.exec(init.headers['content-range'] ?? '');
      if (!range || Number(range[1]) !== s.size || Number(range[2]) !== s.size + body.length - 1) return new Response(null, { status: 416 });
      s.parts.push(body);
      s.size += body.length;
      s.state++;
      const end = s.size - 1 - (this.shortRange ? 1 : 0);
      return new Response(null, { status: 202, headers: { location: this.location(`/v2/${s.repo}/blobs/uploads/${id}?_state=${s.state}`), range: `0-${end}` } });
    }
    if (init.method === 'PUT') {
      s.parts.push(body);
      const bytes = Buffer.concat(s.parts);
      const want = u.searchParams.get('digest');
      if (want !== digestOf(bytes)) return this.error(400, 'DIGEST_INVALID');
      this.sessions.delete(id);
      this.put(s.repo, bytes);
      return new Response(null, { status: 201, headers: { location: this.location(`/v2/${s.repo}/blobs/${want}`), 'docker-content-digest': want } });
    }
    return this.error(405, 'UNSUPPORTED');
  }

  private putManifest(repo: string, reference: string, init: FetchInit): Response {
    const bytes = init.body ?? new Uint8Array(0);
    const doc = JSON.parse(Buffer.from(bytes).toString()) as { config?: { digest: string }; layers?: Array<{ digest: string }>; manifests?: Array<{ digest: string }> };
    for (const d of [...(doc.layers ?? []), ...(doc.config ? [doc.config] : [])]) {
      if (!this.has(repo, d.digest)) return this.error(400, 'MANIFEST_BLOB_UNKNOWN');
    }
    for (const d of doc.manifests ?? []) if (!this.manifests.has(`${repo}:${d.digest}`)) return this.error(400, 'MANIFEST_BLOB_UNKNOWN');
    const digest = digestOf(bytes);
    const entry = { bytes, type: init.headers['content-type'] ?? '' };
    this.manifests.set(`${repo}:${reference}`, entry);
    this.manifests.set(`${repo}:${digest}`, entry);
    const said = this.lieAboutManifest ? digestOf('something else') : digest;
    return new Response(null, { status: 201, headers: { location: this.location(`/v2/${repo}/manifests/${digest}`), 'docker-content-digest': said } });
  }
}
