import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { writeU16, writeU32 } from '../sys/host-order.js';
import {
  AF_INET, attachSocketFilter, getIntOpt, setIntOpt, SO_LOCK_FILTER, SO_MARK, SOCK_DGRAM, socket, socketFilter, SOL_SOCKET,
} from '../sys/socket.js';
import type { SkOptsEntry } from '../images/entries.js';
import { checkSocketOpts, dumpSocketOpts, finishSocketState, setIntOptIfDiffers } from './socket-opts.js';

/** A classic BPF instruction {u16 code, u8 jt, u8 jf, u32 k} in host order. */
function insn(code: number, k: number): Buffer {
  const b = Buffer.alloc(8);
  writeU16(b, code, 0);
  writeU32(b, k, 4);
  return b;
}
const BPF_RET_K = 0x06;
const BPF_LD_W_LEN = 0x80;

describe('socket filters (SO_ATTACH_FILTER)', () => {
  const open: number[] = [];
  const udp = (): number => {
    const sk = socket(AF_INET, SOCK_DGRAM);
    open.push(sk);
    return sk;
  };
  afterEach(() => open.splice(0).forEach((fd) => fs.closeSync(fd)));

  it('dumps the program as u64 words and attaches the same program again', () => {
    const prog = Buffer.concat([insn(BPF_LD_W_LEN, 0), insn(BPF_RET_K, 0x1234)]);
    const from = udp();
    attachSocketFilter(from, prog);
    const opts = dumpSocketOpts(from, AF_INET);
    expect(opts.so_filter).toHaveLength(2);
    const to = udp();
    finishSocketState(to, { opts });
    expect(socketFilter(to)).toEqual(prog);
  });

  it('writes no so_filter for a socket without one', () => {
    expect(dumpSocketOpts(udp(), AF_INET).so_filter).toBeUndefined();
    expect(socketFilter(open[0]!).length).toBe(0);
  });

  it('refuses a locked filter at dump and an oversized one at restore', () => {
    const sk = udp();
    attachSocketFilter(sk, insn(BPF_RET_K, 0xffff));
    setIntOpt(sk, SOL_SOCKET, SO_LOCK_FILTER, 1);
    expect(() => dumpSocketOpts(sk, AF_INET)).toThrow(/locked \(SO_LOCK_FILTER\)/);
    expect(() => checkSocketOpts({ so_filter: new Array<bigint>(4097).fill(6n) } as SkOptsEntry, 'socket 9')).toThrow(/socket 9 has a socket filter of 4097 instructions/);
  });
});

describe('int options kept in uint32 fields', () => {
  it('puts back a mark the image holds as 0xffffffff (the kernel gave -1; the fuzzer met it as a RangeError)', () => {
    const sk = socket(AF_INET, SOCK_DGRAM, 0);
    try {
      setIntOptIfDiffers(sk, SOL_SOCKET, SO_MARK, 0xffffffff);
      expect(getIntOpt(sk, SOL_SOCKET, SO_MARK)).toBe(-1);
    } finally {
      fs.closeSync(sk);
    }
  });
});
