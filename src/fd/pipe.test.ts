// A pipe is refilled without blocking: data that cannot fit is refused, not waited on.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { F_GETFL, F_GETPIPE_SZ, O_CLOEXEC, O_NONBLOCK } from '../sys/fcntl.js';
import { fcntl, pipe2 } from '../sys/proc-ops.js';
import { refillPipe } from './pipe.js';

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
});
