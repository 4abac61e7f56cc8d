// Paths from images are walked beneath the root: ".." stops there, absolute symlinks start
// from it again, and only symlinks of trusted owners are followed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PathRefused, resolveBeneath } from './beneath.js';

const isRoot = process.getuid?.() === 0;
const trusted = new Set([0, process.geteuid?.() ?? 0]);

describe('resolveBeneath', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-beneath-'));
    fs.mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(root, 'a', 'file'), '');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const dirOf = (p: string, from = '/'): string => {
    const r = resolveBeneath(p, trusted, root, from);
    try {
      return fs.readlinkSync(`/proc/self/fd/${r.dirFd}`);
    } finally {
      r.close();
    }
  };

  it('gives the directory of the last component, by fd', () => {
    expect(dirOf('/a/b/sock')).toBe(path.join(root, 'a', 'b'));
    expect(dirOf('b/sock', '/a')).toBe(path.join(root, 'a', 'b'));
    const r = resolveBeneath('/a/new', trusted, root);
    expect([r.base, r.at]).toEqual(['new', `/proc/self/fd/${r.dirFd}/new`]);
    r.close();
  });

  it('stops ".." at the root and restarts absolute symlinks from it', () => {
    expect(dirOf('/../../../a/x')).toBe(path.join(root, 'a'));
    expect(dirOf('/a/b/../../../../x')).toBe(root);
    fs.symlinkSync('/a/b', path.join(root, 'abs'));
    expect(dirOf('/abs/x')).toBe(path.join(root, 'a', 'b'));
    fs.symlinkSync('../../..', path.join(root, 'a', 'b', 'up'));
    expect(dirOf('/a/b/up/x')).toBe(root);
  });

  it('refuses what is not a usable path', () => {
    for (const p of ['', '/', '/a/..', 'a\0b', '/a/file/x', '/missing/x', `/${'n'.repeat(256)}`]) {
      expect(() => resolveBeneath(p, trusted, root), p).toThrow(PathRefused);
    }
    expect(() => resolveBeneath('/a/file/x', trusted, root)).toThrow(/^path \/a\/file\/x: file is not a directory$/);
  });

  it('refuses a symlink loop', () => {
    fs.symlinkSync('loop', path.join(root, 'loop'));
    expect(() => resolveBeneath('/loop/x', trusted, root)).toThrow(/too many symlinks/);
  });

  it.runIf(isRoot)('follows no symlink planted by another user', () => {
    fs.symlinkSync('/a', path.join(root, 'planted'));
    fs.lchownSync(path.join(root, 'planted'), 4242, 4242);
    expect(() => resolveBeneath('/planted/x', trusted, root)).toThrow(/^path \/planted\/x: the symlink planted belongs to uid 4242, not to root or the tree's owner$/);
    expect(dirOf('/planted/x'.replace('planted', 'a'))).toBe(path.join(root, 'a'));
    expect(resolveBeneath('/planted/x', new Set([...trusted, 4242]), root).base).toBe('x');
  });
});
