// The receive queue of a UDP socket. Dump peeks it like any datagram queue (sk-queue.ts) and
// keeps each datagram's sender. Restore cannot send from the senders' addresses with an
// ordinary socket (they are other hosts, or ports the restored tree binds itself), so each
// datagram is made whole, IP and UDP headers with the sender as its source, and sent through
// a raw socket to the restored socket's address, where the kernel queues it as it came.
import fs from 'node:fs';
import {
  AF_INET, AF_INET6, connect, IPPROTO_RAW, IPPROTO_UDP, parseSockaddr, send, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_RAW, sockaddrIn, socket,
} from '../sys/socket.js';
import { peekQueue } from './sk-queue.js';

/** A datagram's sender as the image keeps it: the port (big-endian), then the 4 or 16 address bytes. */
export const senderBytes = (port: number, addr: Buffer): Buffer => {
  const b = Buffer.alloc(2 + addr.length);
  b.writeUInt16BE(port, 0);
  addr.copy(b, 2);
  return b;
};

export interface Endpoint {
  family: number;
  addr: Buffer;
  port: number;
}

export function parseSender(b: Buffer, what: string): Endpoint {
  if (b.length !== 6 && b.length !== 18) throw new Error(`criu-ts: sk-queues.img: ${what}: a sender of ${b.length} bytes is no UDP address`);
  return { family: b.length === 6 ? AF_INET : AF_INET6, port: b.readUInt16BE(0), addr: b.subarray(2) };
}

/** The datagrams queued on sk, oldest first, with their senders. */
export function peekUdpQueue(sk: number, readShutDown: boolean): { data: Buffer; from: Buffer }[] {
  return peekQueue(sk, SOCK_DGRAM, readShutDown).map((p) => {
    const from = parseSockaddr(p.from);
    if (!('addr' in from)) throw new Error('criu-ts: a queued UDP datagram has no sender address');
    return { data: p.data, from: senderBytes(from.port, from.addr) };
  });
}

const V4_MAPPED = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
const isV4Mapped = (a: Buffer): boolean => a.length === 16 && a.subarray(0, 12).equals(V4_MAPPED);
const LOOPBACK4 = Buffer.from([127, 0, 0, 1]);
const LOOPBACK6 = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

/** The one's-complement sum of 16-bit words that IP checksums are made of. */
function onesSum(parts: Buffer[]): number {
  let sum = 0;
  for (const b of parts) {
    for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
    if (b.length % 2) sum += b[b.length - 1]! << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** An IP packet carrying one UDP datagram from `from` to `to` (of one family). */
export function udpPacket(from: Endpoint, to: Endpoint, data: Buffer): Buffer {
  const udpLen = 8 + data.length;
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(from.port, 0);
  udp.writeUInt16BE(to.port, 2);
  udp.writeUInt16BE(udpLen, 4);
  if (from.family === AF_INET) {
    // IPv4 lets UDP go without a checksum (0); the kernel fills the header's own in.
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + udpLen, 2);
    ip.writeUInt16BE(0x4000, 6); // don't fragment
    ip[8] = 64;
    ip[9] = IPPROTO_UDP;
    from.addr.copy(ip, 12);
    to.addr.copy(ip, 16);
    return Buffer.concat([ip, udp, data]);
  }
  const pseudo = Buffer.alloc(8);
  pseudo.writeUInt32BE(udpLen, 0);
  pseudo[7] = IPPROTO_UDP;
  const sum = ~onesSum([from.addr, to.addr, pseudo, udp, data]) & 0xffff;
  udp.writeUInt16BE(sum || 0xffff, 6);
  const ip = Buffer.alloc(40);
  ip.writeUInt32BE(6 << 28, 0);
  ip.writeUInt16BE(udpLen, 4);
  ip[6] = IPPROTO_UDP;
  ip[7] = 64;
  from.addr.copy(ip, 8);
  to.addr.copy(ip, 24);
  return Buffer.concat([ip, udp, data]);
}

/**
 * Where a datagram from `from` reaches a socket bound to `bound`: its own address, loopback
 * for a wildcard one; an IPv4 sender of an IPv6 socket (v4-mapped) goes over IPv4.
 */
export function deliveryPair(from: Endpoint, bound: Endpoint): [Endpoint, Endpoint] {
  if (from.family === AF_INET6 && isV4Mapped(from.addr)) {
    const to = isV4Mapped(bound.addr) ? bound.addr.subarray(12) : LOOPBACK4;
    return [{ family: AF_INET, addr: from.addr.subarray(12), port: from.port }, { family: AF_INET, addr: to, port: bound.port }];
  }
  const wildcard = bound.addr.every((x) => x === 0);
  const to = !wildcard ? bound.addr : from.family === AF_INET ? LOOPBACK4 : LOOPBACK6;
  return [from, { family: from.family, addr: to, port: bound.port }];
}

/** Queues the datagrams on the socket bound to `bound` again, and checks that they all arrived. */
export function requeueDatagrams(sk: number, bound: Endpoint, packets: { data: Buffer; from: Endpoint }[]): void {
  const raws = new Map<number, number>();
  try {
    for (const p of packets) {
      const [from, to] = deliveryPair(p.from, bound);
      let raw = raws.get(from.family);
      if (raw === undefined) {
        raw = socket(from.family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
        raws.set(from.family, raw);
      }
      const packet = udpPacket(from, to, p.data);
      connect(raw, sockaddrIn(from.family, to.addr, 0));
      if (send(raw, packet) !== packet.length) throw new Error(`criu-ts: a queued UDP datagram of ${p.data.length} bytes could not be re-sent whole`);
    }
  } finally {
    for (const raw of raws.values()) fs.closeSync(raw);
  }
  // Loopback delivers before send returns; a datagram the socket dropped (a full buffer) is missing here.
  const queued = peekQueue(sk, SOCK_DGRAM, false).length;
  if (queued !== packets.length) throw new Error(`criu-ts: ${packets.length} queued UDP datagrams were re-sent but ${queued} arrived`);
}
