// Integrity of an image set: checksums.img holds a SHA-256 per image file and per entry, and
// per pagemap entry one of its pages. A dump seals its images last; a restore verifies them
// before anything is created (large pages files: their sizes first, their bytes while the tree
// is built, before any task runs), and a mismatch is one ImageError naming file and offset.
// Images without checksums.img (CRIU's) are not verified; the caller says so.
// The checksums find corruption and changes made after the dump; whoever can rewrite
// checksums.img too is not detected (see the README's trust model).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PE_PARENT, PE_PRESENT } from './format.js';
import { ImageError } from './error.js';
import { decodeImage, readImage, writeImage, type ImageChecksumEntry, type ImageFile, type ImageOf, type PagemapEntry } from './index.js';
import { KINDS, RAW_PAGES_KIND, kindOfFile } from './kinds.js';
import { takePageDigests } from './page-digests.js';
import { PAGE_SIZE } from '../sys/page-size.js';

export const CHECKSUMS_FILE = 'checksums.img';
/** Written by a restore after the dump, so never part of the sealed set. */
const UNSEALED = new Set([CHECKSUMS_FILE, 'stats-restore']);
const CHUNK = 8 << 20;

const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();
const hex = (n: bigint): string => `0x${n.toString(16)}`;

/** The image files of dir a checksum covers: every file of a known kind but the raw pages. */
function sealable(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => {
    const kind = kindOfFile(f);
    return !UNSEALED.has(f) && kind !== RAW_PAGES_KIND && kind in KINDS && fs.lstatSync(path.join(dir, f)).isFile();
  }).sort();
}

/** Whether img holds a pagemap (its head, then pagemap entries), as its magic says. */
function isPagemap(img: ImageFile): img is ImageOf<'pagemap' | 'pagemap-shmem'> {
  return KINDS[img.kind]?.magic === 'PAGEMAP';
}

/** A pagemap entry's pages in its pages file, or none (pages in a parent image or absent). */
function pagesOf(pe: PagemapEntry): bigint {
  const flags = pe.flags ?? PE_PRESENT;
  if (flags & PE_PARENT || pe.in_parent || !(flags & PE_PRESENT)) return 0n;
  return BigInt(pe.nr_pages ?? pe.compat_nr_pages ?? 0);
}

/** Hashes the pages of each pagemap entry in turn from the pages file, calling got(i, at, digest). */
function hashPages(dir: string, pagesFile: string, pagemap: PagemapEntry[], got: (i: number, at: number, digest: Buffer) => void): number {
  let fd: number;
  try {
    fd = fs.openSync(path.join(dir, pagesFile), 'r');
  } catch (e) {
    throw new ImageError(pagesFile, 0, `expected a readable pages file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const buf = Buffer.allocUnsafe(CHUNK);
  let at = 0;
  try {
    pagemap.forEach((pe, i) => {
      const start = at;
      let left = Number(pagesOf(pe)) * PAGE_SIZE;
      const h = createHash('sha256');
      while (left > 0) {
        const n = fs.readSync(fd, buf, 0, Math.min(left, CHUNK), at);
        if (n === 0) throw new ImageError(pagesFile, at, `truncated pages of entry ${i} (vaddr ${hex(BigInt(pe.vaddr ?? 0))}): ${left} bytes missing`);
        h.update(buf.subarray(0, n));
        at += n;
        left -= n;
      }
      got(i, start, h.digest());
    });
    return at;
  } finally {
    fs.closeSync(fd);
  }
}

function hashedDigests(dir: string, pagesFile: string, pagemap: PagemapEntry[]): Buffer[] {
  const digests: Buffer[] = [];
  hashPages(dir, pagesFile, pagemap, (_i, _at, d) => digests.push(d));
  return digests;
}

/** The digests the PageWriter recorded, if they cover exactly this pagemap and the file's size. */
function writtenDigests(dir: string, pagesFile: string, pagemap: PagemapEntry[]): Buffer[] | undefined {
  const file = path.join(dir, pagesFile);
  const d = takePageDigests(file);
  if (!d || d.pages.length !== pagemap.length || d.pages.some((n, i) => n !== pagesOf(pagemap[i]!))) return undefined;
  const bytes = d.pages.reduce((s, n) => s + n, 0n) * BigInt(PAGE_SIZE);
  return BigInt(fs.statSync(file).size) === bytes ? d.sha256 : undefined;
}

function checksumOf(dir: string, file: string): ImageChecksumEntry {
  const buf = fs.readFileSync(path.join(dir, file));
  const img = decodeImage(buf, file);
  const bounds = [...img.offsets, buf.length];
  const entry: ImageChecksumEntry = {
    file,
    size: BigInt(buf.length),
    sha256: sha256(buf),
    entry_offsets: img.offsets,
    entry_sha256: img.offsets.map((o, i) => sha256(buf.subarray(o, bounds[i + 1]))),
  };
  if (isPagemap(img) && img.entries[0]?.pages_id !== undefined) {
    const [head, ...pagemap] = img.entries;
    const pagesFile = `pages-${head.pages_id}.img`;
    entry.pages_file = pagesFile;
    entry.pages_sha256 = writtenDigests(dir, pagesFile, pagemap) ?? hashedDigests(dir, pagesFile, pagemap);
  }
  return entry;
}

/** Writes checksums.img for every image file of dir (the last file a dump writes). */
export function sealImages(dir: string): { files: number } {
  const entries = sealable(dir).map((f) => checksumOf(dir, f));
  writeImage(dir, CHECKSUMS_FILE, 'checksums', entries);
  return { files: entries.length };
}

export interface Verified {
  files: number;
  pageEntries: number;
  pages: number;
}

/** Where in file the bytes differ from what its checksum says, as an ImageError. */
function mismatch(c: ImageChecksumEntry, buf: Buffer): ImageError {
  const file = c.file;
  const size = Number(c.size);
  if (buf.length !== size) return new ImageError(file, Math.min(buf.length, size), `expected ${size} bytes as checksums.img says, found ${buf.length}`);
  const offsets = c.entry_offsets ?? [];
  const bounds = [...offsets, size];
  for (const [i, o] of offsets.entries()) {
    if (!sha256(buf.subarray(o, bounds[i + 1])).equals(c.entry_sha256?.[i] ?? Buffer.alloc(0))) {
      return new ImageError(file, o, `entry ${i} does not match its checksum in checksums.img`);
    }
  }
  return new ImageError(file, 0, 'the header does not match its checksum in checksums.img');
}

/** The pages of one pagemap image, to check against the digests checksums.img gives them. */
export interface PagesCheck {
  /** The pagemap image and its pages file. */
  file: string;
  pagesFile: string;
  pagemap: PagemapEntry[];
  digests: Buffer[];
}

/** Checks one pages file (see PagesCheck); throws the first mismatch as an ImageError. */
export function checkPages(dir: string, c: PagesCheck): { pageEntries: number; pages: number } {
  const out = { pageEntries: 0, pages: 0 };
  const size = hashPages(dir, c.pagesFile, c.pagemap, (i, at, d) => {
    if (!d.equals(c.digests[i]!)) {
      const pe = c.pagemap[i]!;
      throw new ImageError(c.pagesFile, at, `pages of ${c.file} entry ${i + 1} (vaddr ${hex(BigInt(pe.vaddr ?? 0))}, ${pagesOf(pe)} pages) do not match their checksum in checksums.img`);
    }
    out.pageEntries++;
    out.pages += Number(pagesOf(c.pagemap[i]!));
  });
  checkPagesSize(dir, c, size);
  return out;
}

/** Throws unless the pages file has the size its pagemap gives it (default: what a check reads). */
export function checkPagesSize(dir: string, c: PagesCheck, size = pagesBytes(c)): void {
  let actual: number;
  try {
    actual = fs.statSync(path.join(dir, c.pagesFile)).size;
  } catch (e) {
    throw new ImageError(c.pagesFile, 0, `expected a readable pages file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (actual !== size) throw new ImageError(c.pagesFile, Math.min(actual, size), `expected ${size} bytes of pages as ${c.file} says, found ${actual}`);
}

/** Bytes of pages a check reads. */
export const pagesBytes = (c: PagesCheck): number => c.pagemap.reduce((n, pe) => n + Number(pagesOf(pe)), 0) * PAGE_SIZE;

/**
 * Checks every file checksums.img lists, the pages of every pagemap entry, and that no image
 * file was added since; throws the first mismatch as an ImageError. Undefined without
 * checksums.img.
 */
export function verifyImages(dir: string): Verified | undefined {
  const v = verifyImagesButPages(dir);
  if (!v) return undefined;
  const p = checkAllPages(dir, v.pending);
  return { ...v.verified, pageEntries: p.pageEntries, pages: p.pages };
}

/** Checks pages files in turn (see checkPages); their counts summed. */
export function checkAllPages(dir: string, checks: PagesCheck[]): { pageEntries: number; pages: number } {
  const total = { pageEntries: 0, pages: 0 };
  for (const c of checks) {
    const one = checkPages(dir, c);
    total.pageEntries += one.pageEntries;
    total.pages += one.pages;
  }
  return total;
}

/**
 * verifyImages without reading the pages files: their checks are returned, for the caller to
 * run (a restore runs them while it builds the tree, and lets no task run before they pass).
 */
export function verifyImagesButPages(dir: string): { verified: Verified; pending: PagesCheck[] } | undefined {
  if (!fs.existsSync(path.join(dir, CHECKSUMS_FILE))) return undefined;
  const listed = readImage(dir, CHECKSUMS_FILE, 'checksums').entries;
  const out: Verified = { files: 0, pageEntries: 0, pages: 0 };
  const pending: PagesCheck[] = [];
  const names = new Set<string>();
  for (const c of listed) {
    const file = c.file;
    if (path.basename(file) !== file || names.has(file)) throw new ImageError(CHECKSUMS_FILE, 0, `a plain file name listed once, found "${file}"`);
    names.add(file);
    let buf: Buffer;
    try {
      buf = fs.readFileSync(path.join(dir, file));
    } catch (e) {
      throw new ImageError(file, 0, `expected the file checksums.img lists (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (buf.length !== Number(c.size) || !sha256(buf).equals(c.sha256)) throw mismatch(c, buf);
    out.files++;
    const pagesFile = c.pages_file;
    if (pagesFile === undefined) continue;
    if (!/^pages-\d+\.img$/.test(pagesFile)) throw new ImageError(CHECKSUMS_FILE, 0, `a pages file name, found "${pagesFile}"`);
    const img = decodeImage(buf, file);
    if (!isPagemap(img)) throw new ImageError(CHECKSUMS_FILE, 0, `a pages file only for a pagemap image, found one for "${file}"`);
    const [, ...pagemap] = img.entries;
    const digests = c.pages_sha256 ?? [];
    if (digests.length !== pagemap.length) throw new ImageError(file, 0, `${digests.length} pagemap entries as checksums.img says, found ${pagemap.length}`);
    pending.push({ file, pagesFile, pagemap, digests });
  }
  const added = sealable(dir).find((f) => !names.has(f));
  if (added) throw new ImageError(added, 0, 'a file checksums.img lists: this one was added after the dump');
  return { verified: out, pending };
}
