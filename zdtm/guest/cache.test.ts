import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { relativizeSymlinks } from './cache.js';

describe('relativizeSymlinks', () => {
  it('turns absolute links into relative ones that resolve inside the root', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'guest-root-'));
    fs.mkdirSync(path.join(root, 'lib/powerpc64le-linux-gnu'), { recursive: true });
    fs.mkdirSync(path.join(root, 'lib64'));
    fs.writeFileSync(path.join(root, 'lib/powerpc64le-linux-gnu/ld64.so.2'), 'ld');
    fs.symlinkSync('/lib/powerpc64le-linux-gnu/ld64.so.2', path.join(root, 'lib64/ld64.so.2'));
    fs.symlinkSync('ld64.so.2', path.join(root, 'lib/powerpc64le-linux-gnu/ld.so'));
    relativizeSymlinks(root);
    const link = fs.readlinkSync(path.join(root, 'lib64/ld64.so.2'));
    const kept = fs.readlinkSync(path.join(root, 'lib/powerpc64le-linux-gnu/ld.so'));
    const content = fs.readFileSync(path.join(root, 'lib64/ld64.so.2'), 'utf8');
    fs.rmSync(root, { recursive: true });
    expect(link).toBe('../lib/powerpc64le-linux-gnu/ld64.so.2');
    expect(kept).toBe('ld64.so.2');
    expect(content).toBe('ld');
  });
});
