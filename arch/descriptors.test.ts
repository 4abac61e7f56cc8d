import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archByName, archNames, supportedArches } from '../src/arch/index.js';
import { packageRoot } from '../src/sys/native.js';
import * as registry from './descriptors.js';
import { mapLockedOf, mapNoreserveOf } from '../src/sys/mman.js';
import { queueIoctlsOf, socketOptionsOf } from '../src/sys/socket.js';
import { ttyAbiOf } from '../src/sys/tty.js';

function hasCompiler(cc: string): boolean {
  try {
    execFileSync(cc, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** __NR_* values as the arch's own kernel headers define them (via its cross compiler). */
function headerNumbers(triple: string): Map<string, number> {
  const defs = execFileSync(`${triple}-gcc`, ['-dM', '-E', '-'], { input: '#include <asm/unistd.h>\n', encoding: 'utf8' });
  const raw = new Map<string, string>();
  for (const m of defs.matchAll(/^#define (__NR\w*) (.+)$/gm)) raw.set(m[1]!, m[2]!.trim());
  const value = (v: string): number => {
    const inner = /^\((.*)\)$/.exec(v);
    if (inner) return value(inner[1]!);
    const sum = /^(\w+) \+ (\d+)$/.exec(v);
    if (sum) return value(sum[1]!) + Number(sum[2]);
    return /^\d+$/.test(v) ? Number(v) : value(raw.get(v) ?? 'NaN');
  };
  return new Map([...raw.keys()].filter((k) => k.startsWith('__NR_')).map((k) => [k.slice(5), value(raw.get(k)!)]));
}

describe('foreign arch descriptors', () => {
  const x86 = archByName('x86_64');
  const foreign = supportedArches().filter((a) => a.name !== 'x86_64');

  it('are found by Node arch names too', () => {
    expect(archByName('arm64').name).toBe('aarch64');
    expect(archByName('ppc64').name).toBe('ppc64le');
    expect(archByName('s390x').littleEndian).toBe(false);
  });

  for (const arch of foreign) {
    it(`${arch.name}: syscall numbers are unique`, () => {
      const numbers = Object.values(arch.syscalls);
      expect(new Set(numbers).size).toBe(numbers.length);
    });

    it.skipIf(!hasCompiler(`${arch.triple}-gcc`))(`${arch.name}: numbers match the kernel headers of ${arch.triple}, which lack the x86_64 syscalls it lacks`, () => {
      const nr = headerNumbers(arch.triple);
      for (const [name, n] of Object.entries(arch.syscalls)) expect([name, nr.get(name)]).toEqual([name, n]);
      const missing = Object.keys(x86.syscalls).filter((n) => !(n in arch.syscalls));
      expect(missing.filter((n) => nr.has(n))).toEqual([]);
    });

    it.skipIf(!hasCompiler(`${arch.triple}-gcc`))(`${arch.name}: socket option numbers match asm/socket.h of ${arch.triple}`, () => {
      const defs = execFileSync(`${arch.triple}-gcc`, ['-dM', '-E', '-'], { input: '#include <asm/socket.h>\n', encoding: 'utf8' });
      const header = (name: string) => Number(new RegExp(`^#define ${name}(?:_OLD)? (\\d+)$`, 'm').exec(defs)?.[1]);
      for (const [name, n] of Object.entries(socketOptionsOf(arch))) expect([name, header(name)]).toEqual([name, n]);
    });

    it.skipIf(!hasCompiler(`${arch.triple}-gcc`))(`${arch.name}: MAP_NORESERVE and MAP_LOCKED match sys/mman.h of ${arch.triple}`, () => {
      const defs = execFileSync(`${arch.triple}-gcc`, ['-dM', '-E', '-'], { input: '#include <sys/mman.h>\n', encoding: 'utf8' });
      expect(Number(/^#define MAP_NORESERVE (0x[0-9a-f]+)/m.exec(defs)?.[1])).toBe(mapNoreserveOf(arch));
      expect(Number(/^#define MAP_LOCKED (0x[0-9a-f]+)/m.exec(defs)?.[1])).toBe(mapLockedOf(arch));
    });

    it.skipIf(!hasCompiler(`${arch.triple}-gcc`))(`${arch.name}: SIOCINQ/SIOCOUTQ match sys/ioctl.h of ${arch.triple}`, () => {
      // The compiler folds the _IOR() expressions into the two words of the array.
      const asm = execFileSync(`${arch.triple}-gcc`, ['-S', '-o', '-', '-x', 'c', '-'], { input: '#include <sys/ioctl.h>\nint v[2] = { FIONREAD, TIOCOUTQ };\n', encoding: 'utf8' });
      const words = [...asm.matchAll(/\.(?:long|4byte|word)\s+(\d+)/g)].map((m) => Number(m[1]));
      const q = queueIoctlsOf(arch);
      expect(words).toEqual([q.SIOCINQ, q.SIOCOUTQ]);
    });

    it(`${arch.name}: can boot a guest`, () => {
      const q = arch.qemu!;
      expect(q.system).toMatch(/^qemu-system-/);
      expect(q.kernelPackage).toMatch(/^linux-image-/);
      expect(q.user).toBe(`qemu-${arch.name}-static`);
    });
  }
});

// The terminal ioctls and termios layout of every arch, as its kernel headers (via its gcc) have
// them: the struct with the speeds is termios2 where TCGETS2 exists, else the plain termios.
const ttyProbe = `#include <stddef.h>
#include <asm/termios.h>
#ifdef TCGETS2
#define T struct termios2
#define GET TCGETS2
#define SET TCSETS2
#else
#define T struct termios
#define GET TCGETS
#define SET TCSETS
#endif
unsigned v[] = { GET, SET, TIOCGLCKTRMIOS, TIOCSLCKTRMIOS, TIOCGWINSZ, TIOCSWINSZ, sizeof(T),
  offsetof(T, c_line), offsetof(T, c_cc), offsetof(T, c_ispeed), offsetof(T, c_ospeed), sizeof(struct termios), NCCS,
  TIOCGPTN, TIOCGPTLCK, TIOCSPTLCK, TIOCGPKT, TIOCPKT, TIOCGEXCL, TIOCEXCL, TIOCGPTPEER,
  ICANON, IEXTEN, VEOF, VEOL, VEOL2, VMIN, VTIME };
`;

describe('terminal ioctls and termios layout', () => {
  for (const arch of supportedArches()) {
    const cc = `${arch.triple}-gcc`;
    it.skipIf(!hasCompiler(cc))(`${arch.name}: match asm/termios.h of ${arch.triple}`, () => {
      const asm = execFileSync(cc, ['-S', '-o', '-', '-x', 'c', '-'], { input: ttyProbe, encoding: 'utf8' });
      const words = [...asm.matchAll(/\.(?:long|4byte|word)\s+(-?\d+)/g)].map((m) => Number(m[1]) >>> 0);
      const t = ttyAbiOf(arch);
      const l = t.termios;
      expect(words).toEqual([t.getTermios, t.setTermios, t.getLockedTermios, t.setLockedTermios, t.getWinsize, t.setWinsize,
        l.size, l.c_line, l.c_cc, l.c_ispeed, l.c_ospeed, t.lockedSize, 19,
        t.pty.getIndex, t.pty.getLock, t.pty.setLock, t.pty.getPacket, t.pty.setPacket, t.pty.getExclusive, t.pty.setExclusive, t.pty.openPeer,
        t.lflag.ICANON, t.lflag.IEXTEN, t.cc.VEOF, t.cc.VEOL, t.cc.VEOL2, t.cc.VMIN, t.cc.VTIME]);
    });
  }
});

describe('the arch list', () => {
  const root = packageRoot();
  const folders = fs.readdirSync(path.join(root, 'arch')).filter((d) => fs.existsSync(path.join(root, 'arch', d, 'descriptor.ts')));

  it('is the arch folders, each registered once in arch/descriptors.ts under its own name', () => {
    expect([...archNames].sort()).toEqual(folders.sort());
    for (const [key, d] of Object.entries(registry)) expect([key, d.name]).toEqual([key, key]);
  });

  for (const arch of supportedArches()) {
    it(`${arch.name}: the Makefiles take the triple from the descriptor`, () => {
      const host = execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim();
      const cc = arch.name === host ? 'gcc' : `${arch.triple}-gcc`;
      for (const dir of ['arch', 'zdtm']) {
        const plan = execFileSync('make', ['-n', '-B', '-C', path.join(root, dir), `ARCH=${arch.name}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        expect(plan.split('\n').some((l) => l.startsWith(`${cc} `))).toBe(true);
      }
    });
  }

  // Outside arch/<arch>/, arches are named one at a time (a fact about that arch), never listed:
  // a line naming two of them is a list that adding an arch would leave stale. Docs, tests and
  // test data may list them.
  const listed = (file: string): boolean =>
    /^arch\/[^/]+\//.test(file) || /\.(md|proto)$|\.test\.ts$|\.desc\.json$|(^|\/)fixtures\/|^package-lock\.json$/.test(file);
  const names = [...new Set(supportedArches().flatMap((a) => [a.name, a.debianArch]))];
  const tracked = fs.existsSync(path.join(root, '.git'));
  it.skipIf(!tracked)(`no other file lists arch names${tracked ? '' : ' (skipped: not a git checkout)'}`, () => {
    const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => f && !listed(f));
    const lists: string[] = [];
    for (const file of files) {
      const full = path.join(root, file);
      if (!fs.statSync(full, { throwIfNoEntry: false })?.isFile()) continue;
      fs.readFileSync(full, 'utf8').split('\n').forEach((line, i) => {
        if (names.filter((n) => new RegExp(`\\b${n}\\b`).test(line)).length >= 2) lists.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(lists).toEqual([]);
  });
});
