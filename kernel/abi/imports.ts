// The import names the process runtime provides (runtime/wasi.ts), so the kernel
// can refuse a program whose imports cannot all be met before starting it, and
// the memory import through which the runtime supplies a program's memory
// (proc/memimport.ts makes it, runtime/mempool.ts fills it).

export const wasiImportNames: ReadonlySet<string> = new Set([
  'args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'clock_res_get',
  'clock_time_get', 'fd_advise', 'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_get',
  'fd_fdstat_set_flags', 'fd_fdstat_set_rights', 'fd_filestat_get', 'fd_filestat_set_size',
  'fd_filestat_set_times', 'fd_pread', 'fd_prestat_get', 'fd_prestat_dir_name', 'fd_pwrite',
  'fd_read', 'fd_readdir', 'fd_renumber', 'fd_seek', 'fd_sync', 'fd_tell', 'fd_write',
  'path_create_directory', 'path_filestat_get', 'path_filestat_set_times', 'path_link',
  'path_open', 'path_readlink', 'path_remove_directory', 'path_rename', 'path_symlink',
  'path_unlink_file', 'poll_oneoff', 'proc_exit', 'proc_raise', 'sched_yield', 'random_get',
  'sock_accept', 'sock_recv', 'sock_send', 'sock_shutdown',
]);

/** Where the runtime's memory import is found. */
export const MEMORY_IMPORT = { module: 'tabkernel.memory', name: 'memory' } as const;

/** The type of the memory the runtime must supply (shared), in 64 KiB pages. */
export interface MemoryType {
  initial: number;
  maximum: number;
}

/** tabkernel's own import module (userland/libc/include/tabkernel.h). */
export const tabkernelImportNames: ReadonlySet<string> = new Set([
  'spawn', 'exec', 'fork', 'wait', 'pipe', 'dup', 'dup2', 'fd_cloexec', 'getpid', 'kill',
  'sigaction', 'sigprocmask', 'sigpending', 'sigsuspend', 'alarm', 'setpgid', 'getpgid',
  'setsid', 'getsid', 'tcsetpgrp', 'tcgetpgrp', 'winsize', 'chdir', 'getcwd', 'umask',
  'tcgetattr', 'tcsetattr', 'ptsname', 'openroot', 'chmod', 'fchmod', 'getmode', 'fgetmode', 'prlimit', 'statvfs',
]);
