import { describe, expect, it } from 'vitest';
import { parseReference, type Reference } from '../image/reference.js';
import { checkIdentityRule, identityMismatch, type IdentityRule } from './identity.js';

const D = `sha256:${'c'.repeat(64)}`;
const ref = (s: string): Reference => parseReference(s) as Reference;
const ok = (rule: IdentityRule, pulled: string, signed: string): boolean => identityMismatch(rule, ref(pulled), signed) === undefined;

describe('signedIdentity', () => {
  it('matchExact: the same reference, tag and all; never a signature of a repository alone', () => {
    const r = { type: 'matchExact' } as const;
    expect(ok(r, 'reg.io/app:1', 'reg.io/app:1')).toBe(true);
    expect(ok(r, 'reg.io/app:1', 'reg.io/app:2')).toBe(false);
    expect(ok(r, 'reg.io/app:1', 'reg.io/app')).toBe(false);
    expect(identityMismatch(r, ref('reg.io/app:1'), 'reg.io/app')).toBe('the signature is for "reg.io/app", the policy\'s signedIdentity (matchExact) wants "reg.io/app:1" exactly');
  });

  it('matchRepoDigestOrExact: by digest, the repository; by tag, exact', () => {
    const r = { type: 'matchRepoDigestOrExact' } as const;
    expect(ok(r, `reg.io/app@${D}`, 'reg.io/app:anything')).toBe(true);
    expect(ok(r, `reg.io/app@${D}`, 'reg.io/other:1')).toBe(false);
    expect(ok(r, 'reg.io/app:1', 'reg.io/app:1')).toBe(true);
    expect(ok(r, 'reg.io/app:1', 'reg.io/app')).toBe(false);
  });

  it("matchRepository: the repository, as cosign signs it; Docker Hub's short names expanded", () => {
    const r = { type: 'matchRepository' } as const;
    expect(ok(r, 'reg.io/app:1', 'reg.io/app')).toBe(true);
    expect(ok(r, 'busybox:1', 'docker.io/library/busybox')).toBe(true);
    expect(ok(r, 'busybox:1', 'index.docker.io/library/busybox')).toBe(true);
    expect(ok(r, 'reg.io/app:1', 'reg.io/app2')).toBe(false);
    expect(identityMismatch(r, ref('reg.io/app:1'), 'Not A Ref')).toBe('the signed identity "Not A Ref" is not a reference');
  });

  it('exactReference and exactRepository: what the policy names, whatever was pulled', () => {
    expect(ok({ type: 'exactReference', dockerReference: 'vendor.io/p:1' }, 'mirror.io/p:1', 'vendor.io/p:1')).toBe(true);
    expect(ok({ type: 'exactReference', dockerReference: 'vendor.io/p:1' }, 'mirror.io/p:1', 'mirror.io/p:1')).toBe(false);
    expect(ok({ type: 'exactRepository', dockerRepository: 'vendor.io/p' }, 'mirror.io/p:1', 'vendor.io/p')).toBe(true);
  });

  it('remapIdentity: the prefix replaced, then matchRepoDigestOrExact', () => {
    const r = { type: 'remapIdentity', prefix: 'mirror:5000/vendor', signedPrefix: 'vendor.example.com' } as const;
    expect(ok(r, 'mirror:5000/vendor/a/img:1', 'vendor.example.com/a/img:1')).toBe(true);
    expect(ok(r, 'mirror:5000/vendor/a/img:1', 'mirror:5000/vendor/a/img:1')).toBe(false);
    expect(ok(r, 'mirror:5000/vendorx/img:1', 'mirror:5000/vendorx/img:1')).toBe(true); // not under the prefix: unchanged
    expect(ok({ type: 'remapIdentity', prefix: 'mirror:5000', signedPrefix: 'docker.io' }, `mirror:5000/library/b@${D}`, 'docker.io/library/b')).toBe(true);
  });

  it("checks a rule's own references", () => {
    expect(checkIdentityRule({ type: 'exactReference', dockerReference: 'vendor.io/p' }, 'r')?.message).toMatch(/must have a tag or digest/);
    expect(checkIdentityRule({ type: 'exactRepository', dockerRepository: 'vendor.io/p:1' }, 'r')?.message).toMatch(/must not have a tag or digest/);
    expect(checkIdentityRule({ type: 'remapIdentity', prefix: 'a/b:1', signedPrefix: 'c' }, 'r')?.message).toMatch(/prefix "a\/b:1" must be/);
  });
});
