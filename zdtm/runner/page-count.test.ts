import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPageCount, pageSize } from './page-count.js';

// CRIU 4.2's own dump of a small tree: stats-dump says 83 pages, pages-{1,2,3}.img hold 30+27+26.
const fixture = '/work/shared/fixtures/criu-4.2/tree/img';
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zdtm-pages-'));
  for (const f of fs.readdirSync(fixture)) if (f === 'stats-dump' || f.startsWith('pages-')) fs.copyFileSync(path.join(fixture, f), path.join(dir, f));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!fs.existsSync(fixture))('checkPageCount', () => {
  it('agrees on a real CRIU dump', () => {
    expect(checkPageCount(dir, 4096)).toBeUndefined();
  });

  it('catches a lost page file and a torn one', () => {
    fs.rmSync(path.join(dir, 'pages-2.img'));
    expect(checkPageCount(dir, 4096)).toBe('page count mismatch: stats-dump says 83 written, pages-*.img hold 56');
    fs.truncateSync(path.join(dir, 'pages-1.img'), 100);
    expect(checkPageCount(dir, 4096)).toMatch(/not a whole number of 4096-byte pages/);
  });

  it('says so when stats-dump is garbage, and checks nothing without one', () => {
    fs.writeFileSync(path.join(dir, 'stats-dump'), 'junk');
    expect(checkPageCount(dir, 4096)).toMatch(/^stats-dump unreadable/);
    fs.rmSync(path.join(dir, 'stats-dump'));
    expect(checkPageCount(dir, 4096)).toBeUndefined();
  });
});

describe('pageSize', () => {
  it('is a power of two of at least 4 KiB', () => {
    const p = pageSize();
    expect(p).toBeGreaterThanOrEqual(4096);
    expect(p & (p - 1)).toBe(0);
  });
});
