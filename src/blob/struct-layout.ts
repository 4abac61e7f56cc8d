// Reads the contract headers of the blobs (arch/common/restorer.h, the parasite's
// arch/common/include/parasite-proto.h), the only place each block that crosses the TS/C
// line is declared, and writes and reads C structs of their layout in Buffers. Understands
// exactly the subset the headers promise: u64/s64/u32/s32/u8 fields (contract-types.h),
// one per declaration, constant-length arrays, nested `struct` fields of a struct declared
// above, `#define NAME number` and `enum { NAME = number, ... }`. Layout follows the C rules
// for these types (natural alignment, struct alignment = largest member).
import fs from 'node:fs';
import path from 'node:path';
import { byteOrder, hostLittleEndian } from '../sys/host-order.js';
import { packageRoot } from '../sys/native.js';

type Scalar = 'u64' | 's64' | 'u32' | 's32' | 'u8';
const scalarSize: Record<Scalar, number> = { u64: 8, s64: 8, u32: 4, s32: 4, u8: 1 };

export interface Field {
  name: string;
  offset: number;
  /** A scalar type or the name of a nested struct. */
  type: Scalar | string;
  count: number;
  elemSize: number;
}

export interface StructLayout {
  name: string;
  size: number;
  align: number;
  fields: Map<string, Field>;
}

export interface HeaderLayout {
  /** The header's file name, for error messages. */
  file: string;
  structs: Map<string, StructLayout>;
  constants: Map<string, bigint>;
}

/** Every contract header, relative to the package root (the layout test checks each). */
export const contractHeaders = {
  restorer: 'arch/common/restorer.h',
  parasite: 'arch/common/include/parasite-proto.h',
} as const;

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;
const NUMBER = '(0x[0-9a-fA-F]+|\\d+)';

export function parseHeader(text: string, file = 'header'): HeaderLayout {
  const bare = text.replace(/\/\*[\s\S]*?\*\//g, '');
  const constants = new Map<string, bigint>();
  for (const m of bare.matchAll(new RegExp(`^#define\\s+(\\w+)\\s+${NUMBER}\\s*$`, 'gm'))) constants.set(m[1]!, BigInt(m[2]!));
  for (const m of bare.matchAll(/enum\s+\w+\s*\{([^}]*)\};/g)) {
    for (const item of m[1]!.split(',').map((l) => l.trim()).filter(Boolean)) {
      const e = new RegExp(`^(\\w+)\\s*=\\s*${NUMBER}$`).exec(item);
      if (!e) throw new Error(`criu-ts: ${file}: enum member "${item}" needs an explicit number`);
      constants.set(e[1]!, BigInt(e[2]!));
    }
  }
  const structs = new Map<string, StructLayout>();
  for (const m of bare.matchAll(/struct\s+(\w+)\s*\{([^}]*)\};/g)) {
    const name = m[1]!;
    const fields = new Map<string, Field>();
    let offset = 0;
    let align = 1;
    for (const line of m[2]!.split(';').map((l) => l.trim()).filter(Boolean)) {
      const f = /^(?:(u64|s64|u32|s32|u8)|struct\s+(\w+))\s+(\w+)(?:\[(\w+)\])?$/.exec(line.replace(/\s+/g, ' '));
      if (!f) throw new Error(`criu-ts: ${file}: cannot lay out "${line}" in struct ${name}`);
      const nested = f[2] ? structs.get(f[2]) : undefined;
      if (f[2] && !nested) throw new Error(`criu-ts: ${file}: struct ${f[2]} used before it is declared`);
      const elemSize = nested ? nested.size : scalarSize[f[1] as Scalar];
      const elemAlign = nested ? nested.align : elemSize;
      const countText = f[4];
      const count = countText === undefined ? 1 : /^\d+$/.test(countText) ? Number(countText) : Number(constants.get(countText));
      if (!Number.isInteger(count) || count < 1) throw new Error(`criu-ts: ${file}: bad array length in "${line}"`);
      offset = alignUp(offset, elemAlign);
      fields.set(f[3]!, { name: f[3]!, offset, type: nested ? nested.name : f[1]!, count, elemSize });
      offset += elemSize * count;
      align = Math.max(align, elemAlign);
    }
    structs.set(name, { name, size: alignUp(offset, align), align, fields });
  }
  return { file, structs, constants };
}

const cache = new Map<string, HeaderLayout>();

/** The layout of a contract header of this package (a path of contractHeaders). */
export function headerLayout(relPath: string): HeaderLayout {
  let layout = cache.get(relPath);
  if (!layout) {
    layout = parseHeader(fs.readFileSync(path.join(packageRoot(), relPath), 'utf8'), path.basename(relPath));
    cache.set(relPath, layout);
  }
  return layout;
}

export const restorerLayout = (): HeaderLayout => headerLayout(contractHeaders.restorer);
export const parasiteLayout = (): HeaderLayout => headerLayout(contractHeaders.parasite);

/**
 * True where the arch's mmap syscall is the old one-argument form (s390x): its six arguments
 * are u64 words in memory, at the address that is its only argument. The blobs' syscall
 * header of the arch says so (MMAP_ARGS_IN_MEMORY), for the blobs, the addon and us.
 */
export const mmapArgsInMemory = (arch: string): boolean => headerLayout(`arch/${arch}/syscall-arch.h`).constants.has('MMAP_ARGS_IN_MEMORY');

export function structOf(layout: HeaderLayout, name: string): StructLayout {
  const s = layout.structs.get(name);
  if (!s) throw new Error(`criu-ts: ${layout.file} declares no struct ${name}`);
  return s;
}

export function constantOf(layout: HeaderLayout, name: string): bigint {
  const c = layout.constants.get(name);
  if (c === undefined) throw new Error(`criu-ts: ${layout.file} defines no ${name}`);
  return c;
}

function fieldOf(layout: HeaderLayout, s: StructLayout, key: string): Field {
  const f = s.fields.get(key);
  if (!f) throw new Error(`criu-ts: ${layout.file}: struct ${s.name} has no field ${key}`);
  return f;
}

/** A value for a field: a scalar, an array of them, a nested struct value, or raw bytes. */
export type FieldValue = number | bigint | Buffer | StructValue | (number | bigint | StructValue)[];
export interface StructValue {
  [field: string]: FieldValue;
}

/**
 * Writes value as struct `name` at buf[at]. Unnamed fields stay as they are (zero in a
 * fresh Buffer); a field the struct lacks is an error, so the TS side and the header
 * cannot drift apart silently.
 */
export function writeStruct(layout: HeaderLayout, name: string, value: StructValue, buf: Buffer, at = 0, littleEndian = hostLittleEndian): void {
  const s = structOf(layout, name);
  for (const [key, v] of Object.entries(value)) {
    const f = fieldOf(layout, s, key);
    const base = at + f.offset;
    if (Buffer.isBuffer(v)) {
      if (v.length > f.elemSize * f.count) throw new Error(`criu-ts: ${name}.${key}: ${v.length} bytes exceed the field`);
      v.copy(buf, base);
      continue;
    }
    const items = Array.isArray(v) ? v : [v];
    if (items.length > f.count) throw new Error(`criu-ts: ${name}.${key}: ${items.length} elements, room for ${f.count}`);
    items.forEach((item, i) => {
      const off = base + i * f.elemSize;
      if (typeof item === 'object') writeStruct(layout, f.type, item, buf, off, littleEndian);
      else writeScalar(buf, off, f.type as Scalar, item, littleEndian);
    });
  }
}

function writeScalar(buf: Buffer, off: number, type: Scalar, v: number | bigint, le: boolean): void {
  const order = byteOrder(le);
  switch (type) {
    case 'u64':
      order.writeU64(buf, BigInt.asUintN(64, BigInt(v)), off);
      return;
    case 's64':
      order.writeI64(buf, BigInt.asIntN(64, BigInt(v)), off);
      return;
    case 'u32':
      order.writeU32(buf, Number(BigInt.asUintN(32, BigInt(v))), off);
      return;
    case 's32':
      order.writeI32(buf, Number(v), off);
      return;
    case 'u8':
      buf.writeUInt8(Number(v), off);
      return;
  }
}

/**
 * Fields of one struct in a Buffer, read by name with the accessor of the field's declared
 * type: reading a field the struct lacks, or as another type, is an error, as in writeStruct.
 */
export class StructReader {
  constructor(
    private readonly layout: HeaderLayout,
    private readonly struct: StructLayout,
    private readonly buf: Buffer,
    private readonly at: number,
    private readonly littleEndian: boolean,
  ) {}

  private offset(key: string, type: string, i = 0): number {
    const f = fieldOf(this.layout, this.struct, key);
    if (f.type !== type) throw new Error(`criu-ts: ${this.struct.name}.${key} is ${f.type}, not ${type}`);
    return this.at + f.offset + i * f.elemSize;
  }

  u64(key: string): bigint {
    return byteOrder(this.littleEndian).readU64(this.buf, this.offset(key, 'u64'));
  }

  s64(key: string): bigint {
    return byteOrder(this.littleEndian).readI64(this.buf, this.offset(key, 's64'));
  }

  u32(key: string): number {
    return byteOrder(this.littleEndian).readU32(this.buf, this.offset(key, 'u32'));
  }

  s32(key: string): number {
    return byteOrder(this.littleEndian).readI32(this.buf, this.offset(key, 's32'));
  }

  /** Every element of a field of nested structs. */
  structs(key: string): StructReader[] {
    const f = fieldOf(this.layout, this.struct, key);
    const nested = structOf(this.layout, f.type);
    return Array.from({ length: f.count }, (_, i) => new StructReader(this.layout, nested, this.buf, this.offset(key, f.type, i), this.littleEndian));
  }
}

/** Reads struct `name` at buf[at]; buf must hold all of it. */
export function readStruct(layout: HeaderLayout, name: string, buf: Buffer, at = 0, littleEndian = hostLittleEndian): StructReader {
  const s = structOf(layout, name);
  if (buf.length < at + s.size) throw new Error(`criu-ts: ${buf.length - at} bytes cannot hold struct ${name} (${s.size})`);
  return new StructReader(layout, s, buf, at, littleEndian);
}
