// Host file names are bytes; the kernel's names are strings that reach the
// guest as UTF-8. A host name that is valid UTF-8 is used as it is. Each byte
// of a host name that is not part of a valid UTF-8 sequence appears to the
// guest as the private-use character U+EF80 + (byte − 0x80) — the "OPTU-8"
// mapping, which needs no escape character — and a guest name with such
// characters names those bytes again on the host. So `ls` lists a file named
// "caf\xe9" (Latin-1) as "caf\u{EFE9}", and opening that name opens the file.
// A host name that really contains U+EF80..U+EFFF is shown as it is but
// cannot be opened through this mapping (README, "What a program can reach").

const PUA = 0xef80;

/** The kernel's name for a host name given as bytes. */
export function fromHostName(raw: Buffer): string {
  const s = raw.toString('utf8');
  // Fast path: the bytes were valid UTF-8 (the decoder replaced nothing).
  if (!s.includes('\ufffd') || Buffer.from(s, 'utf8').equals(raw)) return s;
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const n = utf8Length(raw, i);
    if (n === 0) {
      out += String.fromCharCode(PUA + raw[i] - 0x80);
      i++;
    } else {
      out += raw.toString('utf8', i, i + n);
      i += n;
    }
  }
  return out;
}

/** The host bytes for a kernel name: a string when no byte needs mapping back. */
export function toHostName(name: string): string | Buffer {
  if (!/[\uef80-\uefff]/.test(name)) return name;
  const parts: Buffer[] = [];
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    parts.push(c >= PUA && c <= PUA + 0x7f ? Buffer.from([c - PUA + 0x80]) : Buffer.from(ch, 'utf8'));
  }
  return Buffer.concat(parts);
}

/** The length of the valid UTF-8 sequence at raw[i], or 0 if there is none (RFC 3629). */
function utf8Length(raw: Buffer, i: number): number {
  const b = raw[i];
  if (b < 0x80) return 1;
  let n: number, min: number;
  if (b >= 0xc2 && b <= 0xdf) [n, min] = [2, 0x80];
  else if (b >= 0xe0 && b <= 0xef) [n, min] = [3, 0x800];
  else if (b >= 0xf0 && b <= 0xf4) [n, min] = [4, 0x10000];
  else return 0;
  if (i + n > raw.length) return 0;
  let cp = b & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const c = raw[i + k];
    if ((c & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (c & 0x3f);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are not valid.
  if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return 0;
  return n;
}
