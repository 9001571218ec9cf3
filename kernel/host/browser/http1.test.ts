// HTTP/1.1 messages (RFC 9112): heads and every body framing, read from
// connections that hand the bytes over in pieces of any size.
import { describe, expect, it } from 'vitest';
import {
  encodeChunk, encodeRequestHead, encodeResponseHead, header, HttpError, HttpReader, LAST_CHUNK, MAX_HEAD, type ByteSource,
} from './http1.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A connection that sends `text` in pieces of `size` bytes (every split point is tried by the callers), then ends. */
function source(text: string | Uint8Array, size = Infinity): ByteSource & { reads: number } {
  const bytes = typeof text === 'string' ? enc(text) : text;
  let at = 0;
  const s = {
    reads: 0,
    read: async (): Promise<Uint8Array | null> => {
      s.reads++;
      if (at >= bytes.length) return null;
      const piece = bytes.slice(at, Math.min(bytes.length, at + size));
      at += piece.length;
      return piece;
    },
  };
  return s;
}

async function body(r: HttpReader): Promise<string> {
  const parts: Uint8Array[] = [];
  for (let p = await r.nextBody(); p !== null; p = await r.nextBody()) parts.push(p);
  return dec(Uint8Array.from(parts.flatMap((p) => [...p])));
}

describe('reading an HTTP/1.1 response', () => {
  it('reads a head and a Content-Length body, whatever pieces the bytes come in', async () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nX-Two: a\r\nx-two: b\r\n\r\nhello world';
    for (const size of [1, 2, 3, 7, 16, Infinity]) {
      const r = new HttpReader(source(text, size));
      const head = await r.readResponseHead('GET');
      expect(head).toEqual({
        version: 'HTTP/1.1', status: 200, reason: 'OK',
        headers: [['Content-Type', 'text/plain'], ['Content-Length', '11'], ['X-Two', 'a'], ['x-two', 'b']],
      });
      expect(header(head.headers, 'x-TWO')).toBe('a, b');
      expect(await body(r)).toBe('hello world');
    }
  });

  it('decodes a chunked body, with chunk extensions and trailers, in any pieces', async () => {
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=x\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n';
    for (const size of [1, 4, 9, Infinity]) {
      const r = new HttpReader(source(text, size));
      await r.readResponseHead('GET');
      expect(await body(r)).toBe('hello 0123456789');
    }
  });

  it('hands a streamed body over in the pieces it arrives in, before the rest has come', async () => {
    const pieces = [enc('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\none\r\n'), enc('3\r\ntwo\r\n0\r\n\r\n')];
    let sent = 0;
    const r = new HttpReader({ read: async () => pieces[sent++] ?? null });
    await r.readResponseHead('GET');
    expect(dec((await r.nextBody())!)).toBe('one');
    expect(sent).toBe(1);
    expect(dec((await r.nextBody())!)).toBe('two');
    expect(await r.nextBody()).toBeNull();
  });

  it('reads a body without a length up to the end of the connection', async () => {
    const r = new HttpReader(source('HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<p>all of it</p>', 5));
    expect((await r.readResponseHead('GET')).version).toBe('HTTP/1.0');
    expect(await body(r)).toBe('<p>all of it</p>');
  });

  it('reads no body for HEAD, 204 and 304, whatever Content-Length says', async () => {
    const cases: Array<[string, string]> = [
      ['HEAD', 'HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n'],
      ['GET', 'HTTP/1.1 204 No Content\r\n\r\n'],
      ['GET', 'HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n'],
    ];
    for (const [method, text] of cases) {
      const r = new HttpReader(source(`${text}HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext`));
      await r.readResponseHead(method);
      expect(await r.nextBody()).toBeNull();
      // The next message starts right after: nothing was swallowed.
      expect((await r.readResponseHead('GET')).status).toBe(200);
      expect(await body(r)).toBe('next');
    }
  });

  it('skips 1xx interim responses to the final one', async () => {
    const r = new HttpReader(source('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok'));
    const head = await r.readResponseHead('POST');
    expect([head.status, head.reason]).toEqual([201, 'Created']);
    expect(await body(r)).toBe('ok');
  });

  it('accepts bare LF line ends, an empty reason and a folded header line', async () => {
    const r = new HttpReader(source('HTTP/1.1 404\nX-Long: one\n  two\nContent-Length: 0\n\n'));
    const head = await r.readResponseHead('GET');
    expect([head.status, head.reason]).toEqual([404, '']);
    expect(header(head.headers, 'x-long')).toBe('one two');
  });

  it('keeps header values as byte strings (latin-1)', async () => {
    const bytes = Uint8Array.from([...enc('HTTP/1.1 200 OK\r\nX-Name: caf'), 0xe9, ...enc('\r\nContent-Length: 0\r\n\r\n')]);
    const head = await new HttpReader(source(bytes)).readResponseHead('GET');
    expect(header(head.headers, 'x-name')).toBe('caf\u00e9');
  });

  it('fails with a clear error when the connection closes before a response, or inside its head', async () => {
    await expect(new HttpReader(source('')).readResponseHead('GET')).rejects.toThrow(new HttpError('the connection closed before a response'));
    await expect(new HttpReader(source('HTTP/1.1 200 OK\r\nContent-')).readResponseHead('GET')).rejects.toThrow('the connection closed in the middle of a line');
    await expect(new HttpReader(source('HTTP/1.1 200 OK\r\nA: b\r\n')).readResponseHead('GET')).rejects.toThrow('the connection closed inside the response head');
  });

  it('fails when a body is cut short: a Content-Length not reached, a chunked body without its last chunk', async () => {
    const short = new HttpReader(source('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    await short.readResponseHead('GET');
    expect(dec((await short.nextBody())!)).toBe('abc');
    await expect(short.nextBody()).rejects.toThrow('the body ended 7 bytes short of its Content-Length');
    const chunked = new HttpReader(source('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel'));
    await chunked.readResponseHead('GET');
    await expect(body(chunked)).rejects.toThrow('the chunked body ended inside a chunk');
    const noLast = new HttpReader(source('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n'));
    await noLast.readResponseHead('GET');
    await expect(body(noLast)).rejects.toThrow('the chunked body ended before its last chunk');
  });

  it('refuses what is not HTTP/1.1: another protocol, a bad field, a bad length, chunk or coding, an upgrade', async () => {
    const bad: Array<[string, string]> = [
      ['SSH-2.0-OpenSSH_9.2\r\n\r\n', 'not an HTTP/1.1 status line: "SSH-2.0-OpenSSH_9.2"'],
      ['HTTP/2 200\r\n\r\n', 'not an HTTP/1.1 status line'],
      ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', 'not a header line: "no colon here"'],
      ['HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n', 'not a header line'],
      ['HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n', 'not a Content-Length: 3, 4'],
      ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'not a Content-Length: -1'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', 'a transfer coding other than chunked last: gzip'],
      ['HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', 'upgrades are not supported'],
    ];
    for (const [text, why] of bad) await expect(new HttpReader(source(text)).readResponseHead('GET')).rejects.toThrow(why);
    const chunk = new HttpReader(source('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'));
    await chunk.readResponseHead('GET');
    await expect(chunk.nextBody()).rejects.toThrow('not a chunk size: "zz"');
    const noCrlf = new HttpReader(source('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiXX0\r\n\r\n'));
    await noCrlf.readResponseHead('GET');
    await expect(body(noCrlf)).rejects.toThrow('a chunk is not followed by CRLF');
  });

  it('gives up on a head larger than MAX_HEAD instead of buffering it', async () => {
    const huge = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(MAX_HEAD)}\r\n\r\n`;
    const s = source(huge, 4096);
    await expect(new HttpReader(s).readResponseHead('GET')).rejects.toThrow(/a line longer than/);
    expect(s.reads).toBeLessThan(MAX_HEAD / 4096 + 3);
  });

  it('lets Transfer-Encoding win over Content-Length', async () => {
    const r = new HttpReader(source('HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'));
    await r.readResponseHead('GET');
    expect(await body(r)).toBe('ok');
  });
});

describe('reading an HTTP/1.1 request', () => {
  it('reads request heads and their bodies one after another (keep-alive), skipping empty lines before one', async () => {
    const text = '\r\nGET /a?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcPUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n';
    for (const size of [1, 5, Infinity]) {
      const r = new HttpReader(source(text, size));
      expect(await r.readRequestHead()).toEqual({ method: 'GET', target: '/a?x=1', version: 'HTTP/1.1', headers: [['Host', 'example.com']] });
      expect(await r.nextBody()).toBeNull();
      expect((await r.readRequestHead())?.method).toBe('POST');
      expect(await body(r)).toBe('abc');
      expect((await r.readRequestHead())?.target).toBe('/c');
      expect(await body(r)).toBe('z');
      expect(await r.readRequestHead()).toBeNull();
    }
  });

  it('refuses a folded header line and a malformed request line', async () => {
    await expect(new HttpReader(source('GET / HTTP/1.1\r\nA: 1\r\n 2\r\n\r\n')).readRequestHead()).rejects.toThrow('a folded header line');
    await expect(new HttpReader(source('GET /\r\n\r\n')).readRequestHead()).rejects.toThrow('not an HTTP/1.1 request line: "GET /"');
  });
});

describe('writing HTTP/1.1', () => {
  it('writes a request head and a response head that the reader reads back', async () => {
    const req = encodeRequestHead({ method: 'POST', target: '/x?y=1', headers: [['Host', 'localhost:8080'], ['Content-Length', '2']] });
    expect(dec(req)).toBe('POST /x?y=1 HTTP/1.1\r\nHost: localhost:8080\r\nContent-Length: 2\r\n\r\n');
    const res = Uint8Array.from([...encodeResponseHead({ status: 200, reason: 'OK', headers: [['Transfer-Encoding', 'chunked']] }), ...encodeChunk(enc('hi')), ...LAST_CHUNK]);
    const r = new HttpReader(source(res, 3));
    expect((await r.readResponseHead('GET')).status).toBe(200);
    expect(await body(r)).toBe('hi');
  });

  it('refuses a header value that would split the message, and a bad method or target', () => {
    expect(() => encodeRequestHead({ method: 'GET', target: '/', headers: [['X', 'a\r\nEvil: 1']] })).toThrow('header X: a value may not hold CR, LF or NUL');
    expect(() => encodeRequestHead({ method: 'GE T', target: '/', headers: [] })).toThrow('not a method');
    expect(() => encodeRequestHead({ method: 'GET', target: '/a b', headers: [] })).toThrow('not a request target');
    expect(() => encodeResponseHead({ status: 200, reason: 'OK', headers: [['Bad Name', 'x']] })).toThrow('not a header name');
  });
});
