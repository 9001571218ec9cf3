import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimpleSigning, simpleSigningPayload } from './simplesigning.js';

const real = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../test/fixtures/signatures/cosign-real.json'), 'utf8'));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const D = `sha256:${'0'.repeat(64)}`;

describe('simple-signing payloads', () => {
  it('are byte for byte what the real cosign wrote for the same image', () => {
    const payload = simpleSigningPayload({ registry: '192.168.64.2:5000', repository: 'cosign-signed-single-sample' }, real.manifestDigest);
    expect(Buffer.from(payload).toString('base64')).toBe(real.payloadBase64);
  });

  it('read back: the digest, the repository, optional', () => {
    expect(parseSimpleSigning(Buffer.from(real.payloadBase64, 'base64'))).toEqual({
      digest: real.manifestDigest, dockerReference: real.identity, optional: null,
    });
  });

  it('refuse an unknown field in a critical section, another type, and missing fields', () => {
    const doc = (critical: unknown) => enc(JSON.stringify({ critical, optional: null }));
    const good = { identity: { 'docker-reference': 'r/x' }, image: { 'docker-manifest-digest': D }, type: 'cosign container image signature' };
    expect((parseSimpleSigning(doc({ ...good, extra: 1 })) as Error).message).toMatch(/unknown field "extra" in a critical section/);
    expect((parseSimpleSigning(doc({ ...good, image: { 'docker-manifest-digest': D, tag: 'x' } })) as Error).message).toMatch(/unknown field "tag"/);
    expect((parseSimpleSigning(doc({ ...good, type: 'atomic container signature' })) as Error).message).toMatch(/type "atomic container signature"/);
    expect((parseSimpleSigning(doc({ ...good, image: {} })) as Error).message).toMatch(/no critical\.image\.docker-manifest-digest/);
    expect((parseSimpleSigning(enc('{"optional":{}}')) as Error).message).toMatch(/no "critical"/);
    expect((parseSimpleSigning(enc('\xff')) as Error).message).toMatch(/not JSON/);
  });

  it('refuse to sign what is not a digest', () => {
    expect(() => simpleSigningPayload({ registry: 'r', repository: 'x' }, 'latest')).toThrow(/not a sha256 digest/);
  });
});
