import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileEntry } from '../images/entries.js';
import type { TaskImages, TreeImages } from '../restore/task-images.js';
import { F_OWNER_PGRP, F_OWNER_PID, F_OWNER_TID, F_SETOWN, F_SETSIG, O_ASYNC } from '../sys/fcntl.js';
import { fcntl, pipe2 } from '../sys/proc-ops.js';
import { type Owner, ownedWithin, ownersByTask, readOwner } from './fown.js';

const opened: number[] = [];
afterEach(() => {
  for (const fd of opened.splice(0)) fs.closeSync(fd);
});

const owner = (o: Partial<Owner>): Owner => ({ pid_type: F_OWNER_PID, pid: 0, signum: 0, uid: 0, euid: 0, ...o });
const task = (pid: number, pgid: number, fds: [fd: number, id: number][], threads = [pid]): TaskImages =>
  ({ pid, ppid: 1, pgid, sid: pgid, threads, fds: fds.map(([fd, id]) => ({ fd, id })) }) as TaskImages;
const pipeFile = (id: number, fown: Owner, flags = 0): FileEntry => ({ type: 'PIPE', id, pipe: { id, pipe_id: 1, flags, fown } });
const tree = (tasks: TaskImages[], files: FileEntry[]): TreeImages => ({ tasks, files: new Map(files.map((f) => [f.id, f])) }) as TreeImages;

describe('readOwner', () => {
  it('reads F_SETOWN, F_SETSIG and the ids the owner was set with; none when unset', () => {
    const [r, w] = pipe2(0);
    opened.push(r, w);
    expect(readOwner(process.pid, r)).toBeUndefined();
    fcntl(r, F_SETOWN, process.pid);
    fcntl(r, F_SETSIG, 40);
    expect(readOwner(process.pid, r)).toEqual({ pid_type: F_OWNER_PID, pid: process.pid, signum: 40, uid: process.getuid!(), euid: process.geteuid!() });
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    fcntl(w, F_SETOWN, -pgid); // a negative pid names a process group
    expect(readOwner(process.pid, w)).toMatchObject({ pid_type: F_OWNER_PGRP, pid: pgid, signum: 0 });
  });
});

describe('ownedWithin', () => {
  const h = { pid: 10, pgid: 7, threads: [10, 11] };
  it('accepts the task, a thread of it, its group; nothing else', () => {
    expect(ownedWithin(owner({ pid: 10 }), h)).toBe(true);
    expect(ownedWithin(owner({ pid_type: F_OWNER_TID, pid: 11 }), h)).toBe(true);
    expect(ownedWithin(owner({ pid_type: F_OWNER_PGRP, pid: 7 }), h)).toBe(true);
    expect(ownedWithin(owner({ pid: 11 }), h)).toBe(false);
    expect(ownedWithin(owner({ pid_type: F_OWNER_PGRP, pid: 10 }), h)).toBe(false);
    expect(ownedWithin(owner({ pid_type: 9, pid: 10 }), h)).toBe(false);
  });
});

describe('ownersByTask', () => {
  const creds = () => ({ uid: 1000, euid: 1000 });
  it('gives a shared file to the first holder the owner is within, once', () => {
    const t = tree([task(10, 10, [[3, 1]]), task(20, 10, [[5, 1], [6, 2]])], [pipeFile(1, owner({ pid: 20, uid: 1000, euid: 1000 })), pipeFile(2, owner({}), O_ASYNC)]);
    const plans = ownersByTask(t, creds);
    expect(plans.get(10)).toEqual([]);
    expect(plans.get(20)).toEqual([
      { fd: 5, owner: owner({ pid: 20, uid: 1000, euid: 1000 }), async: false, early: false },
      { fd: 6, async: true, early: false },
    ]);
  });

  it('sets an owner made as root before the task drops to its own ids', () => {
    const t = tree([task(10, 10, [[3, 1]])], [pipeFile(1, owner({ pid: 10 }))]);
    expect(ownersByTask(t, creds).get(10)).toEqual([{ fd: 3, owner: owner({ pid: 10 }), async: false, early: true }]);
  });

  it('refuses an owner no holder can set, and ids that are neither the task\'s nor root\'s', () => {
    expect(() => ownersByTask(tree([task(10, 10, [[3, 1]])], [pipeFile(1, owner({ pid: 99 }))]), creds)).toThrow(/owned \(F_SETOWN\) by process 99, which is no task holding it/);
    expect(() => ownersByTask(tree([task(10, 10, [[3, 1]])], [pipeFile(1, owner({ pid: 10, uid: 5, euid: 5 }))]), creds)).toThrow(/uid 5 euid 5, which are neither/);
  });
});
