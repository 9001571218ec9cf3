// The dispatch table: one handler per syscall in abi/syscalls.ts. The
// `satisfies` clause makes the compiler check that none is missing and that
// each handler takes exactly the arguments its declaration says.
import type { ArgTypes, SyscallName, syscalls } from '../abi/syscalls.js';
import * as fd from './fd.js';
import * as path from './path.js';
import { poll_oneoff, ppoll } from './poll.js';
import { container, image } from './image.js';
import { proc_exit, proc_raise } from './proc.js';
import * as sock from './sock.js';
import * as proc from './process.js';
import * as sig from './signal.js';
import * as fdops from './fdops.js';
import * as tty from './tty.js';
import * as mode from './mode.js';
import * as locks from './locks.js';
import { prlimit } from './limits.js';
import { statvfs } from './statfs.js';
import type { Result, Task } from './task.js';

export type Handler<N extends SyscallName> = (t: Task, ...args: ArgTypes<(typeof syscalls)[N]>) => Result;
export type SyscallTable = { [N in SyscallName]: Handler<N> };

export const table = {
  fd_advise: fd.fd_advise,
  fd_allocate: fd.fd_allocate,
  fd_close: fd.fd_close,
  fd_datasync: fd.fd_datasync,
  fd_fdstat_get: fd.fd_fdstat_get,
  fd_fdstat_set_flags: fd.fd_fdstat_set_flags,
  fd_fdstat_set_rights: fd.fd_fdstat_set_rights,
  fd_filestat_get: fd.fd_filestat_get,
  fd_filestat_set_size: fd.fd_filestat_set_size,
  fd_filestat_set_times: fd.fd_filestat_set_times,
  fd_pread: fd.fd_pread,
  fd_prestat_get: fd.fd_prestat_get,
  fd_prestat_dir_name: fd.fd_prestat_dir_name,
  fd_pwrite: fd.fd_pwrite,
  fd_read: fd.fd_read,
  fd_readdir: fd.fd_readdir,
  fd_renumber: fd.fd_renumber,
  fd_seek: fd.fd_seek,
  fd_sync: fd.fd_sync,
  fd_tell: fd.fd_tell,
  fd_write: fd.fd_write,
  path_create_directory: path.path_create_directory,
  path_filestat_get: path.path_filestat_get,
  path_filestat_set_times: path.path_filestat_set_times,
  path_link: path.path_link,
  path_open: path.path_open,
  path_readlink: path.path_readlink,
  path_remove_directory: path.path_remove_directory,
  path_rename: path.path_rename,
  path_symlink: path.path_symlink,
  path_unlink_file: path.path_unlink_file,
  poll_oneoff,
  proc_exit,
  proc_raise,
  sock_accept: sock.sock_accept,
  sock_recv: sock.sock_recv,
  sock_send: sock.sock_send,
  sock_shutdown: sock.sock_shutdown,
  socket: sock.socket,
  socketpair: sock.socketpair,
  bind: sock.bind,
  listen: sock.listen,
  accept: sock.accept,
  connect: sock.connect,
  sendto: sock.sendto,
  recvfrom: sock.recvfrom,
  sockname: sock.sockname,
  sockopt: sock.sockopt,
  resolve: sock.resolve,
  spawn: proc.spawn,
  exec: proc.exec,
  fork: proc.fork,
  wait: proc.wait,
  getpid: proc.getpid,
  childtimes: proc.childtimes,
  setpgid: proc.setpgid,
  getpgid: proc.getpgid,
  setsid: proc.setsid,
  getsid: proc.getsid,
  chdir: proc.chdir,
  fchdir: proc.fchdir,
  getcwd: proc.getcwd,
  umask: proc.umask,
  prlimit,
  openroot: proc.openroot,
  chmod: mode.chmod,
  fchmod: mode.fchmod,
  getmode: mode.getmode,
  fgetmode: mode.fgetmode,
  statvfs,
  kill: sig.kill,
  sigaction: sig.sigaction,
  sigprocmask: sig.sigprocmask,
  sigpending: sig.sigpending,
  sigsuspend: sig.sigsuspend,
  sigtake: sig.sigtake,
  sigreturn: sig.sigreturn,
  alarm: sig.alarm,
  pipe: fdops.pipe,
  dup: fdops.dup,
  dup2: fdops.dup2,
  fd_cloexec: fdops.fd_cloexec,
  fd_info: fdops.fd_info,
  fd_readm: fd.fd_readm,
  fd_writem: fd.fd_writem,
  fcntl_lock: locks.fcntl_lock,
  flock: locks.flock,
  ppoll,
  image,
  container,
  tcsetpgrp: tty.tcsetpgrp,
  tcgetpgrp: tty.tcgetpgrp,
  winsize: tty.winsize,
  tcgetattr: tty.tcgetattr,
  tcsetattr: tty.tcsetattr,
  ptsname: tty.ptsname,
} satisfies SyscallTable;
