// Typed face of the socket syscalls: plain fds in, plain values out; addresses are raw
// sockaddr Buffers (see sockaddrUn/sockaddrIn and parseSockaddr).
import type { ArchDescriptor, ArchSocketOption } from '../arch/descriptor.js';
import { knownHostArch } from '../arch/index.js';
import { addon } from './native.js';
import { readI32, readU16, writeI32, writeU16 } from './host-order.js';

interface SocketAddon {
  socket(domain: number, type: number, protocol: number): number;
  socketpair(domain: number, type: number): [number, number];
  bind(fd: number, addr: Buffer): void;
  connect(fd: number, addr: Buffer): void;
  listen(fd: number, backlog: number): void;
  accept4(fd: number, flags: number): number;
  shutdown(fd: number, how: number): void;
  pollEvents(fd: number): number;
  socketFilter(fd: number): Buffer;
  attachSocketFilter(fd: number, program: Buffer): void;
  getsockname(fd: number): Buffer;
  getpeername(fd: number): Buffer;
  getsockopt(fd: number, level: number, name: number, size: number): Buffer;
  setsockopt(fd: number, level: number, name: number, value: Buffer): void;
  recv(fd: number, maxLen: number, flags: number): [Buffer, number];
  send(fd: number, data: Buffer, flags: number): number;
  recvmsg(fd: number, maxLen: number, flags: number): [Buffer, number, number[], Buffer];
  sendFds(fd: number, data: Buffer, fds: number[]): number;
  sockDiag(request: Buffer): Buffer[];
}

const native = () => addon<SocketAddon>();

export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const AF_PACKET = 17;
export const SOCK_STREAM = 1;
export const SOCK_RAW = 3;
export const SOCK_DGRAM = 2;
export const SOCK_SEQPACKET = 5;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;

export const SOL_SOCKET = 1;

// asm-generic's numbers; powerpc has its own for these six (its descriptor says which).
const genericSocketOptions: Readonly<Record<ArchSocketOption, number>> = {
  SO_PASSCRED: 16, SO_PEERCRED: 17, SO_RCVLOWAT: 18, SO_SNDLOWAT: 19, SO_RCVTIMEO: 20, SO_SNDTIMEO: 21,
};

/** The arch-dependent SOL_SOCKET option numbers of `arch` (asm-generic's where it has none). */
export function socketOptionsOf(arch: ArchDescriptor | undefined): Readonly<Record<ArchSocketOption, number>> {
  return { ...genericSocketOptions, ...arch?.socketOptions };
}

/** SIOCINQ (FIONREAD) and SIOCOUTQ (TIOCOUTQ) of `arch`: asm-generic's, or powerpc's own. */
export function queueIoctlsOf(arch: ArchDescriptor | undefined): { SIOCINQ: number; SIOCOUTQ: number } {
  const q = arch?.queueIoctls ?? { FIONREAD: 0x541b, TIOCOUTQ: 0x5411 };
  return { SIOCINQ: q.FIONREAD, SIOCOUTQ: q.TIOCOUTQ };
}

export const { SIOCINQ, SIOCOUTQ } = queueIoctlsOf(knownHostArch());
const archOptions = socketOptionsOf(knownHostArch());
export const SO_PASSCRED = archOptions.SO_PASSCRED;
export const SO_RCVLOWAT = archOptions.SO_RCVLOWAT;
export const SO_RCVTIMEO = archOptions.SO_RCVTIMEO;
export const SO_SNDTIMEO = archOptions.SO_SNDTIMEO;
export const SO_REUSEADDR = 2;
export const SO_TYPE = 3;
export const SO_DONTROUTE = 5;
export const SO_BROADCAST = 6;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_KEEPALIVE = 9;
export const SO_OOBINLINE = 10;
export const SO_NO_CHECK = 11;
export const SO_PRIORITY = 12;
export const SO_LINGER = 13;
export const SO_REUSEPORT = 15;
export const SO_BINDTODEVICE = 25;
export const SO_ACCEPTCONN = 30;
export const SO_SNDBUFFORCE = 32;
export const SO_PASSSEC = 34;
export const SO_MARK = 36;
export const SO_RCVBUFFORCE = 33;
export const SO_PROTOCOL = 38;
export const SO_DOMAIN = 39;
export const SO_PEEK_OFF = 42;
export const SO_BUF_LOCK = 72;
export const SO_LOCK_FILTER = 44;

export const IPPROTO_IP = 0;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_RAW = 255;
export const IP_TOS = 1;
export const IP_TTL = 2;
export const IP_PKTINFO = 8;
export const IP_FREEBIND = 15;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_RECVPKTINFO = 49;
export const IPV6_TCLASS = 67;
export const UDP_CORK = 1;
export const IPV6_V6ONLY = 26;

export const MSG_PEEK = 2;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;
export const MSG_NOSIGNAL = 0x4000;
export const MSG_CMSG_CLOEXEC = 0x40000000;

export const SHUT_RD = 0;
export const SHUT_WR = 1;

/** A socket's shutdown bits as the kernel keeps them (sk_shutdown; unix_diag and images report them). */
export const RCV_SHUTDOWN = 1;
export const SEND_SHUTDOWN = 2;

/** poll revents (the same numbers on every arch criu-ts builds for). */
export const POLLPRI = 0x2;
export const POLLHUP = 0x10;
export const POLLRDHUP = 0x2000;

/** Control message types (cmsg_type at SOL_SOCKET). */
export const SCM_RIGHTS = 1;

export const socket = (domain: number, type: number, protocol = 0): number => native().socket(domain, type, protocol);
export const socketpair = (domain: number, type: number): [number, number] => native().socketpair(domain, type);
export const bind = (fd: number, addr: Buffer): void => native().bind(fd, addr);
export const connect = (fd: number, addr: Buffer): void => native().connect(fd, addr);
export const listen = (fd: number, backlog: number): void => native().listen(fd, backlog);
export const accept4 = (fd: number, flags = SOCK_CLOEXEC): number => native().accept4(fd, flags);
export const shutdown = (fd: number, how: number): void => native().shutdown(fd, how);
/** The classic BPF program on fd (SO_ATTACH_FILTER), 8 bytes per instruction; empty if none. */
export const socketFilter = (fd: number): Buffer => native().socketFilter(fd);
export const attachSocketFilter = (fd: number, program: Buffer): void => native().attachSocketFilter(fd, program);
/** What poll reports of fd right now (POLLIN, POLLPRI, POLLOUT, POLLRDHUP, POLLHUP...). */
export const pollEvents = (fd: number): number => native().pollEvents(fd);
export const getsockname = (fd: number): Buffer => native().getsockname(fd);
export const getpeername = (fd: number): Buffer => native().getpeername(fd);
export const getsockopt = (fd: number, level: number, name: number, size = 4): Buffer => native().getsockopt(fd, level, name, size);
export const setsockopt = (fd: number, level: number, name: number, value: Buffer): void => native().setsockopt(fd, level, name, value);
/** Receives up to maxLen bytes; `length` is what the call returned (the full datagram with MSG_TRUNC). */
export function recv(fd: number, maxLen: number, flags: number): { data: Buffer; length: number } {
  const [data, length] = native().recv(fd, maxLen, flags);
  return { data, length };
}
/**
 * recv that also takes the fds passed with SCM_RIGHTS (they become ours: close them) and
 * the sender's address (a raw sockaddr, as short as the kernel made it; empty if none).
 */
export function recvmsg(fd: number, maxLen: number, flags: number): { data: Buffer; length: number; fds: number[]; from: Buffer } {
  const [data, length, fds, from] = native().recvmsg(fd, maxLen, flags);
  return { data, length, fds, from };
}
/** Sends data with fds attached as SCM_RIGHTS. */
export const sendFds = (fd: number, data: Buffer, fds: number[]): number => native().sendFds(fd, data, fds);
export const send = (fd: number, data: Buffer, flags = 0): number => native().send(fd, data, flags);
/** Sends one complete sock_diag request; returns every reply message, nlmsghdr included. */
export const sockDiag = (request: Buffer): Buffer[] => native().sockDiag(request);

export const getIntOpt = (fd: number, level: number, name: number): number => readI32(getsockopt(fd, level, name, 4), 0);
export function setIntOpt(fd: number, level: number, name: number, value: number): void {
  const b = Buffer.alloc(4);
  writeI32(b, value, 0);
  setsockopt(fd, level, name, b);
}

/** sockaddr_un for a path or an abstract name (a name starting with NUL), sized to the name. */
export function sockaddrUn(name: Buffer): Buffer {
  const b = Buffer.alloc(2 + name.length);
  writeU16(b, AF_UNIX, 0);
  name.copy(b, 2);
  return b;
}

/** sockaddr_in / sockaddr_in6; addr is 4 or 16 bytes in network order. */
export function sockaddrIn(family: number, addr: Buffer, port: number): Buffer {
  const b = Buffer.alloc(family === AF_INET6 ? 28 : 16);
  writeU16(b, family, 0);
  b.writeUInt16BE(port, 2);
  addr.copy(b, family === AF_INET6 ? 8 : 4);
  return b;
}

export type Sockaddr =
  | { family: typeof AF_UNIX; name: Buffer }
  | { family: typeof AF_INET | typeof AF_INET6; addr: Buffer; port: number }
  | { family: number };

export function parseSockaddr(b: Buffer): Sockaddr {
  const family = b.length >= 2 ? readU16(b, 0) : 0;
  if (family === AF_UNIX) return { family, name: b.subarray(2) };
  if (family === AF_INET) return { family, port: b.readUInt16BE(2), addr: b.subarray(4, 8) };
  if (family === AF_INET6) return { family, port: b.readUInt16BE(2), addr: b.subarray(8, 24) };
  return { family };
}
