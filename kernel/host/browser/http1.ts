// HTTP/1.1 messages on a byte stream, both ways: the page's bridge writes a
// request into a guest's connection and reads the guest's response back
// (bridge.ts); the page's way out reads a guest's request and writes the
// answer of the browser's fetch back (outbound.ts). A head is a start line
// and header fields, kept as byte strings (latin-1: what a Headers object
// holds); a body is framed by the head: none (HEAD, 1xx, 204, 304), chunked,
// a Content-Length, or — a response only — everything up to the connection's
// end. The reader pulls bytes from the connection as it needs them and hands
// a body over in the pieces it arrives in, so a streamed answer streams.
// Errors in what a peer sent are HttpError, worded for the 502 page.
// Spec: RFC 9112 (HTTP/1.1: §2.2 message parsing, §4 status line, §5 field
// syntax, §6.3 message body length, §7.1 chunked coding), RFC 9110 §5.6.2 (tokens).
import { concatBytes } from '../../lib/bytes.js';

/** What the reader pulls bytes from (a HostConnection, kernel/net/hostconn.ts): null at the end. */
export interface ByteSource {
  read(): Promise<Uint8Array | null>;
}

export type HeaderList = Array<[string, string]>;

export interface ResponseHead {
  version: string;
  status: number;
  reason: string;
  headers: HeaderList;
}

export interface RequestHead {
  version: string;
  method: string;
  target: string;
  headers: HeaderList;
}

/** Something a peer sent that is not HTTP/1.1 as RFC 9112 has it, or a message cut short. */
export class HttpError extends Error {}

/** The largest head (start line and fields) read; a larger one is an error, not a memory sink. */
export const MAX_HEAD = 64 * 1024;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const CRLF = '\r\n';

/** The value of header `name` (case-insensitive), several joined with ", "; undefined if absent. */
export function header(headers: HeaderList, name: string): string | undefined {
  const lower = name.toLowerCase();
  const values = headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
  return values.length > 0 ? values.join(', ') : undefined;
}

/** A head as bytes: its start line, fields, and the empty line. Values must be byte strings. */
function encodeHead(startLine: string, headers: HeaderList): Uint8Array {
  let text = startLine + CRLF;
  for (const [name, value] of headers) {
    if (!TOKEN.test(name)) throw new HttpError(`not a header name: ${JSON.stringify(name)}`);
    if (/[\r\n\0]/.test(value)) throw new HttpError(`header ${name}: a value may not hold CR, LF or NUL`);
    text += `${name}: ${value}${CRLF}`;
  }
  return latin1(text + CRLF);
}

export function encodeRequestHead(head: Omit<RequestHead, 'version'>): Uint8Array {
  if (!TOKEN.test(head.method)) throw new HttpError(`not a method: ${JSON.stringify(head.method)}`);
  if (!/^[\x21-\x7e]+$/.test(head.target)) throw new HttpError(`not a request target: ${JSON.stringify(head.target)}`);
  return encodeHead(`${head.method} ${head.target} HTTP/1.1`, head.headers);
}

export function encodeResponseHead(head: Omit<ResponseHead, 'version'>): Uint8Array {
  if (!Number.isInteger(head.status) || head.status < 100 || head.status > 999) throw new HttpError(`not a status: ${head.status}`);
  return encodeHead(`HTTP/1.1 ${head.status} ${head.reason.replace(/[\r\n]/g, ' ')}`, head.headers);
}

/** One chunk of a chunked body (an empty `bytes` would end it: use LAST_CHUNK for that). */
export function encodeChunk(bytes: Uint8Array): Uint8Array {
  const size = latin1(`${bytes.length.toString(16)}${CRLF}`);
  const out = new Uint8Array(size.length + bytes.length + 2);
  out.set(size);
  out.set(bytes, size.length);
  out.set([13, 10], size.length + bytes.length);
  return out;
}

/** The end of a chunked body: the zero-size chunk, no trailers. */
export const LAST_CHUNK = latin1(`0${CRLF}${CRLF}`);

type Framing = { kind: 'none' } | { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' };

/**
 * Reads one message after another from a connection: a head, then its body
 * in pieces (nextBody() until null). One reader per connection: it keeps the
 * bytes it read past the current message for the next.
 */
export class HttpReader {
  private buf: Uint8Array = new Uint8Array(0);
  private eof = false;
  private framing: Framing = { kind: 'none' };
  /** Chunked: bytes left of the current chunk; 0 between chunks; -1 after the last one. */
  private chunkLeft = 0;

  constructor(private readonly source: ByteSource) {}

  /**
   * The next response's head, past any 1xx interim ones (100 Continue…);
   * `method` is the request's (a HEAD's answer has no body).
   */
  async readResponseHead(method: string): Promise<ResponseHead> {
    for (;;) {
      const lines = await this.readHeadLines('response');
      if (lines === null) throw new HttpError('the connection closed before a response');
      const m = /^(HTTP\/1\.[01]) (\d{3})(?: (.*))?$/.exec(lines[0]);
      if (!m) throw new HttpError(`not an HTTP/1.1 status line: ${JSON.stringify(lines[0].slice(0, 80))}`);
      const status = Number(m[2]);
      const head: ResponseHead = { version: m[1], status, reason: m[3] ?? '', headers: parseFields(lines.slice(1)) };
      if (status === 101) throw new HttpError('the server switched protocols (101): upgrades are not supported');
      if (status < 200) continue;
      this.frame(responseFraming(head, method));
      return head;
    }
  }

  /** The next request's head; null when the connection ends cleanly before one. */
  async readRequestHead(): Promise<RequestHead | null> {
    const lines = await this.readHeadLines('request');
    if (lines === null) return null;
    const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) (HTTP\/1\.[01])$/.exec(lines[0]);
    if (!m) throw new HttpError(`not an HTTP/1.1 request line: ${JSON.stringify(lines[0].slice(0, 80))}`);
    const head: RequestHead = { method: m[1], target: m[2], version: m[3], headers: parseFields(lines.slice(1), true) };
    this.frame(requestFraming(head));
    return head;
  }

  private frame(f: Framing): void {
    this.framing = f;
    this.chunkLeft = 0;
  }

  /** Whether the current message has no body bytes at all (HEAD, 204, 304, a length of 0, a request without a length). */
  bodyless(): boolean {
    return this.framing.kind === 'none' || (this.framing.kind === 'length' && this.framing.left === 0);
  }

  /** The next piece of the current message's body; null once it is all read. */
  async nextBody(): Promise<Uint8Array | null> {
    const f = this.framing;
    switch (f.kind) {
      case 'none':
        return null;
      case 'close': {
        const piece = await this.take(Infinity);
        if (piece === null) this.framing = { kind: 'none' };
        return piece;
      }
      case 'length': {
        if (f.left === 0) {
          this.framing = { kind: 'none' };
          return null;
        }
        const piece = await this.take(f.left);
        if (piece === null) throw new HttpError(`the body ended ${f.left} bytes short of its Content-Length`);
        f.left -= piece.length;
        return piece;
      }
      case 'chunked':
        return this.nextChunkPiece();
    }
  }

  /** Read the rest of the current body (and drop it). */
  async skipBody(): Promise<void> {
    while ((await this.nextBody()) !== null);
  }

  private async nextChunkPiece(): Promise<Uint8Array | null> {
    if (this.chunkLeft === 0) {
      const line = await this.readLine(MAX_HEAD);
      if (line === null) throw new HttpError('the chunked body ended before its last chunk');
      const m = /^([0-9A-Fa-f]{1,8})[ \t]*(;.*)?$/.exec(line);
      if (!m) throw new HttpError(`not a chunk size: ${JSON.stringify(line.slice(0, 40))}`);
      this.chunkLeft = parseInt(m[1], 16);
      if (this.chunkLeft === 0) {
        // The trailer section (dropped), up to its empty line.
        for (;;) {
          const t = await this.readLine(MAX_HEAD);
          if (t === null) throw new HttpError('the chunked body ended inside its trailers');
          if (t === '') break;
        }
        this.framing = { kind: 'none' };
        return null;
      }
    }
    const piece = await this.take(this.chunkLeft);
    if (piece === null) throw new HttpError('the chunked body ended inside a chunk');
    this.chunkLeft -= piece.length;
    if (this.chunkLeft === 0) await this.chunkEnd();
    return piece;
  }

  /** The CRLF (or bare LF) after a chunk's data. */
  private async chunkEnd(): Promise<void> {
    while (this.buf.length < 2 && !(this.buf.length === 1 && this.buf[0] === 10)) {
      if (!(await this.fill())) throw new HttpError('the chunked body ended after a chunk');
    }
    const n = this.buf[0] === 10 ? 1 : this.buf[0] === 13 && this.buf[1] === 10 ? 2 : 0;
    if (n === 0) throw new HttpError('a chunk is not followed by CRLF');
    this.buf = this.buf.subarray(n);
  }

  /** The head's lines, without the empty one; null when the connection ends before any byte of it. */
  private async readHeadLines(what: string): Promise<string[] | null> {
    const lines: string[] = [];
    let size = 0;
    for (;;) {
      const line = await this.readLine(MAX_HEAD - size);
      if (line === null) {
        if (lines.length === 0 && size === 0) return null;
        throw new HttpError(`the connection closed inside the ${what} head`);
      }
      size += line.length + 2;
      // Empty lines before a request line are to be ignored (RFC 9112 §2.2).
      if (line === '' && lines.length === 0 && what === 'request') continue;
      if (line === '') return lines;
      lines.push(line);
    }
  }

  /** One line (CRLF or a bare LF ends it), as latin-1; null at the end of the stream before any byte of it. */
  private async readLine(max: number): Promise<string | null> {
    let from = 0;
    for (;;) {
      const nl = this.buf.indexOf(10, from);
      if (nl >= 0) {
        const end = nl > 0 && this.buf[nl - 1] === 13 ? nl - 1 : nl;
        if (end > max) throw new HttpError(`a line longer than ${max} bytes`);
        const line = fromLatin1(this.buf.subarray(0, end));
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      if (this.buf.length > max) throw new HttpError(`a line longer than ${max} bytes (a head may have ${MAX_HEAD})`);
      from = this.buf.length;
      if (!(await this.fill())) {
        if (this.buf.length === 0) return null;
        throw new HttpError('the connection closed in the middle of a line');
      }
    }
  }

  /** Up to `max` bytes, as soon as there are any; null at the end of the stream. */
  private async take(max: number): Promise<Uint8Array | null> {
    if (this.buf.length === 0 && !(await this.fill())) return null;
    const n = Math.min(max, this.buf.length);
    const piece = this.buf.slice(0, n);
    this.buf = this.buf.subarray(n);
    return piece;
  }

  /** More bytes into the buffer; false at the end of the stream. */
  private async fill(): Promise<boolean> {
    if (this.eof) return false;
    const bytes = await this.source.read();
    if (bytes === null) {
      this.eof = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? bytes : concatBytes([this.buf, bytes]);
    return true;
  }
}

/**
 * Field lines as [name, value]; an obsolete line folding (a line starting with
 * a space) continues the previous value in a response (RFC 9112 §5.2) and is
 * refused in a request.
 */
function parseFields(lines: string[], request = false): HeaderList {
  const out: HeaderList = [];
  for (const line of lines) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (request || out.length === 0) throw new HttpError('a folded header line');
      out[out.length - 1][1] = `${out[out.length - 1][1]} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw new HttpError(`not a header line: ${JSON.stringify(line.slice(0, 80))}`);
    out.push([name, line.slice(colon + 1).trim()]);
  }
  return out;
}

/** Transfer-Encoding chunked (the last coding), or a Content-Length, or null for neither; an error for a bad one. */
function bodyFraming(headers: HeaderList): Framing | null {
  const te = header(headers, 'transfer-encoding');
  if (te !== undefined) {
    const codings = te.split(',').map((c) => c.trim().toLowerCase()).filter(Boolean);
    if (codings.at(-1) !== 'chunked') throw new HttpError(`a transfer coding other than chunked last: ${te}`);
    if (codings.length > 1) throw new HttpError(`transfer codings other than chunked are not supported: ${te}`);
    return { kind: 'chunked' };
  }
  const cl = header(headers, 'content-length');
  if (cl === undefined) return null;
  const values = new Set(cl.split(',').map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || !/^\d{1,15}$/.test(only)) throw new HttpError(`not a Content-Length: ${cl}`);
  return { kind: 'length', left: Number(only) };
}

function responseFraming(head: ResponseHead, method: string): Framing {
  if (method.toUpperCase() === 'HEAD' || head.status === 204 || head.status === 304) return { kind: 'none' };
  return bodyFraming(head.headers) ?? { kind: 'close' };
}

function requestFraming(head: RequestHead): Framing {
  return bodyFraming(head.headers) ?? { kind: 'none' };
}

function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

function fromLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}
