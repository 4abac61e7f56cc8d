// Reads the restorer's argument layout from arch/common/restorer.h (its only declaration)
// and writes C structs of that layout into Buffers. Understands exactly the subset the
// header promises: u64/u32/s32/u8 fields, constant-length arrays, nested `struct rst_*`
// fields, and `#define RST_NAME number`. Layout follows the C rules for these types
// (natural alignment, struct alignment = largest member).
import fs from 'node:fs';
import path from 'node:path';
import { byteOrder } from '../sys/host-order.js';
import { packageRoot } from '../sys/native.js';

type Scalar = 'u64' | 'u32' | 's32' | 'u8';
const scalarSize: Record<Scalar, number> = { u64: 8, u32: 4, s32: 4, u8: 1 };

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
  structs: Map<string, StructLayout>;
  constants: Map<string, bigint>;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

export function parseHeader(text: string): HeaderLayout {
  const constants = new Map<string, bigint>();
  for (const m of text.matchAll(/^#define\s+(RST_\w+)\s+(0x[0-9a-fA-F]+|\d+)\s*$/gm)) constants.set(m[1]!, BigInt(m[2]!));
  const structs = new Map<string, StructLayout>();
  const bare = text.replace(/\/\*[\s\S]*?\*\//g, '');
  for (const m of bare.matchAll(/struct\s+(rst_\w+)\s*\{([^}]*)\};/g)) {
    const name = m[1]!;
    const fields = new Map<string, Field>();
    let offset = 0;
    let align = 1;
    for (const line of m[2]!.split(';').map((l) => l.trim()).filter(Boolean)) {
      const f = /^(?:(u64|u32|s32|u8)|struct\s+(rst_\w+))\s+(\w+)(?:\[(\w+)\])?$/.exec(line.replace(/\s+/g, ' '));
      if (!f) throw new Error(`criu-ts: restorer.h: cannot lay out "${line}" in struct ${name}`);
      const nested = f[2] ? structs.get(f[2]) : undefined;
      if (f[2] && !nested) throw new Error(`criu-ts: restorer.h: struct ${f[2]} used before it is declared`);
      const elemSize = nested ? nested.size : scalarSize[f[1] as Scalar];
      const elemAlign = nested ? nested.align : elemSize;
      const countText = f[4];
      const count = countText === undefined ? 1 : /^\d+$/.test(countText) ? Number(countText) : Number(constants.get(countText));
      if (!Number.isInteger(count) || count < 1) throw new Error(`criu-ts: restorer.h: bad array length in "${line}"`);
      offset = alignUp(offset, elemAlign);
      fields.set(f[3]!, { name: f[3]!, offset, type: nested ? nested.name : f[1]!, count, elemSize });
      offset += elemSize * count;
      align = Math.max(align, elemAlign);
    }
    structs.set(name, { name, size: alignUp(offset, align), align, fields });
  }
  return { structs, constants };
}

let cached: HeaderLayout | undefined;

/** The layout of arch/common/restorer.h in this package. */
export function restorerLayout(): HeaderLayout {
  cached ??= parseHeader(fs.readFileSync(path.join(packageRoot(), 'arch', 'common', 'restorer.h'), 'utf8'));
  return cached;
}

export function structOf(layout: HeaderLayout, name: string): StructLayout {
  const s = layout.structs.get(name);
  if (!s) throw new Error(`criu-ts: restorer.h declares no struct ${name}`);
  return s;
}

export function constantOf(layout: HeaderLayout, name: string): bigint {
  const c = layout.constants.get(name);
  if (c === undefined) throw new Error(`criu-ts: restorer.h defines no ${name}`);
  return c;
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
export function writeStruct(layout: HeaderLayout, name: string, value: StructValue, buf: Buffer, at = 0, littleEndian = true): void {
  const s = structOf(layout, name);
  for (const [key, v] of Object.entries(value)) {
    const f = s.fields.get(key);
    if (!f) throw new Error(`criu-ts: struct ${name} has no field ${key}`);
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
