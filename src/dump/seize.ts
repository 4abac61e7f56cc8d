// Freezing a process tree: PTRACE_SEIZE + PTRACE_INTERRUPT on every thread of the root,
// then of each child found in the frozen parents' /proc/.../children, until no task and
// no thread is left unseized. Any failure releases (detaches) everything seized so far.
import fs from 'node:fs';
import type { Logger } from '../log.js';
import { parseStat, type ProcStat } from '../proc/stat.js';
import { isSysError } from '../sys/native.js';
import * as ptrace from '../sys/ptrace.js';
import { sleepMs } from '../sys/time.js';

export interface FrozenTask {
  pid: number;
  /** Thread ids, the leader first. */
  threads: number[];
  /** /proc state letter seen before seizing ("S", "R", "T" for a stopped task...). */
  stateBefore: string;
}

/** A dead child not yet reaped by its parent: it is dumped as such, without being seized. */
export interface ZombieTask {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  comm: string;
  /** Its wait status, as the parent will get it. */
  exitCode: number;
  /** The signal its exit sent the parent (SIGCHLD unless cloned otherwise). */
  exitSignal: number;
}

export class FrozenTree {
  /** Tasks in discovery order: the root first, every parent before its children. */
  readonly tasks: FrozenTask[] = [];
  readonly zombies: ZombieTask[] = [];
  /** Every thread we hold in a ptrace stop. */
  private readonly held = new Set<number>();

  constructor(private readonly log: Logger) {}

  task(pid: number): FrozenTask {
    const t = this.tasks.find((x) => x.pid === pid);
    if (!t) throw new Error(`criu-ts: task ${pid} is not part of the frozen tree`);
    return t;
  }

  /** Marks tid as stopped under our ptrace; release() detaches it. */
  hold(tid: number): void {
    this.held.add(tid);
  }

  /** Forgets tid: it exited under our ptrace, and its exit report has been collected. */
  drop(tid: number): void {
    this.held.delete(tid);
  }

  /**
   * Detaches every held thread, letting the tree run on; with `stopped`, each task first gets a
   * SIGSTOP, taken as it leaves our ptrace stop (the tree is left stopped, criu's -s). Never throws.
   */
  release(stopped = false): void {
    if (stopped) {
      for (const t of this.tasks) {
        try { process.kill(t.pid, 'SIGSTOP'); } catch (e) { this.log.warn(`SIGSTOP ${t.pid}: ${(e as Error).message}`); }
      }
    }
    for (const tid of this.held) {
      try {
        ptrace.detach(tid);
      } catch (e) {
        // ESRCH: the thread died meanwhile; nothing more we can do for it.
        this.log.warn(`detach ${tid}: ${(e as Error).message}`);
      }
    }
    this.held.clear();
  }

  /**
   * SIGKILLs every task and waits until each is dead. As their tracer we collect each
   * thread's exit report, so the real parent (or init) can reap them right away.
   */
  kill(timeoutMs = 10_000): void {
    for (const t of this.tasks) {
      try { process.kill(t.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    const deadline = Date.now() + timeoutMs;
    // Round-robin: a traced leader is reported only after its other threads are.
    const pending = new Set(this.held);
    while (pending.size) {
      for (const tid of pending) {
        let st: ptrace.WaitStatus;
        try {
          st = ptrace.wait(tid, ptrace.WNOHANG);
        } catch {
          pending.delete(tid); // ECHILD: no longer ours to wait for
          continue;
        }
        if (st.kind === 'exited' || st.kind === 'signaled') pending.delete(tid);
      }
      if (pending.size === 0) break;
      if (Date.now() > deadline) throw new Error(`criu-ts: threads ${[...pending].join(', ')} did not die after SIGKILL`);
      sleepMs(1);
    }
    this.held.clear();
    // Gone means reaped, so the PID is free for a restore. A zombie whose parent is a
    // live process is that parent's to reap; orphans are reaped by init, late here.
    for (const t of this.tasks) {
      for (;;) {
        const st = procStat(t.pid);
        if (!st || (st.state === 'Z' && st.ppid !== 1)) break;
        if (Date.now() > deadline) {
          if (st.state === 'Z') { this.log.warn(`task ${t.pid} is dead but not reaped yet`); break; }
          throw new Error(`criu-ts: task ${t.pid} did not die after SIGKILL`);
        }
        sleepMs(2);
      }
    }
  }
}

/** /proc stat of a process, or of one of its threads; undefined once it is gone. */
function procStat(pid: number, tid?: number): ProcStat | undefined {
  try {
    return parseStat(fs.readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

function listThreads(pid: number): number[] {
  return fs.readdirSync(`/proc/${pid}/task`).map(Number).sort((a, b) => (a === pid ? -1 : b === pid ? 1 : a - b));
}

function listChildren(pid: number, threads: number[]): number[] {
  const out: number[] = [];
  for (const tid of threads) {
    const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
    if (text) out.push(...text.split(' ').map(Number));
  }
  return out;
}

/**
 * Waits for tid's ptrace stop after PTRACE_INTERRUPT. A signal that arrived first is
 * delivered (PTRACE_CONT with it) so it is not lost; the pending interrupt then stops
 * the thread. Returns false if the thread exited.
 */
function waitForStop(tid: number, deadline: number): boolean {
  for (let signals = 0; ; ) {
    const st = ptrace.wait(tid, ptrace.WNOHANG);
    if (st.kind === 'none') {
      if (Date.now() > deadline) throw new Error(`criu-ts: thread ${tid} did not stop in time (uninterruptible sleep?)`);
      sleepMs(1);
      continue;
    }
    if (st.kind === 'exited' || st.kind === 'signaled') return false;
    if (st.event === ptrace.PTRACE_EVENT_STOP) return true;
    if (++signals > 64) throw new Error(`criu-ts: thread ${tid} keeps receiving signals; cannot freeze it`);
    ptrace.cont(tid, st.signal);
  }
}

const PF_EXITING = 0x4;

/**
 * True when tid is dying or dead: PTRACE_SEIZE refuses an exiting thread with EPERM,
 * the same error as for one traced by someone else.
 */
function exiting(pid: number, tid: number): boolean {
  const st = procStat(pid, tid);
  return !st || st.state === 'Z' || st.state === 'X' || (st.flags & PF_EXITING) !== 0;
}

/**
 * Seizes one process's threads until its thread list is stable. Returns the task, or
 * 'exited' when every thread exited before or while being seized.
 */
function seizeTask(tree: FrozenTree, pid: number, deadline: number): FrozenTask | 'exited' {
  const stateBefore = procStat(pid)?.state;
  if (stateBefore === undefined || stateBefore === 'Z') return 'exited';
  const seized = new Set<number>();
  // A thread that exited stays listed (a zombie leader) until it is reaped: never retried.
  const gone = new Set<number>();
  for (;;) {
    let threads: number[];
    try {
      threads = listThreads(pid);
    } catch {
      if (seized.size === 0) return 'exited'; // exited before we reached it
      throw new Error(`criu-ts: task ${pid} vanished while being seized`);
    }
    const fresh = threads.filter((t) => !seized.has(t) && !gone.has(t));
    if (fresh.length === 0) {
      const alive = threads.filter((t) => seized.has(t));
      if (alive.length === 0) return 'exited';
      if (!alive.includes(pid)) throw new Error(`criu-ts: task ${pid}'s leader exited while being seized`);
      const task = { pid, threads: alive, stateBefore };
      tree.tasks.push(task);
      return task;
    }
    for (const tid of fresh) {
      try {
        ptrace.seize(tid, ptrace.PTRACE_O_TRACESYSGOOD | ptrace.PTRACE_O_SUSPEND_SECCOMP);
      } catch (e) {
        if (isSysError(e, 'ESRCH')) continue; // the thread exited; the next listing drops it
        if (isSysError(e, 'EPERM') && exiting(pid, tid)) {
          gone.add(tid);
          continue;
        }
        if (isSysError(e, 'EPERM')) throw new Error(`criu-ts: cannot seize ${tid} (already traced, or not permitted): ${(e as Error).message}`);
        throw e;
      }
      seized.add(tid);
      tree.hold(tid);
      ptrace.interrupt(tid);
      if (!waitForStop(tid, deadline)) {
        seized.delete(tid);
        gone.add(tid);
        tree.drop(tid);
      }
    }
  }
}

/** Records pid as a zombie of the tree if it is one (the root never is). */
function zombie(tree: FrozenTree, pid: number, rootPid: number): boolean {
  const stat = procStat(pid);
  if (stat?.state !== 'Z' || pid === rootPid) return false;
  tree.zombies.push({ pid, ppid: stat.ppid, pgid: stat.pgid, sid: stat.sid, comm: stat.comm, exitCode: stat.exitCode, exitSignal: stat.exitSignal });
  return true;
}

/** Freezes the tree rooted at rootPid. On failure everything seized is released. */
export function seizeTree(rootPid: number, log: Logger, timeoutSec = 10): FrozenTree {
  if (rootPid === process.pid) throw new Error('criu-ts: refusing to dump ourselves');
  const tree = new FrozenTree(log);
  const deadline = Date.now() + timeoutSec * 1000;
  try {
    const queue = [rootPid];
    while (queue.length) {
      const pid = queue.shift()!;
      if (zombie(tree, pid, rootPid)) continue;
      const task = seizeTask(tree, pid, deadline);
      if (task === 'exited') {
        if (pid === rootPid) throw new Error(`criu-ts: no such process ${rootPid}`);
        // It exited meanwhile: its parent is frozen, so it stays a zombie unless reaped already.
        zombie(tree, pid, rootPid);
        continue;
      }
      log.debug(`seized ${pid} (${task.threads.length} threads)`);
      queue.push(...listChildren(pid, task.threads));
    }
    return tree;
  } catch (e) {
    tree.release();
    throw e;
  }
}
