// The generator half of the syscall ABI fuzzer (the driver is
// test/programs/posix/fuzz.c): for every import of wasi_snapshot_preview1 and
// tabkernel, a fast-check arbitrary of its arguments — fds around the table's
// ends, random flags and rights, pointers and lengths at and past the end of
// memory, iovec arrays with huge counts — and the encoding of a list of calls
// into the driver's script. A script prints as one readable call per line, so
// a shrunk counterexample says what to replay.
//
// What the generator must not make, because it would end or stop the driver
// rather than test the kernel (the driver handles the rest, see fuzz.c):
// a signal that stops or ends a process sent to any process that may exist,
// a handler the driver does not have on a signal that may arrive, exec or
// spawn of a real program, proc_exit anywhere but last, and buffers the kernel
// writes to outside the driver's fuzz region.
import fc from 'fast-check';

/** A value the driver computes when it makes the call (fuzz.c's tags). */
export type Val =
  | { k: 'raw'; v: bigint }
  | { k: 'region'; off: number }              // the fuzz region's base + off
  | { k: 'end'; d: number }                   // the end of memory + d
  | { k: 'pid'; d: number }                   // the driver's pid + d
  | { k: 'handler' }                          // the driver's SIGALRM handler
  | { k: 'blob'; what: string; bytes: Uint8Array; relocs: Reloc[] }; // bytes placed in the region

/** A 32-bit value stored into a blob at `at` (a pointer inside an iovec, say). */
export interface Reloc { at: number; to: Val }

export interface Arg { name: string; wide: boolean; val: Val }
export interface Call { name: string; args: Arg[] }

const REGION = 4 * 65536;     // fuzz.c FUZZ_PAGES
const PREFILL_MAX = 16384;     // fuzz.c: blobs live below this offset, buffers above

const raw = (v: number | bigint): Val => ({ k: 'raw', v: BigInt(v) });
const I32_EDGES = [0, 1, -1, 0x7fffffff, -0x80000000, 0xffff, 0x10000];

// ---- scalar arguments ---------------------------------------------------------
const i32 = fc.oneof(fc.constantFrom(...I32_EDGES), fc.integer({ min: -0x80000000, max: 0x7fffffff })).map(raw);
const u32 = (max: number) => fc.oneof(fc.integer({ min: 0, max }), fc.constantFrom(-1, 0x7fffffff, -0x80000000)).map(raw);
/** Flags: the defined bits mostly, any bits sometimes. */
const bits = (n: number) => fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: (1 << n) - 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: -0x80000000, max: 0x7fffffff }) },
).map(raw);
const i64 = fc.oneof(
  fc.constantFrom(0n, 1n, -1n, 4096n, 1n << 32n, (1n << 63n) - 1n, -(1n << 63n), 1n << 62n),
  fc.bigInt({ min: 0n, max: 100_000n }),
  fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
).map(raw);
const rights = fc.oneof(fc.constantFrom(0n, 0x1fffffffn, -1n), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })).map(raw);
/** fds: the driver's own (0..7), just past them, -1, the table's end, huge. Never fuzz.c's OUT_FD (500). */
const FD_EDGES = [-1, 1023, 1024, 0x7fffffff, -0x80000000, 200];
const fd = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 10 }) },
  { weight: 2, arbitrary: fc.constantFrom(...FD_EDGES) },
  { weight: 1, arbitrary: fc.integer({ min: -0x80000000, max: 0x7fffffff }).filter((n) => n !== 500) },
).map(raw);
/** A directory fd: mostly fuzz.c's scratch directory (fd 3). */
const dirfd = fc.oneof({ weight: 3, arbitrary: fc.constant(raw(3)) }, { weight: 2, arbitrary: fd });

// ---- pointers ------------------------------------------------------------------
/**
 * Memory the kernel may write `size` bytes to: in the region, across or past
 * its end, or absurd. Also 0 (tabkernel's "not wanted") when the call writes
 * so little there that it stays below the driver's data (at 1024).
 */
const outPtr = (size: number, nullOk = size <= 64): fc.Arbitrary<Val> => fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: PREFILL_MAX, max: REGION - size }).map((off): Val => ({ k: 'region', off })) },
  { weight: 2, arbitrary: fc.constantFrom(-size, -size + 1, -1, 0, 1, 4096, 0x40000000).map((d): Val => ({ k: 'end', d })) },
  { weight: 1, arbitrary: fc.constantFrom(...(nullOk ? [0] : []), 0xffffffff, 0x80000000, 0xfffffffc).map(raw) },
);
/** A buffer: a pointer and a length, both around the end of memory. */
const LENS = [0, 1, 7, 64, 4096, 65536, 0x7fffffff, 0x80000000, 0xffffffff];
const lenN = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 64 }) },
  { weight: 2, arbitrary: fc.constantFrom(...LENS) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 * REGION }) },
);
const lenOf = lenN.map(raw);
function buffer(name: string): fc.Arbitrary<Arg[]> {
  const p = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: PREFILL_MAX, max: REGION - 4096 }).map((off): Val => ({ k: 'region', off })) },
    { weight: 2, arbitrary: fc.constantFrom(-4096, -64, -1, 0, 1, 65536).map((d): Val => ({ k: 'end', d })) },
    { weight: 1, arbitrary: fc.constantFrom(0xffffffff, 0x80000000).map(raw) },
  );
  return fc.tuple(p, lenOf).map(([ptr, len]) => [a(name, ptr), a(`${name}_len`, len)]);
}

/** An iovec array of 0..4 entries, and a count that may be far larger than it. */
function iovecs(): fc.Arbitrary<Arg[]> {
  const entry = fc.tuple(outPtr(1, false), lenN);
  return fc.tuple(fc.array(entry, { maxLength: 4 }), fc.oneof(
    { weight: 3, arbitrary: fc.constant(-1) }, // exactly the array's length
    { weight: 1, arbitrary: fc.constantFrom(0, 5, 1 << 20, 0x7fffffff, 0x80000000, 0xffffffff) },
  ), fc.constantFrom('blob', 'blob', 'blob', 'end', 'bad')).map(([entries, count, where]) => {
    const bytes = new Uint8Array(entries.length * 8);
    const relocs: Reloc[] = [];
    entries.forEach(([ptr, len], i) => {
      relocs.push({ at: i * 8, to: ptr });
      new DataView(bytes.buffer).setUint32(i * 8 + 4, len, true);
    });
    const arr: Val = where === 'blob' ? { k: 'blob', what: `iovecs`, bytes, relocs }
      : where === 'end' ? { k: 'end', d: -4 } : raw(0xfffffff8);
    return [a('iovs', arr), a('iovs_len', raw(count === -1 ? entries.length : count))];
  });
}

// ---- paths and other byte strings ------------------------------------------------
// Names in and around the scratch directory (fd 3, the cwd). None is a program
// on PATH or a directory the kernel needs ("/" and "../.." are the root).
const NAMES = ['f', 'd', 'l', 'd/f', '.', '..', '', 'f/', '../..', 'x', 'd/../f', 'new', 'd/new',
  'l/', '/', 'a'.repeat(300), 'f\0g', 'd/'.repeat(40) + 'f', 'a'.repeat(5000), './'.repeat(2100) + 'f'];
const enc = new TextEncoder();
function bytesOf(name: string): Uint8Array {
  return name === '\xff' ? new Uint8Array([0xff, 0xfe]) : enc.encode(name);
}
/**
 * Input the kernel only reads may lie anywhere in memory: the driver's own
 * data, as long as the syscall page's data window (256 KiB) and beyond.
 */
const DRIVER_DATA = raw(1024);
const hugeLen = fc.constantFrom(4096, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 1 << 20);
/** Names outside the scratch directory, for calls that change nothing: /proc, devices. */
const LOOKUPS = [...NAMES, '\xff', '/proc', '/proc/self', '/proc/self/fd', '/proc/self/fd/3', '/proc/1/status',
  '/dev/null', '/dev/zero', '/dev/ptmx', '/dev/pts'];
/** The names that exist when the script starts. */
const EXISTING = ['f', 'd', 'l', '.', 'd/../f', 'x', 'new'];
function pathArg(name = 'path', names = [...NAMES, '\xff']): fc.Arbitrary<Arg[]> {
  const existing = EXISTING.filter((n) => names.includes(n));
  const pick = existing.length ? fc.oneof(fc.constantFrom(...existing), fc.constantFrom(...names)) : fc.constantFrom(...names);
  return fc.tuple(pick, fc.oneof(
    { weight: 10, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.constantFrom(-1, 1, 0x7fffffff, 0xffffffff) },
  ), fc.oneof({ weight: 10, arbitrary: fc.constant('blob') }, { weight: 1, arbitrary: fc.constantFrom('end', 'bad', 'huge') }), hugeLen).map(([n, dlen, where, huge]) => {
    if (where === 'huge') return [a(name, DRIVER_DATA), a(`${name}_len`, raw(huge))];
    const bytes = bytesOf(n);
    const ptr: Val = where === 'blob' ? { k: 'blob', what: JSON.stringify(n), bytes, relocs: [] }
      : where === 'end' ? { k: 'end', d: -2 } : raw(0xfffffff0);
    const len = dlen === 0 ? bytes.length : dlen === -1 ? Math.max(0, bytes.length - 1) : dlen === 1 ? bytes.length + 1 : dlen;
    return [a(name, ptr), a(`${name}_len`, raw(len))];
  });
}
/** Arbitrary bytes in the region (argv, termios, spawn attributes), or a bad pointer. */
function blob(name: string, maxLength: number, withLen: boolean): fc.Arbitrary<Arg[]> {
  return fc.tuple(fc.uint8Array({ maxLength }), fc.constantFrom('blob', 'blob', 'blob', 'null', 'end', 'bad', 'huge'), lenOf, hugeLen).map(([bytes, where, junk, huge]) => {
    if (where === 'huge') return withLen ? [a(name, DRIVER_DATA), a(`${name}_len`, raw(huge))] : [a(name, DRIVER_DATA)];
    const ptr: Val = where === 'blob' ? { k: 'blob', what: `bytes ${Buffer.from(bytes).toString('hex') || '(none)'}`, bytes, relocs: [] }
      : where === 'null' ? raw(0) : where === 'end' ? { k: 'end', d: -8 } : raw(0xfffffff0);
    const args = [a(name, ptr)];
    if (withLen) args.push(a(`${name}_len`, where === 'blob' ? raw(bytes.length) : junk));
    return args;
  });
}
/** poll_oneoff subscriptions (48 bytes each): clocks with any timeout, fds of any kind. */
function subscriptions(): fc.Arbitrary<Arg[]> {
  const sub = fc.record({ tag: fc.oneof(fc.constantFrom(0, 1, 2), fc.integer({ min: 0, max: 255 })), fd: fc.integer({ min: -1, max: 10 }),
    clock: fc.integer({ min: 0, max: 5 }), timeout: fc.oneof(fc.constantFrom(0n, 1000n, (1n << 64n) - 1n), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
    flags: fc.integer({ min: 0, max: 3 }) });
  return fc.tuple(fc.array(sub, { maxLength: 4 }), fc.constantFrom(-1, -1, -1, 0, 100, 0x7fffffff, 0xffffffff), outPtr(32, false), outPtr(4)).map(([subs, n, out, nev]) => {
    const bytes = new Uint8Array(subs.length * 48);
    const v = new DataView(bytes.buffer);
    subs.forEach((s, i) => {
      const o = i * 48;
      v.setBigUint64(o, BigInt(i), true);
      bytes[o + 8] = s.tag;
      if (s.tag === 0) {
        v.setUint32(o + 16, s.clock, true);
        v.setBigUint64(o + 24, s.timeout, true);
        v.setUint16(o + 40, s.flags, true);
      } else {
        v.setInt32(o + 16, s.fd, true);
      }
    });
    const count = n === -1 ? subs.length : n;
    const what = `[${subs.map((s) => (s.tag === 0 ? `clock(id=${s.clock}, timeout=${s.timeout}, flags=${s.flags})` : `tag${s.tag}(fd=${s.fd})`)).join(', ')}]`;
    return [a('in', { k: 'blob', what, bytes, relocs: [] }), a('out', out), a('nsubs', raw(count)), a('nevents', nev)];
  });
}

// ---- signals and processes ------------------------------------------------------
// Signals that may reach the driver: those whose default action neither ends
// nor stops it (CHLD 16, CONT 17, URG 22, WINCH 27), SIGPIPE (13) and SIGXFSZ
// (24), ignored, and SIGALRM (14, caught). WASI numbers.
const SAFE_SIGS = [0, 13, 14, 16, 17, 22, 24, 27];
const BAD_SIGS = [-1, 31, 64, 65, 0x7fffffff, -0x80000000];
const safeSig = fc.constantFrom(...SAFE_SIGS, ...BAD_SIGS).map(raw);
/** pids of processes that do not exist (any signal may go there). */
const farPid = fc.constantFrom(1_000_000, -1_000_000, 0x7fffffff, -0x80000000).map(raw);
const pid = fc.oneof(
  fc.constantFrom(0, -1, 1).map(raw),
  fc.integer({ min: -2, max: 3 }).map((d): Val => ({ k: 'pid', d })),
  farPid,
);
const killArgs = fc.oneof(
  fc.tuple(pid, safeSig),
  fc.tuple(farPid, fc.integer({ min: 0, max: 31 }).map(raw)),
  fc.tuple(pid, fc.constantFrom(...BAD_SIGS).map(raw)),
).map(([p, s]) => [a('pid', p), a('sig', s)]);
/** sigaction: a signal that may arrive gets only a disposition the driver can survive. */
const SIG_DFL = 0, SIG_IGN = 0xfffffffe, SIG_QUERY = 0xffffffff;
const sigactionArgs = fc.oneof(
  fc.tuple(fc.constantFrom(...SAFE_SIGS).map(raw), fc.oneof(fc.constantFrom(SIG_DFL, SIG_IGN, SIG_QUERY).map(raw), fc.constant<Val>({ k: 'handler' }))),
  fc.tuple(fc.oneof(fc.integer({ min: 1, max: 31 }).filter((s) => !SAFE_SIGS.includes(s)), fc.constantFrom(...BAD_SIGS)).map(raw), i32),
).chain(([sig, h]) => fc.tuple(bits(3), i64, outPtr(4), outPtr(4), outPtr(8)).map(([flags, mask, oh, of, om]) =>
  [a('sig', sig), a('handler', h), a('flags', flags), a64('mask', mask), a('old_handler', oh), a('old_flags', of), a('old_mask', om)]));

/** exec and spawn: names of no program (the scratch files, nonsense, the root). */
const NOT_PROGRAMS = ['f', 'd', 'l', 'x', '', '.', '/', 'f\0g', 'a'.repeat(300), '\xff'];
/** spawn file actions: well-formed ones with any numbers, or junk. */
function fileActions(): fc.Arbitrary<Arg[]> {
  const action = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: -1, max: 12 }), fc.integer({ min: -1, max: 12 }),
    fc.integer({ min: 0, max: 0xffff }), fc.constantFrom('x', 'd', '', 'nope/x', '\xff'));
  return fc.oneof(
    fc.array(action, { maxLength: 3 }).map((acts) => {
      const parts = acts.map(([op, f, nf, ofl, p]) => {
        const pb = bytesOf(p);
        const padded = (20 + pb.length + 3) & ~3;
        const b = new Uint8Array(padded);
        const v = new DataView(b.buffer);
        v.setUint32(0, op, true); v.setInt32(4, f, true); v.setInt32(8, nf, true);
        v.setUint32(12, ofl, true); v.setUint32(16, op >= 3 ? pb.length : 0, true);
        if (op >= 3) b.set(pb, 20);
        return b;
      });
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) { bytes.set(p, o); o += p.length; }
      const what = `[${acts.map(([op, f, nf, ofl, p]) => `op${op}(fd=${f}, arg=${nf}, oflags=${ofl}, path=${JSON.stringify(p)})`).join(', ')}]`;
      return [a('actions', { k: 'blob', what, bytes, relocs: [] }), a('actions_len', raw(bytes.length))];
    }),
    blob('actions', 64, true),
  );
}

/** Socket domains, types (with SOCK_NONBLOCK and SOCK_CLOEXEC) and protocols, good and bad. */
const SOCK_DOMAINS = fc.constantFrom(0, 1, 2, 3, 77).map(raw);
const SOCK_TYPES = fc.constantFrom(5, 6, 1, 2, 6 | 0x4000, 5 | 0x2000, 6 | 0x6000, 0xffff).map(raw);
const SOCK_PROTOCOLS = fc.constantFrom(0, 6, 17, 99).map(raw);
/** send and recv flags: PEEK, WAITALL, DONTWAIT, NOSIGNAL, and the rest. */
const MSG_FLAGS = fc.oneof(fc.constantFrom(0, 1, 2, 0x40, 0x4000, 0x4040, 0x41).map(raw), bits(16));
/** A struct sockaddr and its length: the loopback (IPv4, IPv6) on a few ports, unix names in the scratch directory, AF_UNSPEC, junk. */
function sockaddr(): fc.Arbitrary<Arg[]> {
  const port = fc.constantFrom(0, 7, 7000, 65535);
  const inet = port.map((p) => Uint8Array.of(1, 0, p >> 8, p & 0xff, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0));
  const inet6 = port.map((p) => { const b = new Uint8Array(32); b[0] = 2; b[2] = p >> 8; b[3] = p & 0xff; b[23] = 1; return b; });
  const unix = fc.constantFrom('s', 'f', 'd', '\0abstract', '').map((n) => { const b = new Uint8Array(2 + n.length + 1); b[0] = 3; b.set(enc.encode(n), 2); return b; });
  const named = fc.oneof(inet, inet6, unix, fc.constant(Uint8Array.of(0, 0))).map((bytes): Arg[] =>
    [a('addr', { k: 'blob', what: `sockaddr ${Buffer.from(bytes).toString('hex')}`, bytes, relocs: [] }), a('addr_len', raw(bytes.length))]);
  return fc.oneof({ weight: 4, arbitrary: named }, { weight: 1, arbitrary: blob('addr', 140, true) });
}

// ---- the table: every import, its arguments in order -----------------------------
function a(name: string, val: Val): Arg { return { name, wide: false, val }; }
function a64(name: string, val: Val): Arg { return { name, wide: true, val }; }
const one = (name: string, arb: fc.Arbitrary<Val>) => arb.map((v) => [a(name, v)]);
const wide = (name: string, arb: fc.Arbitrary<Val>) => arb.map((v) => [a64(name, v)]);
const args = (...parts: Array<fc.Arbitrary<Arg[]>>): fc.Arbitrary<Arg[]> => fc.tuple(...parts).map((ps) => ps.flat());
const FD = (n = 'fd') => one(n, fd);
const DIRFD = (n = 'fd') => one(n, dirfd);
const OUT = (n: string, size: number) => one(n, outPtr(size));

/** Each import's argument generator, by import name (both modules share one namespace). */
export const table: Record<string, fc.Arbitrary<Arg[]>> = {
  args_get: args(OUT('argv', 4), OUT('argv_buf', 1)),
  args_sizes_get: args(OUT('argc', 4), OUT('argv_buf_size', 4)),
  environ_get: args(OUT('environ', 4), OUT('environ_buf', 1)),
  environ_sizes_get: args(OUT('count', 4), OUT('buf_size', 4)),
  clock_res_get: args(one('id', u32(6)), OUT('out', 8)),
  clock_time_get: args(one('id', u32(6)), wide('precision', i64), OUT('out', 8)),
  fd_advise: args(FD(), wide('offset', i64), wide('len', i64), one('advice', u32(7))),
  fd_allocate: args(FD(), wide('offset', i64), wide('len', i64)),
  fd_close: args(FD()),
  fd_datasync: args(FD()),
  fd_fdstat_get: args(FD(), OUT('out', 24)),
  fd_fdstat_set_flags: args(FD(), one('flags', bits(5))),
  fd_fdstat_set_rights: args(FD(), wide('base', rights), wide('inheriting', rights)),
  fd_filestat_get: args(FD(), OUT('out', 64)),
  fd_filestat_set_size: args(FD(), wide('size', i64)),
  fd_filestat_set_times: args(FD(), wide('atim', i64), wide('mtim', i64), one('fst_flags', bits(4))),
  fd_pread: args(FD(), iovecs(), wide('offset', i64), OUT('nread', 4)),
  fd_prestat_get: args(FD(), OUT('out', 8)),
  fd_prestat_dir_name: args(FD(), buffer('buf')),
  fd_pwrite: args(FD(), iovecs(), wide('offset', i64), OUT('nwritten', 4)),
  fd_read: args(FD(), iovecs(), OUT('nread', 4)),
  fd_readdir: args(DIRFD(), buffer('buf'), wide('cookie', i64), OUT('bufused', 4)),
  fd_renumber: args(FD('from'), FD('to')),
  fd_seek: args(FD(), wide('offset', i64), one('whence', u32(3)), OUT('newoffset', 8)),
  fd_sync: args(FD()),
  fd_tell: args(FD(), OUT('out', 8)),
  fd_write: args(FD(), iovecs(), OUT('nwritten', 4)),
  path_create_directory: args(DIRFD(), pathArg()),
  path_filestat_get: args(DIRFD(), one('flags', bits(1)), pathArg('path', LOOKUPS), OUT('out', 64)),
  path_filestat_set_times: args(DIRFD(), one('flags', bits(1)), pathArg(), wide('atim', i64), wide('mtim', i64), one('fst_flags', bits(4))),
  path_link: args(DIRFD('old_fd'), one('old_flags', bits(1)), pathArg('old_path'), DIRFD('new_fd'), pathArg('new_path')),
  path_open: args(DIRFD(), one('dirflags', bits(1)), pathArg('path', LOOKUPS), one('oflags', bits(4)), wide('base', rights), wide('inheriting', rights), one('fdflags', bits(5)), OUT('fd_out', 4)),
  path_readlink: args(DIRFD(), pathArg('path', LOOKUPS), buffer('buf'), OUT('bufused', 4)),
  path_remove_directory: args(DIRFD(), pathArg()),
  path_rename: args(DIRFD(), pathArg('old_path'), DIRFD('new_fd'), pathArg('new_path')),
  path_symlink: args(pathArg('old_path'), DIRFD(), pathArg('new_path')),
  path_unlink_file: args(DIRFD(), pathArg()),
  poll_oneoff: subscriptions(),
  proc_exit: args(one('rval', i32)),
  proc_raise: args(one('sig', safeSig)),
  sched_yield: fc.constant([]),
  random_get: args(buffer('buf')),
  sock_accept: args(FD(), one('flags', bits(5)), OUT('fd_out', 4)),
  sock_recv: args(FD(), iovecs(), one('ri_flags', bits(2)), OUT('ro_datalen', 4), OUT('ro_flags', 2)),
  sock_send: args(FD(), iovecs(), one('si_flags', bits(1)), OUT('so_datalen', 4)),
  sock_shutdown: args(FD(), one('how', bits(2))),
  spawn: args(pathArg('path', NOT_PROGRAMS), blob('argv', 32, true), blob('envp', 32, true), fileActions(), blob('attr', 24, false), OUT('pid', 4)),
  exec: args(pathArg('path', NOT_PROGRAMS), blob('argv', 32, true), blob('envp', 32, true)),
  fork: args(one('buf', fc.oneof({ weight: 3, arbitrary: fc.constant<Val>({ k: 'region', off: PREFILL_MAX }) }, { weight: 1, arbitrary: outPtr(64) })),
    one('len', fc.constantFrom(8192, 65536, 65536, 0, 63, 0x80000000, 0xffffffff).map(raw)), OUT('pid', 4)),
  wait: args(one('pid', pid), one('options', bits(3)), OUT('status', 4), OUT('waited', 4)),
  pipe: args(OUT('fds', 8), one('flags', bits(24))),
  dup: args(FD(), one('min', fd), one('flags', bits(1)), OUT('newfd', 4)),
  dup2: args(FD(), FD('newfd'), one('flags', bits(1))),
  fd_cloexec: args(FD(), one('set', fc.constantFrom(-1, 0, 1, 2, 0x7fffffff).map(raw)), OUT('old', 4)),
  getpid: args(OUT('pid', 4), OUT('ppid', 4)),
  childtimes: args(OUT('ns', 8)),
  kill: killArgs,
  sigaction: sigactionArgs,
  sigprocmask: args(one('how', u32(4)), wide('set', i64), OUT('old', 8)),
  sigpending: args(OUT('set', 8)),
  sigsuspend: args(wide('mask', i64)),
  alarm: args(one('seconds', i32), OUT('previous', 4)),
  setpgid: args(one('pid', pid), one('pgid', pid)),
  getpgid: args(one('pid', pid), OUT('pgid', 4)),
  setsid: args(OUT('sid', 4)),
  getsid: args(one('pid', pid), OUT('sid', 4)),
  tcsetpgrp: args(FD(), one('pgid', pid)),
  tcgetpgrp: args(FD(), OUT('pgid', 4)),
  winsize: args(FD(), one('op', u32(2)), OUT('rows', 2), OUT('cols', 2)),
  chdir: args(pathArg()),
  fchdir: args(FD()),
  getcwd: args(buffer('buf'), OUT('used', 4)),
  umask: args(one('mask', i32), OUT('old', 4)),
  tcgetattr: args(FD(), OUT('termios', 60)),
  tcsetattr: args(FD(), one('when', u32(3)), blob('termios', 60, false)),
  ptsname: args(FD(), OUT('n', 4)),
  openroot: args(one('min', fd), OUT('fd', 4)),
  chmod: args(DIRFD('dirfd'), pathArg(), one('mode', i32), one('follow', u32(2))),
  fchmod: args(FD(), one('mode', i32)),
  getmode: args(DIRFD('dirfd'), pathArg('path', LOOKUPS), one('follow', u32(2)), OUT('mode', 4)),
  fgetmode: args(FD(), OUT('mode', 4)),
  prlimit: args(one('pid', pid), one('resource', u32(16)), one('set', u32(2)), wide('cur', i64), wide('max', i64), OUT('old_cur', 8), OUT('old_max', 8)),
  statvfs: args(DIRFD('dirfd'), pathArg('path', LOOKUPS), one('follow', u32(2)), OUT('statvfs', 88)),
  fcntl_lock: args(FD(), one('cmd', fc.constantFrom(5, 6, 7, 0, -1).map(raw)), one('type', u32(3)), one('whence', u32(3)),
    wide('start', i64), wide('len', i64), OUT('lock', 24)),
  flock: args(FD(), one('op', bits(4))),
  // poll_oneoff's arguments around a mask (the driver keeps SIGALRM out of it) and the signals to take.
  ppoll: fc.tuple(subscriptions(), wide('mask', i64), wide('accept', i64), OUT('old_mask', 8), OUT('sig', 4))
    .map(([[subs, out, n, nevents], mask, accept, old, sig]) => [subs, out, n, ...mask, ...accept, nevents, ...old, ...sig]),
  // The fuzzing kernel's host keeps no images: both answer ENOSYS, whatever the arguments.
  image: args(one('op', u32(7)), pathArg('ref'), FD('progress_fd'), buffer('buf'), OUT('used', 4)),
  container: args(pathArg('ref'), pathArg('entrypoint'), blob('args', 32, true), blob('env', 32, true), buffer('msg'), OUT('used', 4)),
  // Sockets: the loopback's addresses (never another host's, which the kernel would log), names in the scratch directory, junk.
  socket: args(one('domain', SOCK_DOMAINS), one('type', SOCK_TYPES), one('protocol', SOCK_PROTOCOLS), OUT('fd', 4)),
  socketpair: args(one('domain', SOCK_DOMAINS), one('type', SOCK_TYPES), one('protocol', SOCK_PROTOCOLS), OUT('fds', 8)),
  bind: args(FD(), sockaddr()),
  listen: args(FD(), one('backlog', i32)),
  accept: args(FD(), one('flags', fc.constantFrom(0, 0x4000, 0x2000, 0x6000, 1).map(raw)), OUT('addr', 128), OUT('addrlen', 4), OUT('fd', 4)),
  connect: args(FD(), sockaddr()),
  sendto: args(FD(), iovecs(), one('flags', MSG_FLAGS), sockaddr(), OUT('sent', 4)),
  recvfrom: args(FD(), iovecs(), one('flags', MSG_FLAGS), OUT('addr', 128), OUT('addrlen', 4), OUT('received', 4), OUT('oflags', 4)),
  sockname: args(FD(), one('peer', u32(2)), OUT('addr', 128), OUT('addrlen', 4)),
  sockopt: args(FD(), one('level', fc.constantFrom(0x7fffffff, 6, 41, 0, 17, -1).map(raw)), one('name', fc.constantFrom(2, 3, 4, 7, 8, 9, 13, 30, 1, 26, 66, 99).map(raw)),
    one('set', u32(2)), one('value', i32), OUT('out', 4)),
  resolve: args(pathArg('name', ['localhost', 'host.tabkernel.internal', 'a.localhost', 'no-such-name.invalid', '', '::1', '\xff']),
    one('family', fc.constantFrom(0, 1, 2, 3, -1).map(raw)), buffer('out'), OUT('count', 4)),
  // With no setjmp to land on (the driver has none), a jump ends the program as a trap.
  longjmp: fc.constant([]),
};

/** The calls that end the driver: a script may end with one. */
export const ENDINGS = ['proc_exit', 'longjmp'];

/** The signature the table's arguments make (fuzz --list's SIG column). */
export function signatureOf(args: Arg[]): string {
  return args.map((x) => (x.wide ? 'I' : 'i')).join('');
}

// ---- scripts ----------------------------------------------------------------------
/** A list of calls; prints as one call per line (fast-check shows it on failure). */
export class Script {
  /** onHost: the scratch directory is on a host directory (hostfs), not in memory. */
  constructor(readonly calls: Call[], readonly onHost = false) {}
  [fc.toStringMethod](): string {
    const where = this.onHost ? 'scratch on a host mount' : 'scratch in memory';
    return `Script(${where})[\n${this.calls.map((c, i) => `  ${i}: ${formatCall(c)}`).join('\n')}\n]`;
  }
}

/** A script: calls of any import but the endings, then maybe one ending. */
export function scripts(maxCalls: number): fc.Arbitrary<Script> {
  const names = Object.keys(table).filter((n) => !ENDINGS.includes(n));
  const call = fc.constantFrom(...names).chain((name) => table[name].map((args): Call => ({ name, args })));
  const exit = fc.constantFrom(...ENDINGS).chain((name) => table[name].map((args): Call => ({ name, args })));
  return fc.tuple(fc.array(call, { maxLength: maxCalls, size: 'max' }), fc.option(exit, { freq: 10 }), fc.boolean())
    .map(([calls, last, onHost]) => new Script(last ? [...calls, last] : calls, onHost));
}

function formatVal(v: Val): string {
  switch (v.k) {
    case 'raw': return v.v > 9n || v.v < -9n ? `0x${BigInt.asUintN(64, v.v).toString(16)}` : String(v.v);
    case 'region': return `region+${v.off}`;
    case 'end': return v.d < 0 ? `end-${-v.d}` : `end+${v.d}`;
    case 'pid': return v.d === 0 ? 'self' : `self${v.d > 0 ? '+' : ''}${v.d}`;
    case 'handler': return 'handler';
    case 'blob': return v.relocs.length ? `&${v.what}[${v.relocs.map((r, i) => `{${formatVal(r.to)}, ${new DataView(v.bytes.buffer).getUint32(i * 8 + 4, true)}}`).join(', ')}]` : `&${v.what}`;
  }
}

export function formatCall(c: Call): string {
  return `${c.name}(${c.args.map((x) => `${x.name}=${formatVal(x.val)}`).join(', ')})`;
}

/** fuzz.c's tag and value for a non-blob value. */
function tagged(v: Val): string {
  switch (v.k) {
    case 'raw': return `0 ${BigInt.asUintN(64, v.v)}`;
    case 'region': return `1 ${v.off}`;
    case 'end': return `2 ${v.d}`;
    case 'pid': return `3 ${v.d}`;
    case 'handler': return '4 0';
    case 'blob': throw new Error('a blob inside a blob');
  }
}

/** The driver's script: one record per call (fuzz.c's header says the format). */
export function encode(script: Script, ids: ReadonlyMap<string, number>): string {
  return script.calls.map((c) => {
    const prefill: number[] = [];
    const relocs: string[] = [];
    const argv = c.args.map((x) => {
      if (x.val.k !== 'blob') return tagged(x.val);
      while (prefill.length % 8) prefill.push(0);
      const at = prefill.length;
      prefill.push(...x.val.bytes);
      for (const r of x.val.relocs) relocs.push(`${at + r.at} ${tagged(r.to)}`);
      return `1 ${at}`;
    });
    if (prefill.length > PREFILL_MAX) throw new Error('prefill too large');
    const hex = prefill.length ? Buffer.from(prefill).toString('hex') : '-';
    return `C ${ids.get(c.name)} ${argv.length} ${argv.join(' ')} ${prefill.length} ${hex} ${relocs.length} ${relocs.join(' ')}`;
  }).join('\n') + '\n';
}
