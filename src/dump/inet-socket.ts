// IPv4/IPv6 TCP and UDP sockets: an INETSK file entry with addresses, state and options,
// read with getsockname/getpeername/getsockopt on a borrowed copy of the socket. TCP
// sockets past LISTEN (connections) are refused: their streams are not dumped yet.
import type { Entry } from '../images/index.js';
import { isSysError } from '../sys/native.js';
import {
  AF_INET, AF_INET6, getIntOpt, getpeername, getsockname, getsockopt, IP_FREEBIND, IP_TOS, IP_TTL, IPPROTO_IP, IPPROTO_IPV6,
  IPPROTO_TCP, IPPROTO_UDP, IPV6_V6ONLY, parseSockaddr, SO_PROTOCOL, SO_TYPE, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET, TCP_CORK,
  TCP_INFO, TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_NODELAY,
} from '../sys/socket.js';
import { noOwner } from './file-table.js';
import type { FdDumper } from './files.js';
import { dumpSocketOpts, socketDomain, withSocket } from './socket-opts.js';

const TCP_ESTABLISHED = 1;
const TCP_CLOSE = 7;
const TCP_LISTEN = 10;
/** tcp_info: u8 state first; for a listener tcpi_sacked (offset 28) is its backlog. */
const TCPI_SACKED = 28;

/** An address as CRIU stores it: network-order bytes read as host u32 words. */
export function addrWords(addr: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= addr.length; i += 4) out.push(addr.readUInt32LE(i));
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

function tcpOpts(sk: number): Entry {
  const opts: Entry = {};
  if (getIntOpt(sk, IPPROTO_TCP, TCP_CORK)) opts['cork'] = true;
  if (getIntOpt(sk, IPPROTO_TCP, TCP_NODELAY)) opts['nodelay'] = true;
  opts['keepcnt'] = getIntOpt(sk, IPPROTO_TCP, TCP_KEEPCNT);
  opts['keepidle'] = getIntOpt(sk, IPPROTO_TCP, TCP_KEEPIDLE);
  opts['keepintvl'] = getIntOpt(sk, IPPROTO_TCP, TCP_KEEPINTVL);
  return opts;
}

function ipOpts(sk: number): Entry {
  const opts: Entry = {};
  if (getIntOpt(sk, IPPROTO_IP, IP_FREEBIND)) opts['freebind'] = true;
  const tos = getIntOpt(sk, IPPROTO_IP, IP_TOS);
  if (tos) opts['tos'] = tos;
  opts['ttl'] = getIntOpt(sk, IPPROTO_IP, IP_TTL);
  return opts;
}

export const inetSocket: FdDumper = {
  kind: 'INETSK',
  matches: (fd) => {
    const d = socketDomain(fd);
    return d === AF_INET || d === AF_INET6;
  },
  dump(fd, files) {
    return files.shared(fd.fileKey, (id) => withSocket(fd, (sk) => {
      const family = socketDomain(fd)!;
      const type = getIntOpt(sk, SOL_SOCKET, SO_TYPE);
      const proto = getIntOpt(sk, SOL_SOCKET, SO_PROTOCOL);
      if (!(type === SOCK_STREAM && proto === IPPROTO_TCP) && !(type === SOCK_DGRAM && proto === IPPROTO_UDP)) {
        throw fd.unsupported(`an inet socket of type ${type}, protocol ${proto}`);
      }
      const peer = peerName(sk);
      let state = peer ? TCP_ESTABLISHED : TCP_CLOSE;
      let backlog = 0;
      if (proto === IPPROTO_TCP) {
        const info = getsockopt(sk, IPPROTO_TCP, TCP_INFO, 32);
        state = info[0]!;
        if (state === TCP_LISTEN) backlog = info.readUInt32LE(TCPI_SACKED);
        else if (state !== TCP_CLOSE) throw fd.unsupported(`a TCP connection (state ${state})`);
      }
      const src = address(getsockname(sk), family);
      const dst = address(peer, family);
      const entry: Entry = {
        ino: fd.info.ino, family, type, proto, state, src_port: src.port, dst_port: dst.port, flags: fd.flags, backlog,
        src_addr: addrWords(src.addr), dst_addr: addrWords(dst.addr), fown: noOwner(), opts: dumpSocketOpts(sk, family),
      };
      if (family === AF_INET6) entry['v6only'] = getIntOpt(sk, IPPROTO_IPV6, IPV6_V6ONLY) !== 0;
      entry['ip_opts'] = ipOpts(sk);
      entry['tcp_opts'] = proto === IPPROTO_TCP ? tcpOpts(sk) : {};
      files.add('INETSK', 'isk', id, entry);
    }));
  },
};
