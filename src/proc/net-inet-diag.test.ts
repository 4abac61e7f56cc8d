import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSysError } from '../sys/native.js';
import {
  AF_INET, AF_INET6, bind, connect, IPPROTO_TCP, IPPROTO_UDP, shutdown, SHUT_RD, SHUT_WR, SOCK_DGRAM, sockaddrIn, sockDiag, socket,
} from '../sys/socket.js';
import { netlinkAttr, netlinkMessage } from '../testing/netlink.js';
import { inetDiagRequest, parseInetDiag } from './net-inet-diag.js';

function diagMsg(ino: number, state: number, attrs: Buffer[]): Buffer {
  const head = Buffer.alloc(72);
  head[0] = AF_INET;
  head[1] = state;
  head.writeUInt32LE(ino, 68);
  return netlinkMessage(20, Buffer.concat([head, ...attrs]));
}

const loopback = Buffer.from([127, 0, 0, 1]);

describe('inet_diag messages', () => {
  it('asks for every socket of one family and protocol', () => {
    const req = inetDiagRequest(AF_INET6, IPPROTO_UDP);
    expect(req.length).toBe(16 + 56);
    expect(req.readUInt32LE(0)).toBe(req.length);
    expect(req.readUInt16LE(4)).toBe(20);
    expect([req[16], req[17]]).toEqual([AF_INET6, IPPROTO_UDP]);
    expect(req.readUInt32LE(20)).toBe(0xffffffff);
  });

  it('reads inode, state and shutdown bits, skipping other attributes', () => {
    const other = netlinkAttr(4, Buffer.from([1, 2, 3])); // INET_DIAG_INFO, padded
    const got = parseInetDiag([diagMsg(777, 7, [other, netlinkAttr(8, Buffer.from([3]))]), netlinkMessage(3, Buffer.alloc(4))]);
    expect(got.get(777)).toEqual({ ino: 777, state: 7, shutdown: 3 });
  });

  it('refuses a message shorter than inet_diag_msg and a bad attribute', () => {
    expect(() => parseInetDiag([netlinkMessage(20, Buffer.alloc(40))])).toThrow(/unexpected message/);
    expect(() => parseInetDiag([diagMsg(1, 7, [Buffer.from([60, 0, 8, 0])])])).toThrow(/bad attribute/);
  });

  it('says which errno the kernel answered', () => {
    const err = Buffer.alloc(4);
    err.writeInt32LE(-95, 0);
    expect(() => parseInetDiag([netlinkMessage(2, err)])).toThrow(/inet_diag request failed \(errno 95\)/);
  });
});

describe('inet_diag from the kernel', () => {
  const inode = (fd: number): number => fs.fstatSync(fd).ino;

  it('sees a connected UDP socket shut down for writing, and one not shut down', () => {
    const [shut, open] = [socket(AF_INET, SOCK_DGRAM), socket(AF_INET, SOCK_DGRAM)];
    try {
      for (const fd of [shut, open]) connect(fd, sockaddrIn(AF_INET, loopback, 9));
      shutdown(shut, SHUT_WR);
      const all = parseInetDiag(sockDiag(inetDiagRequest(AF_INET, IPPROTO_UDP)));
      expect(all.get(inode(shut))).toMatchObject({ state: 1, shutdown: 2 });
      expect(all.get(inode(open))).toMatchObject({ state: 1, shutdown: 0 });
    } finally {
      fs.closeSync(shut);
      fs.closeSync(open);
    }
  });

  it('sees the bits a bound, unconnected UDP socket keeps although shutdown said ENOTCONN', () => {
    const fd = socket(AF_INET, SOCK_DGRAM);
    try {
      bind(fd, sockaddrIn(AF_INET, loopback, 0));
      let failed = false;
      try { shutdown(fd, SHUT_RD); } catch (e) { failed = isSysError(e, 'ENOTCONN'); }
      expect(failed).toBe(true);
      expect(parseInetDiag(sockDiag(inetDiagRequest(AF_INET, IPPROTO_UDP))).get(inode(fd))).toMatchObject({ state: 7, shutdown: 1 });
    } finally {
      fs.closeSync(fd);
    }
  });

  it('answers for TCP too', () => {
    expect(() => parseInetDiag(sockDiag(inetDiagRequest(AF_INET, IPPROTO_TCP)))).not.toThrow();
  });
});
