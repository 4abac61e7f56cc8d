// Framing: magics, u32 lengths in either byte order, payloads, and the one-line errors
// for every kind of bad input.
import { describe, expect, it } from 'vitest';
import { ImageError } from './error.js';
import { u32Bytes as u32, type ByteOrder } from './byte-order.js';
import { decodeFramed, encodeFramed } from './framing.js';
import { IMG_COMMON_MAGIC, IMG_SERVICE_MAGIC, MAGICS } from './magic.js';

const pstree = [
  { pid: 100, ppid: 0, pgid: 100, sid: 100, threads: [100, 101] },
  { pid: 102, ppid: 100, pgid: 100, sid: 100, threads: [102] },
];

function decodeError(buf: Buffer, file: string, order: ByteOrder = 'LE'): ImageError {
  try {
    decodeFramed(buf, file, order);
  } catch (e) {
    expect(e).toBeInstanceOf(ImageError);
    const err = e as ImageError;
    expect(err.message.split('\n')).toHaveLength(1);
    expect(err.message).toBe(`${err.file}: offset ${err.offset}: ${err.expected}`);
    return err;
  }
  throw new Error('decode did not fail');
}

describe.each(['LE', 'BE'] as const)('framing in %s byte order', (order) => {
  it('writes common magic, kind magic, then u32 length + message per entry', () => {
    const buf = encodeFramed('pstree', pstree, undefined, order);
    expect(buf.subarray(0, 4)).toEqual(u32(IMG_COMMON_MAGIC, order));
    expect(buf.subarray(4, 8)).toEqual(u32(MAGICS.PSTREE, order));
    const len = order === 'LE' ? buf.readUInt32LE(8) : buf.readUInt32BE(8);
    const second = 12 + len;
    const len2 = order === 'LE' ? buf.readUInt32LE(second) : buf.readUInt32BE(second);
    expect(second + 4 + len2).toBe(buf.length);
    expect(decodeFramed(buf, 'pstree.img', order)).toEqual({ kind: 'pstree', entries: pstree, payloads: [undefined, undefined], offsets: [8, second] });
  });

  it('gives inventory its own magic only and stats the service magic', () => {
    const inv = encodeFramed('inventory', [{ img_version: 2 }], undefined, order);
    expect(inv.subarray(0, 4)).toEqual(u32(MAGICS.INVENTORY, order));
    expect(decodeFramed(inv, 'inventory.img', order).entries).toEqual([{ img_version: 2 }]);
    const stats = encodeFramed('stats', [{ dump: { freezing_time: 1, frozen_time: 2, memdump_time: 3, memwrite_time: 4, pages_scanned: 5n, pages_skipped_parent: 0n, pages_written: 5n, pages_lazy: 0n } }], undefined, order);
    expect(stats.subarray(0, 8)).toEqual(Buffer.concat([u32(IMG_SERVICE_MAGIC, order), u32(MAGICS.STATS, order)]));
    expect(decodeFramed(stats, 'stats-dump', order).entries[0]!['dump'].pages_written).toBe(5n);
  });

  it('carries raw payload after entries that announce one', () => {
    const entries = [{ pipe_id: 7, bytes: 3, size: 4096 }, { pipe_id: 8, bytes: 0 }];
    const payloads = [Buffer.from('abc'), Buffer.alloc(0)];
    const buf = encodeFramed('pipes-data', entries, payloads, order);
    const len = order === 'LE' ? buf.readUInt32LE(8) : buf.readUInt32BE(8);
    expect(decodeFramed(buf, 'pipes-data.img', order)).toEqual({ kind: 'pipes-data', entries, payloads, offsets: [8, 12 + len + 3] });
  });

  it('refuses a file written in the other byte order', () => {
    const other = order === 'LE' ? 'BE' : 'LE';
    const err = decodeError(encodeFramed('pstree', pstree, undefined, other), 'pstree.img', order);
    expect(err.offset).toBe(0);
    expect(err.expected).toMatch(/^expected common magic 0x54564319, found 0x19435654$/);
  });
});

describe('decode errors', () => {
  const good = encodeFramed('pstree', pstree, undefined, 'LE');
  const firstLen = good.readUInt32LE(8);

  it('names a wrong kind magic', () => {
    const err = decodeError(encodeFramed('core', [{ mtype: 'X86_64' }], undefined, 'LE'), 'pstree.img');
    expect(err.message).toBe('pstree.img: offset 4: expected magic PSTREE (0x50273030), found CORE (0x55053847)');
  });

  it('tells common, service and own magics apart', () => {
    const stats = encodeFramed('stats', [{}], undefined, 'LE');
    const asCommon = Buffer.concat([u32(IMG_COMMON_MAGIC, 'LE'), stats.subarray(4)]);
    expect(decodeError(asCommon, 'stats-dump').message).toBe('stats-dump: offset 0: expected service magic 0x55105940, found 0x54564319');
    expect(decodeError(good, 'inventory.img').message).toBe('inventory.img: offset 0: expected magic INVENTORY (0x58313116), found 0x54564319');
  });

  it('names an unknown magic in a file of no known kind', () => {
    const buf = Buffer.concat([u32(IMG_COMMON_MAGIC, 'LE'), u32(0x12345678, 'LE')]);
    expect(decodeError(buf, 'mystery.bin').message).toBe('mystery.bin: offset 4: expected a known image magic, found 0x12345678');
  });

  it('finds the kind from the magic when the name does not tell', () => {
    expect(decodeFramed(good, 'copy-of-tree.bin', 'LE').kind).toBe('pstree');
  });

  it('checks the magic of the kind asked for, whatever the name says', () => {
    expect(decodeFramed(good, 'copy-of-tree.bin', 'LE', 'pstree').entries).toEqual(pstree);
    const shmem = encodeFramed('pagemap-shmem', [{ pages_id: 3 }], undefined, 'LE');
    expect(decodeFramed(shmem, 'pagemap-shmem-5.img', 'LE', 'pagemap').kind).toBe('pagemap');
    try {
      decodeFramed(good, 'pstree.img', 'LE', 'core');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe('pstree.img: offset 4: expected magic CORE (0x55053847), found PSTREE (0x50273030)');
    }
  });

  it('reports a truncated magic', () => {
    expect(decodeError(good.subarray(0, 6), 'pstree.img').message).toBe('pstree.img: offset 4: truncated magic (need 4 bytes, 2 left)');
  });

  it('reports a truncated entry length', () => {
    expect(decodeError(good.subarray(0, 10), 'pstree.img').message).toBe('pstree.img: offset 8: truncated entry length (need 4 bytes, 2 left)');
  });

  it('reports a truncated message', () => {
    const cut = good.subarray(0, 12 + firstLen - 3);
    expect(decodeError(cut, 'pstree.img').message).toBe(
      `pstree.img: offset 12: truncated pstree_entry #0 (need ${firstLen} bytes, ${firstLen - 3} left)`,
    );
  });

  it('reports a truncated payload', () => {
    const buf = encodeFramed('pipes-data', [{ pipe_id: 1, bytes: 10 }], [Buffer.alloc(10, 1)], 'LE');
    const err = decodeError(buf.subarray(0, buf.length - 4), 'pipes-data.img');
    expect(err.expected).toBe('truncated payload of entry 0 (need 10 bytes, 6 left)');
    expect(err.offset).toBe(buf.length - 10);
  });

  it('reports garbage where a message should be', () => {
    const junk = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]);
    const buf = Buffer.concat([good.subarray(0, 8), u32(junk.length, 'LE'), junk]);
    const err = decodeError(buf, 'pstree.img');
    expect(err.offset).toBe(12);
    expect(err.expected).toMatch(/^expected a valid pstree_entry message of 5 bytes \(.+\)$/);
  });

  it('reports a message missing a required field', () => {
    const body = Buffer.from([0x08, 0x05]); // only pid = 5
    const buf = Buffer.concat([good.subarray(0, 8), u32(body.length, 'LE'), body]);
    expect(decodeError(buf, 'pstree.img').expected).toMatch(/^expected a valid pstree_entry message of 2 bytes \(.*ppid.*\)$/);
  });

  it('refuses raw page files', () => {
    expect(decodeError(Buffer.alloc(4096), 'pages-1.img').expected).toMatch(/raw page data/);
  });

  it('accepts a file with a header and no entries', () => {
    expect(decodeFramed(good.subarray(0, 8), 'pstree.img', 'LE').entries).toEqual([]);
  });
});

describe('encode errors', () => {
  it('refuses unknown fields, missing required fields and wrong types', () => {
    expect(() => encodeFramed('pstree', [{ ...pstree[0], pidd: 1 }], undefined, 'LE')).toThrow('pstree[0]: pstree_entry has no field "pidd"');
    expect(() => encodeFramed('pstree', [{ pid: 1 }], undefined, 'LE')).toThrow('pstree[0].ppid: required field missing');
    expect(() => encodeFramed('pstree', [{ ...pstree[0], pid: '1' }], undefined, 'LE')).toThrow('pstree[0].pid: expected an integer');
    expect(() => encodeFramed('core', [{ mtype: 'VAX' }], undefined, 'LE')).toThrow('unknown march value "VAX"');
    expect(() => encodeFramed('nonsense', [], undefined, 'LE')).toThrow('unknown image kind');
  });

  it('refuses integers out of the field\'s range', () => {
    expect(() => encodeFramed('pstree', [{ ...pstree[0], pid: -1 }], undefined, 'LE')).toThrow('pstree[0].pid: -1 is out of range for uint32');
    expect(() => encodeFramed('pstree', [{ ...pstree[0], sid: 2 ** 32 }], undefined, 'LE')).toThrow('out of range for uint32');
    const rl = (cur: unknown) => encodeFramed('rlimit', [{ cur, max: 0n }], undefined, 'LE');
    expect(() => rl(2n ** 64n)).toThrow('rlimit[0].cur: 18446744073709551616 is out of range for uint64');
    expect(() => rl(-1n)).toThrow('out of range for uint64');
    expect(() => rl(1.5)).toThrow('not an integer');
    expect(decodeFramed(rl(2n ** 64n - 1n), 'rlimit-1.img', 'LE').entries[0]!['cur']).toBe(2n ** 64n - 1n);
    expect(decodeFramed(rl('0x10'), 'rlimit-1.img', 'LE').entries[0]!['cur']).toBe(16n);
    const fd = (v: bigint) => encodeFramed('vmas', [{ start: 0n, end: 0n, pgoff: 0n, shmid: 0n, prot: 0, flags: 0, status: 0, fd: v }], undefined, 'LE');
    expect(() => fd(2n ** 63n)).toThrow('out of range for sint64');
    expect(decodeFramed(fd(-(2n ** 63n)), 'vmas-1.img', 'LE').entries[0]!['fd']).toBe(-(2n ** 63n));
  });

  it('checks payloads against the length their entry announces', () => {
    expect(() => encodeFramed('pipes-data', [{ pipe_id: 1, bytes: 2 }], [Buffer.alloc(3)], 'LE')).toThrow('payload is 3 bytes, the entry says 2');
    expect(() => encodeFramed('pipes-data', [{ pipe_id: 1, bytes: 2 }], [], 'LE')).toThrow('payload missing');
    expect(() => encodeFramed('pstree', pstree, [Buffer.alloc(1)], 'LE')).toThrow('carries no payload');
  });
});
