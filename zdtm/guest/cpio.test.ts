import { describe, expect, it } from 'vitest';
import { writeCpio } from './cpio.js';

interface Parsed {
  name: string;
  mode: number;
  rdev: [number, number];
  body: Buffer;
}

/** Reads a newc archive back (the format the kernel's initramfs unpacker reads). */
function readCpio(buf: Buffer): Parsed[] {
  const out: Parsed[] = [];
  let off = 0;
  const align = (n: number) => (n + 3) & ~3;
  for (;;) {
    expect(buf.toString('ascii', off, off + 6)).toBe('070701');
    const field = (i: number) => parseInt(buf.toString('ascii', off + 6 + i * 8, off + 14 + i * 8), 16);
    const [mode, size, rmaj, rmin, namesize] = [field(1), field(6), field(9), field(10), field(11)];
    const name = buf.toString('utf8', off + 110, off + 110 + namesize - 1);
    const bodyAt = align(off + 110 + namesize);
    if (name === 'TRAILER!!!') {
      expect(align(bodyAt)).toBe(buf.length);
      return out;
    }
    out.push({ name, mode, rdev: [rmaj, rmin], body: buf.subarray(bodyAt, bodyAt + size) });
    off = align(bodyAt + size);
  }
}

describe('writeCpio', () => {
  it('writes every kind of entry so that it reads back, 4-byte aligned', () => {
    const archive = writeCpio([
      { kind: 'dir', path: '/bin' },
      { kind: 'file', path: 'bin/busybox', data: Buffer.from('12345'), mode: 0o755 },
      { kind: 'symlink', path: 'usr', target: '/guest/root/usr' },
      { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
      { kind: 'dir', path: 'tmp', mode: 0o1777 },
    ]);
    expect(archive.length % 4).toBe(0);
    const back = readCpio(archive);
    expect(back.map((e) => [e.name, e.mode.toString(8)])).toEqual([
      ['bin', '40755'],
      ['bin/busybox', '100755'],
      ['usr', '120777'],
      ['dev/console', '20600'],
      ['tmp', '41777'],
    ]);
    expect(back[1]!.body.toString()).toBe('12345');
    expect(back[2]!.body.toString()).toBe('/guest/root/usr');
    expect(back[3]!.rdev).toEqual([5, 1]);
  });
});
