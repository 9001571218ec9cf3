// Verifying an image's cosign signatures (key-based, cosign.ts's layout):
// fetch the signature manifest `sha256-HEX.sig` from the image's repository
// with the registry client, and check each simple-signing layer in turn —
// its blob against its digest and size (registry.ts verifies every blob),
// the ECDSA P-256/SHA-256 signature of its annotation over the payload's exact
// bytes with one of the trusted keys (ecdsa.ts, keys.ts), then the payload
// (simplesigning.ts): its type, critical.image.docker-manifest-digest equal
// to the digest being pulled (a signature over a tag would mean nothing), and
// its docker-reference accepted by the caller's identity rule (policy/
// identity.ts). The signature is checked before the payload is believed.
// One good signature is enough; otherwise every signature's reason is kept
// for the error. Keyless signatures (Fulcio certificates, Rekor) are not
// verified here. policy/admission.ts decides what the outcome means.
// Spec: sigstore/cosign specs/SIGNATURE_SPEC.md; containers/image
// signature/policy_eval_sigstore.go (what is checked, in this order).

import { fromBase64 } from '../lib/base64.js';
import { PAYLOAD_MAX, SIGNATURE_ANNOTATION, signatureLayers, signatureTag } from './cosign.js';
import { verifyDer } from './ecdsa.js';
import { formatReference, type Reference } from './reference.js';
import { RegistryError, type RegistryClient } from './registry.js';
import { parseSimpleSigning, type SignedClaim } from './simplesigning.js';

/** A trusted public key and how to name it in messages (its file, or "keyData"). */
export interface TrustedKey {
  name: string;
  key: CryptoKey;
}

/** Accept a signed docker-reference, or say why not (policy/identity.ts makes these). */
export type IdentityCheck = (signedReference: string) => string | undefined;

export interface AcceptedSignature {
  claim: SignedClaim;
  /** The key that verified it. */
  key: string;
}

/** The outcome: the signature accepted, or why none was (one reason per signature; "no signature found" when there were none). */
export type Verdict = { accepted: AcceptedSignature } | { rejected: string[] };

/**
 * Check one signature: `signature` (base64 DER, from the annotation) over
 * `payload` by one of `keys`, then the payload's claim against `digest` and
 * `identity`. The accepted signature, or the reason it is not.
 */
export async function checkSignature(
  payload: Uint8Array,
  signature: string | undefined,
  keys: readonly TrustedKey[],
  digest: string,
  identity: IdentityCheck,
): Promise<AcceptedSignature | string> {
  if (signature === undefined) return `no ${SIGNATURE_ANNOTATION} annotation`;
  const der = fromBase64(signature);
  if (der instanceof Error) return `the signature annotation is ${der.message}`;
  let key: string | undefined;
  for (const k of keys) {
    const ok = await verifyDer(k.key, der, payload);
    if (ok instanceof Error) return ok.message;
    if (ok) {
      key = k.name;
      break;
    }
  }
  if (key === undefined) return `the signature does not verify with ${keys.length === 1 ? `the key ${keys[0].name}` : `any of the keys ${keys.map((k) => k.name).join(', ')}`}`;
  const claim = parseSimpleSigning(payload);
  if (claim instanceof Error) return claim.message;
  if (claim.digest !== digest) return `signed for ${claim.digest}, not for ${digest}`;
  const wrongIdentity = identity(claim.dockerReference);
  if (wrongIdentity !== undefined) return wrongIdentity;
  return { claim, key };
}

/** Fetch the signatures of manifest `digest` of `ref`'s repository and check each (see the header). */
export async function verifyImageSignatures(
  registry: RegistryClient,
  ref: Reference,
  digest: string,
  keys: readonly TrustedKey[],
  identity: IdentityCheck,
  signal?: AbortSignal,
): Promise<Verdict> {
  const tag = signatureTag(digest);
  const where = `${formatReference({ registry: ref.registry, repository: ref.repository })}:${tag}`;
  let manifest: Uint8Array;
  try {
    manifest = (await registry.manifest(ref.registry, ref.repository, tag, undefined, signal)).bytes;
  } catch (e) {
    if (e instanceof RegistryError && e.status === 404) return { rejected: [`no signature found (no ${where})`] };
    if (e instanceof TypeError) throw e; // fetch's network error, for the caller to route around
    throw new Error(`cannot fetch the signatures ${where}: ${(e as Error).message}`, { cause: e });
  }
  const layers = signatureLayers(manifest, `signature manifest ${where}`);
  if (layers.length === 0) return { rejected: [`no signature found (${where} holds no simple-signing layer)`] };
  const rejected: string[] = [];
  for (const [i, layer] of layers.entries()) {
    const which = layers.length > 1 ? `signature ${i + 1} of ${layers.length}: ` : '';
    if (layer.descriptor.size > PAYLOAD_MAX) {
      rejected.push(`${which}a payload of ${layer.descriptor.size} bytes is too large`);
      continue;
    }
    let payload: Uint8Array;
    try {
      payload = await registry.blobBytes(ref.registry, ref.repository, layer.descriptor, signal);
    } catch (e) {
      rejected.push(`${which}${(e as Error).message}`);
      continue;
    }
    const outcome = await checkSignature(payload, layer.signature, keys, digest, identity);
    if (typeof outcome !== 'string') return { accepted: outcome };
    rejected.push(which + outcome);
  }
  return { rejected };
}
