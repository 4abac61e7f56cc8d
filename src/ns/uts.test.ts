import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dump } from '../dump/index.js';
import { writeImage } from '../images/index.js';
import { restore } from '../restore/index.js';
import { counterAdvances, startTarget, type Target } from '../testing/targets.js';
import { readUtsNamespaces, utsNamesOf } from './uts.js';

const names = (n: string) => ({ nodename: n, domainname: `${n}.dom` });
const newDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-uts-'));

describe('UTS namespace images', () => {
  it('reads utsns-ID.img and refuses a name longer than the kernel takes', () => {
    const dir = newDir();
    writeImage(dir, 'utsns-5.img', 'utsns', [names('five')]);
    expect([...readUtsNamespaces(dir, fs.readdirSync(dir))]).toEqual([[5, names('five')]]);
    writeImage(dir, 'utsns-6.img', 'utsns', [{ nodename: 'x'.repeat(65), domainname: '' }]);
    expect(() => readUtsNamespaces(dir, fs.readdirSync(dir))).toThrow(/utsns-6.img: offset 0: a nodename of at most 64 bytes, found 65/);
  });
});

describe.runIf(process.getuid?.() === 0)('a program in a UTS namespace of its own', () => {
  const targets: Target[] = [];
  afterAll(() => targets.forEach((t) => t.kill()));
  const inNamespace = (ns: string[], script = 'exec "$@"') => ['unshare', ...ns, 'sh', '-c', script, 'sh'];

  it('is dumped with its names and restored into a new namespace with them; ours stays as it was', async () => {
    const ours = { host: os.hostname(), ino: fs.statSync('/proc/self/ns/uts').ino };
    const t = startTarget('counter', [], inNamespace(['--uts'], 'hostname criu-ts-uts-e2e && exec "$@"'));
    targets.push(t);
    await counterAdvances(t.statusFile);
    const dir = newDir();
    await dump({ pid: t.pid, imagesDir: dir });
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('utsns-'))).toHaveLength(1);
    for (let i = 0; i < 250 && fs.existsSync(`/proc/${t.pid}`); i++) await new Promise((r) => setTimeout(r, 20));
    expect((await restore({ imagesDir: dir, detached: true })).pid).toBe(t.pid);
    await counterAdvances(t.statusFile);
    expect(fs.statSync(`/proc/${t.pid}/ns/uts`).ino).not.toBe(ours.ino);
    expect(utsNamesOf(t.pid).nodename).toBe('criu-ts-uts-e2e');
    expect(os.hostname()).toBe(ours.host);
    expect(fs.statSync('/proc/self/ns/uts').ino).toBe(ours.ino);
  });
});
