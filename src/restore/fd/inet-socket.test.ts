// TCP and UDP sockets of this very process dumped by the INETSK dumper and restored by
// the kind: addresses, state and options checked on the new sockets.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { inetSocket } from '../../dump/inet-socket.js';
import {
  AF_INET, bind, connect, getIntOpt, getpeername, getsockname, getsockopt, IPPROTO_TCP, listen, parseSockaddr, recv, send,
  setIntOpt, SO_ACCEPTCONN, SO_KEEPALIVE, SO_LINGER, SO_PRIORITY, SO_RCVBUF, SO_REUSEADDR, SO_SNDBUF, SOCK_DGRAM, SOCK_STREAM,
  sockaddrIn, socket, SOL_SOCKET, TCP_KEEPIDLE, TCP_NODELAY, setsockopt,
} from '../../sys/socket.js';
import { inetSocketFile } from './inet-socket.js';
import { closeAll, dumpOwn, type RoundTrip } from './own-fd.test-support.js';

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
function roundTrip(fd: number): { entry: Record<string, any>; restored: number } {
  const t = dumpOwn(inetSocket, fd);
  trips.push(t);
  fs.closeSync(ours.splice(ours.indexOf(fd), 1)[0]!);
  inetSocketFile.check(t.ctx.tree, t.id);
  return { entry: t.files.entries[0]!['isk'], restored: inetSocketFile.open(t.ctx, t.id) };
}

describe('TCP', () => {
  it('a listener on 127.0.0.1 keeps its port, backlog and options, and accepts', () => {
    const { fd, port } = boundSocket(SOCK_STREAM);
    setIntOpt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    setIntOpt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
    listen(fd, 5);
    const { entry, restored } = roundTrip(fd);
    expect(entry).toMatchObject({ family: AF_INET, proto: 6, state: 10, backlog: 5, src_port: port, src_addr: [0x0100007f] });
    expect(entry['tcp_opts']).toMatchObject({ nodelay: true });
    expect(getIntOpt(restored, SOL_SOCKET, SO_ACCEPTCONN)).toBe(1);
    expect(getIntOpt(restored, SOL_SOCKET, SO_REUSEADDR)).toBe(1);
    expect(getIntOpt(restored, IPPROTO_TCP, TCP_NODELAY)).toBe(1);
    const c = keep(socket(AF_INET, SOCK_STREAM));
    connect(c, sockaddrIn(AF_INET, loopback, port));
  });

  it('an unbound socket keeps keepalive, priority, linger and buffer sizes', () => {
    const fd = keep(socket(AF_INET, SOCK_STREAM));
    setIntOpt(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
    setIntOpt(fd, SOL_SOCKET, SO_PRIORITY, 5);
    setIntOpt(fd, IPPROTO_TCP, TCP_KEEPIDLE, 123);
    setIntOpt(fd, SOL_SOCKET, SO_SNDBUF, 32768);
    setsockopt(fd, SOL_SOCKET, SO_LINGER, Buffer.from([1, 0, 0, 0, 9, 0, 0, 0]));
    const sndbuf = getIntOpt(fd, SOL_SOCKET, SO_SNDBUF);
    const { restored } = roundTrip(fd);
    expect(getIntOpt(restored, SOL_SOCKET, SO_KEEPALIVE)).toBe(1);
    expect(getIntOpt(restored, SOL_SOCKET, SO_PRIORITY)).toBe(5);
    expect(getIntOpt(restored, IPPROTO_TCP, TCP_KEEPIDLE)).toBe(123);
    expect(getIntOpt(restored, SOL_SOCKET, SO_SNDBUF)).toBe(sndbuf);
    expect([...getsockopt(restored, SOL_SOCKET, SO_LINGER, 8)]).toEqual([1, 0, 0, 0, 9, 0, 0, 0]);
  });
});

describe('UDP', () => {
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
