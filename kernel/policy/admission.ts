// Admission: whether an image may be stored as runnable and run, by the
// signature policy (policy.ts). Every requirement that applies must hold:
//   insecureAcceptAnything  holds;
//   reject                  never holds;
//   sigstoreSigned          one of the image's cosign signatures verifies
//                           with a trusted key, for this very manifest digest,
//                           under the signedIdentity rule (image/verify.ts);
//   signedBy, signedBaseLayer, keyless sigstoreSigned: not supported, so
//                           they never hold (the error says so).
// pull.ts asks right after it has the manifest that the reference resolves
// to (the index, for a multi-platform image: what `cosign sign` signs), and
// before any config or layer is fetched; a refusal leaves neither blobs nor
// ref behind. An image already in the store is admitted again each time it
// is run: without a signature requirement from the store alone; with one,
// its reference is resolved at the registry again and the signatures fetched
// (layers held are not fetched again), so a cached image runs offline only
// under a policy that needs no signature. The registries capability is
// checked before a registry is contacted. A refusal is a PolicyDeniedError
// (EACCES for the shell's `image` command; ECONNREFUSED for a registry the
// capabilities do not allow), its message naming the scope and the rule.
// Spec: containers-policy.json(5); containers/image signature/policy_eval.go.

import { Errno } from '../abi/errno.js';
import { cachedImage, pull, type ImageDescription, type PullOptions } from '../image/pull.js';
import { formatReference, type Reference } from '../image/reference.js';
import type { RegistryClient } from '../image/registry.js';
import { verifyImageSignatures } from '../image/verify.js';
import type { Requirement } from './containers-policy.js';
import { identityMismatch } from './identity.js';
import type { Policy } from './policy.js';
import { scopeName } from './scope.js';

/** An image, a mount or a registry the policy does not allow; `errno` for the shell. */
export class PolicyDeniedError extends Error {
  constructor(message: string, readonly errno: Errno = Errno.ACCES) {
    super(message);
    this.name = 'PolicyDeniedError';
  }
}

/** Whether admitting `ref` needs its registry (a signature to fetch). */
export function needsRegistry(policy: Policy, ref: Reference): boolean {
  return policy.requirementsFor(ref).requirements.some((r) => r.type === 'sigstoreSigned');
}

/**
 * Admit image `ref`, whose reference resolved to manifest `digest`, or throw
 * PolicyDeniedError. `registry` is where its signatures are (unused when no
 * requirement needs them).
 */
export async function admit(policy: Policy, ref: Reference, digest: string, registry: RegistryClient | undefined, signal?: AbortSignal): Promise<void> {
  const { scope, requirements } = policy.requirementsFor(ref);
  const where = `policy: ${scopeName(scope)}`;
  const deny = (why: string): never => {
    throw new PolicyDeniedError(`${where} ${why} (${policy.source.policy ?? 'the built-in policy'})`);
  };
  for (const r of requirements) {
    if (r.type === 'insecureAcceptAnything') continue;
    if (r.type === 'reject') deny(`rejects every image: ${formatReference(ref)} refused`);
    if (r.type === 'signedBy') deny('requires a GPG signature (signedBy), which tabkernel does not verify');
    if (r.type === 'signedBaseLayer') deny('requires a signed base layer (signedBaseLayer), which tabkernel does not verify');
    if (r.type === 'sigstoreSigned') await sigstoreSigned(policy, r, ref, digest, registry, deny, signal);
  }
}

async function sigstoreSigned(
  policy: Policy,
  r: Extract<Requirement, { type: 'sigstoreSigned' }>,
  ref: Reference,
  digest: string,
  registry: RegistryClient | undefined,
  deny: (why: string) => never,
  signal?: AbortSignal,
): Promise<void> {
  if (r.keyless) deny(`requires a keyless sigstore signature (${r.keyless}), which tabkernel does not verify (only cosign keys)`);
  const keys = await policy.trustedKeys(r.keys).catch((e: unknown) => deny(`requires a sigstore signature, but its key cannot be used: ${(e as Error).message}`));
  if (!registry) return deny('requires a sigstore signature, and no registry was given to fetch it from');
  let verdict;
  try {
    verdict = await verifyImageSignatures(registry, ref, digest, keys, (signed) => identityMismatch(r.signedIdentity, ref, signed), signal);
  } catch (e) {
    // A network error stays one (the page tries its registry proxy then); anything else is a reason to refuse.
    if (e instanceof TypeError) throw e;
    return deny(`requires a sigstore signature: ${(e as Error).message}`);
  }
  if ('rejected' in verdict) deny(`requires a sigstore signature: ${verdict.rejected.join('; ')}`);
}

/** What fetchAdmitted needs besides the reference: the store, hashing, progress, and the registry when one is needed. */
export interface FetchOptions extends Omit<PullOptions, 'registry' | 'admit'> {
  policy: Policy;
  /** The client for `ref`'s registry, made only when it is needed. */
  registry: () => Promise<RegistryClient>;
  /** Pull from the registry even when the store holds the image (`image pull`). */
  always?: boolean;
}

/**
 * Image `ref` from the store alone if the store holds it whole and the policy
 * admits it without its registry; undefined when it is not held or admitting
 * it needs the registry; PolicyDeniedError when the policy refuses it.
 */
export async function storedAdmitted(ref: Reference, policy: Policy, store: PullOptions['store'], signal?: AbortSignal): Promise<ImageDescription | undefined> {
  if (needsRegistry(policy, ref)) return undefined;
  const held = await cachedImage(store, ref);
  if (held) await admit(policy, ref, held.manifestDigest, undefined, signal);
  return held;
}

/** Image `ref` from the store or its registry, admitted by the policy (see the header). */
export async function fetchAdmitted(ref: Reference, opts: FetchOptions): Promise<ImageDescription> {
  const { policy } = opts;
  if (!opts.always) {
    const held = await storedAdmitted(ref, policy, opts.store, opts.signal);
    if (held) return held;
  }
  const allowed = policy.checkRegistry(ref.registry);
  if (!allowed.allowed) {
    throw new PolicyDeniedError(`policy: images may not be pulled from ${ref.registry}: ${allowed.rule} (${policy.source.capabilities ?? 'the built-in capabilities'})`, Errno.CONNREFUSED);
  }
  const registry = await opts.registry();
  return pull(ref, { ...opts, registry, admit: (r, digest) => admit(policy, r, digest, registry, opts.signal) });
}
