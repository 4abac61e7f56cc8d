// TCP and UDP sockets: a new socket bound to the dumped address and port (SO_REUSEADDR
// held on while binding), listening again with its backlog, a UDP socket connected to its
// peer again; then its options. TCP connections are not restored (not dumped either).
import { fcntl } from '../../sys/proc-ops.js';
import {
  AF_INET, AF_INET6, bind, connect, IP_FREEBIND, IP_TOS, IP_TTL, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPPROTO_UDP,
  IPV6_V6ONLY, listen, SO_REUSEADDR, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_STREAM, sockaddrIn, socket, SOL_SOCKET, TCP_CORK,
  TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_NODELAY, setIntOpt,
} from '../../sys/socket.js';
import { fileEntry } from '../task-images.js';
import type { Entry, FdKind } from './kinds.js';
import { applySocketOpts, checkSocketOpts, setIntOptIfDiffers } from './socket-opts.js';

const TCP_ESTABLISHED = 1;
const TCP_CLOSE = 7;
const TCP_LISTEN = 10;
const O_ACCMODE = 3;
const F_SETFL = 4;

/** Address words as CRIU stores them (host u32 of network-order bytes) back to bytes. */
export function wordsToAddr(words: number[], family: number): Buffer {
  const b = Buffer.alloc(family === AF_INET6 ? 16 : 4);
  words.forEach((w, i) => { if (i * 4 < b.length) b.writeUInt32LE(w >>> 0, i * 4); });
  return b;
}

const isZero = (b: Buffer): boolean => b.every((x) => x === 0);

function restoreIpOpts(sk: number, isk: Entry): void {
  const ip = isk['ip_opts'] ?? {};
  setIntOptIfDiffers(sk, IPPROTO_IP, IP_FREEBIND, ip['freebind']);
  setIntOptIfDiffers(sk, IPPROTO_IP, IP_TOS, ip['tos']);
  setIntOptIfDiffers(sk, IPPROTO_IP, IP_TTL, ip['ttl']);
  if (Number(isk['proto']) !== IPPROTO_TCP) return;
  const tcp = isk['tcp_opts'] ?? {};
  setIntOptIfDiffers(sk, IPPROTO_TCP, TCP_NODELAY, tcp['nodelay']);
  setIntOptIfDiffers(sk, IPPROTO_TCP, TCP_CORK, tcp['cork']);
  // Old images kept the keepalive knobs in sk_opts.
  const opts = isk['opts'] ?? {};
  setIntOptIfDiffers(sk, IPPROTO_TCP, TCP_KEEPCNT, tcp['keepcnt'] ?? opts['tcp_keepcnt']);
  setIntOptIfDiffers(sk, IPPROTO_TCP, TCP_KEEPIDLE, tcp['keepidle'] ?? opts['tcp_keepidle']);
  setIntOptIfDiffers(sk, IPPROTO_TCP, TCP_KEEPINTVL, tcp['keepintvl'] ?? opts['tcp_keepintvl']);
}

export const inetSocketFile: FdKind = {
  type: 'INETSK',
  check(tree, fileId) {
    const isk = fileEntry(tree, fileId, 'INETSK')['isk'];
    const [family, type, proto, state] = [isk['family'], isk['type'], isk['proto'], isk['state']].map(Number);
    const what = `inet socket ${isk['ino']}`;
    if (family !== AF_INET && family !== AF_INET6) throw new Error(`criu-ts: ${what} has family ${family}, which cannot be restored`);
    const tcp = type === SOCK_STREAM && proto === IPPROTO_TCP;
    if (!tcp && !(type === SOCK_DGRAM && proto === IPPROTO_UDP)) throw new Error(`criu-ts: ${what} (type ${type}, protocol ${proto}) cannot be restored yet`);
    if (tcp && state !== TCP_LISTEN && state !== TCP_CLOSE) throw new Error(`criu-ts: ${what} is a TCP connection (state ${state}); established TCP is not restored yet`);
    if (!tcp && state !== TCP_ESTABLISHED && state !== TCP_CLOSE) throw new Error(`criu-ts: ${what} is in state ${state}, which cannot be restored`);
    checkSocketOpts(isk['opts'], what);
  },
  open(ctx, fileId) {
    const isk = fileEntry(ctx.tree, fileId, 'INETSK')['isk'];
    const family = Number(isk['family']);
    const sk = socket(family, Number(isk['type']) | SOCK_CLOEXEC, Number(isk['proto']));
    ctx.opened.push(sk);
    if (family === AF_INET6 && isk['v6only'] !== undefined) setIntOptIfDiffers(sk, IPPROTO_IPV6, IPV6_V6ONLY, isk['v6only']);
    const src = wordsToAddr(isk['src_addr'], family);
    if (isk['src_port'] || !isZero(src)) {
      // The old socket's port may linger (TIME_WAIT); the dumped SO_REUSEADDR is applied below.
      setIntOpt(sk, SOL_SOCKET, SO_REUSEADDR, 1);
      bind(sk, sockaddrIn(family, src, Number(isk['src_port'])));
    }
    applySocketOpts(sk, isk['opts']);
    restoreIpOpts(sk, isk);
    if (Number(isk['state']) === TCP_LISTEN) listen(sk, Number(isk['backlog']));
    else if (Number(isk['state']) === TCP_ESTABLISHED) connect(sk, sockaddrIn(family, wordsToAddr(isk['dst_addr'], family), Number(isk['dst_port'])));
    fcntl(sk, F_SETFL, Number(isk['flags']) & ~O_ACCMODE);
    return sk;
  },
};
