// Terminal ioctls and the termios struct they move, as this arch's kernel defines them:
// asm-generic's unless the arch descriptor has its own (powerpc does).
import type { ArchDescriptor, TtyAbi } from '../arch/descriptor.js';
import type { TermiosEntry } from '../images/entries.js';
import { knownHostArch } from '../arch/index.js';
import { readU32, writeU32 } from './host-order.js';

export const NCCS = 19;

const genericTty: TtyAbi = {
  getTermios: 0x802c542a, // TCGETS2
  setTermios: 0x402c542b, // TCSETS2
  getLockedTermios: 0x5456,
  setLockedTermios: 0x5457,
  getWinsize: 0x5413,
  setWinsize: 0x5414,
  termios: { size: 44, c_line: 16, c_cc: 17, c_ispeed: 36, c_ospeed: 40 }, // struct termios2
  lockedSize: 36,
  pty: {
    getIndex: 0x80045430, getLock: 0x80045439, setLock: 0x40045431, getPacket: 0x80045438, setPacket: 0x5420,
    getExclusive: 0x80045440, setExclusive: 0x540c, openPeer: 0x5441,
  },
  lflag: { ICANON: 0o2, IEXTEN: 0o100000 },
  cc: { VEOF: 4, VEOL: 11, VEOL2: 16, VMIN: 6, VTIME: 5 },
};

/** The terminal ioctls and termios layout of `arch` (asm-generic's for an unknown arch). */
export const ttyAbiOf = (arch: ArchDescriptor | undefined): TtyAbi => arch?.tty ?? genericTty;

export const hostTty = ttyAbiOf(knownHostArch());

const FLAGS = ['c_iflag', 'c_oflag', 'c_cflag', 'c_lflag'] as const;

/** The termios in `b`, `b.length` bytes of the arch's struct; speeds past its end read as 0. */
export function decodeTermios(b: Buffer, abi: TtyAbi = hostTty): TermiosEntry {
  const l = abi.termios;
  const word = (off: number) => (off + 4 <= b.length ? readU32(b, off) : 0);
  return {
    c_iflag: readU32(b, 0), c_oflag: readU32(b, 4), c_cflag: readU32(b, 8), c_lflag: readU32(b, 12),
    c_line: b.readUInt8(l.c_line), c_cc: [...b.subarray(l.c_cc, l.c_cc + NCCS)],
    c_ispeed: word(l.c_ispeed), c_ospeed: word(l.c_ospeed),
  };
}

/** The first `size` bytes of the arch's struct holding `t` (fields past them are left out). */
export function encodeTermios(t: TermiosEntry, size: number, abi: TtyAbi = hostTty): Buffer {
  const l = abi.termios;
  const b = Buffer.alloc(l.size);
  FLAGS.forEach((k, i) => writeU32(b, t[k] >>> 0, 4 * i));
  b.writeUInt8(t.c_line & 0xff, l.c_line);
  (t.c_cc ?? []).slice(0, NCCS).forEach((c, i) => b.writeUInt8(c & 0xff, l.c_cc + i));
  writeU32(b, t.c_ispeed >>> 0, l.c_ispeed);
  writeU32(b, t.c_ospeed >>> 0, l.c_ospeed);
  return b.subarray(0, size);
}
