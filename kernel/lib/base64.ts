// Base64 (RFC 4648 §4, the standard alphabet with `=` padding), both ways, for
// the core, which has neither Buffer nor a typed atob/btoa: Basic credentials
// (image/auth.ts), PEM bodies and the signatures and key files of cosign
// (image/keys.ts, image/cosign.ts), keyData in a policy (policy/).
// Decoding is strict: white space is skipped (PEM wraps its lines), anything
// else outside the alphabet, or padding in the wrong place, is an error.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) VALUE[B64.charCodeAt(i)] = i;

/** Standard base64 of some bytes. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return out;
}

/** The bytes of standard base64 `text` (white space ignored), or an Error saying what is wrong with it. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | Error {
  const s = text.replace(/[\t\n\r ]/g, '');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  if (s.length % 4 !== 0) return new Error('not base64 (its length is not a multiple of 4)');
  const body = s.length - pad;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let acc = 0;
  let o = 0;
  for (let i = 0; i < body; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? VALUE[c] : -1;
    if (v < 0) return new Error(`not base64 (${JSON.stringify(s[i])} at ${i})`);
    acc = (acc << 6) | v;
    if (i % 4 === 3) {
      out[o++] = (acc >> 16) & 255;
      out[o++] = (acc >> 8) & 255;
      out[o++] = acc & 255;
      acc = 0;
    }
  }
  // The last, padded group: 2 characters give 1 byte, 3 give 2.
  const rest = body % 4;
  if (rest === 2) out[o] = (acc >> 4) & 255;
  else if (rest === 3) {
    out[o] = (acc >> 10) & 255;
    out[o + 1] = (acc >> 2) & 255;
  } else if (rest === 1) return new Error('not base64 (a lone character in the last group)');
  return out;
}
