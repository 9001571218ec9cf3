// Image references: `[REGISTRY/]REPOSITORY[:TAG][@sha256:HEX]`, parsed and
// normalized the way Docker does. The first path component names a registry
// only if it contains `.` or `:` or is `localhost`; otherwise the registry is
// Docker Hub (`docker.io`, reached at registry-1.docker.io), whose one-word
// repositories live under `library/`. With neither tag nor digest the tag is
// `latest`. One rule of tabkernel's own: a one-word name of a built-in image
// (`root`, `toolchain`: builtin.ts) means that image, whose registry is
// `builtin` — and `builtin/NAME`, its canonical form, parses back to it
// (`builtin` as a first component names that registry, as `localhost` does).
// registry.ts turns a reference into URLs; pull.ts resolves it.
// Spec: distribution/reference's grammar (reference.go, normalize.go);
// OCI distribution-spec "Pulling manifests" for the tag pattern.

import { BUILTIN_IMAGES, BUILTIN_REGISTRY } from './builtin.js';

/** A parsed, normalized reference. */
export interface Reference {
  /** The registry as written or defaulted: `docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`. */
  registry: string;
  /** The repository path inside the registry: `library/alpine`, `tk/hand`. */
  repository: string;
  /** The tag, `latest` when neither tag nor digest was given; absent with a bare digest. */
  tag?: string;
  /** `sha256:` + 64 lowercase hex digits, when the reference pins one. */
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
/** Where Docker Hub's registry API actually answers. */
export const DOCKER_HUB_API = 'registry-1.docker.io';

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
// path-component := [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
// domain-component, then an optional port; IPv6 literals in brackets.
const DOMAIN = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:.]+\])(?::[0-9]+)?$/;
const NAME_MAX = 255;

/** Whether a reference's first component names a registry host (Docker's rule). */
export function namesRegistry(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const first = text.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' || first === BUILTIN_REGISTRY;
}

/** Parse and normalize `text`; an Error says what is wrong with it. */
export function parseReference(text: string): Reference | Error {
  const bad = (why: string): Error => new Error(`invalid image reference "${text}": ${why}`);
  if (text === '') return bad('empty');
  if (/\s/.test(text)) return bad('contains white space');

  // 1. Split off the digest, then the tag (a ':' after the last '/').
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digest.startsWith('sha256:')) return bad(`unsupported digest "${digest}" (only sha256 digests are supported)`);
    if (!DIGEST.test(digest)) return bad(`malformed digest "${digest}" (want sha256: and 64 lowercase hex digits)`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return bad(`malformed tag "${tag}" (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')`);
  }

  // 2. Split off the registry, then default it.
  let registry = DOCKER_HUB;
  let repository = rest;
  if (namesRegistry(rest)) {
    const slash = rest.indexOf('/');
    registry = rest.slice(0, slash);
    repository = rest.slice(slash + 1);
    if (!DOMAIN.test(registry)) return bad(`malformed registry host "${registry}"`);
    if (registry === 'index.docker.io') registry = DOCKER_HUB;
  }
  if (repository === '') return bad('no repository name');
  if (registry === DOCKER_HUB && !namesRegistry(rest) && BUILTIN_IMAGES.includes(repository)) registry = BUILTIN_REGISTRY;
  if (registry === BUILTIN_REGISTRY && !BUILTIN_IMAGES.includes(repository)) {
    return bad(`no built-in image "${repository}" (built-in: ${BUILTIN_IMAGES.join(', ')})`);
  }
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;

  // 3. Validate the repository path.
  for (const component of repository.split('/')) {
    if (PATH_COMPONENT.test(component)) continue;
    if (PATH_COMPONENT.test(component.toLowerCase())) return bad('repository name must be lowercase');
    return bad(`malformed repository component "${component}" (lowercase letters and digits, separated by '.', '_', '__' or '-')`);
  }
  if (registry.length + 1 + repository.length > NAME_MAX) return bad(`name longer than ${NAME_MAX} characters`);

  if (tag === undefined && digest === undefined) tag = 'latest';
  return digest === undefined ? { registry, repository, tag } : { registry, repository, tag, digest };
}

/** The canonical text of a reference: `docker.io/library/alpine:latest`, `host/repo@sha256:…`. */
export function formatReference(ref: Reference): string {
  let s = `${ref.registry}/${ref.repository}`;
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** The host:port the registry API answers on (Docker Hub's API host differs from its name). */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}

/** What a manifest request names: the digest when pinned (it wins over a tag), else the tag. */
export function manifestReference(ref: Reference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}
