// Byte order of the u32s that frame an image (and of raw words inside some payloads):
// CRIU writes host order, so images are little-endian but those of big-endian CPUs
// (s390x).
import os from 'node:os';

export type ByteOrder = 'LE' | 'BE';

export function hostByteOrder(): ByteOrder {
  return os.endianness();
}

export function readU32(buf: Buffer, at: number, order: ByteOrder): number {
  return order === 'LE' ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
}

export function u32Bytes(v: number, order: ByteOrder): Buffer {
  const b = Buffer.alloc(4);
  if (order === 'LE') b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}

export function readU16(buf: Buffer, at: number, order: ByteOrder): number {
  return order === 'LE' ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
}

export function writeU16(buf: Buffer, v: number, at: number, order: ByteOrder): void {
  if (order === 'LE') buf.writeUInt16LE(v, at);
  else buf.writeUInt16BE(v, at);
}

/** Bytes as the u32 words a C array of them holds in memory. */
export function wordsOf(bytes: Buffer, order: ByteOrder): number[] {
  return Array.from({ length: bytes.length / 4 }, (_, i) => readU32(bytes, i * 4, order));
}

export function bytesOfWords(words: number[], order: ByteOrder): Buffer {
  return Buffer.concat(words.map((w) => u32Bytes(w, order)));
}
