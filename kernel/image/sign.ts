// `image sign`: a cosign key-based signature of an image in a registry,
// written exactly as `cosign sign --key` writes it (cosign.ts), so that
// `cosign verify --key` accepts it:
//  1. resolve REF to the digest of its manifest (or index) by fetching it —
//     its bytes are hashed, so the digest signed is the content's;
//  2. build the simple-signing payload for that digest, as REF's repository
//     (simplesigning.ts), and sign its bytes with ECDSA P-256/SHA-256
//     (WebCrypto; ecdsa.ts turns r‖s into the DER cosign writes);
//  3. add it as a layer to the signature manifest at `sha256-HEX.sig`, after
//     the signatures already there (cosign appends too), and push the
//     payload, the config and the manifest (push.ts, or the uploader given).
// Spec: sigstore/cosign specs/SIGNATURE_SPEC.md.

import { base64 } from '../lib/base64.js';
import { SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, signatureManifest, signatureTag } from './cosign.js';
import { digestOf, type Sha256Factory } from './digest.js';
import { signDer } from './ecdsa.js';
import { checkManifest, parseJson, type Descriptor } from './media.js';
import { formatReference, manifestReference, type Reference } from './reference.js';
import { RegistryError, type RegistryClient } from './registry.js';
import { simpleSigningPayload } from './simplesigning.js';
import { pushManifest } from './push.js';
import { memoryBlobs, type BlobSource } from './upload.js';

export interface SignOptions {
  registry: RegistryClient;
  sha256: Sha256Factory;
  /** A P-256 private key (keys.ts importPrivateKey). */
  key: CryptoKey;
  /**
   * How the signature manifest goes up to `dest` (REGISTRY/REPO:sha256-HEX.sig)
   * with the blobs it names (those of earlier signatures are in the
   * repository already); resolves to its digest. Default: push.ts pushManifest.
   */
  upload?: (dest: Reference, manifest: { bytes: Uint8Array; mediaType: string }, blobs: BlobSource) => Promise<string>;
  signal?: AbortSignal;
}

export interface Signed {
  /** The manifest digest signed. */
  digest: string;
  /** Where the signature is: REGISTRY/REPOSITORY:sha256-HEX.sig. */
  signatureReference: string;
  /** The digest of the signature manifest uploaded. */
  signatureManifestDigest: string;
  payload: Uint8Array;
  /** The signature as in the annotation: base64 of the DER. */
  signature: string;
  /** How many signatures the manifest holds now (this one last). */
  count: number;
}

/** Sign image `ref` in its registry (see the header). */
export async function signImage(ref: Reference, opts: SignOptions): Promise<Signed> {
  const { registry, sha256, signal } = opts;
  const repo = formatReference({ registry: ref.registry, repository: ref.repository });
  // 1. The digest, from the content itself.
  const top = await registry.manifest(ref.registry, ref.repository, manifestReference(ref), undefined, signal);
  const tag = signatureTag(top.digest);

  // 2. The payload and its signature.
  const payload = simpleSigningPayload(ref, top.digest);
  const signature = base64(await signDer(opts.key, payload));
  const layer: Descriptor = {
    mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
    size: payload.length,
    digest: await digestOf(payload, sha256),
    annotations: { [SIGNATURE_ANNOTATION]: signature },
  };

  // 3. After the signatures already there, then up it goes.
  const layers = [...(await existingLayers(registry, ref, tag, signal)), layer];
  const { config, manifest } = await signatureManifest(layers, (b) => digestOf(b, sha256));
  const upload = opts.upload ?? (async (dest, m, blobs) => (await pushManifest(dest, m, blobs, { registry, sha256, signal })).digest);
  const dest: Reference = { registry: ref.registry, repository: ref.repository, tag };
  const manifestDigest = await upload(dest, manifest, memoryBlobs([[layer.digest, payload], [config.descriptor.digest, config.bytes]]));
  return { digest: top.digest, signatureReference: `${repo}:${tag}`, signatureManifestDigest: manifestDigest, payload, signature, count: layers.length };
}

/** The layers of the signature manifest at `tag`, if there is one (their blobs are in the repository already). */
async function existingLayers(registry: RegistryClient, ref: Reference, tag: string, signal?: AbortSignal): Promise<Descriptor[]> {
  try {
    const { bytes } = await registry.manifest(ref.registry, ref.repository, tag, undefined, signal);
    return checkManifest(parseJson(bytes, `signature manifest ${tag}`), `signature manifest ${tag}`).layers;
  } catch (e) {
    if (e instanceof RegistryError && e.status === 404) return [];
    throw e;
  }
}
