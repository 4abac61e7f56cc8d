// Checkpoints that race with something: another dump of the same tree, a tree that forks or
// execs all the time, a restore whose pid is taken. Each attempt succeeds or fails in one
// clear line; the program runs on as it was either way, and what succeeded restores.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dump } from '../dump/index.js';
import { restore } from '../restore/index.js';
import { packageRoot } from '../sys/native.js';
import { alive, lines, moreLines, start, stop, until, type Program } from '../demo/programs.js';

const isRoot = process.getuid?.() === 0;
const cli = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

interface Attempt {
  dir: string;
  status: number | null;
  stderr: string;
}

/** `criu-ts dump --leave-running` of pid into a new directory, as a separate process. */
function dumpInChild(p: Program, name: string): Promise<Attempt> {
  const dir = path.join(p.dir, name);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'dump', '-t', String(p.pid), '-D', dir, '--leave-running'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ dir, status, stderr }));
  });
}

/** Succeeded, or failed with one "Error (criu-ts): ..." line and no stack. */
function endedWell(a: Attempt): boolean {
  if (a.status === 0) return true;
  const text = a.stderr.trim().split('\n');
  expect(a.status, a.stderr).toBe(1);
  expect(text[text.length - 1]).toMatch(/^Error \(criu-ts\): \S/);
  expect(a.stderr).not.toMatch(/\n\s+at /);
  return false;
}

/** The program prints on (past what it had printed) and never "BAD". */
async function runsOn(p: Program): Promise<void> {
  expect(alive(p.pid)).toBe(true);
  await moreLines(p, lines(p).length + 3);
  expect(lines(p).filter((l) => l.startsWith('BAD'))).toEqual([]);
}

/** Kills the original and restores `dir` in its place: the program goes on from the images. */
async function restoreInstead(p: Program, dir: string): Promise<void> {
  process.kill(p.pid, 'SIGKILL');
  await until(`pid ${p.pid} to be free`, () => !fs.existsSync(`/proc/${p.pid}`));
  const r = await restore({ imagesDir: dir, detached: true });
  expect(r.pid).toBe(p.pid);
  await runsOn(p);
}

describe.runIf(isRoot)('dumps and restores that race', () => {
  let p: Program | undefined;
  afterEach(() => {
    if (p) stop(p);
    p = undefined;
  });

  it('two dumps of one tree at once: each succeeds or fails in one line, the program runs on', async () => {
    p = await start('counter');
    await moreLines(p, 5);
    const attempts = await Promise.all([dumpInChild(p, 'img-a'), dumpInChild(p, 'img-b')]);
    const good = attempts.filter(endedWell);
    expect(good.length).toBeGreaterThan(0);
    await runsOn(p);
    const count = lines(p).length;
    await restoreInstead(p, good[0]!.dir);
    // The restored counter is back where the dump caught it and counts on from there.
    expect(Number(lines(p).at(-1))).toBeLessThan(count + 1000);
  });

  it('a dump while the tree forks all the time', async () => {
    p = await start('forker');
    await moreLines(p, 2);
    const good: Attempt[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await dumpInChild(p, `img-${i}`);
      if (endedWell(a)) good.push(a);
      await runsOn(p);
    }
    expect(good.length).toBeGreaterThan(0);
    await restoreInstead(p, good.at(-1)!.dir);
  });

  it('a dump while the program execs all the time', async () => {
    p = await start('execer');
    await moreLines(p, 2);
    const good: Attempt[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await dumpInChild(p, `img-${i}`);
      if (endedWell(a)) good.push(a);
      await runsOn(p);
    }
    expect(good.length).toBeGreaterThan(0);
    await restoreInstead(p, good.at(-1)!.dir);
    // Generations go on from the restored one, one each time, none twice.
    const gens = lines(p).map(Number);
    const after = gens.slice(gens.lastIndexOf(gens.at(-1)! - 2));
    after.slice(1).forEach((g, i) => expect(g).toBe(after[i]! + 1));
  });

  it('a restore while its pid is taken is refused in one line, and the owner runs on', async () => {
    p = await start('counter');
    await moreLines(p, 5);
    await dump({ pid: p.pid, imagesDir: p.images, leaveRunning: true });
    await expect(restore({ imagesDir: p.images, detached: true })).rejects.toThrow(new RegExp(`${p.pid}`));
    await runsOn(p);
  });
});
