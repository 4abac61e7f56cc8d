// What every socket kind shares at dump: a borrowed copy of the task's socket (the same
// open file, taken with pidfd_getfd), its family, and sk_opts_entry read with getsockopt.
import fs from 'node:fs';
import type { Entry } from '../images/index.js';
import { pidfdGetfd, pidfdOpen } from '../sys/proc-ops.js';
import { readI32, readI64 } from '../sys/host-order.js';
import {
  AF_UNIX, getIntOpt, getsockopt, SO_BROADCAST, SO_BUF_LOCK, SO_DOMAIN, SO_DONTROUTE, SO_KEEPALIVE, SO_LINGER, SO_MARK,
  SO_NO_CHECK, SO_OOBINLINE, SO_PASSCRED, SO_PASSSEC, SO_PRIORITY, SO_RCVBUF, SO_RCVLOWAT, SO_RCVTIMEO, SO_REUSEADDR,
  SO_REUSEPORT, SO_SNDBUF, SO_SNDTIMEO, SO_BINDTODEVICE, SOL_SOCKET,
} from '../sys/socket.js';
import type { OpenFd } from './files.js';

/** Runs use(sk) with the task's socket borrowed into this process; closes it after. */
export function withSocket<T>(fd: OpenFd, use: (sk: number) => T): T {
  const pidfd = pidfdOpen(fd.pid);
  let sk: number;
  try {
    sk = pidfdGetfd(pidfd, fd.fd);
  } finally {
    fs.closeSync(pidfd);
  }
  try {
    return use(sk);
  } finally {
    fs.closeSync(sk);
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
export function dumpSocketOpts(sk: number, family: number): Entry {
  const [sndSec, sndUsec] = timeval(sk, SO_SNDTIMEO);
  const [rcvSec, rcvUsec] = timeval(sk, SO_RCVTIMEO);
  const opts: Entry = {
    so_sndbuf: getIntOpt(sk, SOL_SOCKET, SO_SNDBUF),
    so_rcvbuf: getIntOpt(sk, SOL_SOCKET, SO_RCVBUF),
    so_snd_tmo_sec: sndSec, so_snd_tmo_usec: sndUsec, so_rcv_tmo_sec: rcvSec, so_rcv_tmo_usec: rcvUsec,
    reuseaddr: bool(sk, SO_REUSEADDR),
    so_priority: getIntOpt(sk, SOL_SOCKET, SO_PRIORITY),
    so_rcvlowat: getIntOpt(sk, SOL_SOCKET, SO_RCVLOWAT),
  };
  const mark = getIntOpt(sk, SOL_SOCKET, SO_MARK) >>> 0;
  if (mark) opts['so_mark'] = mark;
  if (family === AF_UNIX) {
    opts['so_passcred'] = bool(sk, SO_PASSCRED);
    opts['so_passsec'] = bool(sk, SO_PASSSEC);
  }
  opts['so_dontroute'] = bool(sk, SO_DONTROUTE);
  opts['so_no_check'] = bool(sk, SO_NO_CHECK);
  const dev = getsockopt(sk, SOL_SOCKET, SO_BINDTODEVICE, 16);
  const devName = dev.subarray(0, dev.indexOf(0) < 0 ? dev.length : dev.indexOf(0)).toString();
  if (devName) opts['so_bound_dev'] = devName;
  opts['so_reuseport'] = bool(sk, SO_REUSEPORT);
  opts['so_broadcast'] = bool(sk, SO_BROADCAST);
  opts['so_keepalive'] = bool(sk, SO_KEEPALIVE);
  opts['so_oobinline'] = getIntOpt(sk, SOL_SOCKET, SO_OOBINLINE);
  const linger = getsockopt(sk, SOL_SOCKET, SO_LINGER, 8);
  if (readI32(linger, 0)) opts['so_linger'] = readI32(linger, 4);
  opts['so_buf_lock'] = getIntOpt(sk, SOL_SOCKET, SO_BUF_LOCK);
  return opts;
}
