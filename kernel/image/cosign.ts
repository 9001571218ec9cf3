// cosign's signature manifests (its "legacy" layout, which `cosign sign
// --key` writes and every verifier reads): the signatures of the manifest
// with digest sha256:HEX live in the same repository under the tag
// `sha256-HEX.sig`, as an OCI image manifest whose layers are simple-signing
// payloads (simplesigning.ts, media type
// application/vnd.dev.cosign.simplesigning.v1+json), each carrying its
// signature in the annotation dev.cosignproject.cosign/signature: base64 of
// the DER ECDSA signature over the layer's bytes (ecdsa.ts). Several
// signatures are several layers. The config is an ordinary OCI image config
// listing the payloads as diff_ids, as cosign writes it. This file reads and
// builds those documents; verify.ts checks signatures, sign.ts makes them.
// Spec: sigstore/cosign specs/SIGNATURE_SPEC.md; notes/IMAGES.md §4.

import { isDigest } from './digest.js';
import { checkManifest, MediaType, parseJson, type Descriptor, type Manifest } from './media.js';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** A signature layer larger than this is not a payload (cosign's are a few hundred bytes). */
export const PAYLOAD_MAX = 1 << 20;

/** The tag holding the signatures of manifest `digest`: sha256:HEX → sha256-HEX.sig. */
export function signatureTag(digest: string): string {
  if (!isDigest(digest)) throw new Error(`"${digest}" is not a sha256 digest`);
  return `${digest.replace(':', '-')}.sig`;
}

/** One signature of a signature manifest: its payload's descriptor and the signature (base64 DER) it carries. */
export interface SignatureLayer {
  descriptor: Descriptor;
  /** The annotation's value; undefined when the layer has none. */
  signature?: string;
}

/** The simple-signing layers of a signature manifest (others, e.g. attestations, are not signatures). */
export function signatureLayers(manifestBytes: Uint8Array, what = 'signature manifest'): SignatureLayer[] {
  const m = checkManifest(parseJson(manifestBytes, what), what);
  return m.layers
    .filter((l) => l.mediaType === SIMPLE_SIGNING_MEDIA_TYPE)
    .map((l) => ({ descriptor: l, signature: l.annotations?.[SIGNATURE_ANNOTATION] }));
}

/** A blob as it goes into a registry: its bytes and descriptor. */
export interface Blob {
  descriptor: Descriptor;
  bytes: Uint8Array;
}

/**
 * A signature manifest holding `layers` (payload descriptors with their
 * signature annotation), and its config: the blobs to upload and the
 * manifest's bytes. `digestOf` is the host's SHA-256.
 */
export async function signatureManifest(
  layers: Descriptor[],
  digestOf: (bytes: Uint8Array) => Promise<string>,
): Promise<{ config: Blob; manifest: { mediaType: string; bytes: Uint8Array } }> {
  const epoch = '0001-01-01T00:00:00Z'; // cosign's zero time: the manifest depends on its layers alone
  const configDoc = {
    architecture: '',
    created: epoch,
    history: layers.map(() => ({ created: epoch })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    config: {},
  };
  const configBytes = new TextEncoder().encode(JSON.stringify(configDoc));
  const config: Descriptor = { mediaType: MediaType.OCI_CONFIG, size: configBytes.length, digest: await digestOf(configBytes) };
  const manifest: Manifest = { schemaVersion: 2, mediaType: MediaType.OCI_MANIFEST, config, layers };
  return { config: { descriptor: config, bytes: configBytes }, manifest: { mediaType: MediaType.OCI_MANIFEST, bytes: new TextEncoder().encode(JSON.stringify(manifest)) } };
}
