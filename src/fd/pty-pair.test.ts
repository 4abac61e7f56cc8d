import { describe, expect, it } from 'vitest';
import type { TermiosEntry } from '../images/entries.js';
import { hostTty as abi } from '../sys/tty.js';
import { inputBytes, quiet, slaveQueue } from './pty-pair.js';

const canonical = (): TermiosEntry => {
  const c_cc = Array.from({ length: 19 }, (_, i) => 0x20 + i);
  c_cc[abi.cc.VEOF] = 4;
  c_cc[abi.cc.VEOL] = 0;
  return { c_iflag: 0x500, c_oflag: 5, c_cflag: 0xbf, c_lflag: abi.lflag.ICANON | abi.lflag.IEXTEN | 0x8, c_line: 0, c_ispeed: 0, c_ospeed: 0, c_cc };
};
const refused = () => new Error('refused');

describe('pty slave input queue', () => {
  it('gives lines ended by EOF their EOF back, and an EOF alone stays a line', () => {
    const q = slaveQueue([Buffer.from('one\n'), Buffer.from('two'), Buffer.alloc(0)], canonical(), refused);
    expect(q).toEqual(Buffer.from('one\ntwo\x04\x04'));
    expect(inputBytes(q, canonical())).toBe(7); // FIONREAD does not count the EOFs
  });

  it('refuses a line holding the EOF character, which would end it early', () => {
    expect(() => slaveQueue([Buffer.from('a\x04b\n')], canonical(), refused)).toThrow('refused');
  });

  it('keeps a raw slave\'s reads as they are', () => {
    const raw = { ...canonical(), c_lflag: 0 };
    expect(slaveQueue([Buffer.from('ab'), Buffer.from('\x04')], raw, refused)).toEqual(Buffer.from('ab\x04'));
    expect(inputBytes(Buffer.from('ab\x04'), raw)).toBe(3);
  });
});

describe('the termios of a refill', () => {
  it('processes nothing but line ends: no echo, mapping or output processing, spare editing characters', () => {
    const t = canonical();
    const q = quiet(t, 0xfe);
    expect([q.c_iflag, q.c_oflag, q.c_lflag]).toEqual([0, 0, abi.lflag.ICANON | abi.lflag.IEXTEN]);
    for (const [name, i] of Object.entries(abi.cc)) expect([name, q.c_cc![i]]).toEqual([name, t.c_cc![i]]);
    const others = q.c_cc!.filter((_, i) => !Object.values(abi.cc).includes(i));
    expect(others).toEqual(Array(19 - Object.keys(abi.cc).length).fill(0xfe));
  });
});
