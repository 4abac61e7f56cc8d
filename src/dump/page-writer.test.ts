import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PE_PRESENT } from '../images/format.js';
import { takePageDigests } from '../images/page-digests.js';
import { PAGE_SIZE, PageWriter } from './page-writer.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-page-writer-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('PageWriter', () => {
  it('records the sha256 of each pagemap entry as it writes, the same as hashing the file', () => {
    // Six pages, the third all zero: pages 0-1 and 3-5 are kept, recorded at two addresses.
    const src = Buffer.alloc(6 * PAGE_SIZE);
    for (const p of [0, 1, 3, 4, 5]) src.fill(p + 1, p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
    const srcFile = path.join(tmp, 'src');
    fs.writeFileSync(srcFile, src);
    const fd = fs.openSync(srcFile, 'r');
    const out = path.join(tmp, 'pages-1.img');
    const w = new PageWriter(out);
    w.add({ fd }, 0, 6, true, 0x10000);
    w.add({ fd }, 0, 2, false, 0x40000);
    w.close();
    fs.closeSync(fd);

    expect(w.pagemap.map((pe) => [Number(pe.vaddr), Number(pe.nr_pages), pe.flags])).toEqual([
      [0x10000, 2, PE_PRESENT], [0x13000, 3, PE_PRESENT], [0x40000, 2, PE_PRESENT],
    ]);
    const bytes = fs.readFileSync(out);
    let at = 0;
    const fromFile = w.pagemap.map((pe) => {
      const len = Number(pe.nr_pages) * PAGE_SIZE;
      const d = createHash('sha256').update(bytes.subarray(at, at + len)).digest();
      at += len;
      return d;
    });
    expect(at).toBe(bytes.length);
    const recorded = takePageDigests(out);
    expect(recorded?.pages).toEqual([2n, 3n, 2n]);
    expect(recorded?.sha256).toEqual(fromFile);
    expect(takePageDigests(out)).toBeUndefined();
  });
});
