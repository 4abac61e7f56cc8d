// /proc/PID/auxv: pairs of native words (type, value) up to and including AT_NULL.
export function parseAuxv(buf: Buffer, littleEndian = true): bigint[] {
  const out: bigint[] = [];
  for (let off = 0; off + 16 <= buf.length; off += 16) {
    const type = littleEndian ? buf.readBigUInt64LE(off) : buf.readBigUInt64BE(off);
    const value = littleEndian ? buf.readBigUInt64LE(off + 8) : buf.readBigUInt64BE(off + 8);
    out.push(type, value);
    if (type === 0n) break;
  }
  return out;
}
