// unix_diag over NETLINK_SOCK_DIAG: the request for every unix socket of our network
// namespace, and the parser of the replies (pure, so it is tested on built messages).
// Layouts: nlmsghdr {u32 len, u16 type, u16 flags, u32 seq, u32 pid}; unix_diag_req
// {u8 family, u8 protocol, u16 pad, u32 states, u32 ino, u32 show, u32 cookie[2]};
// unix_diag_msg {u8 family, u8 type, u8 state, u8 pad, u32 ino, u32 cookie[2]} + rtattrs.

import { readI32, readU16, readU32, writeU16, writeU32 } from '../sys/host-order.js';
import { AF_UNIX } from '../sys/socket.js';

const SOCK_DIAG_BY_FAMILY = 20;
const NLM_F_REQUEST = 1;
const NLM_F_DUMP = 0x300;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLMSG_HDRLEN = 16;

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
  const b = Buffer.alloc(NLMSG_HDRLEN + 24);
  writeU32(b, b.length, 0);
  writeU16(b, SOCK_DIAG_BY_FAMILY, 4);
  writeU16(b, NLM_F_REQUEST | NLM_F_DUMP, 6);
  writeU32(b, seq, 8);
  b.writeUInt8(AF_UNIX, 16);
  writeU32(b, 0xffffffff, 20); // all states
  writeU32(b, UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN, 28);
  return b;
}

const align4 = (n: number): number => (n + 3) & ~3;

/** Parses reply messages (as sockDiag returns them) into sockets by inode. */
export function parseUnixDiag(messages: Buffer[]): Map<number, UnixDiag> {
  const out = new Map<number, UnixDiag>();
  for (const m of messages) {
    if (m.length < NLMSG_HDRLEN) throw new Error(`criu-ts: unix_diag: truncated netlink message (${m.length} bytes)`);
    const type = readU16(m, 4);
    if (type === NLMSG_DONE) break;
    if (type === NLMSG_ERROR) {
      const errno = m.length >= NLMSG_HDRLEN + 4 ? -readI32(m, NLMSG_HDRLEN) : 0;
      throw new Error(`criu-ts: unix_diag request failed (errno ${errno}); is the unix_diag module loaded?`);
    }
    if (type !== SOCK_DIAG_BY_FAMILY || m.length < NLMSG_HDRLEN + 16) throw new Error(`criu-ts: unix_diag: unexpected message type ${type}`);
    const body = m.subarray(NLMSG_HDRLEN, readU32(m, 0));
    const sk: UnixDiag = { ino: readU32(body, 4), type: body[1]!, state: body[2]!, peer: 0, icons: [], rqueue: 0, wqueue: 0, shutdown: 0 };
    for (let off = 16; off + 4 <= body.length; ) {
      const len = readU16(body, off);
      const attr = readU16(body, off + 2);
      if (len < 4 || off + len > body.length) throw new Error(`criu-ts: unix_diag: bad attribute at ${off} of socket ${sk.ino}`);
      const data = body.subarray(off + 4, off + len);
      if (attr === UNIX_DIAG_NAME) sk.name = Buffer.from(data);
      else if (attr === UNIX_DIAG_VFS) sk.vfs = { ino: readU32(data, 0), dev: readU32(data, 4) };
      else if (attr === UNIX_DIAG_PEER) sk.peer = readU32(data, 0);
      else if (attr === UNIX_DIAG_ICONS) for (let i = 0; i + 4 <= data.length; i += 4) sk.icons.push(readU32(data, i));
      else if (attr === UNIX_DIAG_RQLEN) [sk.rqueue, sk.wqueue] = [readU32(data, 0), readU32(data, 4)];
      else if (attr === UNIX_DIAG_SHUTDOWN) sk.shutdown = data[0]!;
      off += align4(len);
    }
    out.set(sk.ino, sk);
  }
  return out;
}
