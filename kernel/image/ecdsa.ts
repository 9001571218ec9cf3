// ECDSA P-256 with SHA-256, as cosign signs: WebCrypto computes and checks
// the signatures (the same code in the page and in Node), and this file
// converts between the two ways a signature is written. WebCrypto speaks the
// raw form, r‖s as two 32-byte big-endian numbers (IEEE P1363); cosign,
// openssl and Go write the ASN.1 form, SEQUENCE { INTEGER r, INTEGER s } in
// DER (70–72 bytes). Keys come from keys.ts.
// Spec: RFC 3279 §2.2.3 (Ecdsa-Sig-Value), WebCrypto §23 (ECDSA), SEC 1 §4.1.

import { readAll, readOnly, Tag, tlv, unsignedInteger } from './der.js';

/** Bytes of r and of s in the raw form: P-256 numbers are 32 bytes. */
export const P256_SCALAR_BYTES = 32;
const ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A DER Ecdsa-Sig-Value as raw r‖s (what WebCrypto verifies), or an Error saying what is wrong with it. */
export function derToRaw(der: Uint8Array, size = P256_SCALAR_BYTES): Uint8Array<ArrayBuffer> | Error {
  const seq = readOnly(der, Tag.SEQUENCE, 'ECDSA signature');
  if (seq instanceof Error) return seq;
  const parts = readAll(seq.content, 'ECDSA signature');
  if (parts instanceof Error) return parts;
  if (parts.length !== 2 || parts.some((p) => p.tag !== Tag.INTEGER)) return new Error('ECDSA signature: not a SEQUENCE of two INTEGERs');
  const out = new Uint8Array(2 * size);
  for (const [i, p] of parts.entries()) {
    let n = p.content;
    if (n.length === 0 || n[0] & 0x80) return new Error('ECDSA signature: r or s is not a positive INTEGER');
    while (n.length > 1 && n[0] === 0) n = n.subarray(1);
    if (n.length > size) return new Error(`ECDSA signature: r or s is longer than ${size} bytes (not a P-256 signature)`);
    out.set(n, i * size + size - n.length);
  }
  return out;
}

/** Raw r‖s (what WebCrypto signs) as a DER Ecdsa-Sig-Value (what cosign writes). */
export function rawToDer(raw: Uint8Array): Uint8Array<ArrayBuffer> {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new Error(`raw ECDSA signature of ${raw.length} bytes`);
  const half = raw.length / 2;
  return tlv(Tag.SEQUENCE, unsignedInteger(raw.subarray(0, half)), unsignedInteger(raw.subarray(half)));
}

/** Sign `data` with a P-256 private key: the DER signature. */
export async function signDer(key: CryptoKey, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const raw = await crypto.subtle.sign(ALGORITHM, key, own(data));
  return rawToDer(new Uint8Array(raw));
}

/** Whether DER signature `der` is `key`'s over `data`; a malformed signature is an Error. */
export async function verifyDer(key: CryptoKey, der: Uint8Array, data: Uint8Array): Promise<boolean | Error> {
  const raw = derToRaw(der);
  if (raw instanceof Error) return raw;
  return crypto.subtle.verify(ALGORITHM, key, raw, own(data));
}

/** A copy backed by an ArrayBuffer of its own (WebCrypto takes no views of shared memory). */
export function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
