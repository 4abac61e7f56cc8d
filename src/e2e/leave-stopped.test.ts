// criu's -s: after a dump the tree is kept but stopped; after a restore it is stopped where it
// would resume. Either way SIGCONT lets it go on with the state it had.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dump } from '../dump/index.js';
import { restore } from '../restore/index.js';
import { counterAdvances, isAlive, readCounter, startTarget, type Target } from '../testing/targets.js';

const targets: Target[] = [];
afterAll(() => targets.forEach((t) => t.kill()));
const newDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-stopped-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The state letter of every thread of pid (from /proc/PID/task/TID/stat). */
function threadStates(pid: number): string[] {
  return fs.readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  });
}

/** Waits until every thread of pid is in a job-control stop, then checks it stays so. */
async function expectStopped(t: Target): Promise<void> {
  for (let i = 0; i < 100 && threadStates(t.pid).some((s) => s !== 'T'); i++) await sleep(20);
  expect(threadStates(t.pid)).toEqual(['T', 'T']);
  expect(fs.readFileSync(`/proc/${t.pid}/status`, 'utf8')).toMatch(/TracerPid:\s+0\n/);
  const held = readCounter(t.statusFile).counter;
  await sleep(300);
  expect(readCounter(t.statusFile).counter).toBe(held);
}

describe.runIf(process.getuid?.() === 0)('leaveStopped (-s)', () => {
  it('keeps the dumped tree, stopped, and stops the restored one; SIGCONT resumes each', async () => {
    const t = startTarget('counter', ['threads']);
    targets.push(t);
    await counterAdvances(t.statusFile);
    const dir = newDir();
    await dump({ pid: t.pid, imagesDir: dir, leaveStopped: true });
    await expectStopped(t);
    process.kill(t.pid, 'SIGCONT');
    const before = await counterAdvances(t.statusFile);

    t.kill();
    for (let i = 0; i < 250 && fs.existsSync(`/proc/${t.pid}`); i++) await sleep(20);
    expect((await restore({ imagesDir: dir, detached: true, leaveStopped: true })).pid).toBe(t.pid);
    expect(isAlive(t.pid)).toBe(true);
    await expectStopped(t);
    process.kill(t.pid, 'SIGCONT');
    const after = await counterAdvances(t.statusFile);
    expect(after.checksum).toBe(before.checksum);
  });
});
