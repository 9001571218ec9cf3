// Keys for cosign signatures, from the files people have: PEM text (or the
// DER inside it) imported into WebCrypto, so that the page and the CLI sign
// and verify with the same code (ecdsa.ts).
//  - public keys: `PUBLIC KEY`, a SubjectPublicKeyInfo (cosign.pub, what
//    `openssl ec -pubout` writes);
//  - private keys: `PRIVATE KEY` (PKCS#8, `openssl genpkey`), `EC PRIVATE
//    KEY` (SEC1, what `openssl ecparam -genkey` writes: WebCrypto imports
//    only PKCS#8, so it is wrapped into one here), and cosign's own
//    `ENCRYPTED SIGSTORE PRIVATE KEY` / `ENCRYPTED COSIGN PRIVATE KEY`
//    (cosignkey.ts decrypts it to PKCS#8; the passphrase is asked for only then).
// Only ECDSA on P-256 is supported (what `cosign generate-key-pair` makes); any
// other algorithm or curve is named in the error.
// Spec: RFC 7468 (PEM), RFC 5280 §4.1.2.7 (SPKI), RFC 5208/5958 (PKCS#8),
// RFC 5915 (SEC1 ECPrivateKey), RFC 5480 (EC OIDs).

import { fromBase64 } from '../lib/base64.js';
import { COSIGN_KEY_BLOCKS, decryptCosignKey } from './cosignkey.js';
import { oidText, readAll, readOnly, Tag, tlv, type Tlv } from './der.js';
import { own } from './ecdsa.js';

/** One PEM block: its label and the bytes of its body. */
export interface PemBlock {
  label: string;
  bytes: Uint8Array<ArrayBuffer>;
}

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const P256 = '1.2.840.10045.3.1.7';
/** OIDs worth naming in an error. */
const KNOWN: Record<string, string> = {
  [P256]: 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
  '1.3.132.0.10': 'secp256k1',
  '1.2.840.113549.1.1.1': 'RSA',
  '1.3.101.112': 'Ed25519',
};
const named = (oid: string): string => KNOWN[oid] ?? oid;
const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** The DER of the OIDs: id-ecPublicKey and prime256v1. */
const OID_EC_PUBLIC_KEY = new Uint8Array([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);
const OID_P256 = new Uint8Array([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);

/** Every PEM block in `text`, in order; an Error for a block without its end or with a bad body. */
export function pemBlocks(text: string, what: string): PemBlock[] | Error {
  const out: PemBlock[] = [];
  const begin = /-----BEGIN ([A-Z0-9 ]+)-----/g;
  for (let m = begin.exec(text); m; m = begin.exec(text)) {
    const label = m[1];
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, begin.lastIndex);
    if (end < 0) return new Error(`${what}: the PEM block "${label}" has no END line`);
    const body = text.slice(begin.lastIndex, end);
    // RFC 1421 headers (Proc-Type: 4,ENCRYPTED …) mean an old-style encrypted key.
    if (/^\s*[A-Za-z-]+:/m.test(body)) {
      return new Error(`${what}: PEM headers (an old-style encrypted key) are not supported; convert it with openssl pkcs8 -topk8 -nocrypt`);
    }
    const bytes = fromBase64(body);
    if (bytes instanceof Error) return new Error(`${what}: the PEM block "${label}" is ${bytes.message}`);
    out.push({ label, bytes });
    begin.lastIndex = end + endMarker.length;
  }
  return out;
}

/** The one block of `text` whose label is among `labels`; an Error naming what was found instead. */
function findBlock(text: string, labels: readonly string[], what: string): PemBlock | Error {
  const blocks = pemBlocks(text, what);
  if (blocks instanceof Error) return blocks;
  const found = blocks.filter((b) => labels.includes(b.label));
  if (found.length === 1) return found[0];
  if (found.length > 1) return new Error(`${what}: more than one key in the file`);
  const seen = blocks.map((b) => b.label);
  return new Error(`${what}: no ${labels.join(' or ')} PEM block${seen.length ? ` (found ${seen.join(', ')})` : ' (not a PEM file)'}`);
}

/** An AlgorithmIdentifier: its algorithm OID and, for EC keys, the curve's. */
function algorithmOf(alg: Tlv, what: string): { algorithm: string; curve?: string } | Error {
  if (alg.tag !== Tag.SEQUENCE) return new Error(`${what}: malformed DER (no AlgorithmIdentifier)`);
  const parts = readAll(alg.content, what);
  if (parts instanceof Error) return parts;
  if (parts.length === 0 || parts[0].tag !== Tag.OID) return new Error(`${what}: malformed DER (no algorithm OID)`);
  const algorithm = oidText(parts[0].content);
  const curve = parts[1]?.tag === Tag.OID ? oidText(parts[1].content) : undefined;
  return { algorithm, curve };
}

/** Refuse anything but an ECDSA P-256 key, naming what it is. */
function checkP256(a: { algorithm: string; curve?: string }, what: string): Error | undefined {
  if (a.algorithm !== EC_PUBLIC_KEY) return new Error(`${what}: ${named(a.algorithm)} keys are not supported (only ECDSA P-256, as cosign makes)`);
  if (a.curve !== P256) return new Error(`${what}: an EC key on ${a.curve ? named(a.curve) : 'an unnamed curve'}; only P-256 is supported`);
  return undefined;
}

/** A P-256 public key from PEM text (`PUBLIC KEY`), for verifying. */
export async function importPublicKey(text: string, what = 'public key'): Promise<CryptoKey> {
  const block = findBlock(text, ['PUBLIC KEY'], what);
  if (block instanceof Error) throw block;
  return importSpki(block.bytes, what);
}

/** A P-256 public key from SubjectPublicKeyInfo DER. */
export async function importSpki(der: Uint8Array, what = 'public key'): Promise<CryptoKey> {
  const spki = readOnly(der, Tag.SEQUENCE, what);
  if (spki instanceof Error) throw spki;
  const parts = readAll(spki.content, what);
  if (parts instanceof Error) throw parts;
  if (parts.length !== 2 || parts[1].tag !== Tag.BIT_STRING) throw new Error(`${what}: malformed DER (not a SubjectPublicKeyInfo)`);
  const alg = algorithmOf(parts[0], what);
  if (alg instanceof Error) throw alg;
  const refused = checkP256(alg, what);
  if (refused) throw refused;
  try {
    return await crypto.subtle.importKey('spki', own(der), EC_P256, false, ['verify']);
  } catch (e) {
    throw new Error(`${what}: not a valid P-256 public key (${(e as Error).message})`, { cause: e });
  }
}

/**
 * A P-256 private key from PEM text, for signing. `passphrase` is asked only
 * for a cosign encrypted key (COSIGN_PASSWORD or a prompt, the host decides).
 */
export async function importPrivateKey(text: string, passphrase: () => Promise<string>, what = 'private key'): Promise<CryptoKey> {
  const block = findBlock(text, ['PRIVATE KEY', 'EC PRIVATE KEY', ...COSIGN_KEY_BLOCKS, 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY'], what);
  if (block instanceof Error) throw block;
  let pkcs8: Uint8Array;
  switch (block.label) {
    case 'PRIVATE KEY':
      pkcs8 = block.bytes;
      break;
    case 'EC PRIVATE KEY': {
      const wrapped = sec1ToPkcs8(block.bytes, what);
      if (wrapped instanceof Error) throw wrapped;
      pkcs8 = wrapped;
      break;
    }
    case 'ENCRYPTED PRIVATE KEY':
      throw new Error(`${what}: a password-protected PKCS#8 key is not supported; decrypt it with openssl pkcs8 -in KEY -out PLAIN, or use a cosign key`);
    case 'RSA PRIVATE KEY':
      throw new Error(`${what}: RSA keys are not supported (only ECDSA P-256, as cosign makes)`);
    default: {
      const plain = await decryptCosignKey(block.bytes, await passphrase(), what);
      if (plain instanceof Error) throw plain;
      pkcs8 = plain;
    }
  }
  return importPkcs8(pkcs8, what);
}

/** A P-256 private key from PKCS#8 DER, its algorithm checked first. */
async function importPkcs8(der: Uint8Array, what: string): Promise<CryptoKey> {
  const info = readOnly(der, Tag.SEQUENCE, what);
  if (info instanceof Error) throw info;
  const parts = readAll(info.content, what);
  if (parts instanceof Error) throw parts;
  if (parts.length < 3 || parts[0].tag !== Tag.INTEGER || parts[2].tag !== Tag.OCTET_STRING) {
    throw new Error(`${what}: malformed DER (not a PKCS#8 PrivateKeyInfo)`);
  }
  const alg = algorithmOf(parts[1], what);
  if (alg instanceof Error) throw alg;
  const refused = checkP256(alg, what);
  if (refused) throw refused;
  try {
    return await crypto.subtle.importKey('pkcs8', own(der), EC_P256, false, ['sign']);
  } catch (e) {
    throw new Error(`${what}: not a valid P-256 private key (${(e as Error).message})`, { cause: e });
  }
}

/**
 * SEC1's ECPrivateKey (`EC PRIVATE KEY`) as PKCS#8: PrivateKeyInfo { version 0,
 * AlgorithmIdentifier { id-ecPublicKey, prime256v1 }, OCTET STRING { the
 * ECPrivateKey as it is } }. Its curve, when it names one, must be P-256.
 */
export function sec1ToPkcs8(sec1: Uint8Array, what = 'EC private key'): Uint8Array<ArrayBuffer> | Error {
  const key = readOnly(sec1, Tag.SEQUENCE, what);
  if (key instanceof Error) return key;
  const parts = readAll(key.content, what);
  if (parts instanceof Error) return parts;
  if (parts.length < 2 || parts[0].tag !== Tag.INTEGER || parts[0].content[0] !== 1 || parts[1].tag !== Tag.OCTET_STRING) {
    return new Error(`${what}: malformed DER (not a SEC1 ECPrivateKey, version 1)`);
  }
  const params = parts.find((p) => p.tag === Tag.CONTEXT_0);
  if (params) {
    const oid = readOnly(params.content, Tag.OID, what);
    if (oid instanceof Error) return new Error(`${what}: explicit curve parameters are not supported (only the named curve P-256)`);
    if (oidText(oid.content) !== P256) return new Error(`${what}: an EC key on ${named(oidText(oid.content))}; only P-256 is supported`);
  }
  if (parts[1].content.length !== 32) return new Error(`${what}: a private key of ${parts[1].content.length} bytes is not a P-256 key`);
  return tlv(Tag.SEQUENCE, new Uint8Array([Tag.INTEGER, 1, 0]), tlv(Tag.SEQUENCE, OID_EC_PUBLIC_KEY, OID_P256), tlv(Tag.OCTET_STRING, sec1));
}
