// The OCI data model as tabkernel reads it: media types, descriptors,
// manifests, indexes and the image config, with checks that turn a malformed
// document into a clear error instead of a crash later. Docker's schema2 and
// manifest-list types are the same shapes under other names. The CNCF Wasm
// artifact and runwasi's layer type are listed here too; pull.ts decides what
// they mean.
// Spec: OCI image-spec manifest.md, image-index.md, config.md, descriptor.md;
// Docker "Image Manifest V 2, Schema 2"; CNCF TAG Runtime "Wasm OCI Artifact".

export const MediaType = {
  OCI_INDEX: 'application/vnd.oci.image.index.v1+json',
  OCI_MANIFEST: 'application/vnd.oci.image.manifest.v1+json',
  OCI_CONFIG: 'application/vnd.oci.image.config.v1+json',
  DOCKER_LIST: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DOCKER_MANIFEST: 'application/vnd.docker.distribution.manifest.v2+json',
  DOCKER_CONFIG: 'application/vnd.docker.container.image.v1+json',
  WASM_CONFIG: 'application/vnd.wasm.config.v0+json',
  WASM_LAYER: 'application/wasm',
  WASM_CONTENT_LAYER: 'application/vnd.wasm.content.layer.v1+wasm',
  RUNWASI_LAYER: 'application/vnd.bytecodealliance.wasm.component.layer.v0+wasm',
} as const;

/** The Accept list for manifests: both indexes and both manifests (OCI and Docker). */
export const MANIFEST_ACCEPT = [
  MediaType.OCI_INDEX,
  MediaType.OCI_MANIFEST,
  MediaType.DOCKER_LIST,
  MediaType.DOCKER_MANIFEST,
].join(', ');

/** Layers that hold one WebAssembly module as raw bytes, not a tar. */
export const WASM_LAYER_TYPES: readonly string[] = [MediaType.WASM_LAYER, MediaType.WASM_CONTENT_LAYER, MediaType.RUNWASI_LAYER];

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface Manifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface Index {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** The OCI image config (and the CNCF Wasm config, which shares os/architecture). */
export interface ImageConfig {
  os?: string;
  architecture?: string;
  variant?: string;
  created?: string;
  config?: {
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    Env?: string[] | null;
    WorkingDir?: string;
    User?: string;
    Labels?: Record<string, string> | null;
  };
  rootfs?: { type: string; diff_ids: string[] };
  [key: string]: unknown;
}

export function isIndexType(mediaType: string): boolean {
  return mediaType === MediaType.OCI_INDEX || mediaType === MediaType.DOCKER_LIST;
}

export function isManifestType(mediaType: string): boolean {
  return mediaType === MediaType.OCI_MANIFEST || mediaType === MediaType.DOCKER_MANIFEST;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse JSON bytes into an object, or throw naming `what`. */
export function parseJson(bytes: Uint8Array, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new Error(`${what}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (!isObject(v)) throw new Error(`${what}: not a JSON object`);
  return v;
}

function checkDescriptor(d: unknown, what: string): Descriptor {
  if (!isObject(d)) throw new Error(`${what}: a descriptor is not an object`);
  if (typeof d.mediaType !== 'string') throw new Error(`${what}: a descriptor has no mediaType`);
  if (typeof d.digest !== 'string') throw new Error(`${what}: a descriptor has no digest`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new Error(`${what}: descriptor ${d.digest} has no valid size`);
  }
  if (d.platform !== undefined) {
    const p = d.platform;
    if (!isObject(p) || typeof p.os !== 'string' || typeof p.architecture !== 'string') {
      throw new Error(`${what}: descriptor ${d.digest} has a malformed platform`);
    }
  }
  return d as unknown as Descriptor;
}

/**
 * The media type of a manifest document: its own `mediaType` field, else the
 * Content-Type it came with, else guessed from its shape (`manifests` = index).
 */
export function documentType(doc: Record<string, unknown>, contentType: string | undefined): string {
  if (typeof doc.mediaType === 'string') return doc.mediaType;
  const ct = contentType?.split(';')[0].trim();
  if (ct && (isIndexType(ct) || isManifestType(ct))) return ct;
  return Array.isArray(doc.manifests) ? MediaType.OCI_INDEX : MediaType.OCI_MANIFEST;
}

export function checkIndex(doc: Record<string, unknown>, what: string): Index {
  if (doc.schemaVersion !== 2) throw new Error(`${what}: unsupported schemaVersion ${String(doc.schemaVersion)}`);
  if (!Array.isArray(doc.manifests)) throw new Error(`${what}: an index without "manifests"`);
  doc.manifests.forEach((d) => checkDescriptor(d, what));
  return doc as unknown as Index;
}

export function checkManifest(doc: Record<string, unknown>, what: string): Manifest {
  if (doc.schemaVersion !== 2) {
    throw new Error(`${what}: unsupported schemaVersion ${String(doc.schemaVersion)} (Docker schema 1 is not supported)`);
  }
  checkDescriptor(doc.config, what);
  if (!Array.isArray(doc.layers)) throw new Error(`${what}: a manifest without "layers"`);
  doc.layers.forEach((d) => checkDescriptor(d, what));
  return doc as unknown as Manifest;
}

/** `os/architecture[/variant]`, as Docker prints a platform. */
export function platformName(p: { os?: string; architecture?: string; variant?: string }): string {
  return [p.os ?? '?', p.architecture ?? '?', ...(p.variant ? [p.variant] : [])].join('/');
}
