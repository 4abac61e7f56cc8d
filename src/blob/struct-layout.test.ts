import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownHostArch, supportedArches } from '../arch/index.js';
import { packageRoot } from '../sys/native.js';
import { contractHeaders, headerLayout, mmapArgsInMemory, parasiteLayout, parseHeader, readStruct, structOf, writeStruct, type HeaderLayout } from './struct-layout.js';

// The blobs are compiled with these on the include path (arch/common/blobs.mk).
const includeDirs = ['arch/common', 'arch/common/include'];

/**
 * "struct size N" and "struct.field N" of every struct and field of the layout, as the
 * compiler lays them out. The numbers are read from its assembly output, so a cross
 * compiler checks a foreign arch without anything having to run there.
 */
function compiledLayout(cc: string, header: string, layout: HeaderLayout): string[] {
  const marks: string[] = [];
  for (const s of layout.structs.values()) {
    marks.push(`MARK("${s.name} size", sizeof(struct ${s.name}));`);
    for (const f of s.fields.values()) marks.push(`MARK("${s.name}.${f.name}", offsetof(struct ${s.name}, ${f.name}));`);
  }
  const src = [
    '#include <stddef.h>',
    `#include "${path.basename(header)}"`,
    '#define MARK(what, n) __asm__ volatile("\\n@layout " what " %0" : : "i"(n))',
    `void layout(void) {\n${marks.join('\n')}\n}`,
  ].join('\n');
  const flags = includeDirs.flatMap((d) => ['-I', path.join(packageRoot(), d)]);
  const asm = execFileSync(cc, ['-S', '-o', '-', '-x', 'c', ...flags, '-'], { input: src, encoding: 'utf8' });
  // An immediate is printed bare, or after "$" (x86) or "#" by some assemblers' syntax.
  return [...asm.matchAll(/^\s*@layout (.+) [$#]?(\d+)\s*$/gm)].map((m) => `${m[1]} ${m[2]}`);
}

function parsedLayout(layout: HeaderLayout): string[] {
  const lines: string[] = [];
  for (const s of layout.structs.values()) {
    lines.push(`${s.name} size ${s.size}`);
    for (const f of s.fields.values()) lines.push(`${s.name}.${f.name} ${f.offset}`);
  }
  return lines;
}

const installed = (cc: string): boolean => spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0;

describe('contract headers as the compilers lay them out', () => {
  const host = knownHostArch()?.name;
  for (const header of Object.values(contractHeaders)) {
    for (const arch of supportedArches()) {
      const cc = arch.name === host ? 'gcc' : `${arch.triple}-gcc`;
      const title = `${header}, ${arch.name}: every sizeof and offsetof matches ${cc}`;
      if (!installed(cc)) {
        it.skip(`${title} (skipped: no ${cc}; Debian's gcc-${arch.triple}, installed by the zdtm guest setup, provides it)`, () => {});
        continue;
      }
      it(title, () => {
        const layout = headerLayout(header);
        expect(layout.structs.size).toBeGreaterThan(0);
        expect(compiledLayout(cc, header, layout)).toEqual(parsedLayout(layout));
      });
    }
  }
});

describe('parasite-proto.h', () => {
  it('numbers every command and begins every reply with the s64 ret of par_reply', () => {
    const layout = parasiteLayout();
    const commands = [...layout.constants.keys()].filter((n) => n.startsWith('PAR_CMD_'));
    expect(commands).toEqual(['PAR_CMD_FINI', 'PAR_CMD_TASK', 'PAR_CMD_THREAD', 'PAR_CMD_TIMER']);
    const replies = [...layout.structs.values()].filter((s) => s.name.endsWith('_reply'));
    expect(replies.length).toBeGreaterThan(1);
    for (const s of replies) expect([s.name, s.fields.get('ret')]).toEqual([s.name, { name: 'ret', offset: 0, type: 's64', count: 1, elemSize: 8 }]);
  });
});

describe('struct layout parser', () => {
  it('writes nested structs, arrays and byte fields at their offsets', () => {
    const l = parseHeader('struct rst_a { u32 x; u64 y; };\nstruct rst_b { u8 name[3]; struct rst_a a[2]; s32 z; };');
    expect(structOf(l, 'rst_a').size).toBe(16);
    const buf = Buffer.alloc(structOf(l, 'rst_b').size);
    writeStruct(l, 'rst_b', { name: Buffer.from('ab'), a: [{ x: 1 }, { y: 2n }], z: -1 }, buf, 0, true);
    expect(buf.subarray(0, 2).toString()).toBe('ab');
    expect(buf.readUInt32LE(8)).toBe(1);
    expect(buf.readBigUInt64LE(32)).toBe(2n);
    expect(buf.readInt32LE(40)).toBe(-1);
    expect(() => writeStruct(l, 'rst_a', { nope: 1 }, buf)).toThrow(/no field nope/);
  });

  it('writes scalars big-endian when asked (s390x)', () => {
    const l = parseHeader('struct rst_a { u32 x; s32 z; u64 y; s64 w; };');
    const buf = Buffer.alloc(structOf(l, 'rst_a').size);
    writeStruct(l, 'rst_a', { x: 0x01020304, z: -2, y: 0x05060708090a0b0cn, w: -3n }, buf, 0, false);
    expect(buf.toString('hex')).toBe('01020304' + 'fffffffe' + '05060708090a0b0c' + 'fffffffffffffffd');
  });

  it('reads back what it wrote, in either byte order, by field name and declared type', () => {
    const l = parseHeader('struct p_in { u64 a; s32 b; };\nstruct p_out { s64 ret; struct p_in in[2]; u32 c; };');
    for (const le of [true, false]) {
      const buf = Buffer.alloc(4 + structOf(l, 'p_out').size);
      writeStruct(l, 'p_out', { ret: -5n, in: [{ a: 7n, b: -1 }, { a: 1n << 63n, b: 9 }], c: 0xfffffffe }, buf, 4, le);
      const r = readStruct(l, 'p_out', buf, 4, le);
      expect(r.s64('ret')).toBe(-5n);
      expect(r.structs('in').map((s) => [s.u64('a'), s.s32('b')])).toEqual([[7n, -1], [1n << 63n, 9]]);
      expect(r.u32('c')).toBe(0xfffffffe);
      expect(() => r.u64('ret')).toThrow(/p_out.ret is s64, not u64/);
      expect(() => r.s32('nope')).toThrow(/no field nope/);
    }
    expect(() => readStruct(l, 'p_out', Buffer.alloc(8))).toThrow(/8 bytes cannot hold struct p_out/);
  });

  it('takes constants from #define and from enum members', () => {
    const l = parseHeader('#define X_LEN 4 /* why */\nenum x_cmd {\n\tX_ONE = 1,\t/* first */\n\tX_TWO = 0x10,\n};\nstruct x { u8 b[X_LEN]; };');
    expect([...l.constants]).toEqual([['X_LEN', 4n], ['X_ONE', 1n], ['X_TWO', 16n]]);
    expect(structOf(l, 'x').size).toBe(4);
    expect(() => parseHeader('enum e { A, B };', 'e.h')).toThrow(/e.h: enum member "A" needs an explicit number/);
    expect(() => parseHeader('struct s { long x; };', 's.h')).toThrow(/s.h: cannot lay out "long x"/);
  });

  it('reads the arch’s mmap form from its syscall-arch.h: in memory on s390x alone', () => {
    const inMemory = supportedArches().filter((a) => mmapArgsInMemory(a.name)).map((a) => a.name);
    expect(inMemory).toEqual(['s390x']);
  });
});
