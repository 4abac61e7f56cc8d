// Files the tasks take only once the whole tree exists (kind.ts LateFile: pidfds of its
// tasks). Each task that has one, or shares the fd table of one that has, reports
// RST_WAIT_LATE_FDS after creating its threads and reads a byte from the gate. Once every
// task of the tree has reported and every such task waits, each file is opened here onto its
// placeholder's number, and the gate lets them go: they copy them with pidfd_getfd from us.
// The late steps (a memfd's F_SEAL_FUTURE_WRITE, which needs the tasks' mappings made) run
// then too; with any, every task waits, as it does while the restore still checks the pages.
import fs from 'node:fs';
import type { LateFile, OpenContext } from '../fd/kind.js';
import type { TaskFd } from '../fd/restore.js';
import { O_CLOEXEC } from '../sys/fcntl.js';
import { isSysError } from '../sys/native.js';
import { dup3, pidfdOpen, pipe2 } from '../sys/proc-ops.js';
import { sleepMs } from '../sys/time.js';

/** One rst_late_fd: fd of the task, taken from number source of ours. */
export interface LateFd {
  fd: number;
  source: number;
  cloexec: boolean;
}

export class LateFiles {
  private gateWrite = -1;
  private service?: { from: number; gate: number };
  private waiters = 0;
  private waiting = 0;
  private released = false;

  /** everyone: every task waits (a late step needs all their mappings made, or the pages are still being checked), not only those with late files. */
  constructor(private readonly ctx: OpenContext, readonly everyone = false) {}

  /** The task's fds that are late files (those whose source is a placeholder). */
  of(fds: readonly TaskFd[]): LateFd[] {
    const placeholders = new Set(this.ctx.late.map((f) => f.placeholder));
    return fds.filter((f) => placeholders.has(f.source)).map((f) => ({ fd: f.fd, source: f.source, cloexec: f.cloexec }));
  }

  /** A task will wait at the gate: our pidfd and the gate's read end, for its service fds (made once). */
  waiter(): { from: number; gate: number } {
    this.waiters++;
    if (!this.service) {
      const [gate, write] = pipe2(O_CLOEXEC);
      this.gateWrite = write;
      const from = pidfdOpen(process.pid);
      this.ctx.opened.push(gate, from);
      this.service = { from, gate };
    }
    return this.service;
  }

  /** A task reported that it waits at the gate. */
  arrived(): void {
    this.waiting++;
  }

  /**
   * Whether the gate may open: every waiter waits, and allReported: every task of the tree has
   * reported at least once (so each exists, a zombie is dead, a task without late files has
   * its threads).
   */
  ready(allReported: boolean): boolean {
    return !this.released && this.waiters > 0 && this.waiting >= this.waiters && allReported;
  }

  /** Opens the files and lets the tasks go (once ready). */
  release(deadline: number): void {
    for (const s of this.ctx.lateSteps) s.run();
    for (const f of this.ctx.late) placeFile(f, deadline);
    fs.writeSync(this.gateWrite, Buffer.alloc(this.waiters));
    this.released = true;
  }

  /** The restore is over (or failed): the placeholders and the gate go. */
  close(): void {
    for (const f of this.ctx.late.splice(0)) fs.closeSync(f.placeholder);
    for (const s of this.ctx.lateSteps.splice(0)) s.close();
    if (this.gateWrite >= 0) fs.closeSync(this.gateWrite);
    this.gateWrite = -1;
  }
}

/** Opens f onto its placeholder: a thread named by a pidfd may still be starting (ESRCH), so wait for it. */
function placeFile(f: LateFile, deadline: number): void {
  for (;;) {
    let fd: number;
    try {
      fd = f.open();
    } catch (e) {
      if (!isSysError(e, 'ESRCH')) throw e;
      if (Date.now() > deadline) throw new Error(`criu-ts: restore failed: ${f.what}: that process or thread never appeared`);
      sleepMs(5);
      continue;
    }
    try {
      dup3(fd, f.placeholder, O_CLOEXEC);
    } finally {
      fs.closeSync(fd);
    }
    return;
  }
}
