// packet_diag over NETLINK_SOCK_DIAG (sock-diag.ts): what only the kernel's report tells of an
// AF_PACKET socket (its copy threshold, the multicast memberships, the rings). Layouts:
// packet_diag_req {u8 family, u8 protocol, u16 pad, u32 ino, u32 show, u32 cookie[2]};
// packet_diag_msg {u8 family, u8 type, u16 num, u32 ino, u32 cookie[2]} + rtattrs.
import { readU16, readU32, writeU32 } from '../sys/host-order.js';
import { AF_PACKET } from '../sys/socket.js';
import { diagAttributes, diagBodies, diagDumpRequest } from './sock-diag.js';

const PACKET_SHOW_INFO = 1;
const PACKET_SHOW_MCLIST = 2;
const PACKET_SHOW_RING_CFG = 4;
const PACKET_SHOW_FANOUT = 8;

const PACKET_DIAG_INFO = 0;
const PACKET_DIAG_MCLIST = 1;
const PACKET_DIAG_RX_RING = 2;
const PACKET_DIAG_TX_RING = 3;
const PACKET_DIAG_FANOUT = 4;

/** packet_diag_info.pdi_flags */
export const PDI_RUNNING = 0x1;
export const PDI_AUXDATA = 0x2;
export const PDI_ORIGDEV = 0x4;
export const PDI_VNETHDR = 0x8;
export const PDI_LOSS = 0x10;

/** One packet_diag_mclist: a membership (PACKET_ADD_MEMBERSHIP), joined `count` times. */
export interface PacketMembership {
  ifindex: number;
  count: number;
  type: number;
  addr: Buffer;
}

export interface PacketRingConfig {
  blockSize: number;
  blockNr: number;
  frameSize: number;
  frameNr: number;
  retireTmo: number;
  sizeofPriv: number;
  features: number;
}

export interface PacketDiag {
  ino: number;
  type: number;
  /** The protocol it receives (host order: 3 is ETH_P_ALL). */
  protocol: number;
  ifindex: number;
  version: number;
  reserve: number;
  copyThresh: number;
  tstamp: number;
  flags: number;
  memberships: PacketMembership[];
  rxRing?: PacketRingConfig;
  txRing?: PacketRingConfig;
  /** In a fanout group: its id | type << 16 (no flags; getsockopt has those). */
  fanout?: number;
}

/** The dump request for every packet socket of our network namespace. */
export function packetDiagRequest(seq = 1): Buffer {
  return diagDumpRequest(20, (req) => {
    req.writeUInt8(AF_PACKET, 0);
    writeU32(req, PACKET_SHOW_INFO | PACKET_SHOW_MCLIST | PACKET_SHOW_RING_CFG | PACKET_SHOW_FANOUT, 8);
  }, seq);
}

const MCLIST_SIZE = 44; // index, count, u16 type, u16 alen, addr[32]
const RING_SIZE = 28;

function ring(data: Buffer, what: string): PacketRingConfig {
  if (data.length < RING_SIZE) throw new Error(`criu-ts: ${what}: a ring of ${data.length} bytes`);
  const w = (i: number) => readU32(data, 4 * i);
  return { blockSize: w(0), blockNr: w(1), frameSize: w(2), frameNr: w(3), retireTmo: w(4), sizeofPriv: w(5), features: w(6) };
}

/** Parses reply messages (as sockDiag returns them) into sockets by inode. */
export function parsePacketDiag(messages: Buffer[]): Map<number, PacketDiag> {
  const out = new Map<number, PacketDiag>();
  for (const body of diagBodies(messages, 16, 'packet_diag')) {
    const sk: PacketDiag = {
      ino: readU32(body, 4), type: body[1]!, protocol: readU16(body, 2),
      ifindex: 0, version: 0, reserve: 0, copyThresh: 0, tstamp: 0, flags: 0, memberships: [],
    };
    const what = `packet_diag of socket ${sk.ino}`;
    diagAttributes(body, 16, what, (attr, data) => {
      if (attr === PACKET_DIAG_INFO) {
        if (data.length < 24) throw new Error(`criu-ts: ${what}: its info has ${data.length} bytes`);
        [sk.ifindex, sk.version, sk.reserve, sk.copyThresh, sk.tstamp, sk.flags] = [0, 1, 2, 3, 4, 5].map((i) => readU32(data, 4 * i)) as [number, number, number, number, number, number];
      } else if (attr === PACKET_DIAG_MCLIST) {
        for (let off = 0; off + MCLIST_SIZE <= data.length; off += MCLIST_SIZE) {
          const alen = Math.min(readU16(data, off + 10), 32);
          sk.memberships.push({ ifindex: readU32(data, off), count: readU32(data, off + 4), type: readU16(data, off + 8), addr: Buffer.from(data.subarray(off + 12, off + 12 + alen)) });
        }
      } else if (attr === PACKET_DIAG_RX_RING) sk.rxRing = ring(data, what);
      else if (attr === PACKET_DIAG_TX_RING) sk.txRing = ring(data, what);
      else if (attr === PACKET_DIAG_FANOUT && data.length >= 4) sk.fanout = readU32(data, 0);
    });
    out.set(sk.ino, sk);
  }
  return out;
}
