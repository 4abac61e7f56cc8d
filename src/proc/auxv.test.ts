import { describe, expect, it } from 'vitest';
import { auxvForImage, parseAuxv } from './auxv.js';

function auxvFile(pairs: [number, number][], littleEndian: boolean): Buffer {
  const b = Buffer.alloc(pairs.length * 16 + 32); // the kernel's file may be followed by zeros
  pairs.forEach(([t, v], i) => {
    if (littleEndian) {
      b.writeBigUInt64LE(BigInt(t), i * 16);
      b.writeBigUInt64LE(BigInt(v), i * 16 + 8);
    } else {
      b.writeBigUInt64BE(BigInt(t), i * 16);
      b.writeBigUInt64BE(BigInt(v), i * 16 + 8);
    }
  });
  return b;
}

describe('auxv', () => {
  it.each([true, false])('reads pairs up to and including AT_NULL (little-endian %s)', (le) => {
    expect(parseAuxv(auxvFile([[33, 0x7ffd000], [6, 4096], [0, 0]], le), le)).toEqual([33n, 0x7ffd000n, 6n, 4096n, 0n, 0n]);
  });

  it('keeps for the image what CRIU keeps: no closing AT_NULL, at most the arch limit', () => {
    const pairs = Array.from({ length: 22 }, (_, i) => [BigInt(i + 3), BigInt(i * 100)]).flat();
    const whole = [...pairs, 0n, 0n]; // 46 words, as on x86_64 with kernel 6.18
    expect(auxvForImage(whole, 44)).toEqual({ words: pairs, dropped: 0 });
    expect(auxvForImage(whole, 50)).toEqual({ words: pairs, dropped: 0 });
    expect(auxvForImage(whole, 40)).toEqual({ words: pairs.slice(0, 40), dropped: 2 });
    expect(auxvForImage([6n, 4096n], 44)).toEqual({ words: [6n, 4096n], dropped: 0 });
  });
});
