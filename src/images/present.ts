// crit's JSON presentation of entry values, driven by the (criu).* options of our
// schemas: hex (for the field and everything nested in it), flags (named bits),
// dev (major:minor), dict (named constants), ipadd (addresses), conv unix_name
// (quoted-printable), bytes as base64. Only the "pretty" form applies the named
// presentations; both forms print bytes as base64 and enums by name. The reverse
// accepts either form, so whatever we or crit print encodes back to the same bytes.
import protobuf from 'protobufjs';
import { fieldsOf, is64 } from './convert.js';
import { bytesOfWords, hostByteOrder, wordsOf } from './byte-order.js';
import type { Entry } from './kinds.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// Bit names of the flag tables crit knows (fact lists: kernel/CRIU constant values).
const FLAG_TABLES: Record<string, [string, number][]> = {
  'mmap.prot': [['PROT_READ', 0x1], ['PROT_WRITE', 0x2], ['PROT_EXEC', 0x4]],
  'mmap.flags': [['MAP_SHARED', 0x1], ['MAP_PRIVATE', 0x2], ['MAP_DROPPABLE', 0x08], ['MAP_ANON', 0x20], ['MAP_GROWSDOWN', 0x100]],
  'mmap.status': [
    ['VMA_AREA_NONE', 0], ['VMA_AREA_REGULAR', 1 << 0], ['VMA_AREA_STACK', 1 << 1], ['VMA_AREA_VSYSCALL', 1 << 2],
    ['VMA_AREA_VDSO', 1 << 3], ['VMA_AREA_HEAP', 1 << 5], ['VMA_FILE_PRIVATE', 1 << 6], ['VMA_FILE_SHARED', 1 << 7],
    ['VMA_ANON_SHARED', 1 << 8], ['VMA_ANON_PRIVATE', 1 << 9], ['VMA_AREA_SYSVIPC', 1 << 10], ['VMA_AREA_SOCKET', 1 << 11],
    ['VMA_AREA_VVAR', 1 << 12], ['VMA_AREA_AIORING', 1 << 13], ['VMA_AREA_MEMFD', 1 << 14], ['VMA_AREA_SHSTK', 1 << 15],
    ['VMA_AREA_UPROBES', 1 << 17], ['VMA_UNSUPP', 2 ** 31],
  ],
  'rfile.flags': [
    ['O_WRONLY', 0o1], ['O_RDWR', 0o2], ['O_CREAT', 0o100], ['O_EXCL', 0o200], ['O_NOCTTY', 0o400], ['O_TRUNC', 0o1000],
    ['O_APPEND', 0o2000], ['O_NONBLOCK', 0o4000], ['O_DSYNC', 0o10000], ['FASYNC', 0o20000], ['O_DIRECT', 0o40000],
    ['O_LARGEFILE', 0o100000], ['O_DIRECTORY', 0o200000], ['O_NOFOLLOW', 0o400000], ['O_NOATIME', 0o1000000],
    ['O_CLOEXEC', 0o2000000],
  ],
  'pmap.flags': [['PE_PARENT', 1 << 0], ['PE_LAZY', 1 << 1], ['PE_PRESENT', 1 << 2]],
  'seals.flags': [['F_SEAL_SEAL', 0x1], ['F_SEAL_SHRINK', 0x2], ['F_SEAL_GROW', 0x4], ['F_SEAL_WRITE', 0x8], ['F_SEAL_FUTURE_WRITE', 0x10]],
};

// Named constants per dict and field name.
const DICTS: Record<string, Record<string, Record<number, string>>> = {
  gen: { task_state: { 1: 'Alive', 3: 'Zombie', 6: 'Stopped' } },
  sk: {
    family: { 1: 'UNIX', 2: 'INET', 10: 'INET6', 16: 'NETLINK', 17: 'PACKET' },
    type: { 1: 'STREAM', 2: 'DGRAM', 3: 'RAW', 5: 'SEQPACKET', 10: 'PACKET' },
    state: {
      1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 4: 'FIN_WAIT1', 5: 'FIN_WAIT2', 6: 'TIME_WAIT', 7: 'CLOSE',
      8: 'CLOSE_WAIT', 9: 'LAST_ACK', 10: 'LISTEN',
    },
    proto: { 0: 'IP', 6: 'TCP', 17: 'UDP', 136: 'UDPLITE' },
  },
};

function opt(field: protobuf.Field, name: string): any {
  return field.options?.[`(criu).${name}`];
}

// ---- bytes -------------------------------------------------------------------------

/** base64 in lines of 76 characters, each ending in a newline (what crit prints). */
export function base64Lines(b: Buffer): string {
  const s = b.toString('base64');
  let out = '';
  for (let i = 0; i < s.length; i += 76) out += s.slice(i, i + 76) + '\n';
  return out;
}

export function fromBase64(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'base64');
}

// Quoted-printable for unix socket names (abstract names start with NUL).
function quotedPrintable(b: Buffer): string {
  let out = '';
  let line = '';
  const flush = (soft: boolean) => {
    out += line + (soft ? '=\n' : '');
    line = '';
  };
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x0a) {
      out += line + '\n';
      line = '';
      continue;
    }
    const atLineEnd = i + 1 === b.length || b[i + 1] === 0x0a;
    const literal = c >= 33 && c <= 126 && c !== 0x3d;
    const tok = literal || ((c === 0x20 || c === 0x09) && !atLineEnd) ? String.fromCharCode(c) : '=' + c.toString(16).toUpperCase().padStart(2, '0');
    if (line.length + tok.length > 75) flush(true);
    line += tok;
  }
  flush(false);
  return out;
}

function fromQuotedPrintable(s: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '=') {
      if (s[i + 1] === '\n') {
        i += 1;
        continue;
      }
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(s.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}

// ---- numbers -------------------------------------------------------------------------

function mapFlags(value: number, table: [string, number][]): string {
  const names = table.filter(([, bit]) => bit !== 0 && (value & bit) >>> 0 === bit).map(([n]) => n);
  const rest = table.reduce((v, [, bit]) => (v & ~bit) >>> 0, value >>> 0);
  if (rest) names.push('0x' + rest.toString(16));
  return names.join(' | ');
}

function unmapFlags(text: string, table: [string, number][]): number {
  if (text.trim() === '') return 0;
  const byName = new Map(table);
  return text.split('|').map((t) => t.trim()).reduce((v, t) => v + (byName.get(t) ?? Number(BigInt(t))), 0);
}

// dev_t as the kernel packs it (new: 12-bit major above a 20-bit minor) or as
// userspace's old 16-bit-compatible encoding (odev).
function devToText(v: number, old: boolean): string {
  if (old) return `${(v >>> 8) & 0xfff}:${(v & 0xff) | ((v >>> 12) & 0xfff00)}`;
  return `${v >>> 20}:${v & 0xfffff}`;
}

function devFromText(s: string, old: boolean): number {
  const [maj, min] = s.split(':').map(Number) as [number, number];
  if (old) return (((maj & 0xfff) << 8) | (min & 0xff) | ((min & 0xfff00) << 12)) >>> 0;
  return ((maj << 20) | min) >>> 0;
}

function numberOut(v: number | bigint): number | string {
  return typeof v === 'bigint' ? (v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v.toString()) : v;
}

function intIn(field: protobuf.Field, v: Json): number | bigint {
  if (typeof v === 'string') {
    if (opt(field, 'dev') && v.includes(':')) return devFromText(v, !!opt(field, 'odev'));
    const table = FLAG_TABLES[opt(field, 'flags') ?? ''];
    if (table && !/^-?(0x[0-9a-f]+|\d+)$/i.test(v.trim())) return unmapFlags(v, table);
    const dict = opt(field, 'dict');
    if (dict) {
      const hit = Object.entries(DICTS[dict]?.[field.name] ?? {}).find(([, n]) => n === v);
      if (hit) return Number(hit[0]);
    }
    const big = BigInt(v.trim());
    return is64(field) ? big : Number(big);
  }
  if (typeof v !== 'number') throw new TypeError(`${field.name}: expected a number, got ${JSON.stringify(v)}`);
  return is64(field) ? BigInt(v) : v;
}

// ---- addresses (network-order u32 words, as stored in memory on this host) ------------
// One word is IPv4, four are IPv6; other lengths are left as numbers.

function wordsToIp(words: number[]): string {
  const bytes = bytesOfWords(words, hostByteOrder());
  if (words.length === 1) return [...bytes].join('.');
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  // the longest run (first on a tie) of two or more zero groups becomes "::"
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function ipToWords(text: string): number[] {
  let bytes: Buffer;
  if (!text.includes(':')) {
    bytes = Buffer.from(text.split('.').map(Number));
  } else {
    const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
    const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
    const h = part(head);
    const t = part(tail);
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
    bytes = Buffer.alloc(16);
    groups.forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
  }
  return wordsOf(bytes, hostByteOrder());
}

// ---- entry <-> JSON -------------------------------------------------------------------

function valueOut(field: protobuf.Field, v: any, pretty: boolean, hex: boolean): Json {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) return entryToJson(rt, v, pretty, hex);
  if (rt instanceof protobuf.Enum) return v;
  if (field.type === 'bytes') return opt(field, 'conv') === 'unix_name' ? quotedPrintable(v) : base64Lines(v);
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (pretty) {
    if (hex) return '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
    if (opt(field, 'dev')) return devToText(Number(v), !!opt(field, 'odev'));
    const flags = opt(field, 'flags');
    if (flags) return FLAG_TABLES[flags] ? mapFlags(Number(v), FLAG_TABLES[flags]!) : '0x' + v.toString(16);
    const dict = opt(field, 'dict');
    if (dict) return DICTS[dict]?.[field.name]?.[Number(v)] ?? numberOut(v);
  }
  return numberOut(v);
}

/** An entry as crit prints it (pretty: with hex, flag names, devices, addresses). */
export function entryToJson(type: protobuf.Type, entry: Entry, pretty: boolean, hexed = false): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const field of fieldsOf(type)) {
    const v = entry[field.name];
    if (v === undefined) continue;
    const hex = hexed || !!opt(field, 'hex');
    if (field.repeated) {
      out[field.name] = pretty && opt(field, 'ipadd') && (v.length === 1 || v.length === 4) ? [wordsToIp(v)] : (v as any[]).map((x) => valueOut(field, x, pretty, hex));
    } else {
      out[field.name] = valueOut(field, v, pretty, hex);
    }
  }
  return out;
}

function valueIn(field: protobuf.Field, v: Json): any {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError(`${field.name}: expected an object`);
    return entryFromJson(rt, v);
  }
  if (rt instanceof protobuf.Enum) return v;
  if (field.type === 'bytes') {
    if (typeof v !== 'string') throw new TypeError(`${field.name}: expected a string`);
    return opt(field, 'conv') === 'unix_name' ? fromQuotedPrintable(v) : fromBase64(v);
  }
  if (field.type === 'bool' || field.type === 'string') return v;
  return intIn(field, v);
}

/** The entry a JSON object (ours or crit's) stands for. */
export function entryFromJson(type: protobuf.Type, obj: { [k: string]: Json }): Entry {
  const out: Entry = {};
  for (const [key, v] of Object.entries(obj)) {
    const field = type.fields[key];
    if (!field) throw new TypeError(`${type.name} has no field "${key}"`);
    if (field.repeated) {
      if (!Array.isArray(v)) throw new TypeError(`${type.name}.${key}: expected an array`);
      out[key] = opt(field, 'ipadd') && typeof v[0] === 'string' ? ipToWords(v[0]) : v.map((x) => valueIn(field, x));
    } else {
      out[key] = valueIn(field, v);
    }
  }
  return out;
}
