import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readImage, writeImage } from '../images/index.js';
import type { FileEntry } from '../images/entries.js';
import { packageRoot } from '../sys/native.js';
import { readTreeImages } from './task-images.js';

const ZOO = path.join(packageRoot(), '..', 'shared', 'fixtures', 'criu-4.2', 'zoo', 'img');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A copy of CRIU's zoo images with files.img entries changed by edit. */
function withFiles(edit: (files: FileEntry[]) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-ti-'));
  dirs.push(dir);
  for (const f of fs.readdirSync(ZOO)) fs.copyFileSync(path.join(ZOO, f), path.join(dir, f));
  const files = readImage(dir, 'files.img', 'files').entries;
  edit(files);
  writeImage(dir, 'files.img', 'files', files);
  return dir;
}

describe.skipIf(!fs.existsSync(ZOO))('files.img as readTreeImages takes it', () => {
  it('reads CRIU\'s as it is', () => {
    expect(readTreeImages(withFiles(() => {})).files.size).toBeGreaterThan(0);
  });

  it('refuses an entry without the message of its type (a REG without reg)', () => {
    const dir = withFiles((files) => {
      delete files.find((f) => f.type === 'REG')!.reg;
    });
    expect(() => readTreeImages(dir)).toThrow(/files\.img.*of type REG with its reg message/);
  });

  it('refuses two entries with one id', () => {
    const dir = withFiles((files) => {
      files.push({ ...files[0]! });
    });
    expect(() => readTreeImages(dir)).toThrow(/file id \d+ once, found it twice/);
  });
});
