// IPv4/IPv6 TCP and UDP sockets: an INETSK file entry with addresses, state and options,
// read with getsockname/getpeername/getsockopt on a borrowed copy of the socket; an
// established TCP connection also has its stream (tcp-stream.ts). Restore makes a new
// socket bound to the dumped address and port (SO_REUSEADDR held on while binding),
// listening again with its backlog, a UDP socket connected to its peer again; then its options
// and its shutdown bits (read with inet_diag, or poll for a socket with no address).
import fs from 'node:fs';
import { isSysError } from '../sys/native.js';
import { F_SETFL, O_ACCMODE } from '../sys/fcntl.js';
import { readU32, writeU32 } from '../sys/host-order.js';
import { fcntl } from '../sys/proc-ops.js';
import {
  AF_INET, AF_INET6, bind, connect, getIntOpt, IP_PKTINFO, IPV6_RECVPKTINFO, IPV6_TCLASS, IPV6_UNICAST_HOPS, UDP_CORK, getpeername, getsockname, getsockopt, IP_FREEBIND, IP_TOS, IP_TTL, IPPROTO_IP,
  IPPROTO_IPV6, IPPROTO_TCP, IPPROTO_UDP, IPV6_V6ONLY, listen, parseSockaddr, pollEvents, POLLHUP, POLLRDHUP, RCV_SHUTDOWN,
  SEND_SHUTDOWN, setIntOpt, SO_PROTOCOL, SO_REUSEADDR, SO_REUSEPORT, SO_TYPE, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_STREAM, sockaddrIn, sockDiag,
  socket, SOL_SOCKET,
} from '../sys/socket.js';
import {
  TCP_CLOSE, TCP_CORK, TCP_ESTABLISHED, TCP_INFO, TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_LISTEN, TCP_NODELAY, TCP_REPAIR, TCP_SYNCNT, TCP_USER_TIMEOUT,
} from '../sys/tcp.js';
import { fileEntry } from '../restore/task-images.js';
import { noOwner } from './file-table.js';
import { inetDiagRequest, type InetDiag, parseInetDiag } from '../proc/net-inet-diag.js';
import type { InetSkEntry, IpOptsEntry, TcpOptsEntry } from '../images/entries.js';
import type { FdDumpOptions, FdKind, FinishContext, KindDumpState, OpenContext } from './kind.js';
import {
  finishSocketState, applySocketOpts, checkSocketOpts, dumpSocketOpts, setIntOptIfDiffers, socketDomain, withSocket,
} from './socket-opts.js';
import { readTcpStream, repairConnection, TcpStreams } from './tcp-stream.js';
import { unlockConnection } from './tcp-lock.js';
import { silentLogger } from '../log.js';
import { parseSender, peekUdpQueue, requeueDatagrams } from './udp-queue.js';
import { queuedPackets, unixSocket } from './unix-socket.js';

/** tcp_info: u8 state first; for a listener tcpi_unacked (24) counts connections not yet accepted, tcpi_sacked (28) is its backlog. */
const TCPI_UNACKED = 24;
const TCPI_SACKED = 28;

/** An address as CRIU stores it: network-order bytes read as host u32 words. */
export function addrWords(addr: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= addr.length; i += 4) out.push(readU32(addr, i));
  return out;
}

function address(b: Buffer | undefined, family: number): { addr: Buffer; port: number } {
  const a = b && parseSockaddr(b);
  if (a && 'addr' in a) return { addr: a.addr, port: a.port };
  return { addr: Buffer.alloc(family === AF_INET6 ? 16 : 4), port: 0 };
}

function peerName(sk: number): Buffer | undefined {
  try {
    return getpeername(sk);
  } catch (e) {
    if (isSysError(e, 'ENOTCONN')) return undefined;
    throw e;
  }
}

/** A /proc/sys integer of criu-ts's network namespace, which a dumped socket shares. */
const sysctlInt = (name: string): number => Number(fs.readFileSync(`/proc/sys/${name}`, 'utf8'));

function tcpOpts(sk: number): TcpOptsEntry {
  const opts: TcpOptsEntry = {};
  if (getIntOpt(sk, IPPROTO_TCP, TCP_CORK)) opts.cork = true;
  if (getIntOpt(sk, IPPROTO_TCP, TCP_NODELAY)) opts.nodelay = true;
  opts.keepcnt = getIntOpt(sk, IPPROTO_TCP, TCP_KEEPCNT);
  opts.keepidle = getIntOpt(sk, IPPROTO_TCP, TCP_KEEPIDLE);
  opts.keepintvl = getIntOpt(sk, IPPROTO_TCP, TCP_KEEPINTVL);
  const userTimeout = getIntOpt(sk, IPPROTO_TCP, TCP_USER_TIMEOUT);
  if (userTimeout) opts.user_timeout = userTimeout;
  // A socket that never set it reads the namespace's default, which is not the socket's own.
  const syncnt = getIntOpt(sk, IPPROTO_TCP, TCP_SYNCNT);
  if (syncnt !== sysctlInt('net/ipv4/tcp_syn_retries')) opts.syncnt = syncnt;
  return opts;
}

/** Where a family keeps "hand me the destination of each datagram" (ip_opts pktinfo). */
const pktinfoOpt = (family: number): [number, number] => (family === AF_INET6 ? [IPPROTO_IPV6, IPV6_RECVPKTINFO] : [IPPROTO_IP, IP_PKTINFO]);

function ipOpts(sk: number, family: number): IpOptsEntry {
  const opts: IpOptsEntry = {};
  if (getIntOpt(sk, IPPROTO_IP, IP_FREEBIND)) opts.freebind = true;
  if (getIntOpt(sk, ...pktinfoOpt(family))) opts.pktinfo = true;
  const tos = getIntOpt(sk, IPPROTO_IP, IP_TOS);
  if (tos) opts.tos = tos;
  opts.ttl = getIntOpt(sk, IPPROTO_IP, IP_TTL);
  if (family === AF_INET6) {
    const hops = getIntOpt(sk, IPPROTO_IPV6, IPV6_UNICAST_HOPS);
    if (hops !== sysctlInt('net/ipv6/conf/all/hop_limit')) opts.ipv6_unicast_hops = hops;
    const tclass = getIntOpt(sk, IPPROTO_IPV6, IPV6_TCLASS);
    if (tclass) opts.ipv6_tclass = tclass;
  }
  return opts;
}

/** Address words as CRIU stores them (host u32 of network-order bytes) back to bytes. */
export function wordsToAddr(words: readonly number[] | undefined, family: number): Buffer {
  const b = Buffer.alloc(family === AF_INET6 ? 16 : 4);
  (words ?? []).forEach((w, i) => { if (i * 4 < b.length) writeU32(b, w >>> 0, i * 4); });
  return b;
}

const isZero = (b: Buffer): boolean => b.every((x) => x === 0);

function restoreIpOpts(sk: number, isk: InetSkEntry): void {
  const ip: IpOptsEntry = isk.ip_opts ?? {};
  setIntOptIfDiffers(sk, IPPROTO_IP, IP_FREEBIND, ip.freebind);
  const [level, name] = pktinfoOpt(isk.family);
  setIntOptIfDiffers(sk, level, name, ip.pktinfo);
  setIntOptIfDiffers(sk, IPPROTO_IP, IP_TOS, ip.tos);
  setIntOptIfDiffers(sk, IPPROTO_IP, IP_TTL, ip.ttl);
  if (isk.family === AF_INET6) {
    setIntOptIfDiffers(sk, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ip.ipv6_unicast_hops);
    setIntOptIfDiffers(sk, IPPROTO_IPV6, IPV6_TCLASS, ip.ipv6_tclass);
  }
  if (isk.proto !== IPPROTO_TCP) return;
  const tcp: TcpOptsEntry = isk.tcp_opts ?? {};
  setIntOptIfDiffers(sk, IPPROTO_TCP, TCP_NODELAY, tcp.nodelay);
  setIntOptIfDiffers(sk, IPPROTO_TCP, TCP_CORK, tcp.cork);
  // Old images kept the keepalive knobs in sk_opts.
  const opts = isk.opts;
  setIntOptIfDiffers(sk, IPPROTO_TCP, TCP_KEEPCNT, tcp.keepcnt ?? opts.tcp_keepcnt);
  setIntOptIfDiffers(sk, IPPROTO_TCP, TCP_KEEPIDLE, tcp.keepidle ?? opts.tcp_keepidle);
  setIntOptIfDiffers(sk, IPPROTO_TCP, TCP_KEEPINTVL, tcp.keepintvl ?? opts.tcp_keepintvl);
  setIntOptIfDiffers(sk, IPPROTO_TCP, TCP_USER_TIMEOUT, tcp.user_timeout);
  setIntOptIfDiffers(sk, IPPROTO_TCP, TCP_SYNCNT, tcp.syncnt);
}

function requeueUdp(ctx: OpenContext, fileId: number, sk: number, isk: InetSkEntry, src: Buffer): void {
  const what = `inet socket ${isk.ino}`;
  const packets = queuedPackets(ctx, fileId).map((p) => {
    if (p.rights.length) throw new Error(`criu-ts: sk-queues.img: a datagram queued on ${what} passes files`);
    if (!p.addr) throw new Error(`criu-ts: sk-queues.img: a datagram queued on ${what} has no sender`);
    return { data: p.data, from: parseSender(p.addr, what) };
  });
  if (!packets.length) return;
  if (!isk.src_port) throw new Error(`criu-ts: ${what} has queued datagrams but no port they could have come to`);
  requeueDatagrams(sk, { family: isk.family, addr: src, port: isk.src_port }, packets);
}

/** One dump's inet sockets: the established TCP streams, and inet_diag read once per family and protocol. */
class InetDumpState implements KindDumpState {
  readonly tcp: TcpStreams;
  private readonly diag = new Map<string, Map<number, InetDiag>>();

  constructor(options: FdDumpOptions) {
    this.tcp = new TcpStreams(options);
  }

  /**
   * sk's RCV_SHUTDOWN | SEND_SHUTDOWN. A socket with neither address is in no table inet_diag
   * walks; poll shows its read half (POLLRDHUP) and both halves (POLLHUP), not a write half alone.
   */
  shutdownOf(sk: number, ino: number, family: number, proto: number): number {
    const key = `${family}/${proto}`;
    let all = this.diag.get(key);
    if (!all) this.diag.set(key, all = parseInetDiag(sockDiag(inetDiagRequest(family, proto))));
    const found = all.get(ino);
    if (found) return found.shutdown;
    const ev = pollEvents(sk);
    return ev & POLLHUP ? RCV_SHUTDOWN | SEND_SHUTDOWN : ev & POLLRDHUP ? RCV_SHUTDOWN : 0;
  }

  finish(out: FinishContext): void {
    this.tcp.finish(out);
  }

  resumed(): void {
    this.tcp.resumed();
  }
}

export const inetSocket: FdKind<InetDumpState> = {
  type: 'INETSK',
  newState: (options) => new InetDumpState(options),
  dump: {
    matches: (fd) => {
      const d = socketDomain(fd);
      return d === AF_INET || d === AF_INET6;
    },
    dump(fd, { files, state: inet, options, stateOf }) {
      return files.shared(fd.fileKey, (id) => withSocket(fd, (sk) => {
        const family = socketDomain(fd)!;
        const type = getIntOpt(sk, SOL_SOCKET, SO_TYPE);
        const proto = getIntOpt(sk, SOL_SOCKET, SO_PROTOCOL);
        if (!(type === SOCK_STREAM && proto === IPPROTO_TCP) && !(type === SOCK_DGRAM && proto === IPPROTO_UDP)) {
          throw fd.unsupported(`an inet socket of type ${type}, protocol ${proto}`);
        }
        // The format has no place for a cork (nor for what it holds back).
        if (proto === IPPROTO_UDP && getIntOpt(sk, IPPROTO_UDP, UDP_CORK)) throw fd.unsupported('a corked UDP socket (UDP_CORK)');
        const peer = peerName(sk);
        const src = address(getsockname(sk), family);
        const dst = address(peer, family);
        let state = peer ? TCP_ESTABLISHED : TCP_CLOSE;
        let backlog = 0;
        if (proto === IPPROTO_TCP) {
          const info = getsockopt(sk, IPPROTO_TCP, TCP_INFO, 32);
          state = info[0]!;
          if (state === TCP_LISTEN) {
            backlog = readU32(info, TCPI_SACKED);
            const waiting = readU32(info, TCPI_UNACKED);
            if (waiting && !options.skipInFlight) {
              throw new Error(`criu-ts: fd ${fd.fd} of ${fd.pid} is a TCP listener with ${waiting} connection(s) not yet accepted, which a restore cannot bring back; dump with --skip-in-flight to drop them`);
            }
            if (waiting) options.log.warn(`fd ${fd.fd} of ${fd.pid}: ${waiting} connection(s) not yet accepted are dropped (--skip-in-flight)`);
          }
          else if (state === TCP_ESTABLISHED) {
            if (!options.tcpEstablished) throw new Error(`criu-ts: fd ${fd.fd} of ${fd.pid} is an established TCP connection; dump it with --tcp-established`);
            inet.tcp.dump(fd, sk, info, { family, local: src.addr, localPort: src.port, remote: dst.addr, remotePort: dst.port });
          } else if (state !== TCP_CLOSE) throw fd.unsupported(`a TCP connection in state ${state}`);
        }
        const entry: Omit<InetSkEntry, 'id'> = {
          ino: fd.info.ino, family, type, proto, state, src_port: src.port, dst_port: dst.port, flags: fd.flags, backlog,
          src_addr: addrWords(src.addr), dst_addr: addrWords(dst.addr), fown: noOwner(), opts: dumpSocketOpts(sk, family),
        };
        if (family === AF_INET6) entry.v6only = getIntOpt(sk, IPPROTO_IPV6, IPV6_V6ONLY) !== 0;
        entry.ip_opts = ipOpts(sk, family);
        entry.tcp_opts = proto === IPPROTO_TCP ? tcpOpts(sk) : {};
        // A TCP socket shut down for writing is past ESTABLISHED (refused above); for reading it is not.
        if (proto === IPPROTO_UDP || state === TCP_ESTABLISHED) {
          const shut = inet.shutdownOf(sk, fd.info.ino, family, proto);
          if (shut) entry.shutdown = shut;
        }
        files.add('INETSK', 'isk', id, entry);
        if (proto === IPPROTO_UDP) {
          const readShut = typeof entry.shutdown === 'number' && (entry.shutdown & RCV_SHUTDOWN) !== 0;
          for (const p of peekUdpQueue(sk, readShut)) {
            stateOf(unixSocket).addQueued({ id_for: id, length: p.data.length, addr: p.from }, p.data);
          }
        }
      }));
    },
  },
  restore: {
    check(tree, fileId, options) {
      const isk = fileEntry(tree, fileId, 'INETSK').isk;
      const { family, type, proto, state } = isk;
      const what = `inet socket ${isk.ino}`;
      if (family !== AF_INET && family !== AF_INET6) throw new Error(`criu-ts: ${what} has family ${family}, which cannot be restored`);
      for (const k of ['src_port', 'dst_port'] as const) {
        const port = isk[k];
        if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new Error(`criu-ts: ${what} has ${k} ${port}, which is no port`);
      }
      const tcp = type === SOCK_STREAM && proto === IPPROTO_TCP;
      if (!tcp && !(type === SOCK_DGRAM && proto === IPPROTO_UDP)) throw new Error(`criu-ts: ${what} (type ${type}, protocol ${proto}) cannot be restored yet`);
      if (tcp && state === TCP_ESTABLISHED) { if (!options.tcpClose) readTcpStream(tree, isk.ino); }
      else if (tcp && state !== TCP_LISTEN && state !== TCP_CLOSE) throw new Error(`criu-ts: ${what} is a TCP connection in state ${state}, which cannot be restored`);
      if (!tcp && state !== TCP_ESTABLISHED && state !== TCP_CLOSE) throw new Error(`criu-ts: ${what} is in state ${state}, which cannot be restored`);
      checkSocketOpts(isk.opts, what);
    },
    open(ctx, fileId) {
      const isk = fileEntry(ctx.tree, fileId, 'INETSK').isk;
      const family = isk.family;
      const sk = socket(family, isk.type | SOCK_CLOEXEC, isk.proto);
      ctx.opened.push(sk);
      if (family === AF_INET6 && isk.v6only !== undefined) setIntOptIfDiffers(sk, IPPROTO_IPV6, IPV6_V6ONLY, isk.v6only);
      const src = wordsToAddr(isk.src_addr, family);
      const established = isk.state === TCP_ESTABLISHED;
      const connection = established && isk.proto === IPPROTO_TCP;
      // --tcp-close: the connection comes back as a fresh, unbound socket that never connected.
      const closed = connection && ctx.options.tcpClose === true;
      const stream = connection && !closed ? readTcpStream(ctx.tree, isk.ino) : undefined;
      const bound = !closed && (isk.src_port || !isZero(src));
      // The old socket's port may linger (TIME_WAIT); the dumped SO_REUSEADDR is applied below.
      if (bound) setIntOpt(sk, SOL_SOCKET, SO_REUSEADDR, 1);
      // After SO_REUSEADDR, which would undo it: repair mode lets the bind share the port even
      // with a listener of the same tree (an accepted connection of a restored server).
      if (stream) setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR, 1);
      // Listeners sharing a port through SO_REUSEPORT each need it before their bind, as they had.
      if (bound && isk.opts.so_reuseport) setIntOpt(sk, SOL_SOCKET, SO_REUSEPORT, 1);
      if (bound) bind(sk, sockaddrIn(family, src, isk.src_port));
      applySocketOpts(sk, isk.opts);
      restoreIpOpts(sk, isk);
      // Before connecting, which would turn away datagrams queued from others than the peer.
      if (isk.proto === IPPROTO_UDP) requeueUdp(ctx, fileId, sk, isk, src);
      const dst = sockaddrIn(family, wordsToAddr(isk.dst_addr, family), isk.dst_port);
      if (isk.state === TCP_LISTEN) listen(sk, isk.backlog);
      else if (stream) repairConnection(sk, stream, dst);
      else if (established && !closed) connect(sk, dst);
      if (connection) {
        // The socket owns its addresses again (or, closed, lets the peer's next packet be reset).
        unlockConnection(
          { family, local: src, localPort: isk.src_port, remote: wordsToAddr(isk.dst_addr, family), remotePort: isk.dst_port },
          ctx.options.networkLock ?? 'iptables', ctx.options.log ?? silentLogger,
        );
      }
      if (!closed) finishSocketState(sk, isk, !established);
      fcntl(sk, F_SETFL, isk.flags & ~O_ACCMODE);
      return sk;
    },
  },
};
