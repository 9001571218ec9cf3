// The two ways an ECDSA signature is written, checked against node:crypto's
// own encodings ('der' and 'ieee-p1363') of the same signatures.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { oidText, readTlv, tlv, unsignedInteger } from './der.js';
import { derToRaw, rawToDer, signDer, verifyDer } from './ecdsa.js';

const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const data = new TextEncoder().encode('payload');

describe('DER', () => {
  it('writes minimal INTEGERs: no leading zeros, a zero byte before a high bit', () => {
    expect(unsignedInteger(new Uint8Array([0, 0, 5]))).toEqual(new Uint8Array([2, 1, 5]));
    expect(unsignedInteger(new Uint8Array([0x80]))).toEqual(new Uint8Array([2, 2, 0, 0x80]));
    expect(unsignedInteger(new Uint8Array([0, 0]))).toEqual(new Uint8Array([2, 1, 0]));
  });

  it('writes and reads long-form lengths', () => {
    const long = tlv(0x04, new Uint8Array(300));
    expect([...long.subarray(0, 4)]).toEqual([0x04, 0x82, 0x01, 0x2c]);
    const v = readTlv(long, 0, 'x');
    expect(v).toMatchObject({ tag: 4, end: 304 });
  });

  it('reads OIDs in dotted form', () => {
    expect(oidText(new Uint8Array([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]))).toBe('1.2.840.10045.3.1.7');
    expect(oidText(new Uint8Array([0x2b, 0x81, 0x04, 0x00, 0x22]))).toBe('1.3.132.0.34');
  });

  it('refuses a value that runs past the end, with an Error', () => {
    expect(readTlv(new Uint8Array([0x30, 0x05, 1, 2]), 0, 'sig')).toBeInstanceOf(Error);
    expect(readTlv(new Uint8Array([0x30, 0x85, 1, 1, 1, 1, 1]), 0, 'sig')).toBeInstanceOf(Error);
  });
});

describe('ECDSA P-256 signatures', () => {
  it("converts node:crypto's DER signatures to its raw r‖s and back, for many signatures", () => {
    for (let i = 0; i < 50; i++) {
      const msg = new TextEncoder().encode(`message ${i}`);
      const der = crypto.sign('sha256', msg, { key: privateKey, dsaEncoding: 'der' });
      const raw = derToRaw(der);
      expect(raw).not.toBeInstanceOf(Error);
      expect(crypto.verify('sha256', msg, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw as Uint8Array)).toBe(true);
      expect(Buffer.from(rawToDer(raw as Uint8Array))).toEqual(der);
    }
  });

  it('signs with WebCrypto in DER that node:crypto verifies, and verifies what node:crypto signs', async () => {
    const jwk = privateKey.export({ format: 'jwk' });
    const key = await crypto.webcrypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const der = await signDer(key as unknown as CryptoKey, data);
    expect(crypto.verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
    const pub = await crypto.webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const theirs = crypto.sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
    expect(await verifyDer(pub as unknown as CryptoKey, theirs, data)).toBe(true);
    expect(await verifyDer(pub as unknown as CryptoKey, theirs, new TextEncoder().encode('other'))).toBe(false);
  });

  it('refuses signatures that are not two positive INTEGERs of at most 32 bytes', () => {
    expect(derToRaw(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]))).toBeInstanceOf(Error);
    expect(derToRaw(tlv(0x30, tlv(0x02, new Uint8Array([0x80])), tlv(0x02, new Uint8Array([1]))))).toBeInstanceOf(Error);
    expect((derToRaw(tlv(0x30, unsignedInteger(new Uint8Array(33).fill(1)), unsignedInteger(new Uint8Array([1])))) as Error).message).toMatch(/longer than 32 bytes/);
    expect(derToRaw(new Uint8Array(64))).toBeInstanceOf(Error); // raw handed over as if it were DER
  });
});
