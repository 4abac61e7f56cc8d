// Reading what waits in a socket's receive queue without taking it: MSG_PEEK from a
// moving SO_PEEK_OFF, one call per datagram/record (stream bytes merged up to each batch
// of passed fds), the socket's own peek offset put back afterwards.
import fs from 'node:fs';
import { isSysError } from '../sys/native.js';
import {
  getIntOpt, MSG_CMSG_CLOEXEC, MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC, recvmsg, setIntOpt, SO_PEEK_OFF, SOCK_STREAM, SOL_SOCKET,
} from '../sys/socket.js';

/** Largest datagram we expect: a unix datagram is bounded by the sender's buffer (at most 2 * wmem_max). */
const MAX_PACKET = 4 << 20;
const STREAM_CHUNK = 1 << 20;

export interface QueuedPacket {
  data: Buffer;
  /** Files passed with it (SCM_RIGHTS), now open in this process: the caller closes them. */
  fds: number[];
  /** A datagram's sender as a raw sockaddr (empty when the sender had no name). */
  from: Buffer;
}

/**
 * The queued packets of sk, oldest first. Once reading is shut down, an empty queue
 * reads as 0 bytes rather than EAGAIN: then an empty datagram cannot be told from the
 * end, and ends the queue.
 */
export function peekQueue(sk: number, type: number, readShutDown: boolean): QueuedPacket[] {
  const saved = getIntOpt(sk, SOL_SOCKET, SO_PEEK_OFF);
  setIntOpt(sk, SOL_SOCKET, SO_PEEK_OFF, 0);
  const out: QueuedPacket[] = [];
  const stream = type === SOCK_STREAM;
  try {
    for (;;) {
      let got: { data: Buffer; length: number; fds: number[]; from: Buffer };
      try {
        got = stream
          ? recvmsg(sk, STREAM_CHUNK, MSG_PEEK | MSG_DONTWAIT | MSG_CMSG_CLOEXEC)
          : recvmsg(sk, MAX_PACKET, MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC); // MSG_TRUNC: the full length
      } catch (e) {
        // EAGAIN: nothing more; ECONNRESET: nothing more, and the peer closed with data unread.
        if (isSysError(e, 'EAGAIN') || isSysError(e, 'ECONNRESET')) break;
        throw e;
      }
      if (got.length === 0 && (stream || readShutDown)) break;
      if (got.length > got.data.length) throw new Error(`criu-ts: a queued packet of ${got.length} bytes is larger than ${MAX_PACKET}`);
      const last = out[out.length - 1];
      // Stream bytes make one packet, except those that came with files.
      if (stream && last && !last.fds.length && !got.fds.length) last.data = Buffer.concat([last.data, got.data]);
      else out.push({ data: got.data, fds: got.fds, from: stream ? Buffer.alloc(0) : got.from });
    }
  } catch (e) {
    for (const p of out) for (const fd of p.fds) fs.closeSync(fd);
    throw e;
  } finally {
    setIntOpt(sk, SOL_SOCKET, SO_PEEK_OFF, saved);
  }
  return out;
}
