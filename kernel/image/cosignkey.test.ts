// cosign's encrypted keys against vectors tabkernel did not make
// (test/fixtures/signatures/README.md): go-securesystemslib's own vectors for
// the three scrypt strengths, a key cosign 2 wrote, and a key made with
// node:crypto's scrypt and @noble/ciphers' secretbox. (N 2^17 is accepted
// too; its vector is left out: 128 MiB of scrypt for one test.)
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptCosignKey, WrongPassphraseError } from './cosignkey.js';
import { signDer } from './ecdsa.js';
import { importPrivateKey, pemBlocks } from './keys.js';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures/signatures');
const read = (name: string): string => fs.readFileSync(path.join(fixtures, name), 'utf8');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

// go-securesystemslib encrypted/encrypted_test.go kdfVectors (passphrase "supersecret"): Legacy and Standard.
const VECTORS = [
  '{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"WO3mVvyTwJ9vwT5/Tk5OW5WPIBUofMjcpEfrLnfY4uA="},"cipher":{"name":"nacl/secretbox","nonce":"tCy7HcTFr4uxv4Nrg/DWmncuZ148U1MX"},"ciphertext":"08n43p5G5yviPEZpO7tPPF4aZQkWiWjkv4taFdhDBA0tamKH4nw="}',
  '{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"FhzPOt9/bJG4PTq6lQ6ecG6GzaOuOy/ynG5+yRiFlNs="},"cipher":{"name":"nacl/secretbox","nonce":"aw1ng1jHaDz/tQ7V2gR9O2+IGQ8xJEuE"},"ciphertext":"HycvuLZL4sYH0BrYTh4E/H20VtAW6u5zL5Pr+IBjYLYnCPzDkq8="}',
];

describe('cosign encrypted keys', () => {
  it("opens go-securesystemslib's vectors for scrypt N of 2^15 and 2^16", async () => {
    for (const v of VECTORS) {
      const plain = await decryptCosignKey(enc(v), 'supersecret');
      expect(new TextDecoder().decode(plain as Uint8Array)).toBe('"cmVhbGx5aW1wb3J0YW50"'); // JSON of the bytes "reallyimportant"
    }
  });

  it('says a wrong passphrase is one (or the file was changed: secretbox cannot tell)', async () => {
    expect(await decryptCosignKey(enc(VECTORS[0]), 'superSecret')).toBeInstanceOf(WrongPassphraseError);
    const doc = JSON.parse(VECTORS[0]);
    const ct = Buffer.from(doc.ciphertext, 'base64');
    ct[20] ^= 1;
    doc.ciphertext = ct.toString('base64');
    expect(await decryptCosignKey(enc(JSON.stringify(doc)), 'supersecret')).toBeInstanceOf(WrongPassphraseError);
  });

  it('refuses scrypt parameters the format does not use (a key file must not set the cost), and other formats', async () => {
    const doc = JSON.parse(VECTORS[0]);
    doc.kdf.params = { N: 1 << 22, r: 8, p: 1 };
    expect(((await decryptCosignKey(enc(JSON.stringify(doc)), 'x')) as Error).message).toMatch(/unsupported scrypt parameters/);
    doc.kdf = { name: 'argon2' };
    expect(((await decryptCosignKey(enc(JSON.stringify(doc)), 'x')) as Error).message).toMatch(/unsupported kdf "argon2"/);
    expect(((await decryptCosignKey(enc('not json'), 'x')) as Error).message).toMatch(/its body is not JSON/);
  });

  it('imports a key cosign 2 wrote (ENCRYPTED SIGSTORE PRIVATE KEY, N 2^16, empty passphrase) as a P-256 signing key', async () => {
    const key = await importPrivateKey(read('cosign-real.key'), async () => '');
    // The public half from the PKCS#8 inside, by node:crypto, checks what the imported key signs.
    const [block] = pemBlocks(read('cosign-real.key'), 'k') as Array<{ bytes: Uint8Array }>;
    const der = (await decryptCosignKey(block.bytes, '')) as Uint8Array;
    const pub = crypto.createPublicKey(crypto.createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' }));
    const data = enc('payload');
    expect(crypto.verify('sha256', data, { key: pub, dsaEncoding: 'der' }, await signDer(key, data))).toBe(true);
  });

  it('imports the test key (N 2^15) with its passphrase; its public key (made by node:crypto) verifies what it signs', async () => {
    let asked = 0;
    const key = await importPrivateKey(read('cosign-test.key'), async () => {
      asked++;
      return 'tabkernel-test-passphrase';
    });
    expect(asked).toBe(1);
    const data = enc('payload');
    expect(crypto.verify('sha256', data, { key: read('cosign-test.pub'), dsaEncoding: 'der' }, await signDer(key, data))).toBe(true);
    await expect(importPrivateKey(read('cosign-test.key'), async () => 'wrong', 'cosign.key')).rejects.toThrow(/^cosign\.key: cannot decrypt the key: wrong passphrase/);
  });

  it('reads the older label, ENCRYPTED COSIGN PRIVATE KEY, as the same format', async () => {
    const old = read('cosign-test.key').replaceAll('SIGSTORE', 'COSIGN');
    await expect(importPrivateKey(old, async () => 'tabkernel-test-passphrase')).resolves.toBeTruthy();
  });
});
