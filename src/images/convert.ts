// Between protobufjs messages and our Entry objects: 64-bit integers as bigint, enums as
// their names, bytes as Buffer, absent fields absent. Encoding also accepts numbers (or
// decimal/0x strings) for 64-bit fields and numbers for enums, and refuses unknown or
// missing required fields, so a typo fails loudly instead of writing a wrong image.
import protobuf from 'protobufjs';
import type { Entry } from './kinds.js';

// protobufjs types util.Long loosely; it is long.js: new Long(low, high, unsigned).
const Long = protobuf.util.Long as unknown as new (low: number, high: number, unsigned: boolean) => protobuf.Long;

const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const UNSIGNED_LONG = new Set(['uint64', 'fixed64']);
const UNSIGNED_32 = new Set(['uint32', 'fixed32']);

export function is64(field: protobuf.Field): boolean {
  return LONG_TYPES.has(field.type);
}

const sortedFields = new WeakMap<protobuf.Type, protobuf.Field[]>();

/** Fields in field-number order (the order CRIU writes them and crit prints them). */
export function fieldsOf(type: protobuf.Type): protobuf.Field[] {
  let fields = sortedFields.get(type);
  if (!fields) {
    fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
    sortedFields.set(type, fields);
  }
  return fields;
}

function longToBigint(v: protobuf.Long | number, signed: boolean): bigint {
  if (typeof v === 'number') return BigInt(v);
  const u = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return signed ? BigInt.asIntN(64, u) : u;
}

function present(msg: protobuf.Message, field: protobuf.Field): boolean {
  const v = (msg as any)[field.name];
  if (field.repeated) return Array.isArray(v) && v.length > 0;
  return Object.prototype.hasOwnProperty.call(msg, field.name) && v !== null && v !== undefined;
}

function valueToEntry(field: protobuf.Field, v: any): any {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) return messageToEntry(rt, v);
  if (rt instanceof protobuf.Enum) return rt.valuesById[v] ?? v;
  if (is64(field)) return longToBigint(v, !UNSIGNED_LONG.has(field.type));
  if (field.type === 'bytes') return Buffer.from(v);
  return v;
}

export function messageToEntry(type: protobuf.Type, msg: protobuf.Message): Entry {
  const out: Entry = {};
  for (const field of fieldsOf(type)) {
    if (!present(msg, field)) continue;
    const v = (msg as any)[field.name];
    out[field.name] = field.repeated ? (v as any[]).map((x) => valueToEntry(field, x)) : valueToEntry(field, v);
  }
  return out;
}

function fail(where: string, what: string): never {
  throw new TypeError(`${where}: ${what}`);
}

function valueFromEntry(field: protobuf.Field, v: any, where: string): any {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, `expected an object for ${rt.name}`);
    return messageFromEntry(rt, v, where);
  }
  if (rt instanceof protobuf.Enum) {
    if (typeof v === 'string') {
      const n = rt.values[v];
      if (n === undefined) fail(where, `unknown ${rt.name} value "${v}"`);
      return n;
    }
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    return fail(where, `expected a ${rt.name} name or number`);
  }
  if (is64(field)) {
    if (typeof v !== 'bigint' && typeof v !== 'number' && typeof v !== 'string') fail(where, 'expected a bigint');
    let big: bigint;
    try {
      big = BigInt(v);
    } catch {
      return fail(where, `not an integer: ${String(v)}`);
    }
    const unsigned = UNSIGNED_LONG.has(field.type);
    if (unsigned ? big < 0n || big >= 2n ** 64n : big < -(2n ** 63n) || big >= 2n ** 63n) {
      fail(where, `${big} is out of range for ${field.type}`);
    }
    const u = BigInt.asUintN(64, big);
    return new Long(Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0, unsigned);
  }
  switch (field.type) {
    case 'bytes':
      if (!(v instanceof Uint8Array)) fail(where, 'expected a Buffer');
      return v;
    case 'string':
      if (typeof v !== 'string') fail(where, 'expected a string');
      return v;
    case 'bool':
      if (typeof v !== 'boolean') fail(where, 'expected a boolean');
      return v;
    default: {
      if (typeof v !== 'number' || !Number.isInteger(v)) fail(where, `expected an integer (${field.type})`);
      const [min, max] = UNSIGNED_32.has(field.type) ? [0, 2 ** 32 - 1] : [-(2 ** 31), 2 ** 31 - 1];
      if (v < min || v > max) fail(where, `${v} is out of range for ${field.type}`);
      return v;
    }
  }
}

/** A plain object protobufjs can encode, checked against the message type. */
export function messageFromEntry(type: protobuf.Type, entry: Entry, where: string = type.name): Record<string, any> {
  const out: Record<string, any> = {};
  for (const key of Object.keys(entry)) {
    if (entry[key] !== undefined && !type.fields[key]) fail(where, `${type.name} has no field "${key}"`);
  }
  for (const field of type.fieldsArray) {
    const v = entry[field.name];
    const at = `${where}.${field.name}`;
    if (v === undefined || v === null) {
      if (field.required) fail(at, 'required field missing');
      continue;
    }
    if (field.repeated) {
      if (!Array.isArray(v)) fail(at, 'expected an array');
      out[field.name] = v.map((x: any, i: number) => valueFromEntry(field, x, `${at}[${i}]`));
    } else {
      out[field.name] = valueFromEntry(field, v, at);
    }
  }
  return out;
}
