// Uploading one blob to a registry, by the distribution spec's push flows:
//   1. HEAD /v2/NAME/blobs/DIGEST — 200 (or a redirect to where it is kept):
//      the registry has it, nothing to send ("exists");
//   2. a session: POST /v2/NAME/blobs/uploads/?mount=DIGEST&from=OTHER when
//      another repository of the same registry may hold it — 201 is a mount
//      ("mounted"), 202 an upload session instead — else a plain POST (202);
//   3. the bytes: a blob up to one chunk goes whole in the closing
//      PUT LOCATION&digest=DIGEST; a larger one in PATCHes of CHUNK_SIZE bytes
//      (Content-Range start-end, each to the Location the previous answer
//      gave), then an empty closing PUT ("pushed").
// Every Location is resolved against the URL it came with (registries answer
// relative and absolute ones), and the newest one is always used: distribution
// encodes the upload's state in it. The bytes are hashed on the way; a blob of
// the local store that does not match its digest or size is refused before
// the closing PUT, which is what makes the registry keep it. A session the
// registry no longer knows (404 BLOB_UPLOAD_UNKNOWN) is begun once more; any
// other failure cancels the session (DELETE) and throws. Authentication,
// transport and redirects are registry.ts's (send); push.ts walks manifests.
// Spec: OCI distribution-spec spec.md "Push" (end-2, end-4a, end-5, end-6,
// end-11, end-14), "Mounting a blob from another repository".

import { DigestMismatchError, type Sha256Factory } from './digest.js';
import type { Descriptor } from './media.js';
import { discard, registryError, RegistryError, type RegistryClient, type SentResponse } from './registry.js';

/** Bytes per PATCH, and the largest blob sent whole in one PUT. */
export const CHUNK_SIZE = 8 << 20;

/** What became of a blob: the registry had it, mounted it from another repository, or took its bytes. */
export type BlobOutcome = 'exists' | 'mounted' | 'pushed';

/** Where a push reads blobs and manifests from (a BlobStore is one; memoryBlobs makes one of bytes). */
export interface BlobSource {
  /** A blob as a stream of chunks, or undefined if absent. */
  stream(digest: string): Promise<AsyncIterable<Uint8Array> | undefined>;
  /** A blob whole (manifests), or undefined if absent. */
  get(digest: string): Promise<Uint8Array | undefined>;
}

export interface UploadOptions {
  client: RegistryClient;
  sha256: Sha256Factory;
  /** Another repository of the same registry that may hold the blob: tried as a cross-repository mount first. */
  mountFrom?: string;
  /** Bytes per PATCH (default CHUNK_SIZE; a registry's OCI-Chunk-Min-Length raises it). */
  chunkSize?: number;
  /** Bytes of the blob the registry has taken so far. */
  onBytes?: (done: number) => void;
  signal?: AbortSignal;
}

/** An upload session the registry no longer knows: begun again once. */
class UploadUnknown extends Error {}

/** The scope every request of a push to `repository` asks for (one token serves them all). */
export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}

const OCTETS = 'application/octet-stream';

/** Upload `blob` (its bytes from `source`) to `registry`/`repository`, unless the registry has it. */
export async function uploadBlob(registry: string, repository: string, blob: Descriptor, source: BlobSource, opts: UploadOptions): Promise<BlobOutcome> {
  const up = new Upload(registry, repository, blob, opts);
  if (await up.exists()) return 'exists';
  for (let attempt = 0; ; attempt++) {
    const session = await up.open(attempt === 0 ? opts.mountFrom : undefined);
    if (session === 'mounted') return 'mounted';
    try {
      await up.send(session, source);
      return 'pushed';
    } catch (e) {
      if (e instanceof UploadUnknown && attempt === 0) continue;
      await up.cancel();
      throw e instanceof UploadUnknown ? new RegistryError(e.message, 404, 'BLOB_UPLOAD_UNKNOWN') : e;
    }
  }
}

/** One blob's upload: its session's newest Location, and the requests of each step. */
class Upload {
  private location = '';
  private readonly what: string;
  private readonly scope: string;

  constructor(
    private readonly registry: string,
    private readonly repository: string,
    private readonly blob: Descriptor,
    private readonly opts: UploadOptions,
  ) {
    this.what = `blob ${blob.digest} to ${registry}/${repository}`;
    this.scope = pushScope(repository);
  }

  private request(method: 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', target: string, more: { scope?: string; headers?: Record<string, string>; body?: Uint8Array<ArrayBuffer>; follow?: boolean } = {}): Promise<SentResponse> {
    return this.opts.client.send(this.registry, {
      method, repository: this.repository, target, scope: more.scope ?? this.scope,
      headers: more.headers, body: more.body, follow: more.follow, signal: this.opts.signal,
    });
  }

  /** 1. HEAD: does the registry have the blob in this repository? */
  async exists(): Promise<boolean> {
    const { res } = await this.request('HEAD', `/v2/${this.repository}/blobs/${this.blob.digest}`, { follow: false });
    await discard(res);
    if (res.status === 404) return false;
    // A registry that keeps blobs elsewhere answers HEAD with a redirect there: it has the blob.
    if (res.status === 200 || (res.status >= 300 && res.status < 400)) {
      const length = res.headers.get('content-length');
      if (res.status === 200 && length !== null && Number(length) !== this.blob.size) {
        throw new DigestMismatchError(this.blob.digest, `the registry holds it with ${length} bytes, the descriptor says ${this.blob.size}`);
      }
      return true;
    }
    throw await registryError(res, `HEAD ${this.what}`);
  }

  /** 2. A mount (201), or an upload session (202): its Location, and the smallest chunk it takes. */
  async open(mountFrom: string | undefined): Promise<'mounted' | { minChunk: number }> {
    let target = `/v2/${this.repository}/blobs/uploads/`;
    let scope = this.scope;
    if (mountFrom !== undefined) {
      target += `?mount=${encodeURIComponent(this.blob.digest)}&from=${encodeURIComponent(mountFrom)}`;
      scope += ` repository:${mountFrom}:pull`;
    }
    const sent = await this.request('POST', target, { scope });
    const { res } = sent;
    await discard(res);
    if (res.status === 201 && mountFrom !== undefined) {
      this.checkDigest(res);
      return 'mounted';
    }
    if (res.status !== 202) throw await registryError(res, `POST ${this.what}: starting the upload`);
    this.moveTo(sent, 'POST');
    const min = Number(res.headers.get('oci-chunk-min-length') ?? 0);
    return { minChunk: Number.isSafeInteger(min) && min > 0 ? min : 0 };
  }

  /** 3. The bytes: whole in the closing PUT, or PATCH by PATCH and an empty closing PUT. */
  async send(session: { minChunk: number }, source: BlobSource): Promise<void> {
    const chunks = await source.stream(this.blob.digest);
    if (!chunks) throw new Error(`${this.what}: the blob is not in the local store`);
    const chunkSize = Math.max(this.opts.chunkSize ?? CHUNK_SIZE, session.minChunk);
    const hash = await this.opts.sha256();
    let done = 0;
    let whole: Uint8Array<ArrayBuffer> | undefined;
    for await (const chunk of readAhead(rechunk(chunks, chunkSize))) {
      if (done + chunk.length > this.blob.size) throw this.damaged(`more than the ${this.blob.size} bytes the descriptor says`);
      if (this.blob.size <= chunkSize) {
        hash.update(chunk);
        whole = chunk; // the blob fits in one chunk: it goes in the closing PUT
      } else {
        const sending = this.patch(chunk, done);
        hash.update(chunk); // while the chunk is on the wire: the digest is needed only for the closing PUT
        await sending;
        this.opts.onBytes?.(done + chunk.length);
      }
      done += chunk.length;
    }
    if (done !== this.blob.size) throw this.damaged(`size is ${done} bytes, the descriptor says ${this.blob.size}`);
    const got = `sha256:${hash.hex()}`;
    if (got !== this.blob.digest) throw this.damaged(`content hashes to ${got}`);
    await this.close(whole);
    this.opts.onBytes?.(done);
  }

  /** PATCH one chunk at `offset`; the answer says how much the registry holds, and where to go on. */
  private async patch(chunk: Uint8Array<ArrayBuffer>, offset: number): Promise<void> {
    const end = offset + chunk.length - 1;
    const sent = await this.request('PATCH', this.location, { headers: { 'content-type': OCTETS, 'content-range': `${offset}-${end}` }, body: chunk });
    const { res } = sent;
    if (res.status === 404) throw await this.unknown(res);
    if (res.status === 416) throw await registryError(res, `PATCH ${this.what}: the registry refused bytes ${offset}-${end} (out of order)`);
    if (res.status !== 202) throw await registryError(res, `PATCH ${this.what} (bytes ${offset}-${end})`);
    await discard(res);
    const range = /(\d+)-(\d+)\s*$/.exec(res.headers.get('range') ?? '');
    if (range && Number(range[2]) !== end) {
      throw new RegistryError(`PATCH ${this.what}: the registry holds bytes 0-${range[2]} of the upload, not 0-${end}`, 416, 'BLOB_UPLOAD_INVALID');
    }
    this.moveTo(sent, 'PATCH');
  }

  /** The closing PUT, with the digest of the whole blob (and, for a small blob, its bytes). */
  private async close(body: Uint8Array<ArrayBuffer> | undefined): Promise<void> {
    const url = new URL(this.location);
    url.searchParams.append('digest', this.blob.digest);
    const headers: Record<string, string> = body ? { 'content-type': OCTETS } : {};
    const { res } = await this.request('PUT', url.href, { headers, body: body ?? new Uint8Array(0) });
    if (res.status === 404) throw await this.unknown(res);
    if (res.status !== 201) throw await registryError(res, `PUT ${this.what}`);
    await discard(res);
    this.checkDigest(res);
    this.location = '';
  }

  /** Cancel the session (DELETE its Location), if one is open; failures are of no consequence. */
  async cancel(): Promise<void> {
    if (!this.location) return;
    const at = this.location;
    this.location = '';
    try {
      await discard((await this.request('DELETE', at)).res);
    } catch {
      // The registry drops unfinished uploads by itself in time.
    }
  }

  /** Take the Location of an answer (relative ones against the URL that answered). */
  private moveTo(sent: SentResponse, step: string): void {
    const location = sent.res.headers.get('location');
    if (location === null) {
      if (this.location) return; // a PATCH answer without one: the session stays where it is
      throw new RegistryError(`${step} ${this.what}: the registry answered ${sent.res.status} without a Location`, sent.res.status);
    }
    this.location = new URL(location, sent.url).href;
  }

  /** A Docker-Content-Digest that names another blob than the one sent is an error. */
  private checkDigest(res: SentResponse['res']): void {
    const said = res.headers.get('docker-content-digest');
    if (said !== null && said !== this.blob.digest) {
      throw new DigestMismatchError(this.blob.digest, `the registry stored ${said} for ${this.what}`);
    }
  }

  private async unknown(res: SentResponse['res']): Promise<UploadUnknown> {
    const e = await registryError(res, `${this.what}: the registry no longer knows the upload session`);
    this.location = '';
    return new UploadUnknown(e.message);
  }

  private damaged(why: string): DigestMismatchError {
    return new DigestMismatchError(this.blob.digest, `the local copy is damaged (${why}); not pushed`);
  }
}

/** `chunks` regrouped into pieces of exactly `size` bytes (the last may be shorter), each a fresh array. */
export async function* rechunk(chunks: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  let buf = new Uint8Array(size);
  let fill = 0;
  for await (let chunk of chunks) {
    while (chunk.length > 0) {
      const n = Math.min(size - fill, chunk.length);
      buf.set(chunk.subarray(0, n), fill);
      fill += n;
      chunk = chunk.subarray(n);
      if (fill === size) {
        yield buf;
        buf = new Uint8Array(size);
        fill = 0;
      }
    }
  }
  if (fill > 0) yield buf.subarray(0, fill);
}

/**
 * `items` with the next one read while the current one is used: the next
 * chunk comes off the disk while a PATCH is on the wire. (Each chunk is a
 * fresh array, so reading on overwrites nothing in use.)
 */
async function* readAhead<T>(items: AsyncIterable<T>): AsyncGenerator<T> {
  const it = items[Symbol.asyncIterator]();
  // A read that fails while the current item is in use must wait for its turn
  // to be thrown, not end the process as an unhandled rejection.
  const ahead = (): Promise<IteratorResult<T>> => {
    const p = it.next();
    p.catch(() => undefined);
    return p;
  };
  let next = ahead();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = ahead();
      yield r.value;
    }
  } finally {
    // Stopped early (an error): let the read in flight settle, then close the source.
    await next.catch(() => undefined);
    await it.return?.(undefined);
  }
}

/** A BlobSource over bytes held in memory, by digest (a signature's payload, a config made on the spot). */
export function memoryBlobs(blobs: Iterable<[digest: string, bytes: Uint8Array]>): BlobSource {
  const map = new Map(blobs);
  return {
    get: async (digest) => map.get(digest),
    stream: async (digest) => {
      const bytes = map.get(digest);
      if (!bytes) return undefined;
      return (async function* () {
        yield bytes;
      })();
    },
  };
}
