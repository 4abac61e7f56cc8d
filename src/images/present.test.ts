// crit's presentations, one by one, both ways.
import { describe, expect, it } from 'vitest';
import { parseJsonExact } from './json-text.js';
import { entryFromJson, entryToJson } from './present.js';
import { messageType } from './schema.js';
import { hostByteOrder, wordsOf } from './byte-order.js';

const fown = { uid: 0, euid: 0, signum: 0, pid_type: 0, pid: 0 };
const opts = { so_sndbuf: 1, so_rcvbuf: 2, so_snd_tmo_sec: 0n, so_snd_tmo_usec: 0n, so_rcv_tmo_sec: 0n, so_rcv_tmo_usec: 0n };

/** A network-order address as the u32 words CRIU stores (memory order of this host). */
function words(bytes: number[]): number[] {
  return wordsOf(Buffer.from(bytes), hostByteOrder());
}

function both(typeName: string, entry: Record<string, any>) {
  const type = messageType(typeName);
  const json = entryToJson(type, entry, true);
  expect(entryFromJson(type, JSON.parse(JSON.stringify(json)))).toEqual(entry);
  return json;
}

describe('pretty presentation', () => {
  it('prints IPv4 and IPv6 addresses, compressing the longest zero run', () => {
    const isk = {
      id: 1, ino: 2, family: 10, type: 1, proto: 6, state: 10, src_port: 80, dst_port: 0, flags: 2, backlog: 5,
      src_addr: words([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
      dst_addr: words([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      fown, opts,
    };
    const json = both('inet_sk_entry', isk);
    expect(json['src_addr']).toEqual(['2001:db8::1']);
    expect(json['dst_addr']).toEqual(['::']);
    expect(json['family']).toBe('INET6');
    expect(json['state']).toBe('LISTEN');
    expect(json['flags']).toBe('0x2');
    const v4 = both('inet_sk_entry', { ...isk, family: 2, src_addr: words([127, 0, 0, 1]), dst_addr: words([10, 1, 2, 3]) });
    expect(v4['src_addr']).toEqual(['127.0.0.1']);
    expect(v4['dst_addr']).toEqual(['10.1.2.3']);
    const mid = both('inet_sk_entry', { ...isk, src_addr: words([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2]) });
    expect(mid['src_addr']).toEqual(['fe80::1:0:0:2']);
  });

  it('prints devices as major:minor in the kernel and the old encoding', () => {
    const wd = { id: 1, i_ino: 5n, mask: 0x300, ignored_mask: 0, s_dev: (254 << 20) | 3, wd: 1, f_handle: { bytes: 8, type: 1 } };
    expect(both('inotify_wd_entry', wd)['s_dev']).toBe('254:3');
    const irmap = { dev: (8 << 8) | 17, inode: 9n, path: '/x' };
    expect(both('irmap_cache_entry', irmap)['dev']).toBe('8:17');
  });

  it('names flag bits and keeps unknown bits as hex', () => {
    const vma = { start: 0x1000n, end: 0x2000n, pgoff: 0n, shmid: 0n, prot: 3, flags: 0x22 | 0x4000, status: (1 << 0) | (1 << 9), fd: -1n };
    const json = both('vma_entry', vma);
    expect(json['prot']).toBe('PROT_READ | PROT_WRITE');
    expect(json['flags']).toBe('MAP_PRIVATE | MAP_ANON | 0x4000');
    expect(json['status']).toBe('VMA_AREA_REGULAR | VMA_ANON_PRIVATE');
    expect(json['start']).toBe('0x1000');
    expect(json['fd']).toBe(-1);
    expect(both('vma_entry', { ...vma, prot: 0 })['prot']).toBe('');
  });

  it('applies hex to everything inside a hex-marked message', () => {
    const sa = { sigaction: 2n ** 64n - 1n, flags: 0x4000000n, restorer: 0n, mask: 0n };
    const json = both('sa_entry', sa);
    expect(json['sigaction']).toBe('0xffffffffffffffff');
  });

  it('quotes unix socket names (abstract names start with NUL)', () => {
    const usk = {
      id: 1, ino: 2, type: 5, state: 7, flags: 0, uflags: 0, backlog: 0, peer: 0, fown, opts,
      name: Buffer.concat([Buffer.from([0]), Buffer.from('my=sock ')]),
    };
    const json = both('unix_sk_entry', usk);
    expect(json['name']).toBe('=00my=3Dsock=20');
    expect(json['type']).toBe('SEQPACKET');
  });

  it('prints bytes as base64 in 76-character lines and big u64 as exact text', () => {
    const seccomp = { seccomp_filters: [{ filter: Buffer.alloc(64, 0xab) }] };
    const json = both('seccomp_entry', seccomp);
    const text = (json['seccomp_filters'] as any)[0].filter as string;
    expect(text.split('\n').map((l) => l.length)).toEqual([76, 12, 0]);
    const rl = both('rlimit_entry', { cur: 2n ** 64n - 1n, max: 5n });
    expect(rl).toEqual({ cur: '18446744073709551615', max: 5 });
  });
});

describe('parseJsonExact', () => {
  it('keeps integers beyond 2^53 exact and leaves the rest alone', () => {
    const doc = parseJsonExact('{"a": 18446744073709551615, "b": [1, -9007199254740993, 2.5e3], "c": "12345678901234567890"}');
    expect(doc).toEqual({ a: '18446744073709551615', b: [1, '-9007199254740993', 2500], c: '12345678901234567890' });
  });

  it('is not fooled by digits or quotes inside strings', () => {
    expect(parseJsonExact('{"s": "say \\"99999999999999999999\\"", "n": 9007199254740991}')).toEqual({
      s: 'say "99999999999999999999"',
      n: 9007199254740991,
    });
  });
});
