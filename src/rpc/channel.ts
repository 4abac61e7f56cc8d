// One RPC connection: a SOCK_SEQPACKET socket carrying one protobuf message per packet, as
// CRIU's swrk and service do (no length prefix: a packet's length is its message's).
// Reads poll and yield to the event loop between tries, so a waiting server stays responsive.
import fs from 'node:fs';
import { FD_CLOEXEC, F_GETFD, F_SETFD } from '../sys/fcntl.js';
import { readI32 } from '../sys/host-order.js';
import { isSysError } from '../sys/native.js';
import { fcntl } from '../sys/proc-ops.js';
import { getsockopt, MSG_PEEK, MSG_TRUNC, recv, send, sendFds, SOL_SOCKET, socketOptionsOf } from '../sys/socket.js';
import { knownHostArch } from '../arch/index.js';
import { pollIn } from '../sys/unix-seqpacket.js';

export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

const POLL_MS = 50;

export class RpcChannel {
  constructor(readonly fd: number) {}

  /** An inherited socket (swrk FD): close-on-exec from now on, so no restored task gets it. */
  static adopt(fd: number): RpcChannel {
    fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
    return new RpcChannel(fd);
  }

  /** Who is on the other end (SO_PEERCRED: for a socketpair, the process that made it). */
  peer(): PeerCredentials {
    const b = getsockopt(this.fd, SOL_SOCKET, socketOptionsOf(knownHostArch()).SO_PEERCRED, 12);
    return { pid: readI32(b, 0), uid: readI32(b, 4), gid: readI32(b, 8) };
  }

  /** The next packet whole, or undefined once the peer has closed. */
  async receive(): Promise<Buffer | undefined> {
    while (!pollIn(this.fd, POLL_MS)) await new Promise((r) => setImmediate(r));
    let length: number;
    try {
      length = recv(this.fd, 0, MSG_PEEK | MSG_TRUNC).length;
    } catch (e) {
      // The peer died with packets of ours unread.
      if (isSysError(e, 'ECONNRESET')) return undefined;
      throw e;
    }
    if (length === 0) {
      // A closed peer, or an empty packet, which reads the same: CRIU takes both for the end.
      recv(this.fd, 1, 0);
      return undefined;
    }
    const { data } = recv(this.fd, length, 0);
    return data;
  }

  /** Sends one packet, with fd attached (SCM_RIGHTS) when given. */
  send(packet: Buffer, fd?: number): void {
    const n = fd === undefined ? send(this.fd, packet) : sendFds(this.fd, packet, [fd]);
    if (n !== packet.length) throw new Error(`criu-ts: rpc: sent ${n} of ${packet.length} bytes`);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
