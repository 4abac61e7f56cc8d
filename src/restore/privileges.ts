// What a restore may give the tasks it creates is what its caller has: an image asking for a
// pid, a uid or gid, or a capability beyond that is refused before anything is created, in one
// line naming the task and what it asked for (the kernel would refuse too, but half-way, in the
// new task).
import fs from 'node:fs';
import { parseStatus } from '../proc/status.js';
import type { Creds, TaskPlan } from './plan.js';

export const CAP_SETGID = 6;
export const CAP_SETUID = 7;
export const CAP_SYS_ADMIN = 21;
export const CAP_CHECKPOINT_RESTORE = 40;

/** The caller, as far as a restore is concerned. */
export interface Caller {
  uid: number;
  gid: number;
  groups: number[];
  /** Effective and permitted capability sets. */
  capEff: bigint;
  capPrm: bigint;
}

export function ourselves(): Caller {
  const st = parseStatus(fs.readFileSync('/proc/self/status', 'utf8'));
  return { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0, groups: process.getgroups?.() ?? [], capEff: st.capEff, capPrm: st.capPrm };
}

const has = (set: bigint, cap: number): boolean => (set >> BigInt(cap)) & 1n ? true : false;
const capSet = (words: number[]): bigint => BigInt(words[0]! >>> 0) | (BigInt(words[1]! >>> 0) << 32n);
const bits = (set: bigint): number[] => [...set.toString(2)].reverse().flatMap((b, i) => (b === '1' ? [i] : []));

function checkCreds(pid: number, c: Creds, caller: Caller): void {
  const uids = [c.uid, c.euid, c.suid, c.fsuid];
  if (uids.some((u) => u !== caller.uid) && !has(caller.capEff, CAP_SETUID)) {
    throw new Error(`criu-ts: task ${pid} ran as uid ${[...new Set(uids)].join('/')}; becoming it needs CAP_SETUID, which this restore lacks`);
  }
  const gids = [c.gid, c.egid, c.sgid, c.fsgid];
  const groupsDiffer = [...c.groups].sort().join(',') !== [...caller.groups].sort().join(',');
  if ((gids.some((g) => g !== caller.gid) || groupsDiffer) && !has(caller.capEff, CAP_SETGID)) {
    throw new Error(`criu-ts: task ${pid} ran as gid ${[...new Set(gids)].join('/')} with groups [${c.groups.join(',')}]; becoming it needs CAP_SETGID, which this restore lacks`);
  }
  if (!c.caps) return;
  // A task's permitted (and so effective, inheritable, ambient) set can only be a part of its creator's.
  const asked = capSet(c.caps.prm) | capSet(c.caps.eff) | capSet(c.caps.amb);
  const missing = asked & ~caller.capPrm;
  if (missing) throw new Error(`criu-ts: task ${pid} held capabilities ${bits(missing).join(',')} that this restore lacks`);
}

/** Throws unless the caller can create every planned task with its pid, ids and capabilities. */
export function checkPrivileges(plans: TaskPlan[], caller: Caller = ourselves()): void {
  if (!has(caller.capEff, CAP_CHECKPOINT_RESTORE) && !has(caller.capEff, CAP_SYS_ADMIN)) {
    throw new Error(`criu-ts: restoring tasks with their pids (${plans[0]?.task.pid ?? '?'}...) needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN, which this restore lacks`);
  }
  for (const p of plans) {
    if (p.creds) checkCreds(p.task.pid, p.creds, caller);
    for (const t of p.threads) if (t.creds) checkCreds(t.tid, t.creds, caller);
  }
}
