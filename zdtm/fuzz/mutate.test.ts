// The fuzzer's cases reproduce from their number and always damage the set they start from.
import { describe, expect, it } from 'vitest';
import { encodeImage } from '../../src/images/index.js';
import { CHECKSUMS_FILE } from '../../src/images/checksums.js';
import { mutate, type ImageSet } from './mutate.js';

const seed: ImageSet = new Map([
  ['pstree.img', encodeImage('pstree', [{ pid: 10, ppid: 0, pgid: 10, sid: 10, threads: [10] }, { pid: 11, ppid: 10, pgid: 10, sid: 10, threads: [11] }])],
  ['inventory.img', encodeImage('inventory', [{ img_version: 2, fdinfo_per_id: true }])],
  ['pages-1.img', Buffer.alloc(8192, 7)],
  [CHECKSUMS_FILE, encodeImage('checksums', [])],
]);

describe('mutate', () => {
  it('gives the same case for the same number', () => {
    for (const n of [0, 1, 77, 12345]) expect(mutate(seed, n)).toEqual(mutate(seed, n));
  });

  it('changes the set in every case and says how', () => {
    for (let n = 0; n < 500; n++) {
      const m = mutate(seed, n);
      const changed = [...seed].some(([f, b]) => f !== CHECKSUMS_FILE && m.set.get(f) !== b);
      expect(changed, `case ${n}: ${m.what}`).toBe(true);
      expect(m.what).toMatch(/\.img: \w+: /);
    }
  });

  it('keeps the stale checksums in about one case in ten', () => {
    const kept = Array.from({ length: 1000 }, (_, n) => mutate(seed, n).set.has(CHECKSUMS_FILE)).filter(Boolean).length;
    expect(kept).toBeGreaterThan(50);
    expect(kept).toBeLessThan(150);
  });
});
