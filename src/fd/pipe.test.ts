// A pipe is refilled without blocking: data that cannot fit is refused, not waited on. A
// packet-mode pipe's packets are seen by the peek and come back as packets.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { F_GETFL, F_GETPIPE_SZ, F_SETFL, O_CLOEXEC, O_NONBLOCK } from '../sys/fcntl.js';
import { fcntl, pipe2 } from '../sys/proc-ops.js';
import { peekPipe, refillPipe } from './pipe.js';

const open: number[] = [];
afterEach(() => open.splice(0).forEach((fd) => fs.closeSync(fd)));

function newPipe(): [number, number] {
  const ends = pipe2(O_CLOEXEC);
  open.push(...ends);
  return ends;
}

describe('refillPipe', () => {
  it('sizes the pipe and puts the bytes back, leaving the flags as they were', () => {
    const [r, w] = newPipe();
    refillPipe(w, { data: Buffer.from('queued'), size: 65536 * 2 }, 'pipe 1');
    expect(fcntl(w, F_GETPIPE_SZ)).toBe(131072);
    expect(fcntl(w, F_GETFL) & O_NONBLOCK).toBe(0);
    const got = Buffer.alloc(16);
    expect(got.subarray(0, fs.readSync(r, got)).toString()).toBe('queued');
  });

  it('refuses more bytes than the buffer holds instead of blocking', () => {
    const [, w] = newPipe();
    expect(() => refillPipe(w, { data: Buffer.alloc(8192), size: 4096 }, 'pipe 7')).toThrow(/pipe 7: 8192 unread bytes do not fit its 4096-byte buffer/);
    expect(fcntl(w, F_GETFL) & O_NONBLOCK).toBe(0);
  });

  it('keeps the packets of a packet-mode pipe: the peek sees them, the refill writes them back one each', () => {
    const [r, w] = newPipe();
    fcntl(w, F_SETFL, fcntl(w, F_GETFL) | fs.constants.O_DIRECT);
    for (const m of ['a', 'bcd', 'efghij']) fs.writeSync(w, m);
    const peeked = peekPipe(r);
    expect(peeked.packets).toEqual([1, 3, 6]);
    const [r2, w2] = newPipe();
    refillPipe(w2, peeked, 'pipe 2');
    expect(fcntl(w2, F_GETFL) & fs.constants.O_DIRECT).toBe(0);
    const got = Buffer.alloc(64);
    expect([0, 1, 2].map(() => got.subarray(0, fs.readSync(r2, got)).toString())).toEqual(['a', 'bcd', 'efghij']);
  });

  it('sees no packets in a plain pipe written several times', () => {
    const [r, w] = newPipe();
    for (const m of ['a', 'bcd']) fs.writeSync(w, m);
    expect(peekPipe(r)).toEqual({ data: Buffer.from('abcd'), size: 65536 });
  });
});
