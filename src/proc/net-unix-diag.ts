// unix_diag over NETLINK_SOCK_DIAG (sock-diag.ts): the request for every unix socket of our
// network namespace, and the parser of the replies. Layouts: unix_diag_req
// {u8 family, u8 protocol, u16 pad, u32 states, u32 ino, u32 show, u32 cookie[2]};
// unix_diag_msg {u8 family, u8 type, u8 state, u8 pad, u32 ino, u32 cookie[2]} + rtattrs.

import { readU32, writeU32 } from '../sys/host-order.js';
import { AF_UNIX } from '../sys/socket.js';
import { diagAttributes, diagBodies, diagDumpRequest } from './sock-diag.js';

export const UDIAG_SHOW_NAME = 1;
export const UDIAG_SHOW_VFS = 2;
export const UDIAG_SHOW_PEER = 4;
export const UDIAG_SHOW_ICONS = 8;
export const UDIAG_SHOW_RQLEN = 16;

const UNIX_DIAG_NAME = 0;
const UNIX_DIAG_VFS = 1;
const UNIX_DIAG_PEER = 2;
const UNIX_DIAG_ICONS = 3;
const UNIX_DIAG_RQLEN = 4;
const UNIX_DIAG_SHUTDOWN = 6;

export interface UnixDiag {
  ino: number;
  /** SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET. */
  type: number;
  /** TCP_ESTABLISHED (1), TCP_CLOSE (7), TCP_LISTEN (10)... */
  state: number;
  /** Bound name: a path, or an abstract name starting with NUL; absent if unbound. */
  name?: Buffer;
  /** The bound path's inode and device (path names only). */
  vfs?: { ino: number; dev: number };
  /** Inode of the peer, 0 if none. */
  peer: number;
  /** Inodes of connections waiting in a listener's queue. */
  icons: number[];
  /** Listener: queued connections and backlog; others: bytes queued in and out. */
  rqueue: number;
  wqueue: number;
  /** RCV_SHUTDOWN (1) | SEND_SHUTDOWN (2). */
  shutdown: number;
}

/** The dump request for every unix socket, in every state, with all we read of them. */
export function unixDiagRequest(seq = 1): Buffer {
  return diagDumpRequest(24, (req) => {
    req.writeUInt8(AF_UNIX, 0);
    writeU32(req, 0xffffffff, 4); // all states
    writeU32(req, UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN, 12);
  }, seq);
}

/** Parses reply messages (as sockDiag returns them) into sockets by inode. */
export function parseUnixDiag(messages: Buffer[]): Map<number, UnixDiag> {
  const out = new Map<number, UnixDiag>();
  for (const body of diagBodies(messages, 16, 'unix_diag')) {
    const sk: UnixDiag = { ino: readU32(body, 4), type: body[1]!, state: body[2]!, peer: 0, icons: [], rqueue: 0, wqueue: 0, shutdown: 0 };
    diagAttributes(body, 16, `unix_diag of socket ${sk.ino}`, (attr, data) => {
      if (attr === UNIX_DIAG_NAME) sk.name = Buffer.from(data);
      else if (attr === UNIX_DIAG_VFS) sk.vfs = { ino: readU32(data, 0), dev: readU32(data, 4) };
      else if (attr === UNIX_DIAG_PEER) sk.peer = readU32(data, 0);
      else if (attr === UNIX_DIAG_ICONS) for (let i = 0; i + 4 <= data.length; i += 4) sk.icons.push(readU32(data, i));
      else if (attr === UNIX_DIAG_RQLEN) [sk.rqueue, sk.wqueue] = [readU32(data, 0), readU32(data, 4)];
      else if (attr === UNIX_DIAG_SHUTDOWN) sk.shutdown = data[0]!;
    });
    out.set(sk.ino, sk);
  }
  return out;
}
