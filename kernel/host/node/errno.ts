// Host (Linux) error codes as Node reports them, mapped to WASI errnos.
import { Errno } from '../../abi/errno.js';

const map: Record<string, Errno> = {
  E2BIG: Errno.TOOBIG, EACCES: Errno.ACCES, EAGAIN: Errno.AGAIN, EBADF: Errno.BADF,
  EBUSY: Errno.BUSY, EEXIST: Errno.EXIST, EFAULT: Errno.FAULT, EFBIG: Errno.FBIG,
  EINTR: Errno.INTR, EINVAL: Errno.INVAL, EIO: Errno.IO, EISDIR: Errno.ISDIR,
  ELOOP: Errno.LOOP, EMFILE: Errno.MFILE, EMLINK: Errno.MLINK, ENAMETOOLONG: Errno.NAMETOOLONG,
  ENFILE: Errno.NFILE, ENODEV: Errno.NODEV, ENOENT: Errno.NOENT, ENOMEM: Errno.NOMEM,
  ENOSPC: Errno.NOSPC, ENOSYS: Errno.NOSYS, ENOTDIR: Errno.NOTDIR, ENOTEMPTY: Errno.NOTEMPTY,
  ENOTSUP: Errno.NOTSUP, EOPNOTSUPP: Errno.NOTSUP, ENXIO: Errno.NXIO, EPERM: Errno.PERM,
  EPIPE: Errno.PIPE, EROFS: Errno.ROFS, ESPIPE: Errno.SPIPE, ETXTBSY: Errno.TXTBSY,
  EXDEV: Errno.XDEV, EDQUOT: Errno.DQUOT, EOVERFLOW: Errno.OVERFLOW,
};

/** The errno for an exception thrown by node:fs (EIO for anything unexpected). */
export function hostErrno(e: unknown): Errno {
  const code = (e as { code?: unknown }).code;
  return (typeof code === 'string' && map[code]) || Errno.IO;
}
