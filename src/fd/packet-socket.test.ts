// Packet sockets of this very process dumped by the PACKETSK kind and restored: what only
// packet_diag reports (copy threshold, memberships joined twice) is checked on the new socket
// through packet_diag too; what the images cannot keep is refused by name.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePacketDiag, packetDiagRequest } from '../proc/net-packet-diag.js';
import { hostLittleEndian, writeI32, writeU16, writeU32 } from '../sys/host-order.js';
import { AF_PACKET, bind, getsockname, setIntOpt, setsockopt, SOCK_DGRAM, SOCK_RAW, sockDiag, socket } from '../sys/socket.js';
import { netlinkAttr as attr, netlinkMessage as message } from '../testing/netlink.js';
import { closedAfterEach, dumpOwn } from '../testing/own-fd.js';
import { mclistOf, packetMreq, packetSocket, protocolWord } from './packet-socket.js';

const SOL_PACKET = 263;
const PACKET_ADD_MEMBERSHIP = 1;
const PACKET_RX_RING = 5;
const PACKET_COPY_THRESH = 7;
const PACKET_QDISC_BYPASS = 20;
const PACKET_MR_ALLMULTI = 2;
const LO = 1;

const { keep, trip } = closedAfterEach();
const diagOf = (fd: number) => parsePacketDiag(sockDiag(packetDiagRequest())).get(fs.fstatSync(fd).ino)!;

describe('packet_diag parsing', () => {
  it('reads the header, the info, memberships, a ring and the fanout', () => {
    const head = Buffer.alloc(16);
    head.writeUInt8(AF_PACKET, 0);
    head.writeUInt8(SOCK_RAW, 1);
    writeU16(head, 3, 2);
    writeU32(head, 4242, 4);
    const info = Buffer.alloc(24);
    [1, 1, 64, 300, 16, 0x12].forEach((v, i) => writeU32(info, v, 4 * i));
    const mc = Buffer.alloc(44);
    writeU32(mc, 1, 0);
    writeU32(mc, 2, 4);
    writeU16(mc, PACKET_MR_ALLMULTI, 8);
    const ring = Buffer.alloc(28);
    writeU32(ring, 4096, 0);
    const fanout = Buffer.alloc(4);
    writeU32(fanout, 77 | (1 << 16), 0);
    const body = Buffer.concat([head, attr(0, info), attr(1, mc), attr(2, ring), attr(4, fanout)]);
    const got = parsePacketDiag([message(20, body), message(3, Buffer.alloc(4))]).get(4242);
    expect(got).toMatchObject({ type: SOCK_RAW, protocol: 3, ifindex: 1, version: 1, reserve: 64, copyThresh: 300, tstamp: 16, flags: 0x12, fanout: 77 | (1 << 16) });
    expect(got!.memberships).toEqual([{ ifindex: 1, count: 2, type: PACKET_MR_ALLMULTI, addr: Buffer.alloc(0) }]);
    expect(got!.rxRing?.blockSize).toBe(4096);
    expect(mclistOf(got!)).toHaveLength(2);
  });

  it('keeps the protocol as socket(2) takes it, and refuses a membership address packet_mreq cannot carry', () => {
    expect(protocolWord(3)).toBe(hostLittleEndian ? 0x0300 : 3);
    expect(() => packetMreq({ index: 1, type: 0, addr: Buffer.alloc(9) })).toThrow(/9-byte address/);
  });
});

describe.runIf(process.getuid?.() === 0)('packet sockets of this process', () => {
  const restorer = packetSocket.restore!;
  const mreq = packetMreq({ index: LO, type: PACKET_MR_ALLMULTI, addr: Buffer.alloc(0) });

  it('come back bound, with their copy threshold and memberships (joined twice) as packet_diag sees them', () => {
    const sk = keep(socket(AF_PACKET, SOCK_DGRAM, protocolWord(0x88b5)));
    const at = Buffer.alloc(20);
    writeU16(at, AF_PACKET, 0);
    writeI32(at, LO, 4);
    bind(sk, at);
    setIntOpt(sk, SOL_PACKET, PACKET_COPY_THRESH, 300);
    setsockopt(sk, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq);
    setsockopt(sk, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq);
    const t = dumpOwn(sk);
    trip(t);
    const entry = t.dump.files.entries[0]!.psk!;
    expect(entry).toMatchObject({ type: SOCK_DGRAM, protocol: protocolWord(0x88b5), ifindex: LO, copy_thresh: 300 });
    expect(entry.mclist).toHaveLength(2);
    restorer.check(t.ctx.tree, t.id, t.ctx.options);
    const back = restorer.open(t.ctx, t.id);
    const was = diagOf(sk);
    const now = diagOf(back);
    expect(now).toMatchObject({ type: was.type, protocol: 0x88b5, ifindex: LO, copyThresh: 300, flags: was.flags });
    expect(now.memberships).toEqual(was.memberships);
    expect(getsockname(back)).toEqual(getsockname(sk));
  });

  it('are refused by name with a ring or an option the images cannot keep', () => {
    const bypass = keep(socket(AF_PACKET, SOCK_RAW, 0));
    setIntOpt(bypass, SOL_PACKET, PACKET_QDISC_BYPASS, 1);
    expect(() => dumpOwn(bypass)).toThrow(/PACKET_QDISC_BYPASS set, which the images cannot keep/);
    const ringed = keep(socket(AF_PACKET, SOCK_RAW, 0));
    const req = Buffer.alloc(16); // tpacket_req: block size, block count, frame size, frame count
    [4096, 1, 2048, 2].forEach((v, i) => writeU32(req, v, 4 * i));
    setsockopt(ringed, SOL_PACKET, PACKET_RX_RING, req);
    expect(() => dumpOwn(ringed)).toThrow(/a packet socket with a memory-mapped ring/);
  });
});
