// AF_UNIX names: where a path bound by a socket lives (a SocketInode in the
// file system, made by the directory: fs/socketnode.ts), and the abstract
// names (Linux's: no file, gone when the socket closes), which are a map of
// the kernel's network. Paths resolve as the calling process names files
// (its namespace, its working directory), so a container's sockets are its
// own. bind(2) with no name picks an abstract one (Linux's autobind).
// Spec: Linux unix(7) ("Address format", "Autobind feature"); POSIX bind(2)
// EADDRINUSE, connect(2) ECONNREFUSED, EPROTOTYPE.
import { Errno, err, isErr, type Err } from '../abi/errno.js';
import type { Filetype } from '../abi/wasi.js';
import { resolveAbsolute } from '../fs/path.js';
import { SocketInode } from '../fs/socketnode.js';
import type { Process } from '../proc/process.js';
import type { UnixAddr } from './address.js';
import type { Socket } from './socket.js';

export class UnixNames {
  private readonly abstractNames = new Map<string, Socket>();
  /** The name each bound socket holds, to let go when it closes. */
  private readonly held = new Map<Socket, { abstract: string } | { node: SocketInode }>();
  private autobind = 0;

  /** Bind `sock` (of `filetype`) to `addr`; the name it got (autobind fills one in), or the errno. */
  bind(p: Process, sock: Socket, addr: UnixAddr, filetype: Filetype.SOCKET_STREAM | Filetype.SOCKET_DGRAM): UnixAddr | Err {
    if (addr.abstract || addr.name === '') {
      let name = addr.name;
      if (!addr.abstract) {
        do name = (this.autobind++ & 0xfffff).toString(16).padStart(5, '0');
        while (this.abstractNames.has(name));
      } else if (this.abstractNames.has(name)) {
        return err(Errno.ADDRINUSE);
      }
      this.abstractNames.set(name, sock);
      this.held.set(sock, { abstract: name });
      return { family: addr.family, name, abstract: true };
    }
    const r = resolveAbsolute(p.ns, p.cwd, addr.name, false);
    if (isErr(r)) return r;
    if (r.node !== null) return err(Errno.ADDRINUSE);
    const node = r.parent.mksock(r.name, filetype);
    if (isErr(node)) return node;
    if (!(node instanceof SocketInode)) return err(Errno.NOTSUP);
    node.owner = sock;
    this.held.set(sock, { node });
    return addr;
  }

  /** The socket `addr` names for a connect or a datagram of `filetype`. */
  lookup(p: Process, addr: UnixAddr, filetype: Filetype): Socket | Err {
    if (addr.abstract) return this.abstractNames.get(addr.name) ?? err(Errno.CONNREFUSED);
    if (addr.name === '') return err(Errno.INVAL);
    const r = resolveAbsolute(p.ns, p.cwd, addr.name, true);
    if (isErr(r)) return r;
    if (r.node === null) return err(Errno.NOENT);
    if (!(r.node instanceof SocketInode) || r.node.owner === null) return err(Errno.CONNREFUSED);
    if (r.node.filetype !== filetype) return err(Errno.PROTOTYPE);
    return r.node.owner as Socket;
  }

  /** `sock` closed: its abstract name is free, its path leads nowhere. */
  unbind(sock: Socket): void {
    const h = this.held.get(sock);
    if (!h) return;
    this.held.delete(sock);
    if ('abstract' in h) this.abstractNames.delete(h.abstract);
    else if (h.node.owner === sock) h.node.owner = null;
  }

  /** Names held (for leak checks). */
  get size(): number {
    return this.held.size;
  }
}
