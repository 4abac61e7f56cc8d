// /proc/PID/auxv: pairs of native words (type, value) up to and including AT_NULL.
import { byteOrder } from '../sys/host-order.js';

export function parseAuxv(buf: Buffer, littleEndian = true): bigint[] {
  const { readU64 } = byteOrder(littleEndian);
  const out: bigint[] = [];
  for (let off = 0; off + 16 <= buf.length; off += 16) {
    const type = readU64(buf, off);
    const value = readU64(buf, off + 8);
    out.push(type, value);
    if (type === 0n) break;
  }
  return out;
}

/**
 * What an mm image keeps of an auxv: its pairs without the closing AT_NULL (restoring puts
 * one back) and at most `limit` words, the most CRIU reads and accepts. `dropped` counts
 * the pairs beyond the limit, lost as they are with CRIU.
 */
export function auxvForImage(words: readonly bigint[], limit: number): { words: bigint[]; dropped: number } {
  let end = words.length;
  while (end >= 2 && words[end - 2] === 0n) end -= 2;
  const kept = Math.min(end, limit - (limit % 2));
  return { words: words.slice(0, kept), dropped: (end - kept) / 2 };
}
