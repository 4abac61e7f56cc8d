import { describe, expect, it } from 'vitest';
import { archByName } from '../arch/index.js';
import type { TermiosEntry } from '../images/entries.js';
import { decodeTermios, encodeTermios, ttyAbiOf } from './tty.js';

const t: TermiosEntry = {
  c_iflag: 0x11, c_oflag: 0x22, c_cflag: 0x33, c_lflag: 0x44, c_line: 7,
  c_cc: Array.from({ length: 19 }, (_, i) => 100 + i), c_ispeed: 38400, c_ospeed: 9600,
};

describe('termios as each arch lays it out', () => {
  it('asm-generic: c_line before c_cc; the locked struct stops before the speeds', () => {
    const abi = ttyAbiOf(archByName('aarch64'));
    const b = encodeTermios(t, abi.termios.size, abi);
    expect([b.length, b[16], b[17], b[35]]).toEqual([44, 7, 100, 118]);
    expect(decodeTermios(b, abi)).toEqual(t);
    const locked = encodeTermios(t, abi.lockedSize, abi);
    expect(locked.length).toBe(36);
    expect(decodeTermios(locked, abi)).toEqual({ ...t, c_ispeed: 0, c_ospeed: 0 });
  });

  it('powerpc: c_cc before c_line, and the locked struct has the speeds', () => {
    const abi = ttyAbiOf(archByName('ppc64le'));
    const b = encodeTermios(t, abi.lockedSize, abi);
    expect([b.length, b[16], b[34], b[35]]).toEqual([44, 100, 118, 7]);
    expect(decodeTermios(b, abi)).toEqual(t);
  });
});
