// The framing of an image file: magic(s), then entries of u32 length + protobuf message,
// some followed by raw payload. The u32s are in the writer's byte order (host order for
// CRIU); the order is a parameter here so both are tested on any host.
import protobuf from 'protobufjs';
import { readU32, u32Bytes, type ByteOrder } from './byte-order.js';
import { messageFromEntry, messageToEntry } from './convert.js';
import { ImageError } from './error.js';
import { KINDS, RAW_PAGES_KIND, entryMessage, kindOfFile, kindOfMagic, payloadLength, type Entry } from './kinds.js';
import { IMG_COMMON_MAGIC, IMG_SERVICE_MAGIC, MAGICS, hex32, type MagicName } from './magic.js';
import { messageType } from './schema.js';

export interface ImageFile {
  kind: string;
  entries: Entry[];
  /** payloads[i] is the raw data after entries[i], when its kind has any. */
  payloads: (Buffer | undefined)[];
  /** offsets[i] is where entries[i] (its u32 length) starts in the file. */
  offsets: number[];
}

const HEADER_MAGIC: Record<'common' | 'service', number> = { common: IMG_COMMON_MAGIC, service: IMG_SERVICE_MAGIC };

function magicName(value: number): MagicName | undefined {
  return (Object.keys(MAGICS) as MagicName[]).find((n) => MAGICS[n] === value);
}

/** Reads u32s from a buffer, turning any overrun into an ImageError. */
class Cursor {
  offset = 0;
  constructor(
    readonly buf: Buffer,
    readonly file: string,
    readonly order: ByteOrder,
  ) {}

  get left(): number {
    return this.buf.length - this.offset;
  }

  need(n: number, what: string): void {
    if (this.left < n) throw new ImageError(this.file, this.offset, `truncated ${what} (need ${n} bytes, ${this.left} left)`);
  }

  u32(what: string): number {
    this.need(4, what);
    const v = readU32(this.buf, this.offset, this.order);
    this.offset += 4;
    return v;
  }

  take(n: number, what: string): Buffer {
    this.need(n, what);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }
}

/** Reads the magic(s) and returns the kind: the one the file name says, checked, or the one the magic says. */
function readHeader(cur: Cursor, nameKind: string): string {
  if (nameKind === RAW_PAGES_KIND) {
    throw new ImageError(cur.file, 0, 'raw page data has no entries (read pages-*.img directly)');
  }
  const spec = KINDS[nameKind];
  const first = cur.u32('magic');
  if (spec) {
    if (spec.header === 'own') {
      if (first !== MAGICS[spec.magic]) throw badMagic(cur, 0, spec.magic, first);
      return nameKind;
    }
    if (first !== HEADER_MAGIC[spec.header]) {
      throw new ImageError(cur.file, 0, `expected ${spec.header} magic ${hex32(HEADER_MAGIC[spec.header])}, found ${hex32(first)}`);
    }
    const second = cur.u32('magic');
    if (second !== MAGICS[spec.magic]) throw badMagic(cur, 4, spec.magic, second);
    return nameKind;
  }
  // A file name of no known kind: trust the magic.
  const value = first === IMG_COMMON_MAGIC || first === IMG_SERVICE_MAGIC ? cur.u32('magic') : first;
  const name = magicName(value);
  const kind = name && kindOfMagic(name);
  if (!kind) throw new ImageError(cur.file, cur.offset - 4, `expected a known image magic, found ${hex32(value)}`);
  return kind;
}

function badMagic(cur: Cursor, offset: number, expected: MagicName, found: number): ImageError {
  const foundName = magicName(found);
  return new ImageError(
    cur.file,
    offset,
    `expected magic ${expected} (${hex32(MAGICS[expected])}), found ${foundName ?? hex32(found)}${foundName ? ` (${hex32(found)})` : ''}`,
  );
}

/** Decodes a file of the kind its name says, or of `kind` when given (its magic is checked either way). */
export function decodeFramed(buf: Buffer, fileName: string, order: ByteOrder, kind0: string = kindOfFile(fileName)): ImageFile {
  const cur = new Cursor(buf, fileName, order);
  const kind = readHeader(cur, kind0);
  const spec = KINDS[kind]!;
  const entries: Entry[] = [];
  const payloads: (Buffer | undefined)[] = [];
  const offsets: number[] = [];
  while (cur.left > 0) {
    const index = entries.length;
    const at = cur.offset;
    offsets.push(at);
    const len = cur.u32('entry length');
    const typeName = entryMessage(spec, index);
    const body = cur.take(len, `${typeName} #${index}`);
    const type = messageType(typeName);
    let entry: Entry;
    try {
      entry = messageToEntry(type, type.decode(body));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new ImageError(fileName, at + 4, `expected a valid ${typeName} message of ${len} bytes (${why})`);
    }
    entries.push(entry);
    let plen: number | undefined;
    try {
      plen = payloadLength(spec, index, entry, buf.subarray(cur.offset), order);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new ImageError(fileName, cur.offset, `expected a valid payload of entry ${index} (${why})`);
    }
    payloads.push(plen === undefined ? undefined : Buffer.from(cur.take(plen, `payload of entry ${index}`)));
  }
  return { kind, entries, payloads, offsets };
}

export function encodeFramed(kind: string, entries: Entry[], payloads: (Buffer | undefined)[] | undefined, order: ByteOrder): Buffer {
  const spec = KINDS[kind];
  if (!spec) throw new TypeError(`encode: unknown image kind "${kind}"`);
  const parts: Buffer[] = [];
  if (spec.header !== 'own') parts.push(u32Bytes(HEADER_MAGIC[spec.header], order));
  parts.push(u32Bytes(MAGICS[spec.magic], order));
  entries.forEach((entry, index) => {
    const type: protobuf.Type = messageType(entryMessage(spec, index));
    const body = Buffer.from(type.encode(messageFromEntry(type, entry, `${kind}[${index}]`)).finish());
    parts.push(u32Bytes(body.length, order), body);
    const payload = payloads?.[index];
    const want = payloadLength(spec, index, entry, payload ?? Buffer.alloc(0), order);
    if (want === undefined) {
      if (payload !== undefined) throw new TypeError(`encode ${kind}[${index}]: this entry carries no payload`);
      return;
    }
    if (payload === undefined) throw new TypeError(`encode ${kind}[${index}]: payload missing`);
    if (payload.length !== want) {
      throw new TypeError(`encode ${kind}[${index}]: payload is ${payload.length} bytes, the entry says ${want}`);
    }
    parts.push(payload);
  });
  return Buffer.concat(parts);
}
