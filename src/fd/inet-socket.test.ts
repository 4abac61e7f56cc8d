// TCP and UDP sockets of this very process dumped by the INETSK dumper and restored by
// the kind: addresses, state and options checked on the new sockets.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import {
  accept4, AF_INET, AF_INET6, bind, IP_PKTINFO, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_UDP, IPV6_RECVPKTINFO, UDP_CORK, IPV6_V6ONLY, MSG_DONTWAIT, connect, getIntOpt, getpeername, getsockname, getsockopt, IPPROTO_TCP, listen, parseSockaddr, recv, send,
  setIntOpt, SO_ACCEPTCONN, SO_KEEPALIVE, SO_LINGER, SO_PRIORITY, SO_RCVBUF, SO_RCVTIMEO, SO_REUSEADDR, SO_SNDBUF, SOCK_DGRAM, SOCK_STREAM,
  sockaddrIn, socket, SOL_SOCKET, setsockopt,
} from '../sys/socket.js';
import { TCP_KEEPIDLE, TCP_NODELAY } from '../sys/tcp.js';
import { readImage } from '../images/index.js';
import type { InetSkEntry } from '../images/entries.js';
import { packageRoot } from '../sys/native.js';
import { closeAll, contextOf, dumpOwn, finishInto, type RoundTrip } from '../testing/own-fd.js';
import { inetSocket } from './inet-socket.js';

const inetSocketFile = inetSocket.restore!;

const ours: number[] = [];
const trips: RoundTrip[] = [];
afterEach(() => {
  for (const t of trips.splice(0)) closeAll(t.ctx);
  for (const fd of ours.splice(0)) fs.closeSync(fd);
});
const keep = (fd: number): number => (ours.push(fd), fd);
const loopback = Buffer.from([127, 0, 0, 1]);

function boundSocket(type: number): { fd: number; port: number } {
  const fd = keep(socket(AF_INET, type));
  bind(fd, sockaddrIn(AF_INET, loopback, 0));
  const a = parseSockaddr(getsockname(fd));
  return { fd, port: 'port' in a ? a.port : 0 };
}

/** Dumps fd, closes it (its port is free again, as once the task is gone), restores it. */
function roundTrip(fd: number): { entry: InetSkEntry; restored: number } {
  const t = dumpOwn(fd);
  trips.push(t);
  fs.closeSync(ours.splice(ours.indexOf(fd), 1)[0]!);
  inetSocketFile.check(t.ctx.tree, t.id, t.ctx.options);
  return { entry: t.dump.files.entries[0]!.isk!, restored: inetSocketFile.open(t.ctx, t.id) };
}

describe('TCP', () => {
  it('a listener on 127.0.0.1 keeps its port, backlog and options, and accepts', () => {
    const { fd, port } = boundSocket(SOCK_STREAM);
    setIntOpt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    setIntOpt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
    listen(fd, 5);
    const { entry, restored } = roundTrip(fd);
    expect(entry).toMatchObject({ family: AF_INET, proto: 6, state: 10, backlog: 5, src_port: port, src_addr: [0x0100007f] });
    expect(entry.tcp_opts).toMatchObject({ nodelay: true });
    expect(getIntOpt(restored, SOL_SOCKET, SO_ACCEPTCONN)).toBe(1);
    expect(getIntOpt(restored, SOL_SOCKET, SO_REUSEADDR)).toBe(1);
    expect(getIntOpt(restored, IPPROTO_TCP, TCP_NODELAY)).toBe(1);
    const c = keep(socket(AF_INET, SOCK_STREAM));
    connect(c, sockaddrIn(AF_INET, loopback, port));
  });

  it('an unbound socket keeps keepalive, priority, linger, a receive timeout and buffer sizes', () => {
    const fd = keep(socket(AF_INET, SOCK_STREAM));
    setIntOpt(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
    setIntOpt(fd, SOL_SOCKET, SO_PRIORITY, 5);
    setIntOpt(fd, IPPROTO_TCP, TCP_KEEPIDLE, 123);
    setIntOpt(fd, SOL_SOCKET, SO_SNDBUF, 32768);
    setsockopt(fd, SOL_SOCKET, SO_LINGER, Buffer.from([1, 0, 0, 0, 9, 0, 0, 0]));
    const timeout = Buffer.alloc(16);
    timeout.writeBigInt64LE(2n, 0);
    timeout.writeBigInt64LE(500000n, 8);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout);
    const sndbuf = getIntOpt(fd, SOL_SOCKET, SO_SNDBUF);
    const { restored } = roundTrip(fd);
    expect(getIntOpt(restored, SOL_SOCKET, SO_KEEPALIVE)).toBe(1);
    expect(getIntOpt(restored, SOL_SOCKET, SO_PRIORITY)).toBe(5);
    expect(getIntOpt(restored, IPPROTO_TCP, TCP_KEEPIDLE)).toBe(123);
    expect(getIntOpt(restored, SOL_SOCKET, SO_SNDBUF)).toBe(sndbuf);
    expect([...getsockopt(restored, SOL_SOCKET, SO_LINGER, 8)]).toEqual([1, 0, 0, 0, 9, 0, 0, 0]);
    expect(getsockopt(restored, SOL_SOCKET, SO_RCVTIMEO, 16)).toEqual(timeout);
  });
});

describe('TCP over IPv6', () => {
  it('a v6-only listener on ::1 keeps its address, port and v6only', () => {
    const fd = keep(socket(AF_INET6, SOCK_STREAM));
    const lo6 = Buffer.alloc(16);
    lo6[15] = 1;
    setIntOpt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    bind(fd, sockaddrIn(AF_INET6, lo6, 0));
    listen(fd, 2);
    const port = (parseSockaddr(getsockname(fd)) as { port: number }).port;
    const { entry, restored } = roundTrip(fd);
    expect(entry).toMatchObject({ family: AF_INET6, state: 10, v6only: true, src_port: port, src_addr: [0, 0, 0, 0x01000000] });
    expect(parseSockaddr(getsockname(restored))).toMatchObject({ family: AF_INET6, port, addr: lo6 });
    expect(getIntOpt(restored, IPPROTO_IPV6, IPV6_V6ONLY)).toBe(1);
  });
});

describe('UDP', () => {
  it('keeps IP_PKTINFO (v4) and IPV6_RECVPKTINFO (v6) in ip_opts pktinfo', () => {
    const v4 = boundSocket(SOCK_DGRAM).fd;
    setIntOpt(v4, IPPROTO_IP, IP_PKTINFO, 1);
    const four = roundTrip(v4);
    expect(four.entry.ip_opts).toMatchObject({ pktinfo: true });
    expect(getIntOpt(four.restored, IPPROTO_IP, IP_PKTINFO)).toBe(1);
    const v6 = keep(socket(AF_INET6, SOCK_DGRAM));
    setIntOpt(v6, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
    const six = roundTrip(v6);
    expect(six.entry.ip_opts).toMatchObject({ pktinfo: true });
    expect(getIntOpt(six.restored, IPPROTO_IPV6, IPV6_RECVPKTINFO)).toBe(1);
    const plain = roundTrip(boundSocket(SOCK_DGRAM).fd);
    expect(plain.entry.ip_opts!.pktinfo).toBeUndefined();
    expect(getIntOpt(plain.restored, IPPROTO_IP, IP_PKTINFO)).toBe(0);
  });

  it('refuses a corked socket, whose cork the images cannot hold', () => {
    const fd = boundSocket(SOCK_DGRAM).fd;
    setIntOpt(fd, IPPROTO_UDP, UDP_CORK, 1);
    expect(() => dumpOwn(fd)).toThrow(/corked UDP socket \(UDP_CORK\)/);
  });

  it('a bound, connected socket keeps both addresses and its receive buffer, and sends', () => {
    const a = boundSocket(SOCK_DGRAM);
    const b = boundSocket(SOCK_DGRAM);
    connect(a.fd, sockaddrIn(AF_INET, loopback, b.port));
    setIntOpt(a.fd, SOL_SOCKET, SO_RCVBUF, 65536);
    const rcvbuf = getIntOpt(a.fd, SOL_SOCKET, SO_RCVBUF);
    const { entry, restored } = roundTrip(a.fd);
    expect(entry).toMatchObject({ state: 1, src_port: a.port, dst_port: b.port });
    expect(parseSockaddr(getpeername(restored))).toMatchObject({ port: b.port });
    expect(getIntOpt(restored, SOL_SOCKET, SO_RCVBUF)).toBe(rcvbuf);
    send(restored, Buffer.from('datagram'));
    expect(recv(b.fd, 100, 0).data.toString()).toBe('datagram');
  });
});

describe('established TCP', () => {
  /** A loopback connection with data queued both ways: [client, server, listener port]. */
  function connection(): [number, number, number] {
    const l = boundSocket(SOCK_STREAM);
    listen(l.fd, 1);
    const c = keep(socket(AF_INET, SOCK_STREAM));
    connect(c, sockaddrIn(AF_INET, loopback, l.port));
    const s = keep(accept4(l.fd));
    send(c, Buffer.from('to server'));
    send(s, Buffer.from('to client'));
    return [c, s, l.port];
  }

  function dumpBoth(fds: number[]): { t: RoundTrip; ids: number[] } {
    const t = dumpOwn(fds, '/nonexistent', { tcpEstablished: true });
    return { t, ids: fds.map((fd) => t.dump.dumpFd(process.pid, fd).id) };
  }

  it('is refused without --tcp-established', () => {
    const [c] = connection();
    expect(() => dumpOwn(c)).toThrow(/--tcp-established/);
  });

  it('comes back with its endpoints and both queues, and carries data', () => {
    const [c, s, port] = connection();
    const { t, ids } = dumpBoth([c, s]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-tcp-'));
    try {
      finishInto(t.dump, dir);
      for (const fd of ours.splice(0)) fs.closeSync(fd); // in repair mode: gone without a FIN
      const ctx = contextOf(t.dump, dir);
      trips.push({ ctx } as RoundTrip);
      for (const id of ids) inetSocketFile.check(ctx.tree, id, ctx.options);
      const [nc, ns] = ids.map((id) => inetSocketFile.open(ctx, id)) as [number, number];
      expect(parseSockaddr(getpeername(nc))).toMatchObject({ port });
      expect(parseSockaddr(getsockname(ns))).toMatchObject({ port });
      expect(recv(ns, 100, MSG_DONTWAIT).data.toString()).toBe('to server');
      expect(recv(nc, 100, MSG_DONTWAIT).data.toString()).toBe('to client');
      send(nc, Buffer.from('more'));
      expect(recv(ns, 100, 0).data.toString()).toBe('more');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs on unchanged when the dump releases it', () => {
    const [c, s] = connection();
    const { t } = dumpBoth([c, s]);
    t.dump.resumed();
    expect(recv(s, 100, MSG_DONTWAIT).data.toString()).toBe('to server');
    send(c, Buffer.from('more'));
    expect(recv(s, 100, 0).data.toString()).toBe('more');
    expect(recv(c, 100, MSG_DONTWAIT).data.toString()).toBe('to client');
  });
});

describe('CRIU 4.2 images (fixtures/criu-4.2/zoo)', () => {
  const dir = path.join(packageRoot(), '..', 'shared', 'fixtures', 'criu-4.2', 'zoo', 'img');

  it.skipIf(!fs.existsSync(dir))('our entries for a TCP listener and a UDP socket have the fields CRIU wrote (but ns_id)', () => {
    const criu = readImage(dir, 'files.img', 'files').entries.filter((e) => e.type === 'INETSK').map((e) => e.isk!);
    const tcp = boundSocket(SOCK_STREAM);
    listen(tcp.fd, 4);
    const udp = boundSocket(SOCK_DGRAM);
    const keys = (e: object) => Object.keys(e).filter((k) => k !== 'ns_id').sort();
    for (const [fd, theirs] of [[tcp.fd, criu[0]], [udp.fd, criu[1]]] as const) {
      const t = dumpOwn(fd);
      trips.push(t);
      const ours = t.dump.files.entries[0]!.isk!;
      expect(keys({ ...ours })).toEqual(keys(theirs));
      expect(keys({ ...ours.opts })).toEqual(keys(theirs.opts));
      expect(ours.tcp_opts).toEqual(theirs.tcp_opts);
      expect(ours.ip_opts).toEqual(theirs.ip_opts);
    }
  });
});
