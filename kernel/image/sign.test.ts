// image sign against a registry in memory: what it uploads (the payload, the
// config, the manifest at sha256-HEX.sig, in that order, blobs the registry
// has skipped), and that verify.ts accepts it.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryRegistry, sha256, smallImage } from '../../test/support/memory-registry.js';
import { importPrivateKey, importPublicKey } from './keys.js';
import { signImage } from './sign.js';
import { verifyImageSignatures } from './verify.js';

const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ref = { registry: 'localhost:5000', repository: 'tk/app', tag: '1' };

async function setup() {
  const reg = new MemoryRegistry();
  const digest = smallImage(reg, 'tk/app', '1');
  const key = await importPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, async () => '');
  const trusted = [{ name: 'k.pub', key: await importPublicKey(publicKey.export({ type: 'spki', format: 'pem' }) as string) }];
  return { reg, digest, key, trusted };
}

describe('signImage', () => {
  it("signs the digest of the tag's content and uploads cosign's layout, which verifies", async () => {
    const { reg, digest, key, trusted } = await setup();
    const signed = await signImage(ref, { registry: reg.client(), sha256, key });
    const tag = `${digest.replace(':', '-')}.sig`;
    expect(signed).toMatchObject({ digest, signatureReference: `localhost:5000/tk/app:${tag}`, count: 1 });
    const writes = reg.requests.filter((r) => !r.startsWith('GET'));
    expect(writes.map((r) => r.replace(/u\d+\?digest=.*/, 'UPLOAD'))).toEqual([
      expect.stringMatching(/^HEAD \/v2\/tk\/app\/blobs\/sha256:/), 'POST /v2/tk/app/blobs/uploads/', 'PUT /v2/tk/app/blobs/uploads/UPLOAD',
      expect.stringMatching(/^HEAD \/v2\/tk\/app\/blobs\/sha256:/), 'POST /v2/tk/app/blobs/uploads/', 'PUT /v2/tk/app/blobs/uploads/UPLOAD',
      `PUT /v2/tk/app/manifests/${tag}`,
    ]);
    expect(crypto.verify('sha256', signed.payload, { key: publicKey, dsaEncoding: 'der' }, Buffer.from(signed.signature, 'base64'))).toBe(true);
    const verdict = await verifyImageSignatures(reg.client(), ref, digest, trusted, () => undefined);
    expect(verdict).toMatchObject({ accepted: { key: 'k.pub', claim: { digest, dockerReference: 'localhost:5000/tk/app' } } });
  });

  it('appends to the signatures already there, and skips the blobs the registry has', async () => {
    const { reg, key } = await setup();
    await signImage(ref, { registry: reg.client(), sha256, key });
    reg.requests.length = 0;
    const second = await signImage(ref, { registry: reg.client(), sha256, key });
    expect(second.count).toBe(2);
    // The same payload and the same config (it lists the payload twice now: a new config blob).
    expect(reg.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
  });

  it('goes through the uploader it is given', async () => {
    const { reg, key } = await setup();
    const seen: string[] = [];
    await signImage(ref, { registry: reg.client(), sha256, key, upload: async (dest, m) => (seen.push(`${dest.repository}:${dest.tag} ${JSON.parse(new TextDecoder().decode(m.bytes)).layers.length}`), 'sha256:x') });
    expect(seen).toEqual([expect.stringMatching(/^tk\/app:sha256-[0-9a-f]{64}\.sig 1$/)]);
  });

  it('says when the image is not in the registry', async () => {
    const { reg, key } = await setup();
    await expect(signImage({ ...ref, tag: '2' }, { registry: reg.client(), sha256, key })).rejects.toThrow(/manifest localhost:5000\/tk\/app:2 not found/);
  });
});
