import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { byteOrder, hostLittleEndian, readU32, writeU64 } from './host-order.js';

describe('byteOrder', () => {
  it('lays out words least significant byte first when little-endian', () => {
    const o = byteOrder(true);
    const b = Buffer.alloc(16);
    o.writeU64(b, 0x0102030405060708n, 0);
    o.writeU32(b, 0x0a0b0c0d, 8);
    o.writeU16(b, 0x1122, 12);
    expect(b.subarray(0, 14).toString('hex')).toBe('0807060504030201' + '0d0c0b0a' + '2211');
    expect(o.readU64(b, 0)).toBe(0x0102030405060708n);
    expect(o.readU32(b, 8)).toBe(0x0a0b0c0d);
    expect(o.readU16(b, 12)).toBe(0x1122);
  });

  it('lays out words most significant byte first when big-endian', () => {
    const o = byteOrder(false);
    const b = Buffer.alloc(16);
    o.writeU64(b, 0x0102030405060708n, 0);
    o.writeU32(b, 0x0a0b0c0d, 8);
    o.writeU16(b, 0x1122, 12);
    expect(b.subarray(0, 14).toString('hex')).toBe('0102030405060708' + '0a0b0c0d' + '1122');
    expect(o.readU64(b, 0)).toBe(0x0102030405060708n);
    expect(o.readU32(b, 8)).toBe(0x0a0b0c0d);
    expect(o.readU16(b, 12)).toBe(0x1122);
  });

  it.each([true, false])('round-trips signed values (little-endian: %s)', (le) => {
    const o = byteOrder(le);
    const b = Buffer.alloc(12);
    o.writeI32(b, -2, 0);
    o.writeI64(b, -3n, 4);
    expect(o.readI32(b, 0)).toBe(-2);
    expect(o.readI64(b, 4)).toBe(-3n);
    expect(o.readU32(b, 0)).toBe(0xfffffffe);
    expect(o.readU64(b, 4)).toBe(0xfffffffffffffffdn);
  });

  it('reports which order it is', () => {
    expect(byteOrder(true).littleEndian).toBe(true);
    expect(byteOrder(false).littleEndian).toBe(false);
  });

  it('the host accessors follow os.endianness()', () => {
    expect(hostLittleEndian).toBe(os.endianness() === 'LE');
    const b = Buffer.alloc(8);
    writeU64(b, 1n);
    expect(readU32(b, hostLittleEndian ? 0 : 4)).toBe(1);
  });
});
