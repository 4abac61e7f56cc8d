// The images directory and the files in it are the owner's alone, whatever the umask.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPrivate, prepareImagesDir, writePrivate } from './private.js';
import { writeImage } from './index.js';

const mode = (p: string): number => fs.lstatSync(p).mode & 0o777;

describe('private images', () => {
  let tmp: string;
  let umask: number;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-private-'));
    umask = process.umask(0); // the loosest umask: nothing it takes away may be relied on
  });
  afterEach(() => {
    process.umask(umask);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('creates a missing images directory 0700, without a warning', () => {
    const dir = path.join(tmp, 'img');
    expect(prepareImagesDir(dir)).toBeUndefined();
    expect(mode(dir)).toBe(0o700);
  });

  it('leaves an existing directory as it is, warning when group or other can read it', () => {
    const dir = path.join(tmp, 'img');
    fs.mkdirSync(dir, 0o755);
    expect(prepareImagesDir(dir)).toMatch(/^images directory .*img is readable by group and other \(mode 0755\)/);
    expect(mode(dir)).toBe(0o755);
    fs.chmodSync(dir, 0o704);
    expect(prepareImagesDir(dir)).toMatch(/readable by other \(mode 0704\)/);
    fs.chmodSync(dir, 0o711);
    expect(prepareImagesDir(dir)).toBeUndefined();
  });

  it('refuses a missing parent and a file in the way', () => {
    expect(() => prepareImagesDir(path.join(tmp, 'no', 'img'))).toThrow(/cannot create images directory .*ENOENT/);
    fs.writeFileSync(path.join(tmp, 'file'), '');
    expect(() => prepareImagesDir(path.join(tmp, 'file'))).toThrow(/is not a directory/);
  });

  it('writes image files 0600, also over a file that was 0644', () => {
    writeImage(tmp, 'pstree.img', 'pstree', [{ pid: 1, ppid: 0, pgid: 1, sid: 1 }]);
    expect(mode(path.join(tmp, 'pstree.img'))).toBe(0o600);
    const old = path.join(tmp, 'pages-1.img');
    fs.writeFileSync(old, 'old', { mode: 0o644 });
    writePrivate(old, 'new');
    expect(mode(old)).toBe(0o600);
    expect(fs.readFileSync(old, 'utf8')).toBe('new');
    expect(fs.readdirSync(tmp).sort()).toEqual(['pages-1.img', 'pstree.img']);
  });

  it('does not write through a planted symlink', () => {
    const target = path.join(tmp, 'elsewhere');
    fs.writeFileSync(target, 'untouched');
    fs.symlinkSync(target, path.join(tmp, 'pages-1.img'));
    expect(() => openPrivate(path.join(tmp, 'pages-1.img'))).toThrow(/ELOOP/);
    expect(fs.readFileSync(target, 'utf8')).toBe('untouched');
  });
});
