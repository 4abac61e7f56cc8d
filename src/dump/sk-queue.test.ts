import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AF_UNIX, getIntOpt, MSG_DONTWAIT, recv, send, shutdown, SHUT_WR, SO_PEEK_OFF, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, SOL_SOCKET, socketpair } from '../sys/socket.js';
import { peekQueue } from './sk-queue.js';

function withPair(type: number, use: (a: number, b: number) => void): void {
  const [a, b] = socketpair(AF_UNIX, type);
  try {
    use(a, b);
  } finally {
    fs.closeSync(a);
    fs.closeSync(b);
  }
}

describe('peekQueue', () => {
  it('reads queued datagrams with their boundaries (an empty one too) and leaves them queued', () => {
    withPair(SOCK_DGRAM, (a, b) => {
      const msgs = [Buffer.from('one'), Buffer.alloc(0), Buffer.alloc(70000, 7), Buffer.from('last')];
      for (const m of msgs) send(a, m);
      expect(peekQueue(b, SOCK_DGRAM, false)).toEqual(msgs);
      expect(getIntOpt(b, SOL_SOCKET, SO_PEEK_OFF)).toBe(-1);
      expect(recv(b, 100, MSG_DONTWAIT).data).toEqual(msgs[0]);
    });
  });

  it('reads a stream queue as one buffer, stopping at a shutdown', () => {
    withPair(SOCK_STREAM, (a, b) => {
      send(a, Buffer.from('abc'));
      send(a, Buffer.from('def'));
      shutdown(a, SHUT_WR);
      expect(peekQueue(b, SOCK_STREAM, true)).toEqual([Buffer.from('abcdef')]);
      expect(peekQueue(a, SOCK_STREAM, false)).toEqual([]);
      expect(recv(b, 100, MSG_DONTWAIT).data.toString()).toBe('abcdef');
    });
  });

  it('reads seqpacket records in order', () => {
    withPair(SOCK_SEQPACKET, (a, b) => {
      send(a, Buffer.from('r1'));
      send(a, Buffer.from('record 2'));
      expect(peekQueue(b, SOCK_SEQPACKET, false).map(String)).toEqual(['r1', 'record 2']);
      shutdown(b, SHUT_WR); // a reads end of file: its empty queue must end the walk
      expect(peekQueue(a, SOCK_SEQPACKET, true)).toEqual([]);
    });
  });
});
