// signedIdentity: which docker-reference a signature may claim for the image
// being pulled (containers-policy.json(5), "signedBy" and "sigstoreSigned").
//   matchExact             the signed reference equals the pulled one (tag or digest and all)
//   matchRepoDigestOrExact pulled by digest: same repository; by tag: exact (the default)
//   matchRepository        same repository, any tag (what cosign's signatures allow:
//                          cosign signs the repository, without a tag)
//   exactReference         the signed reference equals the one given
//   exactRepository        the signed reference is in the repository given
//   remapIdentity          the pulled reference with `prefix` replaced by
//                          `signedPrefix`, then matchRepoDigestOrExact
// References compare in their fully expanded form (busybox is
// docker.io/library/busybox). image/verify.ts calls the check per signature.
// Spec: containers-policy.json(5); containers/image signature/policy_reference_match.go.

import { formatReference, parseReference, type Reference } from '../image/reference.js';

export type IdentityRule =
  | { type: 'matchExact' | 'matchRepoDigestOrExact' | 'matchRepository' }
  | { type: 'exactReference'; dockerReference: string }
  | { type: 'exactRepository'; dockerRepository: string }
  | { type: 'remapIdentity'; prefix: string; signedPrefix: string };

/** A parsed reference that remembers whether it named a tag or digest at all (parseReference adds `latest`). */
interface Named {
  ref: Reference;
  /** The repository, fully expanded: docker.io/library/busybox. */
  name: string;
  nameOnly: boolean;
}

function named(text: string): Named | Error {
  const ref = parseReference(text);
  if (ref instanceof Error) return ref;
  const lastPart = text.slice(text.lastIndexOf('/') + 1);
  const nameOnly = !lastPart.includes(':') && !lastPart.includes('@');
  return { ref, name: formatReference({ registry: ref.registry, repository: ref.repository }), nameOnly };
}

/** The whole reference, as compared by the exact rules (tag and/or digest). */
const full = (n: Named): string => formatReference(n.ref);

/** Check a rule's own references when the policy is read; an Error for a bad one. */
export function checkIdentityRule(rule: IdentityRule, what: string): Error | undefined {
  const must = (text: string, field: string, nameOnly: boolean): Error | undefined => {
    const n = named(text);
    if (n instanceof Error) return new Error(`${what}: ${field}: ${n.message}`);
    if (n.nameOnly !== nameOnly) return new Error(`${what}: ${field} "${text}" must ${nameOnly ? 'not have a tag or digest' : 'have a tag or digest'}`);
    return undefined;
  };
  if (rule.type === 'exactReference') return must(rule.dockerReference, 'dockerReference', false);
  if (rule.type === 'exactRepository') return must(rule.dockerRepository, 'dockerRepository', true);
  if (rule.type === 'remapIdentity') {
    for (const [field, p] of [['prefix', rule.prefix], ['signedPrefix', rule.signedPrefix]] as const) {
      if (!/^[^\s:@/]+(:\d+)?(\/[^\s:@/]+)*$/.test(p)) return new Error(`${what}: ${field} "${p}" must be a host[:port], a namespace or a repository, fully expanded`);
    }
  }
  return undefined;
}

/** Whether a repository name is under `prefix`: the same host[:port], or the prefix followed by "/". */
function underPrefix(name: string, prefix: string): boolean {
  if (!prefix.includes('/') && (prefix.includes('.') || prefix.includes(':') || prefix === 'localhost')) {
    return name.slice(0, name.indexOf('/')) === prefix;
  }
  return name === prefix || name.startsWith(`${prefix}/`);
}

/**
 * Whether a signature claiming `signedText` may stand for `pulled` under
 * `rule`: undefined if so, else the reason.
 */
export function identityMismatch(rule: IdentityRule, pulled: Reference, signedText: string): string | undefined {
  const signed = named(signedText);
  if (signed instanceof Error) return `the signed identity "${signedText}" is not a reference`;
  const image: Named = { ref: pulled, name: formatReference({ registry: pulled.registry, repository: pulled.repository }), nameOnly: false };
  const why = (wanted: string): string => `the signature is for "${signedText}", the policy's signedIdentity (${rule.type}) wants ${wanted}`;
  const exact = (want: Named): string | undefined => (!signed.nameOnly && full(signed) === full(want) ? undefined : why(`"${full(want)}" exactly`));
  const repository = (name: string): string | undefined => (signed.name === name ? undefined : why(`the repository ${name}`));
  const repoDigestOrExact = (want: Named): string | undefined => (want.ref.digest !== undefined ? repository(want.name) : exact(want));
  switch (rule.type) {
    case 'matchExact': return exact(image);
    case 'matchRepoDigestOrExact': return repoDigestOrExact(image);
    case 'matchRepository': return repository(image.name);
    case 'exactReference': {
      const want = named(rule.dockerReference);
      return want instanceof Error ? want.message : exact(want);
    }
    case 'exactRepository': {
      const want = named(rule.dockerRepository);
      return want instanceof Error ? want.message : repository(want.name);
    }
    case 'remapIdentity': {
      if (!underPrefix(image.name, rule.prefix)) return repoDigestOrExact(image);
      const text = rule.signedPrefix + formatReference(pulled).slice(rule.prefix.length);
      const remapped = named(text);
      return remapped instanceof Error ? `remapIdentity: ${remapped.message}` : repoDigestOrExact(remapped);
    }
  }
}
