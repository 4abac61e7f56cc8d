// What every socket kind shares: at dump, a borrowed copy of the task's socket (the same
// open file, taken with pidfd_getfd), its family, and sk_opts_entry read with getsockopt;
// at restore, sk_opts_entry put back onto a new socket. An option is set only where the new
// socket's value differs from the dumped one, so defaults that follow sysctls stay defaults;
// once its queues are refilled, its shutdown bits and its filter (which would sift the refill).
// And whether a message waits on a socket of a family that answers no SIOCINQ.
import fs from 'node:fs';
import type { InetSkEntry, SkOptsEntry, SkShutdown, UnixSkEntry } from '../images/entries.js';
import { isSysError } from '../sys/native.js';
import { borrowFd } from '../sys/proc-ops.js';
import { readI32, readI64, readU64, writeI32, writeI64, writeU64 } from '../sys/host-order.js';
import {
  AF_UNIX, getIntOpt, getsockopt, RCV_SHUTDOWN, SEND_SHUTDOWN, setIntOpt, setsockopt, SO_BROADCAST, SO_BUF_LOCK, SO_DOMAIN, SO_DONTROUTE, SO_KEEPALIVE,
  SO_LINGER, SO_MARK, SO_NO_CHECK, SO_OOBINLINE, SO_PASSCRED, SO_PASSSEC, SO_PRIORITY, SO_RCVBUF, SO_RCVBUFFORCE, SO_RCVLOWAT,
  SO_RCVTIMEO, SO_REUSEADDR, SO_REUSEPORT, SO_SNDBUF, SO_SNDBUFFORCE, SO_SNDTIMEO, SO_BINDTODEVICE, SOL_SOCKET,
  shutdown, SHUT_RD, SHUT_WR, attachSocketFilter, socketFilter, SO_LOCK_FILTER, SO_PEEK_OFF, MSG_DONTWAIT, MSG_PEEK, recv,
} from '../sys/socket.js';
import type { OpenFd } from './kind.js';

/** Runs use(sk) with the task's socket borrowed into this process; closes it after. */
export function withSocket<T>(fd: OpenFd, use: (sk: number) => T): T {
  const sk = borrowFd(fd.pid, fd.fd);
  try {
    return use(sk);
  } finally {
    fs.closeSync(sk);
  }
}

/** Whether a message waits to be read (for the families that answer no SIOCINQ: netlink, packet). */
export function hasQueued(sk: number): boolean {
  try {
    recv(sk, 1, MSG_PEEK | MSG_DONTWAIT);
    return true;
  } catch (e) {
    if (isSysError(e, 'EAGAIN')) return false;
    throw e;
  }
}

const domains = new WeakMap<OpenFd, number>();

/** AF_* of a socket fd (asked once per fd, whichever dumper asks first). */
export function socketDomain(fd: OpenFd): number | undefined {
  if (!fd.link.startsWith('socket:[')) return undefined;
  let d = domains.get(fd);
  if (d === undefined) {
    d = withSocket(fd, (sk) => getIntOpt(sk, SOL_SOCKET, SO_DOMAIN));
    domains.set(fd, d);
  }
  return d;
}

const bool = (sk: number, name: number): boolean => getIntOpt(sk, SOL_SOCKET, name) !== 0;

/** A struct timeval option as [sec, usec]. */
function timeval(sk: number, name: number): [bigint, bigint] {
  const b = getsockopt(sk, SOL_SOCKET, name, 16);
  return [readI64(b, 0), readI64(b, 8)];
}

/** sk_opts_entry of a socket, with the fields CRIU writes for its family. */
export function dumpSocketOpts(sk: number, family: number): SkOptsEntry {
  const [sndSec, sndUsec] = timeval(sk, SO_SNDTIMEO);
  const [rcvSec, rcvUsec] = timeval(sk, SO_RCVTIMEO);
  const opts: SkOptsEntry = {
    so_sndbuf: getIntOpt(sk, SOL_SOCKET, SO_SNDBUF),
    so_rcvbuf: getIntOpt(sk, SOL_SOCKET, SO_RCVBUF),
    so_snd_tmo_sec: sndSec, so_snd_tmo_usec: sndUsec, so_rcv_tmo_sec: rcvSec, so_rcv_tmo_usec: rcvUsec,
    reuseaddr: bool(sk, SO_REUSEADDR),
    so_priority: getIntOpt(sk, SOL_SOCKET, SO_PRIORITY),
    so_rcvlowat: getIntOpt(sk, SOL_SOCKET, SO_RCVLOWAT),
  };
  const mark = getIntOpt(sk, SOL_SOCKET, SO_MARK) >>> 0;
  if (mark) opts.so_mark = mark;
  if (family === AF_UNIX) {
    opts.so_passcred = bool(sk, SO_PASSCRED);
    opts.so_passsec = bool(sk, SO_PASSSEC);
  }
  opts.so_dontroute = bool(sk, SO_DONTROUTE);
  opts.so_no_check = bool(sk, SO_NO_CHECK);
  const dev = getsockopt(sk, SOL_SOCKET, SO_BINDTODEVICE, 16);
  const devName = dev.subarray(0, dev.indexOf(0) < 0 ? dev.length : dev.indexOf(0)).toString();
  if (devName) opts.so_bound_dev = devName;
  opts.so_reuseport = bool(sk, SO_REUSEPORT);
  opts.so_broadcast = bool(sk, SO_BROADCAST);
  opts.so_keepalive = bool(sk, SO_KEEPALIVE);
  opts.so_oobinline = getIntOpt(sk, SOL_SOCKET, SO_OOBINLINE);
  const linger = getsockopt(sk, SOL_SOCKET, SO_LINGER, 8);
  if (readI32(linger, 0)) opts.so_linger = readI32(linger, 4);
  opts.so_buf_lock = getIntOpt(sk, SOL_SOCKET, SO_BUF_LOCK);
  const peekOff = peekOffset(sk);
  if (peekOff >= 0) opts.so_peek_off = peekOff;
  const filter = dumpFilter(sk);
  if (filter.length) opts.so_filter = filter;
  return opts;
}

/** SO_PEEK_OFF, -1 when off or when the family has no peek offset (EOPNOTSUPP). */
function peekOffset(sk: number): number {
  try {
    return getIntOpt(sk, SOL_SOCKET, SO_PEEK_OFF);
  } catch (e) {
    if (isSysError(e, 'EOPNOTSUPP')) return -1;
    throw e;
  }
}

/** BPF_MAXINSNS: the longest classic program the kernel attaches. */
const MAX_FILTER_INSNS = 4096;

/** The socket's classic BPF filter, one instruction per host-order u64 as CRIU keeps it. */
function dumpFilter(sk: number): bigint[] {
  let prog: Buffer;
  try {
    prog = socketFilter(sk);
  } catch (e) {
    // The kernel keeps no classic form of a program attached as eBPF.
    if (isSysError(e, 'EACCES')) throw new Error('criu-ts: a socket has an eBPF program attached (SO_ATTACH_BPF), which cannot be dumped');
    throw e;
  }
  if (prog.length && getIntOpt(sk, SOL_SOCKET, SO_LOCK_FILTER)) {
    throw new Error('criu-ts: a socket has its filter locked (SO_LOCK_FILTER), which the images cannot record');
  }
  const words: bigint[] = [];
  for (let off = 0; off + 8 <= prog.length; off += 8) words.push(readU64(prog, off));
  return words;
}

/** Sets an int option to value unless the socket already has it. */
export function setIntOptIfDiffers(sk: number, level: number, name: number, value: number | boolean | undefined): void {
  if (value === undefined) return;
  // The images keep the kernel's int in a uint32 field (a mark of 0xffffffff reads as -1): the same bits go back.
  const v = typeof value === 'boolean' ? Number(value) : value | 0;
  if (getIntOpt(sk, level, name) !== v) setIntOpt(sk, level, name, v);
}

/** The kernel doubles a buffer size it is given: ask for half of what was read. */
function setBuffer(sk: number, get: number, force: number, value: number): void {
  if (getIntOpt(sk, SOL_SOCKET, get) !== value) setIntOpt(sk, SOL_SOCKET, force, Math.floor(value / 2));
}

function setTimeval(sk: number, name: number, sec: bigint, usec: bigint): void {
  if (!sec && !usec) return;
  const tv = Buffer.alloc(16);
  writeI64(tv, sec, 0);
  writeI64(tv, usec, 8);
  setsockopt(sk, SOL_SOCKET, name, tv);
}

/** Throws if the options hold something we cannot restore. */
export function checkSocketOpts(o: SkOptsEntry, what: string): void {
  const n = o.so_filter?.length ?? 0;
  if (n > MAX_FILTER_INSNS) throw new Error(`criu-ts: ${what} has a socket filter of ${n} instructions (at most ${MAX_FILTER_INSNS})`);
}

export function applySocketOpts(sk: number, o: SkOptsEntry): void {
  setBuffer(sk, SO_SNDBUF, SO_SNDBUFFORCE, o.so_sndbuf);
  setBuffer(sk, SO_RCVBUF, SO_RCVBUFFORCE, o.so_rcvbuf);
  setTimeval(sk, SO_SNDTIMEO, o.so_snd_tmo_sec, o.so_snd_tmo_usec);
  setTimeval(sk, SO_RCVTIMEO, o.so_rcv_tmo_sec, o.so_rcv_tmo_usec);
  const ints: [number, number | boolean | undefined][] = [
    [SO_REUSEADDR, o.reuseaddr], [SO_PRIORITY, o.so_priority], [SO_RCVLOWAT, o.so_rcvlowat], [SO_MARK, o.so_mark],
    [SO_PASSCRED, o.so_passcred], [SO_PASSSEC, o.so_passsec], [SO_DONTROUTE, o.so_dontroute],
    [SO_NO_CHECK, o.so_no_check], [SO_REUSEPORT, o.so_reuseport], [SO_BROADCAST, o.so_broadcast],
    [SO_KEEPALIVE, o.so_keepalive], [SO_OOBINLINE, o.so_oobinline],
  ];
  for (const [name, value] of ints) setIntOptIfDiffers(sk, SOL_SOCKET, name, value);
  if (o.so_bound_dev) setsockopt(sk, SOL_SOCKET, SO_BINDTODEVICE, Buffer.from(`${o.so_bound_dev}\0`));
  if (o.so_linger !== undefined) {
    const l = Buffer.alloc(8);
    writeI32(l, 1, 0);
    writeI32(l, o.so_linger, 4);
    setsockopt(sk, SOL_SOCKET, SO_LINGER, l);
  }
  // Last: setting the sizes above locked them; put back the locks that were there.
  setIntOptIfDiffers(sk, SOL_SOCKET, SO_BUF_LOCK, o.so_buf_lock);
}

/** sk_shutdown values (decoded as names, encoded as numbers). */
const shutdownBits: Record<SkShutdown, number> = { NONE: 0, READ: RCV_SHUTDOWN, WRITE: SEND_SHUTDOWN, BOTH: RCV_SHUTDOWN | SEND_SHUTDOWN };

/**
 * What goes onto a socket once its queues are refilled: its shutdown halves (an unconnected
 * inet socket keeps them although the call fails with ENOTCONN, so with `unconnected` that
 * error is its success) and its filter.
 */
export function finishSocketState(sk: number, entry: Pick<UnixSkEntry | InetSkEntry, 'shutdown' | 'opts'>, unconnected = false): void {
  const v = entry.shutdown ?? 0;
  const how = typeof v === 'string' ? shutdownBits[v] : v;
  const shut = (half: number): void => {
    try {
      shutdown(sk, half);
    } catch (e) {
      if (!unconnected || !isSysError(e, 'ENOTCONN')) throw e;
    }
  };
  if (how & SEND_SHUTDOWN) shut(SHUT_WR);
  if (how & RCV_SHUTDOWN) shut(SHUT_RD);
  // After the queue is back, which a peek offset counts into.
  if (entry.opts.so_peek_off !== undefined) setIntOpt(sk, SOL_SOCKET, SO_PEEK_OFF, entry.opts.so_peek_off);
  const filter = entry.opts.so_filter ?? [];
  if (filter.length) {
    const prog = Buffer.alloc(filter.length * 8);
    filter.forEach((w, i) => writeU64(prog, BigInt.asUintN(64, w), i * 8));
    attachSocketFilter(sk, prog);
  }
}
