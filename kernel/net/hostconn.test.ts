import { describe, expect, it } from 'vitest';
import { Errno, isErr } from '../abi/errno.js';
import { AddressFamily, SockType } from '../abi/socket.js';
import { PipeArena } from '../ipc/pipe.js';
import type { Process } from '../proc/process.js';
import { LOOPBACK4 } from './address.js';
import { HostEnd } from './hostconn.js';
import { Network } from './network.js';
import { pump } from './pump.js';
import type { Socket } from './socket.js';

const nobody = {} as Process;
const enc = new TextEncoder();
const text = (b: Uint8Array | null): string | null => (b === null ? null : new TextDecoder().decode(b));

/** A guest listening on 127.0.0.1:port of a fresh network. */
function listening(port: number): { net: Network; server: Socket } {
  const net = new Network(new PipeArena(), { log: () => {} });
  const server = net.socket(AddressFamily.INET, SockType.STREAM, 0) as Socket;
  expect(server.bind(nobody, { family: AddressFamily.INET, ip: LOOPBACK4, port })).toBe(0);
  expect(server.listen(8)).toBe(0);
  return { net, server };
}

function accepted(server: Socket): Socket {
  const s = server.accept();
  if (isErr(s)) throw new Error(`accept: ${s.errno}`);
  return s;
}

describe('the host connection API (kernel.net)', () => {
  it('connects to a guest listener, which accepts it from 127.0.0.1', () => {
    const { net, server } = listening(8080);
    expect(net.listening()).toEqual([8080]);
    expect(net.connect(8081)).toBeNull();
    const conn = net.connect(8080);
    expect(conn).not.toBeNull();
    const guest = accepted(server);
    const peer = guest.peerName();
    expect(!isErr(peer) && peer.family === AddressFamily.INET && [...peer.ip]).toEqual([127, 0, 0, 1]);
  });

  it('carries bytes both ways, and the guest reads EOF after end()', async () => {
    const { net, server } = listening(80);
    const conn = net.connect(80)!;
    const guest = accepted(server);
    await conn.write(enc.encode('GET / HTTP/1.1\r\n\r\n'));
    expect(text(guest.read(100) as Uint8Array)).toBe('GET / HTTP/1.1\r\n\r\n');
    expect(guest.send(enc.encode('HTTP/1.1 200 OK\r\n'))).toBe(17);
    expect(text(await conn.read())).toBe('HTTP/1.1 200 OK\r\n');
    conn.end();
    await Promise.resolve();
    const eof = guest.read(100);
    expect(!isErr(eof) && eof.length).toBe(0);
    guest.release();
    expect(await conn.read()).toBeNull();
  });

  it('holds a write back until the guest takes the bytes (back-pressure)', async () => {
    const { net, server } = listening(81);
    const conn = net.connect(81)!;
    const guest = accepted(server);
    let taken = false;
    const w = conn.write(new Uint8Array(200 * 1024)).then(() => { taken = true; });
    await new Promise((r) => setTimeout(r, 10));
    expect(taken).toBe(false);
    let got = 0;
    while (got < 200 * 1024) {
      const d = guest.read(65536);
      if (isErr(d)) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      got += d.length;
    }
    await w;
    expect(taken).toBe(true);
  });

  it('reports a guest that closed with bytes unread as a reset, and refuses writes after it', async () => {
    const { net, server } = listening(82);
    const conn = net.connect(82)! as HostEnd;
    const guest = accepted(server);
    await conn.write(enc.encode('never read'));
    guest.release();
    expect(await conn.read()).toBeNull();
    expect(conn.reset).toBe(true);
    await expect(conn.write(enc.encode('more'))).rejects.toThrow(/EPIPE/);
  });

  it('resets the guest when close() leaves its bytes unread; ends it cleanly otherwise', async () => {
    const { net, server } = listening(83);
    const a = net.connect(83)!;
    const ga = accepted(server);
    ga.send(enc.encode('unread by the host'));
    a.close();
    const r = ga.read(10);
    expect(isErr(r) && r.errno).toBe(Errno.CONNRESET);
    const b = net.connect(83)!;
    const gb = accepted(server);
    b.close();
    const eof = gb.read(10);
    expect(!isErr(eof) && eof.length).toBe(0);
  });

  it('pumps one connection into another until both ends are done', async () => {
    const { net, server } = listening(84);
    const { net: net2, server: server2 } = listening(85);
    const done = pump(net.connect(84)!, net2.connect(85)!);
    const g1 = accepted(server), g2 = accepted(server2);
    g1.send(enc.encode('across'));
    g1.shutdown(false, true);
    let got = '';
    for (;;) {
      const d = g2.read(100);
      if (isErr(d)) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      if (d.length === 0) break;
      got += text(d);
    }
    expect(got).toBe('across');
    g2.shutdown(false, true);
    await done;
  });
});
