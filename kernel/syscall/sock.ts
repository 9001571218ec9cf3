// sock_* handlers. tabkernel has no sockets yet, so no fd can be one: a valid fd
// is NOTSOCK, an invalid one BADF — what a program probing its fds expects.
import { Errno } from '../abi/errno.js';
import type { Result, Task } from './task.js';

function notSocket(t: Task, fd: number): Result {
  return t.proc.fds.get(fd) ? Errno.NOTSOCK : Errno.BADF;
}

export function sock_accept(t: Task, fd: number, _flags: number): Result {
  return notSocket(t, fd);
}
export function sock_recv(t: Task, fd: number, _max: number, _flags: number): Result {
  return notSocket(t, fd);
}
export function sock_send(t: Task, fd: number, _data: Uint8Array, _flags: number): Result {
  return notSocket(t, fd);
}
export function sock_shutdown(t: Task, fd: number, _how: number): Result {
  return notSocket(t, fd);
}
