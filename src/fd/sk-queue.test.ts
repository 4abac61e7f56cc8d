import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AF_UNIX, getIntOpt, MSG_DONTWAIT, recv, send, shutdown, SHUT_WR, SO_PEEK_OFF, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, SOL_SOCKET, sendFds, socketpair } from '../sys/socket.js';
import { pipe2 } from '../sys/proc-ops.js';
import { peekQueue, type QueuedPacket } from './sk-queue.js';

function withPair(type: number, use: (a: number, b: number) => void): void {
  const [a, b] = socketpair(AF_UNIX, type);
  try {
    use(a, b);
  } finally {
    fs.closeSync(a);
    fs.closeSync(b);
  }
}

const data = (packets: QueuedPacket[]): Buffer[] => packets.map((p) => p.data);

describe('peekQueue', () => {
  it('reads queued datagrams with their boundaries (an empty one too) and leaves them queued', () => {
    withPair(SOCK_DGRAM, (a, b) => {
      const msgs = [Buffer.from('one'), Buffer.alloc(0), Buffer.alloc(70000, 7), Buffer.from('last')];
      for (const m of msgs) send(a, m);
      expect(data(peekQueue(b, SOCK_DGRAM, false))).toEqual(msgs);
      expect(getIntOpt(b, SOL_SOCKET, SO_PEEK_OFF)).toBe(-1);
      expect(recv(b, 100, MSG_DONTWAIT).data).toEqual(msgs[0]);
    });
  });

  it('reads a stream queue as one buffer, stopping at a shutdown', () => {
    withPair(SOCK_STREAM, (a, b) => {
      send(a, Buffer.from('abc'));
      send(a, Buffer.from('def'));
      shutdown(a, SHUT_WR);
      expect(data(peekQueue(b, SOCK_STREAM, true))).toEqual([Buffer.from('abcdef')]);
      expect(data(peekQueue(a, SOCK_STREAM, false))).toEqual([]);
      expect(recv(b, 100, MSG_DONTWAIT).data.toString()).toBe('abcdef');
    });
  });

  it('reads seqpacket records in order', () => {
    withPair(SOCK_SEQPACKET, (a, b) => {
      send(a, Buffer.from('r1'));
      send(a, Buffer.from('record 2'));
      expect(data(peekQueue(b, SOCK_SEQPACKET, false)).map(String)).toEqual(['r1', 'record 2']);
      shutdown(b, SHUT_WR); // a reads end of file: its empty queue must end the walk
      expect(data(peekQueue(a, SOCK_SEQPACKET, true))).toEqual([]);
    });
  });

  it('takes files passed with stream bytes; later bytes stay apart from them (as a reader would see them)', () => {
    withPair(SOCK_STREAM, (a, b) => {
      const [r, w] = pipe2(0);
      try {
        send(a, Buffer.from('before'));
        sendFds(a, Buffer.from('with'), [r, w]);
        send(a, Buffer.from('after'));
        const got = peekQueue(b, SOCK_STREAM, false);
        expect(got.map((p) => [p.data.toString(), p.fds.length])).toEqual([['beforewith', 2], ['after', 0]]);
        expect(fs.fstatSync(got[0]!.fds[0]!).ino).toBe(fs.fstatSync(r).ino);
        for (const fd of got[0]!.fds) fs.closeSync(fd);
      } finally {
        fs.closeSync(r);
        fs.closeSync(w);
      }
    });
  });
});
