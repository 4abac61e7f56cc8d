// --inherit-fd: the key of each inheritable kind, the parsing, and a restore whose stdout
// pipe is handed in by the caller (as runc hands a container its stdio).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileEntry } from '../images/entries.js';
import type { TreeImages } from '../restore/task-images.js';
import { O_CLOEXEC, O_NONBLOCK } from '../sys/fcntl.js';
import { packageRoot } from '../sys/native.js';
import { pipe2 } from '../sys/proc-ops.js';
import { inheritKey, inheritedFds, parseInheritFd, unusedKeys } from './inherit-fd.js';

const treeOf = (files: [number, Partial<FileEntry>][]): TreeImages => ({ files: new Map(files) }) as unknown as TreeImages;

describe('inherit-fd keys', () => {
  const tree = treeOf([
    [1, { type: 'PIPE', pipe: { id: 1, pipe_id: 4242, flags: 1, fown: { uid: 0, euid: 0, signum: 0, pid_type: 0, pid: 0 } } }],
    [2, { type: 'UNIXSK', usk: { ino: 77 } as FileEntry['usk'] }],
    [3, { type: 'REG', reg: { name: '/var/log/app.log' } as FileEntry['reg'] }],
    [4, { type: 'EVENTFD' }],
  ]);

  it("names files as CRIU does: pipe:[INODE], socket:[INODE], a path without its /", () => {
    expect([1, 2, 3, 4].map((id) => inheritKey(tree, id))).toEqual(['pipe:[4242]', 'socket:[77]', 'var/log/app.log', undefined]);
    expect(unusedKeys(new Map([['pipe:[4242]', 0], ['pipe:[1]', 0]]), tree)).toEqual(['pipe:[1]']);
  });

  it('parses fd[N]:RESOURCE and checks the fd is open here', () => {
    expect(parseInheritFd('fd[3]:pipe:[1234]')).toEqual({ fd: 3, key: 'pipe:[1234]' });
    expect(parseInheritFd('fd[0]:tmp/x')).toEqual({ fd: 0, key: 'tmp/x' });
    for (const bad of ['3:pipe:[1]', 'fd[x]:a', 'fd[3]:', 'fd[3]']) expect(() => parseInheritFd(bad), bad).toThrow(/fd\[N\]:RESOURCE/);
    expect(inheritedFds([{ fd: 0, key: 'a' }]).get('a')).toBe(0);
    expect(() => inheritedFds([{ fd: 987654, key: 'a' }])).toThrow(/fd 987654 is not open in criu-ts/);
    expect(() => inheritedFds([{ fd: 0, key: 'a' }, { fd: 1, key: 'a' }])).toThrow(/names a twice/);
  });
});

const main = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-inherit-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Numbers read so far from a non-blocking pipe, waiting until there are more than `after`. */
async function numbersFrom(fd: number, seen: number[], more: number): Promise<number[]> {
  const buf = Buffer.alloc(4096);
  let text = '';
  for (let i = 0; i < 200 && seen.length < more; i++) {
    try {
      const n = fs.readSync(fd, buf);
      text += buf.subarray(0, n).toString();
      const lines = text.split('\n');
      text = lines.pop()!;
      seen.push(...lines.map(Number));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return seen;
}

describe.runIf(process.getuid?.() === 0)('restore --inherit-fd', () => {
  it("restores a tree's stdout pipe as the pipe the caller hands in", async () => {
    // One task that never forks, so that no child comes and goes while it is frozen.
    const src = path.join(dir, 'count.c');
    fs.writeFileSync(src, '#include <stdio.h>\n#include <unistd.h>\nint main(void) { setsid(); setvbuf(stdout, 0, _IOLBF, 0);\n  for (unsigned i = 1;; i++) { printf("%u\\n", i); usleep(20000); } }\n');
    execFileSync('gcc', ['-O2', '-o', path.join(dir, 'count'), src]);
    const [r1, w1] = pipe2(O_CLOEXEC | O_NONBLOCK);
    const counter = spawn(path.join(dir, 'count'), [], { stdio: ['ignore', w1, 'ignore'] });
    fs.closeSync(w1);
    const pid = counter.pid!;
    const [r2, w2] = pipe2(O_CLOEXEC | O_NONBLOCK);
    try {
      const before = await numbersFrom(r1, [], 5);
      const key = `pipe:[${fs.fstatSync(r1).ino}]`;
      const d = spawnSync(process.execPath, [main, 'dump', '-t', String(pid), '-D', 'img', '-o', 'dump.log'], { cwd: dir, encoding: 'utf8' });
      expect(d.stderr).toBe('');
      for (let i = 0; i < 250 && fs.existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 20));
      const last = (await numbersFrom(r1, before, Infinity)).at(-1)!;

      const r = spawnSync(process.execPath, [main, 'restore', '-D', 'img', '-d', '-o', 'restore.log', '-v4', '--inherit-fd', `fd[3]:${key}`],
        { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', w2] });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      fs.closeSync(w2);
      const after = await numbersFrom(r2, [], 3);
      expect(after[0]).toBe(last + 1);
      expect(after.slice(0, 3)).toEqual([last + 1, last + 2, last + 3]);
      expect(fs.readFileSync(path.join(dir, 'img', 'restore.log'), 'utf8')).not.toMatch(/no file of the images/);
    } finally {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      fs.closeSync(r1);
      fs.closeSync(r2);
    }
  });
});
