// TCP and UDP sockets: a new socket bound to the dumped address and port (SO_REUSEADDR
// held on while binding), listening again with its backlog, a UDP socket connected to its
// peer again; then its options. An established TCP connection is rebuilt in repair mode
// (TCP_REPAIR) from tcp-stream-<ino>.img: sequence numbers, connect without a handshake,
// options, both queues refilled, the window; then it leaves repair mode and runs.
import { ImageError, readImage } from '../../images/index.js';
import { fcntl } from '../../sys/proc-ops.js';
import { writeU32 } from '../../sys/host-order.js';
import {
  AF_INET, AF_INET6, bind, connect, IP_FREEBIND, IP_TOS, IP_TTL, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPPROTO_UDP,
  IPV6_V6ONLY, listen, SO_REUSEADDR, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_STREAM, sockaddrIn, socket, SOL_SOCKET, TCP_CORK,
  TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_NODELAY, send, setIntOpt, setsockopt,
} from '../../sys/socket.js';
import { fileEntry, type TreeImages } from '../task-images.js';
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
  words.forEach((w, i) => { if (i * 4 < b.length) writeU32(b, w >>> 0, i * 4); });
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

const TCP_REPAIR = 19;
const TCP_REPAIR_QUEUE = 20;
const TCP_REPAIR_OFF_NO_WP = -1;
const TCP_QUEUE_SEQ = 21;
const TCP_REPAIR_OPTIONS = 22;
const TCP_TIMESTAMP = 24;
const TCP_REPAIR_WINDOW = 29;
const TCP_RECV_QUEUE = 1;
const TCP_SEND_QUEUE = 2;
const TCPI_OPT_TIMESTAMPS = 1;
const TCPI_OPT_SACK = 2;
const TCPI_OPT_WSCALE = 4;
const TCPOPT_MSS = 2;
const TCPOPT_WINDOW = 3;
const TCPOPT_SACK_PERM = 4;
const TCPOPT_TIMESTAMP = 8;

interface TcpStream {
  entry: Entry;
  inq: Buffer;
  outq: Buffer;
}

function tcpStream(tree: TreeImages, ino: number): TcpStream {
  const file = `tcp-stream-${ino.toString(16)}.img`;
  const img = readImage(tree.dir, file);
  const entry = img.entries[0];
  if (!entry) throw new ImageError(file, 0, 'a tcp_stream_entry');
  const data = img.payloads[0] ?? Buffer.alloc(0);
  const inqLen = Number(entry['inq_len']);
  return { entry, inq: data.subarray(0, inqLen), outq: data.subarray(inqLen, inqLen + Number(entry['outq_len'])) };
}

/** Puts bytes into the selected repair queue (recv: as if received; send: as if sent, unacknowledged). */
function fillQueue(sk: number, queue: number, data: Buffer): void {
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR_QUEUE, queue);
  for (let done = 0; done < data.length; ) done += send(sk, data.subarray(done));
}

/** sk is bound and in repair mode: becomes the dumped connection to dst, then leaves repair mode. */
function repairConnection(sk: number, { entry: e, inq, outq }: TcpStream, dst: Buffer): void {
  // Queue sequence numbers are where the queues start; refilling them moves them to where they were.
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE);
  setIntOpt(sk, IPPROTO_TCP, TCP_QUEUE_SEQ, (Number(e['inq_seq']) - inq.length) | 0);
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE);
  setIntOpt(sk, IPPROTO_TCP, TCP_QUEUE_SEQ, (Number(e['outq_seq']) - outq.length) | 0);
  connect(sk, dst);
  const mask = Number(e['opt_mask']);
  const opts: [number, number][] = [[TCPOPT_MSS, Number(e['mss_clamp'])]];
  if (mask & TCPI_OPT_WSCALE) opts.push([TCPOPT_WINDOW, Number(e['snd_wscale']) | (Number(e['rcv_wscale'] ?? 0) << 16)]);
  if (mask & TCPI_OPT_SACK) opts.push([TCPOPT_SACK_PERM, 0]);
  if (mask & TCPI_OPT_TIMESTAMPS) opts.push([TCPOPT_TIMESTAMP, 0]);
  const raw = Buffer.alloc(8 * opts.length);
  opts.forEach(([code, val], i) => { writeU32(raw, code, 8 * i); writeU32(raw, val >>> 0, 8 * i + 4); });
  setsockopt(sk, IPPROTO_TCP, TCP_REPAIR_OPTIONS, raw);
  if (e['timestamp'] !== undefined) setIntOpt(sk, IPPROTO_TCP, TCP_TIMESTAMP, Number(e['timestamp']) | 0);
  fillQueue(sk, TCP_RECV_QUEUE, inq);
  fillQueue(sk, TCP_SEND_QUEUE, outq);
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR_QUEUE, 0);
  if (e['snd_wl1'] !== undefined) {
    const win = Buffer.alloc(20);
    ['snd_wl1', 'snd_wnd', 'max_window', 'rcv_wnd', 'rcv_wup'].forEach((k, i) => writeU32(win, Number(e[k]) >>> 0, 4 * i));
    setsockopt(sk, IPPROTO_TCP, TCP_REPAIR_WINDOW, win);
  }
  // Without a window probe: the peer may be restored after this socket (a loopback pair), and a probe
  // reaching no socket would be answered with a reset.
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_OFF_NO_WP);
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
    if (tcp && state === TCP_ESTABLISHED) tcpStream(tree, Number(isk['ino']));
    else if (tcp && state !== TCP_LISTEN && state !== TCP_CLOSE) throw new Error(`criu-ts: ${what} is a TCP connection in state ${state}, which cannot be restored`);
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
    const established = Number(isk['state']) === TCP_ESTABLISHED;
    const stream = established && Number(isk['proto']) === IPPROTO_TCP ? tcpStream(ctx.tree, Number(isk['ino'])) : undefined;
    const bound = isk['src_port'] || !isZero(src);
    // The old socket's port may linger (TIME_WAIT); the dumped SO_REUSEADDR is applied below.
    if (bound) setIntOpt(sk, SOL_SOCKET, SO_REUSEADDR, 1);
    // After SO_REUSEADDR, which would undo it: repair mode lets the bind share the port even
    // with a listener of the same tree (an accepted connection of a restored server).
    if (stream) setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR, 1);
    if (bound) bind(sk, sockaddrIn(family, src, Number(isk['src_port'])));
    applySocketOpts(sk, isk['opts']);
    restoreIpOpts(sk, isk);
    const dst = sockaddrIn(family, wordsToAddr(isk['dst_addr'], family), Number(isk['dst_port']));
    if (Number(isk['state']) === TCP_LISTEN) listen(sk, Number(isk['backlog']));
    else if (stream) repairConnection(sk, stream, dst);
    else if (established) connect(sk, dst);
    fcntl(sk, F_SETFL, Number(isk['flags']) & ~O_ACCMODE);
    return sk;
  },
};
