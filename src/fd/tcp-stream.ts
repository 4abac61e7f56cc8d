// Established TCP connections (dumped with --tcp-established only): the socket is put in
// repair mode (TCP_REPAIR), which freezes it, and its sequence numbers, options, window and
// both queues go to tcp-stream-<ino>.img. It stays in repair mode when the tree is killed
// (so it vanishes without a FIN or RST) and leaves it if the tree runs on. Restore rebuilds
// the connection in repair mode: sequence numbers, connect without a handshake, options,
// both queues refilled, the window; then it leaves repair mode and runs.
import fs from 'node:fs';
import { ImageError, readImage, writeImage } from '../images/index.js';
import type { TcpStreamEntry } from '../images/entries.js';
import { readI32, readU32, writeU32 } from '../sys/host-order.js';
import { borrowFd, ioctlRead } from '../sys/proc-ops.js';
import {
  connect, getIntOpt, getsockopt, IPPROTO_TCP, MSG_DONTWAIT, MSG_PEEK, recv, send, setIntOpt, setsockopt, SIOCINQ, SIOCOUTQ, SO_BUF_LOCK, SO_SNDBUF,
  SO_SNDBUFFORCE, SOL_SOCKET,
} from '../sys/socket.js';
import { isSysError } from '../sys/native.js';
import {
  TCP_MAXSEG, TCP_QUEUE_SEQ, TCP_RECV_QUEUE, TCP_REPAIR, TCP_REPAIR_OFF_NO_WP, TCP_REPAIR_OPTIONS, TCP_REPAIR_QUEUE,
  TCP_REPAIR_WINDOW, TCP_SEND_QUEUE, TCP_TIMESTAMP, TCPI_OPT_SACK, TCPI_OPT_TIMESTAMPS, TCPI_OPT_WSCALE, TCPOPT_MSS,
  TCPOPT_SACK_PERM, TCPOPT_TIMESTAMP, TCPOPT_WINDOW,
} from '../sys/tcp.js';
import type { TreeImages } from '../restore/task-images.js';
import type { FdDumpOptions, KindDumpState, OpenFd } from './kind.js';
import { lockConnection, unlockConnection, type Connection } from './tcp-lock.js';

const SIOCOUTQNSD = 0x894b;
/** tcp_info: tcpi_options at 5, snd_wscale (low nibble) and rcv_wscale at 6. */
const TCPI_OPTIONS = 5;
const TCPI_WSCALE = 6;

const ioctlInt = (fd: number, request: number): number => readI32(ioctlRead(fd, request, 4), 0);

/** Reads len bytes of the selected repair queue without taking them. */
function peekRepairQueue(sk: number, queue: number, len: number): Buffer {
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR_QUEUE, queue);
  if (!len) return Buffer.alloc(0);
  const got = recv(sk, len, MSG_PEEK | MSG_DONTWAIT);
  if (got.length !== len) throw new Error(`criu-ts: TCP repair: read ${got.length} of ${len} queued bytes`);
  return got.data;
}

/** The established connections of one dump, in repair mode where the tree holds them. */
export class TcpStreams implements KindDumpState {
  private readonly repaired: { pid: number; fd: number; conn: Connection }[] = [];

  constructor(private readonly options: FdDumpOptions) {}
  /** tcp-stream-<ino>.img contents by inode. */
  private readonly streams = new Map<number, { entry: TcpStreamEntry; payload: Buffer }>();

  /**
   * Freezes fd's connection (sk is our copy of it, info its tcp_info), locks it (tcp-lock.ts)
   * and reads its state.
   */
  dump(fd: OpenFd, sk: number, info: Buffer, conn: Connection): void {
    setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR, 1);
    this.repaired.push({ pid: fd.pid, fd: fd.fd, conn });
    const o = this.options;
    lockConnection(conn, o.networkLock, o.networkLockExplicit, o.log);
    const inqLen = ioctlInt(sk, SIOCINQ);
    const outqLen = ioctlInt(sk, SIOCOUTQ);
    const unsqLen = ioctlInt(sk, SIOCOUTQNSD);
    const inq = peekRepairQueue(sk, TCP_RECV_QUEUE, inqLen);
    const inqSeq = getIntOpt(sk, IPPROTO_TCP, TCP_QUEUE_SEQ) >>> 0;
    const outq = peekRepairQueue(sk, TCP_SEND_QUEUE, outqLen);
    const outqSeq = getIntOpt(sk, IPPROTO_TCP, TCP_QUEUE_SEQ) >>> 0;
    setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR_QUEUE, 0);
    const win = getsockopt(sk, IPPROTO_TCP, TCP_REPAIR_WINDOW, 20);
    const entry: TcpStreamEntry = {
      inq_len: inqLen, inq_seq: inqSeq, outq_len: outqLen, outq_seq: outqSeq,
      opt_mask: info[TCPI_OPTIONS]!, snd_wscale: info[TCPI_WSCALE]! & 0xf, mss_clamp: getIntOpt(sk, IPPROTO_TCP, TCP_MAXSEG),
      rcv_wscale: info[TCPI_WSCALE]! >> 4, timestamp: getIntOpt(sk, IPPROTO_TCP, TCP_TIMESTAMP) >>> 0, unsq_len: unsqLen,
      snd_wl1: readU32(win, 0), snd_wnd: readU32(win, 4), max_window: readU32(win, 8),
      rcv_wnd: readU32(win, 12), rcv_wup: readU32(win, 16),
    };
    this.streams.set(fd.info.ino, { entry, payload: Buffer.concat([inq, outq]) });
  }

  /** tcp-stream-<ino>.img per established connection (CRIU names them by the inode in hex). */
  finish({ dir }: { dir: string }): void {
    for (const [ino, s] of this.streams) writeImage(dir, `tcp-stream-${ino.toString(16)}.img`, 'tcp-stream', [s.entry], [s.payload]);
  }

  /** The tree runs on: its connections leave repair mode (and carry on), and are unlocked. */
  resumed(): void {
    for (const at of this.repaired.splice(0)) {
      unlockConnection(at.conn, this.options.networkLock, this.options.log);
      try {
        const sk = borrowFd(at.pid, at.fd);
        try {
          setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_OFF_NO_WP);
        } finally {
          fs.closeSync(sk);
        }
      } catch {
        // The task or fd is gone: nothing left to release.
      }
    }
  }
}

export interface TcpStream {
  entry: TcpStreamEntry;
  inq: Buffer;
  outq: Buffer;
}

export function readTcpStream(tree: TreeImages, ino: number): TcpStream {
  const file = `tcp-stream-${ino.toString(16)}.img`;
  const img = readImage(tree.dir, file, 'tcp-stream');
  const entry = img.entries[0];
  if (!entry) throw new ImageError(file, 0, 'a tcp_stream_entry');
  const data = img.payloads[0] ?? Buffer.alloc(0);
  const inqLen = entry.inq_len;
  return { entry, inq: data.subarray(0, inqLen), outq: data.subarray(inqLen, inqLen + entry.outq_len) };
}

/** Puts bytes into the selected repair queue (recv: as if received; send: as if sent, unacknowledged). */
/** Refills a repair queue; never waits (a send that waits for room pushes what it has out). */
function fillQueue(sk: number, queue: number, data: Buffer): void {
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR_QUEUE, queue);
  for (let done = 0; done < data.length; ) {
    try {
      done += send(sk, data.subarray(done), MSG_DONTWAIT);
    } catch (e) {
      if (isSysError(e, 'EAGAIN')) throw new Error(`criu-ts: the ${queue === TCP_SEND_QUEUE ? 'send' : 'receive'} queue of a TCP connection (${data.length} bytes) does not fit in its socket again`);
      throw e;
    }
  }
}

/**
 * The send queue refilled takes more buffer memory than it did (its data laid out anew in
 * fresh buffers), so a queue that filled the socket's send buffer would not fit: the buffer
 * is raised for the refill, then set back with its lock, as the dump found them.
 */
function fillSendQueue(sk: number, data: Buffer): void {
  const size = getIntOpt(sk, SOL_SOCKET, SO_SNDBUF);
  const lock = getIntOpt(sk, SOL_SOCKET, SO_BUF_LOCK);
  // The kernel doubles what it is given: room for four times the data.
  setIntOpt(sk, SOL_SOCKET, SO_SNDBUFFORCE, Math.max(size, data.length * 2));
  try {
    fillQueue(sk, TCP_SEND_QUEUE, data);
  } finally {
    setIntOpt(sk, SOL_SOCKET, SO_SNDBUFFORCE, Math.floor(size / 2));
    setIntOpt(sk, SOL_SOCKET, SO_BUF_LOCK, lock);
  }
}

/** sk is bound and in repair mode: becomes the dumped connection to dst, then leaves repair mode. */
export function repairConnection(sk: number, { entry: e, inq, outq }: TcpStream, dst: Buffer): void {
  // Queue sequence numbers are where the queues start; refilling them moves them to where they were.
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE);
  setIntOpt(sk, IPPROTO_TCP, TCP_QUEUE_SEQ, (e.inq_seq - inq.length) | 0);
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE);
  setIntOpt(sk, IPPROTO_TCP, TCP_QUEUE_SEQ, (e.outq_seq - outq.length) | 0);
  connect(sk, dst);
  const mask = e.opt_mask;
  const opts: [number, number][] = [[TCPOPT_MSS, e.mss_clamp]];
  if (mask & TCPI_OPT_WSCALE) opts.push([TCPOPT_WINDOW, e.snd_wscale | ((e.rcv_wscale ?? 0) << 16)]);
  if (mask & TCPI_OPT_SACK) opts.push([TCPOPT_SACK_PERM, 0]);
  if (mask & TCPI_OPT_TIMESTAMPS) opts.push([TCPOPT_TIMESTAMP, 0]);
  const raw = Buffer.alloc(8 * opts.length);
  opts.forEach(([code, val], i) => { writeU32(raw, code, 8 * i); writeU32(raw, val >>> 0, 8 * i + 4); });
  setsockopt(sk, IPPROTO_TCP, TCP_REPAIR_OPTIONS, raw);
  if (e.timestamp !== undefined) setIntOpt(sk, IPPROTO_TCP, TCP_TIMESTAMP, e.timestamp | 0);
  fillQueue(sk, TCP_RECV_QUEUE, inq);
  fillSendQueue(sk, outq);
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR_QUEUE, 0);
  if (e.snd_wl1 !== undefined) {
    const win = Buffer.alloc(20);
    // The others may be absent: Number(undefined) >>> 0 is 0.
    (['snd_wl1', 'snd_wnd', 'max_window', 'rcv_wnd', 'rcv_wup'] as const).forEach((k, i) => writeU32(win, Number(e[k]) >>> 0, 4 * i));
    setsockopt(sk, IPPROTO_TCP, TCP_REPAIR_WINDOW, win);
  }
  // Without a window probe: the peer may be restored after this socket (a loopback pair), and a probe
  // reaching no socket would be answered with a reset.
  setIntOpt(sk, IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_OFF_NO_WP);
}
