import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AF_UNIX, bind, listen, shutdown, SHUT_WR, SOCK_SEQPACKET, SOCK_STREAM, sockaddrUn, sockDiag, socket, socketpair, send } from '../sys/socket.js';
import { netlinkAttr as attr, netlinkMessage as message } from '../testing/netlink.js';
import { parseUnixDiag, unixDiagRequest } from './net-unix-diag.js';


describe('unix_diag parsing', () => {
  it('reads the header and every attribute of a socket', () => {
    const head = Buffer.from([1, 10, 10, 0, 0x39, 0x30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // ino 12345, LISTEN
    const name = attr(0, Buffer.from('\0abc'));
    const icons = attr(3, Buffer.from([7, 0, 0, 0, 8, 0, 0, 0]));
    const rq = attr(4, Buffer.from([2, 0, 0, 0, 5, 0, 0, 0]));
    const done = message(3, Buffer.alloc(4));
    const got = parseUnixDiag([message(20, Buffer.concat([head, name, icons, rq])), done]).get(12345);
    expect(got).toMatchObject({ type: 10, state: 10, icons: [7, 8], rqueue: 2, wqueue: 5, peer: 0 });
    expect(got?.name?.toString('latin1')).toBe('\0abc');
  });

  it('turns an error reply into a clear error', () => {
    const err = Buffer.alloc(4);
    err.writeInt32LE(-2, 0);
    expect(() => parseUnixDiag([message(2, err)])).toThrow(/errno 2/);
  });

  it('refuses a truncated attribute', () => {
    const head = Buffer.alloc(16);
    const bad = Buffer.from([40, 0, 2, 0, 1, 0, 0, 0]);
    expect(() => parseUnixDiag([message(20, Buffer.concat([head, bad]))])).toThrow(/bad attribute/);
  });
});

describe('unix_diag from the kernel', () => {
  it('sees a socketpair as two peers, with queued bytes and shutdown', () => {
    const [a, b] = socketpair(AF_UNIX, SOCK_SEQPACKET);
    try {
      send(a, Buffer.from('hello'));
      shutdown(b, SHUT_WR);
      const [ia, ib] = [fs.fstatSync(a).ino, fs.fstatSync(b).ino];
      const all = parseUnixDiag(sockDiag(unixDiagRequest()));
      expect(all.get(ia)).toMatchObject({ type: SOCK_SEQPACKET, state: 1, peer: ib });
      expect(all.get(ib)).toMatchObject({ peer: ia, rqueue: 5, shutdown: 2 });
    } finally {
      fs.closeSync(a);
      fs.closeSync(b);
    }
  });

  it('sees an abstract listener with its name and backlog', () => {
    const fd = socket(AF_UNIX, SOCK_STREAM);
    try {
      const name = Buffer.from(`\0criu-ts-diag-test-${process.pid}`);
      bind(fd, sockaddrUn(name));
      listen(fd, 7);
      const sk = parseUnixDiag(sockDiag(unixDiagRequest())).get(fs.fstatSync(fd).ino);
      expect(sk).toMatchObject({ state: 10, wqueue: 7, icons: [] });
      expect(sk?.name).toEqual(name);
    } finally {
      fs.closeSync(fd);
    }
  });
});
