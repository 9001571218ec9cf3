// A socket's name in the file system: what bind(2) of an AF_UNIX stream or
// datagram socket to a path makes (kernel/net/unix.ts). It holds no data;
// connect(2) and sendto(2) find the socket through it while the socket is
// open. Once the socket closes the name stays, as on Linux, and leads
// nowhere (ECONNREFUSED) until it is unlinked. Opening it is ENXIO.
// Spec: Linux unix(7) ("Pathname sockets"); POSIX open(2) ENXIO.
import { Errno, err, type Err } from '../abi/errno.js';
import type { Filetype } from '../abi/wasi.js';
import type { OpenFile } from './file.js';
import { Inode, type Stat } from './inode.js';
import type { Meta } from './meta.js';

export class SocketInode extends Inode {
  /** The socket bound here while it is open (kernel/net/ keeps it); null once it closed. */
  owner: object | null = null;

  constructor(override readonly meta: Meta, readonly filetype: Filetype.SOCKET_STREAM | Filetype.SOCKET_DGRAM) {
    super();
  }

  stat(): Stat {
    return this.meta.stat(0n);
  }

  open(): OpenFile | Err {
    return err(Errno.NXIO);
  }
}
