// sk_opts_entry back onto a new socket. An option is set only where the new socket's
// value differs from the dumped one, so defaults that follow sysctls stay defaults.
import type { Entry } from '../../images/index.js';
import { writeI32, writeI64 } from '../../sys/host-order.js';
import {
  getIntOpt, setIntOpt, setsockopt, SO_BINDTODEVICE, SO_BROADCAST, SO_BUF_LOCK, SO_DONTROUTE, SO_KEEPALIVE,
  SO_LINGER, SO_MARK, SO_NO_CHECK, SO_OOBINLINE, SO_PASSCRED, SO_PASSSEC, SO_PRIORITY, SO_RCVBUF, SO_RCVBUFFORCE,
  SO_RCVLOWAT, SO_RCVTIMEO, SO_REUSEADDR, SO_REUSEPORT, SO_SNDBUF, SO_SNDBUFFORCE, SO_SNDTIMEO, SOL_SOCKET,
} from '../../sys/socket.js';

/** Sets an int option to value unless the socket already has it. */
export function setIntOptIfDiffers(sk: number, level: number, name: number, value: number | boolean | undefined): void {
  if (value === undefined) return;
  const v = Number(value);
  if (getIntOpt(sk, level, name) !== v) setIntOpt(sk, level, name, v);
}

/** The kernel doubles a buffer size it is given: ask for half of what was read. */
function setBuffer(sk: number, get: number, force: number, value: number): void {
  if (getIntOpt(sk, SOL_SOCKET, get) !== value) setIntOpt(sk, SOL_SOCKET, force, Math.floor(value / 2));
}

function setTimeval(sk: number, name: number, sec: bigint | number, usec: bigint | number): void {
  if (!sec && !usec) return;
  const tv = Buffer.alloc(16);
  writeI64(tv, BigInt(sec), 0);
  writeI64(tv, BigInt(usec), 8);
  setsockopt(sk, SOL_SOCKET, name, tv);
}

/** Throws if the options hold something we cannot restore. */
export function checkSocketOpts(o: Entry, what: string): void {
  if (o['so_filter']?.length) throw new Error(`criu-ts: ${what} has a socket filter (SO_ATTACH_FILTER), which cannot be restored yet`);
}

export function applySocketOpts(sk: number, o: Entry): void {
  setBuffer(sk, SO_SNDBUF, SO_SNDBUFFORCE, Number(o['so_sndbuf']));
  setBuffer(sk, SO_RCVBUF, SO_RCVBUFFORCE, Number(o['so_rcvbuf']));
  setTimeval(sk, SO_SNDTIMEO, o['so_snd_tmo_sec'] ?? 0, o['so_snd_tmo_usec'] ?? 0);
  setTimeval(sk, SO_RCVTIMEO, o['so_rcv_tmo_sec'] ?? 0, o['so_rcv_tmo_usec'] ?? 0);
  const ints: [number, unknown][] = [
    [SO_REUSEADDR, o['reuseaddr']], [SO_PRIORITY, o['so_priority']], [SO_RCVLOWAT, o['so_rcvlowat']], [SO_MARK, o['so_mark']],
    [SO_PASSCRED, o['so_passcred']], [SO_PASSSEC, o['so_passsec']], [SO_DONTROUTE, o['so_dontroute']],
    [SO_NO_CHECK, o['so_no_check']], [SO_REUSEPORT, o['so_reuseport']], [SO_BROADCAST, o['so_broadcast']],
    [SO_KEEPALIVE, o['so_keepalive']], [SO_OOBINLINE, o['so_oobinline']],
  ];
  for (const [name, value] of ints) setIntOptIfDiffers(sk, SOL_SOCKET, name, value as number | boolean | undefined);
  if (o['so_bound_dev']) setsockopt(sk, SOL_SOCKET, SO_BINDTODEVICE, Buffer.from(`${o['so_bound_dev']}\0`));
  if (o['so_linger'] !== undefined) {
    const l = Buffer.alloc(8);
    writeI32(l, 1, 0);
    writeI32(l, o['so_linger'], 4);
    setsockopt(sk, SOL_SOCKET, SO_LINGER, l);
  }
  // Last: setting the sizes above locked them; put back the locks that were there.
  setIntOptIfDiffers(sk, SOL_SOCKET, SO_BUF_LOCK, o['so_buf_lock']);
}
