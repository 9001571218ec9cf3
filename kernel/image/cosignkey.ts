// cosign's encrypted private keys: a PEM block `ENCRYPTED SIGSTORE PRIVATE
// KEY` (cosign ≥ 2.0; `ENCRYPTED COSIGN PRIVATE KEY` before) whose body is
// JSON: {"kdf":{"name":"scrypt","params":{"N","r","p"},"salt"},
// "cipher":{"name":"nacl/secretbox","nonce"},"ciphertext"} (byte strings in
// base64). The key is scrypt(passphrase, salt, N, r, p) of 32 bytes; the
// ciphertext is NaCl's secretbox (XSalsa20-Poly1305: the 16-byte tag, then
// the encrypted bytes) of the private key's PKCS#8 DER. scrypt and secretbox
// come from @noble/hashes and @noble/ciphers, so the page decrypts as the CLI
// does. Only the parameter sets the format's writer uses are accepted (N of
// 2^15, 2^16 or 2^17, r 8, p 1): a key file must not make us spend what it
// asks. keys.ts reads the PEM and imports the result.
// Spec: secure-systems-lab/go-securesystemslib encrypted/encrypted.go (the
// format; cosign's pkg/cosign/keys.go uses it); RFC 7914 (scrypt); NaCl
// crypto_secretbox.

import { fromBase64 } from '../lib/base64.js';

export const COSIGN_KEY_BLOCKS = ['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY'] as const;

/** scrypt's N for the three strengths the format's writer knows (legacy, standard, OWASP); r 8, p 1. */
const SCRYPT_N = [1 << 15, 1 << 16, 1 << 17];
const NONCE_BYTES = 24;
const KEY_BYTES = 32;

/** A wrong passphrase, or a key file whose ciphertext was changed: secretbox cannot tell which. */
export class WrongPassphraseError extends Error {
  constructor(what: string) {
    super(`${what}: cannot decrypt the key: wrong passphrase (or a damaged key file)`);
    this.name = 'WrongPassphraseError';
  }
}

interface Sealed {
  N: number;
  salt: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON of an encrypted key, checked: its scrypt parameters, salt, nonce and ciphertext. */
function parseSealed(json: Uint8Array, what: string): Sealed | Error {
  const bad = (why: string): Error => new Error(`${what}: not a cosign encrypted key (${why})`);
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    return bad('its body is not JSON');
  }
  if (!isObject(doc) || !isObject(doc.kdf) || !isObject(doc.cipher)) return bad('no "kdf" or "cipher"');
  const { kdf, cipher } = doc;
  if (kdf.name !== 'scrypt') return bad(`unsupported kdf ${JSON.stringify(kdf.name)} (only scrypt)`);
  if (cipher.name !== 'nacl/secretbox') return bad(`unsupported cipher ${JSON.stringify(cipher.name)} (only nacl/secretbox)`);
  const p = kdf.params;
  if (!isObject(p) || !SCRYPT_N.includes(p.N as number) || p.r !== 8 || p.p !== 1) {
    return bad(`unsupported scrypt parameters ${JSON.stringify(p)} (N 32768, 65536 or 131072; r 8; p 1)`);
  }
  const bytes = (v: unknown, name: string, size?: number): Uint8Array | Error => {
    if (typeof v !== 'string') return bad(`no ${name}`);
    const b = fromBase64(v);
    if (b instanceof Error) return bad(`${name}: ${b.message}`);
    if (size !== undefined && b.length !== size) return bad(`${name} of ${b.length} bytes, not ${size}`);
    return b;
  };
  const salt = bytes(kdf.salt, 'salt');
  const nonce = bytes(cipher.nonce, 'nonce', NONCE_BYTES);
  const ciphertext = bytes(doc.ciphertext, 'ciphertext');
  for (const b of [salt, nonce, ciphertext]) if (b instanceof Error) return b;
  if ((ciphertext as Uint8Array).length < 16) return bad('ciphertext shorter than its tag');
  return { N: p.N as number, salt: salt as Uint8Array, nonce: nonce as Uint8Array, ciphertext: ciphertext as Uint8Array };
}

/** The key scrypt derives from `passphrase` (UTF-8). */
async function deriveKey(passphrase: string, salt: Uint8Array, N: number): Promise<Uint8Array> {
  // Loaded when a key is opened: a program that runs no `image sign` never loads them.
  const { scryptAsync } = await import('@noble/hashes/scrypt.js');
  return scryptAsync(new TextEncoder().encode(passphrase), salt, { N, r: 8, p: 1, dkLen: KEY_BYTES });
}

/**
 * The plaintext of an encrypted key's JSON (the PKCS#8 DER, for a cosign key).
 * WrongPassphraseError when it does not open; an Error for a malformed file.
 */
export async function decryptCosignKey(json: Uint8Array, passphrase: string, what = 'cosign key'): Promise<Uint8Array | Error> {
  const s = parseSealed(json, what);
  if (s instanceof Error) return s;
  const key = await deriveKey(passphrase, s.salt, s.N);
  const { xsalsa20poly1305 } = await import('@noble/ciphers/salsa.js');
  try {
    return xsalsa20poly1305(key, s.nonce).decrypt(s.ciphertext);
  } catch {
    return new WrongPassphraseError(what);
  }
}
