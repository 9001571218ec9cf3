// Key files as node:crypto and openssl write them, imported for WebCrypto;
// every signature made with an imported key is checked by node:crypto.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signDer } from './ecdsa.js';
import { importPrivateKey, importPublicKey, pemBlocks, sec1ToPkcs8 } from './keys.js';

const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const sec1 = privateKey.export({ type: 'sec1', format: 'pem' }) as string;
const spki = publicKey.export({ type: 'spki', format: 'pem' }) as string;
const noPassphrase = async (): Promise<string> => {
  throw new Error('asked for a passphrase');
};
const data = new TextEncoder().encode('sign me');

/** Sign with the imported key; node:crypto must verify with the original public key. */
async function signsAsTheKey(key: CryptoKey): Promise<boolean> {
  return crypto.verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, await signDer(key, data));
}

describe('private keys', () => {
  it('imports PKCS#8 PEM (PRIVATE KEY)', async () => {
    expect(await signsAsTheKey(await importPrivateKey(pkcs8, noPassphrase))).toBe(true);
  });

  it('imports SEC1 PEM (EC PRIVATE KEY), wrapped into the PKCS#8 node:crypto writes for the same key', async () => {
    expect(await signsAsTheKey(await importPrivateKey(sec1, noPassphrase))).toBe(true);
    const der = pemBlocks(sec1, 'k') as Array<{ bytes: Uint8Array }>;
    const wrapped = sec1ToPkcs8(der[0].bytes) as Uint8Array;
    const again = crypto.createPrivateKey({ key: Buffer.from(wrapped), format: 'der', type: 'pkcs8' });
    expect(again.export({ format: 'jwk' }).d).toBe(privateKey.export({ format: 'jwk' }).d);
  });

  it('finds the key after an EC PARAMETERS block (openssl ecparam -genkey without -noout)', async () => {
    const params = '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n';
    expect(await signsAsTheKey(await importPrivateKey(params + sec1, noPassphrase))).toBe(true);
  });

  it('names what it cannot use: another curve, RSA, an encrypted PKCS#8, no key at all', async () => {
    const p384 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    await expect(importPrivateKey(p384.export({ type: 'pkcs8', format: 'pem' }) as string, noPassphrase)).rejects.toThrow(/an EC key on P-384; only P-256 is supported/);
    await expect(importPrivateKey(p384.export({ type: 'sec1', format: 'pem' }) as string, noPassphrase)).rejects.toThrow(/an EC key on P-384/);
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    await expect(importPrivateKey(rsa.export({ type: 'pkcs8', format: 'pem' }) as string, noPassphrase)).rejects.toThrow(/RSA keys are not supported/);
    await expect(importPrivateKey(rsa.export({ type: 'pkcs1', format: 'pem' }) as string, noPassphrase)).rejects.toThrow(/RSA keys are not supported/);
    const locked = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;
    await expect(importPrivateKey(locked, noPassphrase)).rejects.toThrow(/password-protected PKCS#8 key is not supported/);
    await expect(importPrivateKey('hello', noPassphrase, 'k.pem')).rejects.toThrow(/^k\.pem: no PRIVATE KEY or EC PRIVATE KEY .* PEM block \(not a PEM file\)$/);
    await expect(importPrivateKey(spki, noPassphrase)).rejects.toThrow(/\(found PUBLIC KEY\)/);
    await expect(importPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n', noPassphrase)).rejects.toThrow(/has no END line/);
    await expect(importPrivateKey('-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----', noPassphrase)).rejects.toThrow(/malformed DER|not a PKCS#8/);
  });

  it('refuses an old-style encrypted PEM (Proc-Type headers)', async () => {
    const legacy = privateKey.export({ type: 'sec1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'x' }) as string;
    await expect(importPrivateKey(legacy, noPassphrase)).rejects.toThrow(/PEM headers .* not supported/);
  });
});

describe('public keys', () => {
  it('imports SPKI PEM (PUBLIC KEY) that verifies what the private key signs', async () => {
    const key = await importPublicKey(spki);
    const sig = crypto.sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    expect(await crypto.webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key as never, sig, data)).toBe(true);
  });

  it('names the algorithm of a key it cannot use', async () => {
    const ed = crypto.generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string;
    await expect(importPublicKey(ed, 'cosign.pub')).rejects.toThrow(/^cosign\.pub: Ed25519 keys are not supported/);
    await expect(importPublicKey(pkcs8, 'cosign.pub')).rejects.toThrow(/no PUBLIC KEY PEM block \(found PRIVATE KEY\)/);
  });
});
