// The image API: every other part of criu-ts reads and writes images only through this.
// Files are framed in the host's byte order, as CRIU writes them.
import fs from 'node:fs';
import path from 'node:path';
import { ImageError } from './error.js';
import { hostByteOrder } from './byte-order.js';
import { writePrivate } from './private.js';
import { decodeFramed, encodeFramed, type ImageFile } from './framing.js';
import type { Entry } from './kinds.js';

export { ImageError } from './error.js';
export { kindOfFile } from './kinds.js';
export type { Entry } from './kinds.js';
export type { ImageFile } from './framing.js';

export function encodeImage(kind: string, entries: Entry[], payloads?: (Buffer | undefined)[]): Buffer {
  return encodeFramed(kind, entries, payloads, hostByteOrder());
}

/** Decodes a whole image file; fileName (a base name or path) selects the expected kind. */
export function decodeImage(buf: Buffer, fileName: string): ImageFile {
  return decodeFramed(buf, path.basename(fileName), hostByteOrder());
}

export function readImage(dir: string, fileName: string): ImageFile {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(path.join(dir, fileName));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new ImageError(fileName, 0, `expected a readable file in ${dir} (${code})`);
  }
  return decodeImage(buf, fileName);
}

/** Writes through a temporary name and a rename, so a reader never sees half a file; 0600. */
export function writeImage(dir: string, fileName: string, kind: string, entries: Entry[], payloads?: (Buffer | undefined)[]): void {
  const buf = encodeImage(kind, entries, payloads);
  const file = path.join(dir, fileName);
  const tmp = `${file}.tmp-${process.pid}`;
  writePrivate(tmp, buf);
  fs.renameSync(tmp, file);
}
