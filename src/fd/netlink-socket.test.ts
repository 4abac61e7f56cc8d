// A netlink socket of this very process dumped and restored by the NETLINKSK kind.
import { describe, expect, it } from 'vitest';
import { writeU16, writeU32 } from '../sys/host-order.js';
import { AF_NETLINK, attachSocketFilter, SOCK_CLOEXEC, socket, socketFilter } from '../sys/socket.js';
import { closedAfterEach, dumpOwn } from '../testing/own-fd.js';
import { netlinkSocket } from './netlink-socket.js';

const SOCK_RAW = 3;
const NETLINK_ROUTE = 0;
const BPF_RET_K = 0x06;

const { keep, trip } = closedAfterEach();

describe('netlink sockets of this process', () => {
  it('come back with their socket filter', () => {
    const sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    keep(sk);
    const prog = Buffer.alloc(8); // one instruction: accept 96 bytes of each message
    writeU16(prog, BPF_RET_K, 0);
    writeU32(prog, 96, 4);
    attachSocketFilter(sk, prog);
    const t = dumpOwn(sk);
    trip(t);
    netlinkSocket.restore!.check(t.ctx.tree, t.id, t.ctx.options);
    const back = netlinkSocket.restore!.open(t.ctx, t.id);
    expect(socketFilter(back)).toEqual(prog);
  });
});
