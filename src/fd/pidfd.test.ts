// pidfds dumped from this process as if it were the tree, and restored by their kind: the
// refusal of one naming a process outside the tree, the late opening of a live one, and
// dead ones that share the inode of their one dead process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { O_NONBLOCK } from '../sys/fcntl.js';
import { deadPidfds, pidfdOpen } from '../sys/proc-ops.js';
import { closeAll, dumpOwn, fdinfo, type RoundTrip } from '../testing/own-fd.js';
import { pidfd } from './pidfd.js';

const pidfdFile = pidfd.restore!;
const ours: number[] = [];
const trips: RoundTrip[] = [];
const keep = (fd: number): number => (ours.push(fd), fd);
afterEach(() => {
  for (const t of trips.splice(0)) {
    for (const f of t.ctx.late.splice(0)) fs.closeSync(f.placeholder);
    closeAll(t.ctx);
  }
  for (const fd of ours.splice(0)) fs.closeSync(fd);
});
const pidOf = (fd: number): number => Number(/\nPid:\s*(-?\d+)/.exec(fdinfo(fd))?.[1]);

describe('pidfd', () => {
  it('refuses a pidfd of a process outside the tree, by name', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const fd = keep(pidfdOpen(child.pid!));
      expect(() => dumpOwn(fd)).toThrow(`a pidfd of ${child.pid}, a process outside the dumped tree`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('opens a live one late: a placeholder first, the pidfd once the tree exists', () => {
    const t = dumpOwn(keep(pidfdOpen(process.pid, O_NONBLOCK)));
    trips.push(t);
    expect(t.dump.files.entries[0]!.pidfd).toMatchObject({ nspid: process.pid, flags: O_NONBLOCK });
    t.ctx.tree.tasks = [{ pid: process.pid, threads: [process.pid] }] as never;
    t.ctx.tree.zombies = [];
    pidfdFile.check(t.ctx.tree, t.id, t.ctx.options);
    const placeholder = pidfdFile.open(t.ctx, t.id);
    expect(fs.readlinkSync(`/proc/self/fd/${placeholder}`)).toBe('/dev/null');
    const late = t.ctx.late.find((f) => f.placeholder === placeholder)!;
    const opened = keep(late.open());
    expect(pidOf(opened)).toBe(process.pid);
    expect(fs.readFileSync(`/proc/self/fdinfo/${opened}`, 'utf8')).toMatch(/flags:\s*0?2004002/);
  });

  it('refuses an entry that names a pid the images do not hold', () => {
    const t = dumpOwn(keep(pidfdOpen(process.pid)));
    trips.push(t);
    t.ctx.tree.tasks = [{ pid: 1, threads: [1] }] as never;
    t.ctx.tree.zombies = [];
    expect(() => pidfdFile.check(t.ctx.tree, t.id, t.ctx.options)).toThrow(`names pid ${process.pid}, which is not a task of the images`);
  });

  it('gives pidfds of one reaped process one dead process again (one inode, Pid -1)', () => {
    const [a, b] = deadPidfds([0, 0]).map(keep);
    const t = dumpOwn([a!, b!]);
    trips.push(t);
    const ids = t.dump.files.entries.map((e) => e.id);
    expect(t.dump.files.entries.map((e) => e.pidfd!.nspid)).toEqual([-1, -1]);
    t.ctx.tree.tasks = [];
    t.ctx.tree.zombies = [];
    const [x, y] = ids.map((id) => pidfdFile.open(t.ctx, id));
    expect([pidOf(x!), pidOf(y!)]).toEqual([-1, -1]);
    expect(fs.fstatSync(x!).ino).toBe(fs.fstatSync(y!).ino);
    expect(x).not.toBe(y);
  });
});
