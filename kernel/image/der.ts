// DER, the ASN.1 encoding keys and ECDSA signatures come in: just enough of it
// to read and write the few structures signatures need — SubjectPublicKeyInfo
// and PKCS#8 (their algorithm OIDs, keys.ts), SEC1's ECPrivateKey wrapped into
// PKCS#8 (keys.ts) and ECDSA-Sig-Value (ecdsa.ts). A value is a TLV: one tag
// byte (no multi-byte tags are needed here), a definite length (short form or
// long form up to 4 bytes), the content. Anything else is an error, never an
// exception from reading past the end.
// Spec: ITU-T X.690 §8.1 (TLV), §8.3 (INTEGER), §8.19 (OBJECT IDENTIFIER), §10 (DER).

export const Tag = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  /** [0] and [1], constructed: ECPrivateKey's parameters and publicKey. */
  CONTEXT_0: 0xa0,
  CONTEXT_1: 0xa1,
} as const;

/** One DER value: its tag and content, inside the bytes it was read from. */
export interface Tlv {
  tag: number;
  content: Uint8Array;
  /** Offset just past the value. */
  end: number;
}

/** The value at `offset` of `bytes`, or an Error naming `what`. */
export function readTlv(bytes: Uint8Array, offset: number, what: string): Tlv | Error {
  const bad = (why: string): Error => new Error(`${what}: malformed DER (${why})`);
  if (offset + 2 > bytes.length) return bad('truncated');
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  let p = offset + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4) return bad('unsupported length form');
    if (p + n > bytes.length) return bad('truncated length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[p + i];
    p += n;
  }
  if (p + length > bytes.length) return bad('a value runs past the end');
  return { tag, content: bytes.subarray(p, p + length), end: p + length };
}

/** The values inside a constructed value's content (a SEQUENCE's members), in order. */
export function readAll(content: Uint8Array, what: string): Tlv[] | Error {
  const out: Tlv[] = [];
  for (let p = 0; p < content.length; ) {
    const v = readTlv(content, p, what);
    if (v instanceof Error) return v;
    out.push(v);
    p = v.end;
  }
  return out;
}

/** Read a whole buffer as one value of `tag`; trailing bytes are an error. */
export function readOnly(bytes: Uint8Array, tag: number, what: string): Tlv | Error {
  const v = readTlv(bytes, 0, what);
  if (v instanceof Error) return v;
  if (v.tag !== tag) return new Error(`${what}: malformed DER (tag 0x${v.tag.toString(16)}, want 0x${tag.toString(16)})`);
  if (v.end !== bytes.length) return new Error(`${what}: malformed DER (trailing bytes)`);
  return v;
}

/** An OBJECT IDENTIFIER's content in dotted form ("1.2.840.10045.3.1.7"). */
export function oidText(content: Uint8Array): string {
  if (content.length === 0) return '';
  const parts: number[] = [];
  let n = 0;
  for (const b of content) {
    n = n * 128 + (b & 0x7f);
    if (b & 0x80) continue;
    if (parts.length === 0) parts.push(Math.min(2, Math.floor(n / 40)), n - Math.min(2, Math.floor(n / 40)) * 40);
    else parts.push(n);
    n = 0;
  }
  return parts.join('.');
}

/** One value: tag, DER length, content. */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const size = content.reduce((s, c) => s + c.length, 0);
  const len = size < 0x80 ? [size] : size < 0x100 ? [0x81, size] : size < 0x10000 ? [0x82, size >> 8, size & 255] : [0x83, size >> 16, (size >> 8) & 255, size & 255];
  const out = new Uint8Array(1 + len.length + size);
  out[0] = tag;
  out.set(len, 1);
  let p = 1 + len.length;
  for (const c of content) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** An unsigned big-endian number as a DER INTEGER (minimal: no leading zeros, a 0x00 before a high bit). */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array<ArrayBuffer> {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return m[0] & 0x80 ? tlv(Tag.INTEGER, new Uint8Array([0]), m) : tlv(Tag.INTEGER, m);
}
