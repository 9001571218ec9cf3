// The payload a cosign signature signs: "simple signing" JSON, as cosign
// writes it (and containers/image reads it) —
//   {"critical":{"identity":{"docker-reference":"REGISTRY/REPOSITORY"},
//    "image":{"docker-manifest-digest":"sha256:…"},
//    "type":"cosign container image signature"},"optional":null}
// `critical` is what the signer vouches for: the manifest digest and the
// repository it was signed as; a reader must understand all of it, so an
// unknown field in it refuses the payload. `optional` may hold anything.
// The signature covers the payload's exact bytes (cosign.ts carries them as a
// layer); this file builds them and reads them back, nothing more.
// Spec: sigstore/cosign specs/SIGNATURE_SPEC.md ("Payload"); containers/image
// signature/internal/sigstore_payload.go (the fields a verifier insists on).

import { isDigest } from './digest.js';
import { formatReference, type Reference } from './reference.js';

export const SIMPLE_SIGNING_TYPE = 'cosign container image signature';

/** What a payload vouches for. */
export interface SignedClaim {
  /** The manifest digest signed. */
  digest: string;
  /** The reference the signer named (cosign: the repository, without tag). */
  dockerReference: string;
  /** `optional`, as found (null when absent). */
  optional: unknown;
}

/** The payload bytes for `digest` as the repository of `ref` (cosign names the repository only). */
export function simpleSigningPayload(ref: Pick<Reference, 'registry' | 'repository'>, digest: string): Uint8Array {
  if (!isDigest(digest)) throw new Error(`cannot sign "${digest}": not a sha256 digest`);
  const doc = {
    critical: {
      identity: { 'docker-reference': formatReference({ registry: ref.registry, repository: ref.repository }) },
      image: { 'docker-manifest-digest': digest },
      type: SIMPLE_SIGNING_TYPE,
    },
    optional: null,
  };
  return new TextEncoder().encode(JSON.stringify(doc));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Refuse an object with keys other than `allowed` (a critical section must be understood whole). */
function onlyKeys(o: Record<string, unknown>, allowed: string[], what: string): Error | undefined {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  return extra.length ? new Error(`${what}: unknown field ${JSON.stringify(extra[0])} in a critical section`) : undefined;
}

/** Read a payload's claim; an Error says what is wrong with it. */
export function parseSimpleSigning(bytes: Uint8Array, what = 'signature payload'): SignedClaim | Error {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return new Error(`${what}: not JSON`);
  }
  if (!isObject(doc) || !isObject(doc.critical)) return new Error(`${what}: no "critical" object`);
  const c = doc.critical;
  const unknown = onlyKeys(c, ['identity', 'image', 'type'], what);
  if (unknown) return unknown;
  if (c.type !== SIMPLE_SIGNING_TYPE) return new Error(`${what}: type ${JSON.stringify(c.type)}, not "${SIMPLE_SIGNING_TYPE}"`);
  if (!isObject(c.image) || typeof c.image['docker-manifest-digest'] !== 'string') return new Error(`${what}: no critical.image.docker-manifest-digest`);
  if (!isObject(c.identity) || typeof c.identity['docker-reference'] !== 'string') return new Error(`${what}: no critical.identity.docker-reference`);
  const e = onlyKeys(c.image, ['docker-manifest-digest'], what) ?? onlyKeys(c.identity, ['docker-reference'], what);
  if (e) return e;
  if (doc.optional !== undefined && doc.optional !== null && !isObject(doc.optional)) return new Error(`${what}: "optional" is not an object`);
  return { digest: c.image['docker-manifest-digest'], dockerReference: c.identity['docker-reference'], optional: doc.optional ?? null };
}
