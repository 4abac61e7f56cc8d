import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../sys/native.js';
import { parseHeader, restorerLayout, structOf, writeStruct } from './struct-layout.js';

describe('restorer.h layout', () => {
  it('matches what the C compiler lays out for every field', () => {
    const layout = restorerLayout();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-layout-'));
    const lines: string[] = [];
    for (const s of layout.structs.values()) {
      lines.push(`printf("${s.name} size %zu\\n", sizeof(struct ${s.name}));`);
      for (const f of s.fields.values()) lines.push(`printf("${s.name}.${f.name} %zu\\n", offsetof(struct ${s.name}, ${f.name}));`);
    }
    const src = path.join(dir, 'offsets.c');
    fs.writeFileSync(src, `#include <stdio.h>\n#include <stddef.h>\n#include "restorer.h"\nint main(void){${lines.join('\n')}return 0;}\n`);
    execFileSync('gcc', ['-I', path.join(packageRoot(), 'arch', 'common'), '-o', path.join(dir, 'offsets'), src]);
    const fromC = execFileSync(path.join(dir, 'offsets'), { encoding: 'utf8' });
    const fromTs: string[] = [];
    for (const s of layout.structs.values()) {
      fromTs.push(`${s.name} size ${s.size}`);
      for (const f of s.fields.values()) fromTs.push(`${s.name}.${f.name} ${f.offset}`);
    }
    expect(fromC.trim().split('\n')).toEqual(fromTs);
    fs.rmSync(dir, { recursive: true });
  });

  it('writes nested structs, arrays and byte fields at their offsets', () => {
    const l = parseHeader('struct rst_a { u32 x; u64 y; };\nstruct rst_b { u8 name[3]; struct rst_a a[2]; s32 z; };');
    expect(structOf(l, 'rst_a').size).toBe(16);
    const buf = Buffer.alloc(structOf(l, 'rst_b').size);
    writeStruct(l, 'rst_b', { name: Buffer.from('ab'), a: [{ x: 1 }, { y: 2n }], z: -1 }, buf);
    expect(buf.subarray(0, 2).toString()).toBe('ab');
    expect(buf.readUInt32LE(8)).toBe(1);
    expect(buf.readBigUInt64LE(32)).toBe(2n);
    expect(buf.readInt32LE(40)).toBe(-1);
    expect(() => writeStruct(l, 'rst_a', { nope: 1 }, buf)).toThrow(/no field nope/);
  });

  it('writes scalars big-endian when asked (s390x)', () => {
    const l = parseHeader('struct rst_a { u32 x; s32 z; u64 y; };');
    const buf = Buffer.alloc(structOf(l, 'rst_a').size);
    writeStruct(l, 'rst_a', { x: 0x01020304, z: -2, y: 0x05060708090a0b0cn }, buf, 0, false);
    expect(buf.toString('hex')).toBe('01020304' + 'fffffffe' + '05060708090a0b0c');
  });
});
