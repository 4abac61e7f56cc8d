// An incremental dump: two pre-dumps and a dump of a running counter, each with the one
// before as its parent, then a restore through the chain. The restored counter must go on
// from where the last dump froze it, with its memory (checksum) intact.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PE_PARENT } from '../images/format.js';
import { readImage } from '../images/index.js';
import { restore } from '../restore/index.js';
import { counterAdvances, readCounter, startTarget, type Target } from '../testing/targets.js';
import { dump } from './index.js';
import { preDump } from './pre-dump.js';

const targets: Target[] = [];
afterAll(() => targets.forEach((t) => t.kill()));

describe.runIf(process.getuid?.() === 0)('pre-dump, pre-dump, dump, restore', () => {
  it('writes again only changed pages, and restores from the chain', async () => {
    const t = startTarget('counter', ['threads']);
    targets.push(t);
    const before = await counterAdvances(t.statusFile);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-inc-'));
    const at = (name: string): string => path.join(root, name);

    const first = await preDump({ pid: t.pid, imagesDir: at('pre1') });
    expect(first.pagesWritten).toBeGreaterThan(0);
    expect(first.pagesInParent).toBe(0);
    // The tree runs on, untraced.
    await counterAdvances(t.statusFile);
    expect(fs.readFileSync(`/proc/${t.pid}/status`, 'utf8')).toMatch(/TracerPid:\s+0\n/);

    const second = await preDump({ pid: t.pid, imagesDir: at('pre2'), prevImagesDir: '../pre1' });
    expect(fs.readlinkSync(path.join(at('pre2'), 'parent'))).toBe('../pre1');
    expect(second.pagesInParent).toBeGreaterThan(0);
    expect(second.pagesWritten).toBeLessThan(first.pagesWritten);

    const last = await dump({ pid: t.pid, imagesDir: at('dump'), prevImagesDir: '../pre2' });
    expect(last.pagesInParent).toBeGreaterThan(0);
    const pagemap = readImage(at('dump'), `pagemap-${t.pid}.img`, 'pagemap').entries.slice(1);
    expect(pagemap.some((e) => 'flags' in e && ((e.flags ?? 0) & PE_PARENT) !== 0)).toBe(true);
    const frozen = readCounter(t.statusFile);
    for (let i = 0; i < 250 && fs.existsSync(`/proc/${t.pid}`); i++) await new Promise((r) => setTimeout(r, 20));

    expect((await restore({ imagesDir: at('dump'), detached: true })).pid).toBe(t.pid);
    const after = await counterAdvances(t.statusFile);
    expect(after.checksum).toBe(before.checksum);
    expect(after.counter).toBeGreaterThan(frozen.counter);
  });

  it('refuses a previous directory that holds no dump, before freezing anything', async () => {
    const t = startTarget('counter');
    targets.push(t);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-inc-'));
    fs.mkdirSync(path.join(root, 'empty'));
    await expect(preDump({ pid: t.pid, imagesDir: path.join(root, 'pre'), prevImagesDir: '../empty' })).rejects.toThrow(/holds no dump \(no inventory.img\)/);
    await counterAdvances(t.statusFile);
  });
});
