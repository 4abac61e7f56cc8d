// checksums.img: a sealed image set verifies; any changed byte, missing or added file is one
// ImageError naming the file and the offset; a set without checksums is left to the caller.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKSUMS_FILE, checkPagesSize, pagesBytes, sealImages, verifyImages, verifyImagesButPages } from './checksums.js';
import { ImageError } from './error.js';
import { PagesVerifier } from './pages-verifier.js';
import { PE_PRESENT } from './format.js';
import { readImage, writeImage } from './index.js';
import { recordPageDigests } from './page-digests.js';
import { PAGE_SIZE } from '../sys/page-size.js';

const PAGES = 'pages-1.img';

describe('checksums.img', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-sums-'));
    writeImage(dir, 'pstree.img', 'pstree', [{ pid: 7, ppid: 0, pgid: 7, sid: 7 }, { pid: 8, ppid: 7, pgid: 7, sid: 7 }]);
    writeImage(dir, 'pagemap-7.img', 'pagemap', [
      { pages_id: 1 },
      { vaddr: 0x10000n, nr_pages: 2n, compat_nr_pages: 0, flags: PE_PRESENT },
      { vaddr: 0x20000n, nr_pages: 1n, compat_nr_pages: 0, flags: PE_PRESENT },
    ]);
    const pages = Buffer.alloc(3 * PAGE_SIZE);
    for (let i = 0; i < pages.length; i++) pages[i] = i % 251;
    fs.writeFileSync(path.join(dir, PAGES), pages);
    fs.writeFileSync(path.join(dir, 'dump.log'), 'not an image');
    sealImages(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const flip = (file: string, at: number): void => {
    const fd = fs.openSync(path.join(dir, file), 'r+');
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, at);
    b[0] ^= 0x01;
    fs.writeSync(fd, b, 0, 1, at);
    fs.closeSync(fd);
  };

  it('covers every image file, the pages by pagemap entry, and verifies', () => {
    const listed = readImage(dir, CHECKSUMS_FILE, 'checksums').entries;
    expect(listed.map((e) => e.file)).toEqual(['pagemap-7.img', 'pstree.img']);
    expect(listed[0]!.pages_file).toBe(PAGES);
    expect(listed[0]!.pages_sha256).toHaveLength(2);
    expect(verifyImages(dir)).toEqual({ files: 2, pageEntries: 2, pages: 3 });
  });

  it('takes the digests a writer recorded only when they describe the pagemap and the file', () => {
    const sealed = readImage(dir, CHECKSUMS_FILE, 'checksums').entries[0]!.pages_sha256;
    const bogus = Buffer.alloc(32, 7);
    // The right shape: taken as they are (the writer hashed what it wrote).
    recordPageDigests(path.join(dir, PAGES), { sha256: [bogus, bogus], pages: [2n, 1n] });
    sealImages(dir);
    expect(readImage(dir, CHECKSUMS_FILE, 'checksums').entries[0]!.pages_sha256).toEqual([bogus, bogus]);
    // Another pagemap's (a failed earlier dump to the same directory): the file is hashed.
    for (const stale of [{ sha256: [bogus], pages: [3n] }, { sha256: [bogus, bogus], pages: [1n, 2n] }, { sha256: [bogus, bogus], pages: [2n, 2n] }]) {
      recordPageDigests(path.join(dir, PAGES), stale);
      sealImages(dir);
      expect(readImage(dir, CHECKSUMS_FILE, 'checksums').entries[0]!.pages_sha256).toEqual(sealed);
    }
    expect(verifyImages(dir)).toMatchObject({ pageEntries: 2 });
  });

  it('names the pages file, the offset and the pagemap entry of a changed page', () => {
    flip(PAGES, 2 * PAGE_SIZE + 5);
    expect(() => verifyImages(dir)).toThrow(
      `${PAGES}: offset ${2 * PAGE_SIZE}: pages of pagemap-7.img entry 2 (vaddr 0x20000, 1 pages) do not match their checksum in checksums.img`,
    );
  });

  it('names the entry of a changed image file and where it starts', () => {
    const { offsets } = readImage(dir, 'pstree.img');
    flip('pstree.img', offsets[1]! + 4);
    expect(() => verifyImages(dir)).toThrow(`pstree.img: offset ${offsets[1]}: entry 1 does not match its checksum in checksums.img`);
  });

  it('refuses a truncated or extended pages file and a missing one', () => {
    fs.truncateSync(path.join(dir, PAGES), PAGE_SIZE);
    expect(() => verifyImages(dir)).toThrow(/^pages-1\.img: offset 4096: truncated pages of entry 0 \(vaddr 0x10000\)/);
    fs.truncateSync(path.join(dir, PAGES), 4 * PAGE_SIZE);
    expect(() => verifyImages(dir)).toThrow(/^pages-1\.img: offset 0: pages of pagemap-7\.img entry 1/);
    fs.rmSync(path.join(dir, PAGES));
    expect(() => verifyImages(dir)).toThrow(/^pages-1\.img: offset 0: expected a readable pages file \(ENOENT\)/);
  });

  it('checks the pages on a worker thread alike: counts when they match, the same error when not', async () => {
    const { verified, pending } = verifyImagesButPages(dir)!;
    expect(verified).toEqual({ files: 2, pageEntries: 0, pages: 0 });
    expect(pending.map((c) => [c.file, c.pagesFile, pagesBytes(c)])).toEqual([['pagemap-7.img', PAGES, 3 * PAGE_SIZE]]);
    await expect(PagesVerifier.start(dir, pending).verdict).resolves.toEqual({ pageEntries: 2, pages: 3 });
    flip(PAGES, 5);
    const bad = PagesVerifier.start(dir, pending);
    await expect(bad.verdict).rejects.toThrow(`${PAGES}: offset 0: pages of pagemap-7.img entry 1 (vaddr 0x10000, 2 pages) do not match their checksum in checksums.img`);
    await expect(bad.verdict).rejects.toBeInstanceOf(ImageError);
    fs.truncateSync(path.join(dir, PAGES), PAGE_SIZE);
    expect(() => checkPagesSize(dir, pending[0]!)).toThrow(`${PAGES}: offset ${PAGE_SIZE}: expected ${3 * PAGE_SIZE} bytes of pages as pagemap-7.img says, found ${PAGE_SIZE}`);
  });

  it('refuses a missing image file', () => {
    fs.rmSync(path.join(dir, 'pstree.img'));
    expect(() => verifyImages(dir)).toThrow(/^pstree\.img: offset 0: expected the file checksums\.img lists \(ENOENT\)/);
  });

  it('refuses an image file added after the dump, but not what a restore writes', () => {
    writeImage(dir, 'stats-restore', 'stats', [{}]);
    expect(verifyImages(dir)?.files).toBe(2);
    writeImage(dir, 'pagemap-shmem-9.img', 'pagemap', [{ pages_id: 1 }]);
    expect(() => verifyImages(dir)).toThrow(/^pagemap-shmem-9\.img: offset 0: a file checksums\.img lists: this one was added after the dump$/);
  });

  it('refuses a pages file grown past its pagemap', () => {
    fs.appendFileSync(path.join(dir, PAGES), Buffer.alloc(PAGE_SIZE));
    expect(() => verifyImages(dir)).toThrow(`${PAGES}: offset ${3 * PAGE_SIZE}: expected ${3 * PAGE_SIZE} bytes of pages as pagemap-7.img says, found ${4 * PAGE_SIZE}`);
  });

  it('leaves a set without checksums.img (CRIU writes none) to the caller', () => {
    fs.rmSync(path.join(dir, CHECKSUMS_FILE));
    expect(verifyImages(dir)).toBeUndefined();
  });
});
