// Scopes of the `docker` transport, as containers-policy.json(5) defines them:
// the policy for an image is found by looking it up under its fully expanded
// reference, most specific first —
//   registry/ns/repo:tag (or registry/ns/repo@sha256:…), registry/ns/repo,
//   registry/ns, registry, then *.domain wildcards of the registry host
//   (without its port: a.b.example.com → *.b.example.com, *.example.com, *.com)
// — and the first scope the policy names wins; the more general ones are
// ignored. Then the transport's "" scope, then the policy's `default`.
// policy.ts (signatures) and capabilities.ts (tabkernel's grants) both look
// scopes up this way, so a scope means the same in either file.
// Spec: containers-policy.json(5) "docker:"; containers/image
// docker/policyconfiguration/naming.go (the order).

import { formatReference, type Reference } from '../image/reference.js';

/** The scopes `ref` is looked up under, most specific first ("" and the default not included). */
export function dockerScopes(ref: Reference): string[] {
  const name = formatReference({ registry: ref.registry, repository: ref.repository });
  const out = [ref.digest ? `${name}@${ref.digest}` : `${name}:${ref.tag ?? 'latest'}`];
  for (let n = name; ; n = n.slice(0, n.lastIndexOf('/'))) {
    out.push(n);
    if (!n.includes('/')) break;
  }
  // Wildcards name domains only: the registry host without its port.
  let host = ref.registry.startsWith('[') ? '' : ref.registry.replace(/:\d+$/, '');
  for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.')) {
    host = host.slice(dot + 1);
    out.push(`*.${host}`);
  }
  return out;
}

/** The first of `ref`'s scopes that `scopes` has (the transport default "" last), or undefined. */
export function mostSpecific<T>(scopes: ReadonlyMap<string, T>, ref: Reference): { scope: string; value: T } | undefined {
  for (const scope of [...dockerScopes(ref), '']) {
    const value = scopes.get(scope);
    if (value !== undefined) return { scope, value };
  }
  return undefined;
}

/** How a scope is named in messages: `docker SCOPE`, or the transport's default. */
export function scopeName(scope: string | null): string {
  if (scope === null) return 'the default';
  return scope === '' ? 'docker "" (the docker default)' : `docker ${scope}`;
}
