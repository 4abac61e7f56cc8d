// UDP receive queues: read with their senders, made into IP packets again and queued on a new
// socket through a raw socket, arriving as they came (sender, size, order, bytes).
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6, bind, getsockname, parseSockaddr, recvmsg, MSG_DONTWAIT, send, connect, SOCK_CLOEXEC, SOCK_DGRAM, socket, sockaddrIn } from '../sys/socket.js';
import { deliveryPair, parseSender, peekUdpQueue, requeueDatagrams, senderBytes, udpPacket } from './udp-queue.js';

const open: number[] = [];
afterEach(() => { for (const fd of open.splice(0)) fs.closeSync(fd); });

const LO4 = Buffer.from([127, 0, 0, 1]);
const LO6 = Buffer.from([...Array(15).fill(0), 1]);

function boundUdp(family: number, addr: Buffer): { sk: number; port: number } {
  const sk = socket(family, SOCK_DGRAM | SOCK_CLOEXEC);
  open.push(sk);
  bind(sk, sockaddrIn(family, addr, 0));
  const name = parseSockaddr(getsockname(sk));
  return { sk, port: 'port' in name ? name.port : 0 };
}

describe('UDP queue', () => {
  it('keeps senders as port + address, and refuses other lengths', () => {
    expect(parseSender(senderBytes(53, LO4), 'x')).toEqual({ family: AF_INET, port: 53, addr: LO4 });
    expect(parseSender(senderBytes(9, LO6), 'x')).toMatchObject({ family: AF_INET6, port: 9 });
    expect(() => parseSender(Buffer.alloc(5), 'sock 7')).toThrow(/sock 7: a sender of 5 bytes/);
  });

  it('delivers to the bound address, loopback for a wildcard, IPv4 for a v4-mapped sender', () => {
    const any4 = { family: AF_INET, addr: Buffer.alloc(4), port: 80 };
    expect(deliveryPair({ family: AF_INET, addr: Buffer.from([10, 1, 2, 3]), port: 5 }, any4)[1].addr).toEqual(LO4);
    const mapped = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3]);
    const [from, to] = deliveryPair({ family: AF_INET6, addr: mapped, port: 5 }, { family: AF_INET6, addr: Buffer.alloc(16), port: 80 });
    expect(from).toEqual({ family: AF_INET, addr: Buffer.from([10, 1, 2, 3]), port: 5 });
    expect(to).toEqual({ family: AF_INET, addr: LO4, port: 80 });
  });

  it('builds an IPv6 UDP packet whose checksum verifies', () => {
    const p = udpPacket({ family: AF_INET6, addr: LO6, port: 1000 }, { family: AF_INET6, addr: LO6, port: 2000 }, Buffer.from('abc'));
    expect(p.length).toBe(40 + 8 + 3);
    // The sum over pseudo-header and datagram, checksum included, is all ones.
    const words = Buffer.concat([LO6, LO6, Buffer.from([0, 0, 0, 11, 0, 0, 0, 17]), p.subarray(40), Buffer.from([0])]);
    let sum = 0;
    for (let i = 0; i + 1 < words.length; i += 2) sum += words.readUInt16BE(i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    expect(sum).toBe(0xffff);
  });

  it.runIf(process.getuid?.() === 0).each([[AF_INET, LO4], [AF_INET6, LO6]] as const)('re-queues datagrams of family %i with their senders', (family, lo) => {
    const rcv = boundUdp(family, lo);
    const a = boundUdp(family, lo);
    const c = boundUdp(family, lo);
    for (const s of [a, c]) connect(s.sk, sockaddrIn(family, lo, rcv.port));
    const sent = [[a, 100], [c, 0], [a, 20000], [c, 1]] as const;
    sent.forEach(([s, n], i) => expect(send(s.sk, Buffer.alloc(n, i + 1))).toBe(n));
    const queued = peekUdpQueue(rcv.sk, false);
    expect(queued.map((q) => [parseSender(q.from, '').port, q.data.length])).toEqual(sent.map(([s, n]) => [s.port, n]));

    const back = boundUdp(family, Buffer.alloc(lo.length)); // a wildcard address: reached through loopback
    requeueDatagrams(back.sk, { family, addr: Buffer.alloc(lo.length), port: back.port }, queued.map((q) => ({ data: q.data, from: parseSender(q.from, '') })));
    for (const [i, [s, n]] of sent.entries()) {
      const got = recvmsg(back.sk, 65536, MSG_DONTWAIT);
      const from = parseSockaddr(got.from);
      expect([got.length, 'port' in from ? from.port : -1, got.data.every((b) => b === i + 1)]).toEqual([n, s.port, true]);
    }
  });
});
