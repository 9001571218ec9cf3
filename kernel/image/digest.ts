// Content digests: every manifest and blob is hashed (sha256) and size-checked
// against its descriptor before anything of it is stored. The core has no
// incremental hash of its own (WebCrypto's digest is one-shot), so the host
// supplies one (Node: node:crypto, kernel/host/node/sha256.ts; the browser:
// hash-wasm, kernel/host/browser/sha256.ts). `verified` hashes a stream as it
// passes, so a large layer is never held twice just to hash it.
// Spec: OCI image-spec descriptor.md ("Digests", "Verification").

/** An incremental SHA-256. */
export interface Sha256 {
  update(data: Uint8Array): void;
  /** The digest in lowercase hex; the hash is spent afterwards. */
  hex(): string;
}

/** Make a fresh hash (asynchronous: a WebAssembly hash compiles on first use). */
export type Sha256Factory = () => Promise<Sha256>;

/** What is checked: the digest and, when known, the size in bytes. */
export interface Expected {
  digest: string;
  size?: number;
}

const SHA256 = /^sha256:[a-f0-9]{64}$/;

export function isDigest(s: string): boolean {
  return SHA256.test(s);
}

/** Content that does not match its digest or size. Nothing of it is stored. */
export class DigestMismatchError extends Error {
  constructor(
    readonly digest: string,
    why: string,
  ) {
    super(`${digest}: ${why}; refused, nothing of it was stored`);
    this.name = 'DigestMismatchError';
  }
}

/** The digest of some bytes held whole (manifests, configs). */
export async function digestOf(bytes: Uint8Array, sha256: Sha256Factory): Promise<string> {
  const h = await sha256();
  h.update(bytes);
  return `sha256:${h.hex()}`;
}

/** Check bytes held whole against `want`; throw DigestMismatchError if they differ. */
export async function verifyBytes(bytes: Uint8Array, want: Expected, sha256: Sha256Factory): Promise<void> {
  if (!isDigest(want.digest)) throw new Error(`unsupported digest "${want.digest}" (only sha256 is supported)`);
  if (want.size !== undefined && bytes.length !== want.size) {
    throw new DigestMismatchError(want.digest, `size is ${bytes.length} bytes, the descriptor says ${want.size}`);
  }
  const got = await digestOf(bytes, sha256);
  if (got !== want.digest) throw new DigestMismatchError(want.digest, `content hashes to ${got}`);
}

/**
 * Pass `chunks` through while hashing them; after the last one, throw
 * DigestMismatchError unless the content matches `want`. Too many bytes fail at
 * once, without reading on. A consumer that stores what it is given commits
 * only once this generator has finished without throwing (store.ts putVerified).
 */
export async function* verified(
  chunks: AsyncIterable<Uint8Array>,
  want: Expected,
  sha256: Sha256Factory,
): AsyncGenerator<Uint8Array> {
  if (!isDigest(want.digest)) throw new Error(`unsupported digest "${want.digest}" (only sha256 is supported)`);
  const h = await sha256();
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (want.size !== undefined && size > want.size) {
      throw new DigestMismatchError(want.digest, `more than the ${want.size} bytes the descriptor says`);
    }
    h.update(chunk);
    yield chunk;
  }
  if (want.size !== undefined && size !== want.size) {
    throw new DigestMismatchError(want.digest, `size is ${size} bytes, the descriptor says ${want.size}`);
  }
  const got = `sha256:${h.hex()}`;
  if (got !== want.digest) throw new DigestMismatchError(want.digest, `content hashes to ${got}`);
}
