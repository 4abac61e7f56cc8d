// NETLINK_SOCK_DIAG framing shared by the unix and inet requests: the nlmsghdr of a dump
// request {u32 len, u16 type, u16 flags, u32 seq, u32 pid}, the replies' bodies and their
// rtattrs {u16 len, u16 type, data, padded to 4}. Pure, so it is tested on built messages.
import { readI32, readU16, readU32, writeU16, writeU32 } from '../sys/host-order.js';

const SOCK_DIAG_BY_FAMILY = 20;
const NLM_F_REQUEST = 1;
const NLM_F_DUMP = 0x300;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLMSG_HDRLEN = 16;

/** A dump request carrying body (the family's *_diag_req, zeroed then filled by fill). */
export function diagDumpRequest(bodyLength: number, fill: (body: Buffer) => void, seq = 1): Buffer {
  const b = Buffer.alloc(NLMSG_HDRLEN + bodyLength);
  writeU32(b, b.length, 0);
  writeU16(b, SOCK_DIAG_BY_FAMILY, 4);
  writeU16(b, NLM_F_REQUEST | NLM_F_DUMP, 6);
  writeU32(b, seq, 8);
  fill(b.subarray(NLMSG_HDRLEN));
  return b;
}

/**
 * The bodies of reply messages (as sockDiag returns them), each at least minLength bytes;
 * `what` names the request in errors (e.g. "unix_diag").
 */
export function diagBodies(messages: Buffer[], minLength: number, what: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of messages) {
    if (m.length < NLMSG_HDRLEN) throw new Error(`criu-ts: ${what}: truncated netlink message (${m.length} bytes)`);
    const type = readU16(m, 4);
    if (type === NLMSG_DONE) break;
    if (type === NLMSG_ERROR) {
      const errno = m.length >= NLMSG_HDRLEN + 4 ? -readI32(m, NLMSG_HDRLEN) : 0;
      throw new Error(`criu-ts: ${what} request failed (errno ${errno}); is the ${what} module loaded?`);
    }
    const len = readU32(m, 0);
    if (type !== SOCK_DIAG_BY_FAMILY || len < NLMSG_HDRLEN + minLength || len > m.length) {
      throw new Error(`criu-ts: ${what}: unexpected message (type ${type}, ${len} bytes)`);
    }
    out.push(m.subarray(NLMSG_HDRLEN, len));
  }
  return out;
}

const align4 = (n: number): number => (n + 3) & ~3;

/** Calls each(type, data) for the rtattrs of body from offset on. */
export function diagAttributes(body: Buffer, offset: number, what: string, each: (type: number, data: Buffer) => void): void {
  for (let off = offset; off + 4 <= body.length; ) {
    const len = readU16(body, off);
    if (len < 4 || off + len > body.length) throw new Error(`criu-ts: ${what}: bad attribute at ${off}`);
    each(readU16(body, off + 2), body.subarray(off + 4, off + len));
    off += align4(len);
  }
}
