// The image API: every other part of criu-ts reads and writes images only through this.
// Files are framed in the host's byte order, as CRIU writes them. Given its kind, an
// image's entries are typed (EntriesOf<'core'> is CoreEntry[]; see entries.ts).
import fs from 'node:fs';
import path from 'node:path';
import { ImageError } from './error.js';
import { hostByteOrder } from './byte-order.js';
import { writePrivate } from './private.js';
import { decodeFramed, encodeFramed, type ImageFile } from './framing.js';
import type { EntriesOf, Entry, Kind } from './kinds.js';

export { ImageError } from './error.js';
export { kindOfFile } from './kinds.js';
export type { EntriesOf, Entry, EntryOf, FileBody, FileBodyField, FileBodyOf, Kind } from './kinds.js';
export type * from './entries.js';
export type { ImageFile } from './framing.js';

/** An image of kind K: its entries typed. */
export interface ImageOf<K extends Kind> {
  kind: K;
  entries: EntriesOf<K>;
  /** payloads[i] is the raw data after entries[i], when its kind has any. */
  payloads: (Buffer | undefined)[];
  /** offsets[i] is where entries[i] (its u32 length) starts in the file. */
  offsets: number[];
}

export function encodeImage<K extends Kind>(kind: K, entries: EntriesOf<K>, payloads?: (Buffer | undefined)[]): Buffer;
export function encodeImage(kind: string, entries: Entry[], payloads?: (Buffer | undefined)[]): Buffer;
export function encodeImage(kind: string, entries: Entry[], payloads?: (Buffer | undefined)[]): Buffer {
  return encodeFramed(kind, entries, payloads, hostByteOrder());
}

/**
 * Decodes a whole image file: of `kind` when given (its magic must be that kind's),
 * else of the kind its name (a base name or path) says, or its magic when the name says none.
 */
export function decodeImage<K extends Kind>(buf: Buffer, fileName: string, kind: K): ImageOf<K>;
export function decodeImage(buf: Buffer, fileName: string): ImageFile;
export function decodeImage(buf: Buffer, fileName: string, kind?: Kind): ImageFile {
  return decodeFramed(buf, path.basename(fileName), hostByteOrder(), kind);
}

/** Reads dir/fileName: of `kind` when given, as decodeImage. */
export function readImage<K extends Kind>(dir: string, fileName: string, kind: K): ImageOf<K>;
export function readImage(dir: string, fileName: string): ImageFile;
export function readImage(dir: string, fileName: string, kind?: Kind): ImageFile {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(path.join(dir, fileName));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new ImageError(fileName, 0, `expected a readable file in ${dir} (${code})`);
  }
  return kind === undefined ? decodeImage(buf, fileName) : decodeImage(buf, fileName, kind);
}

/** Writes through a temporary name and a rename, so a reader never sees half a file; 0600. */
export function writeImage<K extends Kind>(dir: string, fileName: string, kind: K, entries: EntriesOf<K>, payloads?: (Buffer | undefined)[]): void;
export function writeImage(dir: string, fileName: string, kind: string, entries: Entry[], payloads?: (Buffer | undefined)[]): void;
export function writeImage(dir: string, fileName: string, kind: string, entries: Entry[], payloads?: (Buffer | undefined)[]): void {
  const buf = encodeImage(kind, entries, payloads);
  const file = path.join(dir, fileName);
  const tmp = `${file}.tmp-${process.pid}`;
  writePrivate(tmp, buf);
  fs.renameSync(tmp, file);
}
