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
