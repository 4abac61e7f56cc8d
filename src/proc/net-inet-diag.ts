// inet_diag over NETLINK_SOCK_DIAG (sock-diag.ts): what getsockopt cannot tell of a TCP or
// UDP socket, its shutdown bits. Layouts: inet_diag_req_v2 {u8 family, u8 protocol, u8 ext,
// u8 pad, u32 states, inet_diag_sockid id (48 bytes)}; inet_diag_msg {u8 family, u8 state,
// u8 timer, u8 retrans, sockid (48), u32 expires, rqueue, wqueue, uid, inode} + rtattrs.
import { readU32, writeU32 } from '../sys/host-order.js';
import { diagAttributes, diagBodies, diagDumpRequest } from './sock-diag.js';

const INET_DIAG_MSG_LEN = 72;
const INODE_AT = 68;
const INET_DIAG_SHUTDOWN = 8;

export interface InetDiag {
  ino: number;
  state: number;
  /** RCV_SHUTDOWN (1) | SEND_SHUTDOWN (2). */
  shutdown: number;
}

/** The dump request for every socket of family and protocol (IPPROTO_TCP, IPPROTO_UDP), any state. */
export function inetDiagRequest(family: number, protocol: number, seq = 1): Buffer {
  return diagDumpRequest(56, (req) => {
    req.writeUInt8(family, 0);
    req.writeUInt8(protocol, 1);
    writeU32(req, 0xffffffff, 4);
  }, seq);
}

/** Parses reply messages (as sockDiag returns them) into sockets by inode. */
export function parseInetDiag(messages: Buffer[]): Map<number, InetDiag> {
  const out = new Map<number, InetDiag>();
  for (const body of diagBodies(messages, INET_DIAG_MSG_LEN, 'inet_diag')) {
    const sk: InetDiag = { ino: readU32(body, INODE_AT), state: body[1]!, shutdown: 0 };
    diagAttributes(body, INET_DIAG_MSG_LEN, `inet_diag of socket ${sk.ino}`, (attr, data) => {
      if (attr === INET_DIAG_SHUTDOWN && data.length >= 1) sk.shutdown = data[0]!;
    });
    out.set(sk.ino, sk);
  }
  return out;
}
