// Signature checks against the real cosign's output
// (test/fixtures/signatures/cosign-real.json: payload, signature, key and the
// manifest it signed), and what a single changed byte does to it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryRegistry, sha256, smallImage } from '../../test/support/memory-registry.js';
import { importPublicKey } from './keys.js';
import { checkSignature, verifyImageSignatures } from './verify.js';

const real = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../test/fixtures/signatures/cosign-real.json'), 'utf8'));
const payload = (): Uint8Array => new Uint8Array(Buffer.from(real.payloadBase64, 'base64'));
const anyIdentity = (): undefined => undefined;
const keys = async () => [{ name: 'cosign.pub', key: await importPublicKey(real.publicKeyPem) }];

describe("the real cosign's signature", () => {
  it('verifies with cosign.pub for the manifest it signed', async () => {
    const ok = await checkSignature(payload(), real.signatureBase64, await keys(), real.manifestDigest, anyIdentity);
    expect(ok).toEqual({ key: 'cosign.pub', claim: { digest: real.manifestDigest, dockerReference: real.identity, optional: null } });
    // The manifest in the fixture is the one signed.
    const h = await sha256();
    h.update(new TextEncoder().encode(real.manifest));
    expect(`sha256:${h.hex()}`).toBe(real.manifestDigest);
  });

  it('is refused with any one byte of the payload flipped', async () => {
    const k = await keys();
    const bytes = payload();
    for (const i of [0, 20, 100, bytes.length - 1]) {
      const changed = payload();
      changed[i] ^= 0x01;
      expect(await checkSignature(changed, real.signatureBase64, k, real.manifestDigest, anyIdentity)).toBe('the signature does not verify with the key cosign.pub');
    }
  });

  it('is refused with one byte of the signature flipped', async () => {
    const sig = Buffer.from(real.signatureBase64, 'base64');
    sig[40] ^= 0x01;
    expect(await checkSignature(payload(), sig.toString('base64'), await keys(), real.manifestDigest, anyIdentity)).toBe('the signature does not verify with the key cosign.pub');
  });

  it('is refused for another digest, another identity, another key', async () => {
    const other = `sha256:${'1'.repeat(64)}`;
    expect(await checkSignature(payload(), real.signatureBase64, await keys(), other, anyIdentity)).toBe(`signed for ${real.manifestDigest}, not for ${other}`);
    expect(await checkSignature(payload(), real.signatureBase64, await keys(), real.manifestDigest, () => 'not this one')).toBe('not this one');
    const p = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEDg0jrPAWb2qhR9BCSrED0R9Zy4Il1eeDLSTGA98Qp0xYg3YeRpQ2WJA++kCYJU0iQuMO4mq8ce0fL15f6L2Yyg==';
    const stranger = await importPublicKey(`-----BEGIN PUBLIC KEY-----\n${p}\n-----END PUBLIC KEY-----\n`);
    expect(await checkSignature(payload(), real.signatureBase64, [{ name: 'other.pub', key: stranger }], real.manifestDigest, anyIdentity)).toBe('the signature does not verify with the key other.pub');
    expect(await checkSignature(payload(), real.signatureBase64, [{ name: 'other.pub', key: stranger }, ...(await keys())], real.manifestDigest, anyIdentity)).toMatchObject({ key: 'cosign.pub' });
  });

  it('is refused without its annotation, or with one that is not base64 DER', async () => {
    expect(await checkSignature(payload(), undefined, await keys(), real.manifestDigest, anyIdentity)).toMatch(/no dev\.cosignproject\.cosign\/signature annotation/);
    expect(await checkSignature(payload(), '!!!', await keys(), real.manifestDigest, anyIdentity)).toMatch(/not base64/);
    expect(await checkSignature(payload(), Buffer.alloc(64, 1).toString('base64'), await keys(), real.manifestDigest, anyIdentity)).toMatch(/ECDSA signature: malformed DER/);
  });
});

describe('verifyImageSignatures', () => {
  it('fetches sha256-HEX.sig from the image repository and checks its layers through the registry client', async () => {
    const reg = new MemoryRegistry();
    const digest = smallImage(reg, 'cosign-signed-single-sample', '1');
    // The real signature, for another manifest: found, checked, refused for its digest.
    const layer = reg.blob(payload());
    const config = reg.blob('{}');
    reg.manifest('cosign-signed-single-sample', `${digest.replace(':', '-')}.sig`, JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
      layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: layer.digest, size: layer.size, annotations: { 'dev.cosignproject.cosign/signature': real.signatureBase64 } }],
    }));
    const ref = { registry: '127.0.0.1:5000', repository: 'cosign-signed-single-sample', tag: '1' };
    expect(await verifyImageSignatures(reg.client(), ref, digest, await keys(), anyIdentity)).toEqual({ rejected: [`signed for ${real.manifestDigest}, not for ${digest}`] });
    expect(reg.requests).toContain(`GET /v2/cosign-signed-single-sample/manifests/${digest.replace(':', '-')}.sig`);
    // A payload blob the registry serves changed: refused by its digest before any signature check.
    reg.blobs.set(layer.digest, new TextEncoder().encode('{}'));
    const changed = await verifyImageSignatures(reg.client(), ref, digest, await keys(), anyIdentity);
    expect((changed as { rejected: string[] }).rejected[0]).toMatch(/refused, nothing of it was stored/);
    // No signature manifest at all.
    const none = await verifyImageSignatures(reg.client(), { ...ref, repository: 'nothing' }, digest, await keys(), anyIdentity);
    expect(none).toEqual({ rejected: [`no signature found (no 127.0.0.1:5000/nothing:${digest.replace(':', '-')}.sig)`] });
  });
});
