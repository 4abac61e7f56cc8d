// Kernel structs, /proc binary files, ptrace buffers, socket option values and the blobs'
// argument blocks are all in the host CPU's byte order (big-endian on s390x). Network-order
// fields (ports, IPv4 addresses) are not: callers read those big-endian themselves.
import os from 'node:os';

export interface ByteOrder {
  littleEndian: boolean;
  readU16(b: Buffer, at?: number): number;
  readU32(b: Buffer, at?: number): number;
  readI32(b: Buffer, at?: number): number;
  readU64(b: Buffer, at?: number): bigint;
  readI64(b: Buffer, at?: number): bigint;
  writeU16(b: Buffer, v: number, at?: number): void;
  writeU32(b: Buffer, v: number, at?: number): void;
  writeI32(b: Buffer, v: number, at?: number): void;
  writeU64(b: Buffer, v: bigint, at?: number): void;
  writeI64(b: Buffer, v: bigint, at?: number): void;
}

const little: ByteOrder = {
  littleEndian: true,
  readU16: (b, at = 0) => b.readUInt16LE(at),
  readU32: (b, at = 0) => b.readUInt32LE(at),
  readI32: (b, at = 0) => b.readInt32LE(at),
  readU64: (b, at = 0) => b.readBigUInt64LE(at),
  readI64: (b, at = 0) => b.readBigInt64LE(at),
  writeU16: (b, v, at = 0) => void b.writeUInt16LE(v, at),
  writeU32: (b, v, at = 0) => void b.writeUInt32LE(v, at),
  writeI32: (b, v, at = 0) => void b.writeInt32LE(v, at),
  writeU64: (b, v, at = 0) => void b.writeBigUInt64LE(v, at),
  writeI64: (b, v, at = 0) => void b.writeBigInt64LE(v, at),
};

const big: ByteOrder = {
  littleEndian: false,
  readU16: (b, at = 0) => b.readUInt16BE(at),
  readU32: (b, at = 0) => b.readUInt32BE(at),
  readI32: (b, at = 0) => b.readInt32BE(at),
  readU64: (b, at = 0) => b.readBigUInt64BE(at),
  readI64: (b, at = 0) => b.readBigInt64BE(at),
  writeU16: (b, v, at = 0) => void b.writeUInt16BE(v, at),
  writeU32: (b, v, at = 0) => void b.writeUInt32BE(v, at),
  writeI32: (b, v, at = 0) => void b.writeInt32BE(v, at),
  writeU64: (b, v, at = 0) => void b.writeBigUInt64BE(v, at),
  writeI64: (b, v, at = 0) => void b.writeBigInt64BE(v, at),
};

/** Accessors of one byte order; a parameter so that tests exercise both on any host. */
export const byteOrder = (littleEndian: boolean): ByteOrder => (littleEndian ? little : big);

/** The order of this CPU, fixed once. */
export const hostOrder: ByteOrder = byteOrder(os.endianness() === 'LE');
export const { littleEndian: hostLittleEndian, readU16, readU32, readI32, readU64, readI64, writeU16, writeU32, writeI32, writeU64, writeI64 } = hostOrder;
