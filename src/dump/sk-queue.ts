// Reading what waits in a socket's receive queue without taking it: MSG_PEEK from a
// moving SO_PEEK_OFF, one call per datagram/record (whole stream at once), the
// socket's own peek offset put back afterwards.
import { isSysError } from '../sys/native.js';
import { getIntOpt, MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC, recv, setIntOpt, SO_PEEK_OFF, SOCK_STREAM, SOL_SOCKET } from '../sys/socket.js';

/** Largest datagram we expect: a unix datagram is bounded by the sender's buffer (at most 2 * wmem_max). */
const MAX_PACKET = 4 << 20;
const STREAM_CHUNK = 1 << 20;

/**
 * The queued packets of sk (stream data comes as one Buffer), oldest first. Once reading
 * is shut down, an empty queue reads as 0 bytes rather than EAGAIN: then an empty
 * datagram cannot be told from the end, and ends the queue.
 */
export function peekQueue(sk: number, type: number, readShutDown: boolean): Buffer[] {
  const saved = getIntOpt(sk, SOL_SOCKET, SO_PEEK_OFF);
  setIntOpt(sk, SOL_SOCKET, SO_PEEK_OFF, 0);
  const out: Buffer[] = [];
  try {
    for (;;) {
      let got: { data: Buffer; length: number };
      try {
        got = type === SOCK_STREAM
          ? recv(sk, STREAM_CHUNK, MSG_PEEK | MSG_DONTWAIT)
          : recv(sk, MAX_PACKET, MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC); // MSG_TRUNC: the full length
      } catch (e) {
        // EAGAIN: nothing more; ECONNRESET: nothing more, and the peer closed with data unread.
        if (isSysError(e, 'EAGAIN') || isSysError(e, 'ECONNRESET')) break;
        throw e;
      }
      if (type === SOCK_STREAM) {
        if (got.length === 0) break; // the peer shut down: nothing more queued
        out.push(got.data);
        continue;
      }
      if (got.length === 0 && readShutDown) break;
      if (got.length > got.data.length) throw new Error(`criu-ts: a queued packet of ${got.length} bytes is larger than ${MAX_PACKET}`);
      out.push(got.data);
    }
  } finally {
    setIntOpt(sk, SOL_SOCKET, SO_PEEK_OFF, saved);
  }
  return type === SOCK_STREAM && out.length > 1 ? [Buffer.concat(out)] : out;
}
