// IPv4/IPv6 TCP and UDP sockets: an INETSK file entry with addresses, state and options,
// read with getsockname/getpeername/getsockopt on a borrowed copy of the socket.
// Established TCP (with --tcp-established only): the socket is put in repair mode
// (TCP_REPAIR), which freezes it, and its sequence numbers, options, window and both
// queues go to tcp-stream-<ino>.img. It stays in repair mode when the tree is killed (so
// it vanishes without a FIN or RST) and leaves it if the tree runs on (releaseTcpRepair).
import fs from 'node:fs';
import { writeImage, type Entry } from '../images/index.js';
import { ioctlRead, pidfdGetfd, pidfdOpen } from '../sys/proc-ops.js';
import { isSysError } from '../sys/native.js';
import { readI32, readU32 } from '../sys/host-order.js';
import {
  AF_INET, AF_INET6, getIntOpt, getpeername, getsockname, getsockopt, IP_FREEBIND, IP_TOS, IP_TTL, IPPROTO_IP, IPPROTO_IPV6,
  IPPROTO_TCP, IPPROTO_UDP, IPV6_V6ONLY, parseSockaddr, SO_PROTOCOL, SO_TYPE, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET, TCP_CORK,
  TCP_INFO, MSG_DONTWAIT, MSG_PEEK, recv, setIntOpt, SIOCINQ, SIOCOUTQ, TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_NODELAY,
} from '../sys/socket.js';
import { noOwner } from './file-table.js';
import type { FdDumper } from './files.js';
import { dumpSocketOpts, socketDomain, withSocket } from './socket-opts.js';

const TCP_ESTABLISHED = 1;
const TCP_CLOSE = 7;
const TCP_LISTEN = 10;
/** tcp_info: u8 state first; for a listener tcpi_sacked (offset 28) is its backlog. */
const TCPI_SACKED = 28;

const TCP_REPAIR = 19;
const TCP_REPAIR_QUEUE = 20;
const TCP_QUEUE_SEQ = 21;
const TCP_TIMESTAMP = 24;
const TCP_REPAIR_WINDOW = 29;
const TCP_MAXSEG = 2;
const TCP_RECV_QUEUE = 1;
const TCP_SEND_QUEUE = 2;
/** Leaves repair mode without the window probe a plain 0 sends. */
const TCP_REPAIR_OFF_NO_WP = -1;
const SIOCOUTQNSD = 0x894b;
/** tcp_info: tcpi_options at 5, snd_wscale (low nibble) and rcv_wscale at 6. */
const TCPI_OPTIONS = 5;
const TCPI_WSCALE = 6;

/** Established TCP state of one dump. */
export interface TcpDumpState {
  /** --tcp-established was given. */
  established: boolean;
  /** Sockets put in repair mode, where the tree holds them. */
  repaired: { pid: number; fd: number }[];
  /** tcp-stream-<ino>.img contents by inode. */
  streams: Map<number, { entry: Entry; payload: Buffer }>;
}

export const newTcpDumpState = (established: boolean): TcpDumpState => ({ established, repaired: [], streams: new Map() });

const ioctlInt = (fd: number, request: number): number => readI32(ioctlRead(fd, request, 4), 0);

/** Reads len bytes of the selected repair queue without taking them. */
function peekRepairQueue(sk: number, queue: number, len: number): Buffer {
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR_QUEUE, queue);
  if (!len) return Buffer.alloc(0);
  const got = recv(sk, len, MSG_PEEK | MSG_DONTWAIT);
  if (got.length !== len) throw new Error(`criu-ts: TCP repair: read ${got.length} of ${len} queued bytes`);
  return got.data;
}

function dumpTcpStream(sk: number, streams: TcpDumpState['streams'], ino: number, info: Buffer): void {
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR, 1);
  const inqLen = ioctlInt(sk, SIOCINQ);
  const outqLen = ioctlInt(sk, SIOCOUTQ);
  const unsqLen = ioctlInt(sk, SIOCOUTQNSD);
  const inq = peekRepairQueue(sk, TCP_RECV_QUEUE, inqLen);
  const inqSeq = getIntOpt(sk, IPPROTO_TCP, TCP_QUEUE_SEQ) >>> 0;
  const outq = peekRepairQueue(sk, TCP_SEND_QUEUE, outqLen);
  const outqSeq = getIntOpt(sk, IPPROTO_TCP, TCP_QUEUE_SEQ) >>> 0;
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR_QUEUE, 0);
  const win = getsockopt(sk, IPPROTO_TCP, TCP_REPAIR_WINDOW, 20);
  const entry: Entry = {
    inq_len: inqLen, inq_seq: inqSeq, outq_len: outqLen, outq_seq: outqSeq,
    opt_mask: info[TCPI_OPTIONS]!, snd_wscale: info[TCPI_WSCALE]! & 0xf, mss_clamp: getIntOpt(sk, IPPROTO_TCP, TCP_MAXSEG),
    rcv_wscale: info[TCPI_WSCALE]! >> 4, timestamp: getIntOpt(sk, IPPROTO_TCP, TCP_TIMESTAMP) >>> 0, unsq_len: unsqLen,
    snd_wl1: readU32(win, 0), snd_wnd: readU32(win, 4), max_window: readU32(win, 8),
    rcv_wnd: readU32(win, 12), rcv_wup: readU32(win, 16),
  };
  streams.set(ino, { entry, payload: Buffer.concat([inq, outq]) });
}

/** tcp-stream-<ino>.img per established connection (CRIU names them by the inode in hex). */
export function writeTcpStreams(dir: string, state: TcpDumpState): void {
  for (const [ino, s] of state.streams) writeImage(dir, `tcp-stream-${ino.toString(16)}.img`, 'tcp-stream', [s.entry], [s.payload]);
}

/** The tree runs on: its connections leave repair mode (and carry on). Never throws. */
export function releaseTcpRepair(state: TcpDumpState): void {
  for (const at of state.repaired.splice(0)) {
    try {
      const pidfd = pidfdOpen(at.pid);
      try {
        const sk = pidfdGetfd(pidfd, at.fd);
        try {
          setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_OFF_NO_WP);
        } finally {
          fs.closeSync(sk);
        }
      } finally {
        fs.closeSync(pidfd);
      }
    } catch {
      // The task or fd is gone: nothing left to release.
    }
  }
}

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
  dump(fd, files, extra) {
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
        if (state === TCP_LISTEN) backlog = readU32(info, TCPI_SACKED);
        else if (state === TCP_ESTABLISHED) {
          if (!extra.tcp.established) throw new Error(`criu-ts: fd ${fd.fd} of ${fd.pid} is an established TCP connection; dump it with --tcp-established`);
          extra.tcp.repaired.push({ pid: fd.pid, fd: fd.fd });
          dumpTcpStream(sk, extra.tcp.streams, fd.info.ino, info);
        } else if (state !== TCP_CLOSE) throw fd.unsupported(`a TCP connection in state ${state}`);
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
