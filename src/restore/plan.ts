// The restore plan of one task: everything read from its images and checked, with no
// side effect yet. The executor (spawn.ts) opens files and creates the task from it.
import fs from 'node:fs';
import type { ArchDescriptor, ArchRegs, RawRegs, SigframeInput, TracerRegset } from '../arch/descriptor.js';
import { TASK_ALIVE, TASK_STOPPED } from '../images/format.js';
import type {
  CoreEntry, CredsEntry, ItimerEntry, PosixTimerEntry, SaEntry, SeccompFilter, SignalQueueEntry, TaskCoreEntry, TaskTimersEntry, ThreadCoreEntry,
} from '../images/entries.js';
import { checkFileLocks, posixLocks } from '../fd/file-locks.js';
import { type OwnerPlan, ownersByTask } from '../fd/fown.js';
import type { FdRestoreOptions } from '../fd/kind.js';
import { checkFds } from '../fd/restore.js';
import { checkGhost, ghostNumber } from '../fd/ghost-file.js';
import { SS_DISABLE } from '../sys/signal.js';
import { planMemory, type MemoryPlan } from './memory.js';
import { usablePath } from './beneath.js';
import { fileEntry, type TaskImages, type TreeImages } from './task-images.js';

export interface Sigaction {
  handler: bigint;
  flags: bigint;
  restorer: bigint;
  mask: bigint;
}

export interface Itimer {
  interval_sec: bigint;
  interval_usec: bigint;
  value_sec: bigint;
  value_usec: bigint;
}

export interface PosixTimer {
  id: number;
  clock_id: number;
  signo: number;
  notify: number;
  sival: bigint;
  notify_tid: number;
  interval_sec: bigint;
  interval_nsec: bigint;
  value_sec: bigint;
  value_nsec: bigint;
}

export interface Creds {
  uid: number; euid: number; suid: number; fsuid: number;
  gid: number; egid: number; sgid: number; fsgid: number;
  groups: number[];
  /** Capability sets as two 32-bit words each; absent when the image has none. */
  caps?: { inh: number[]; prm: number[]; eff: number[]; bnd: number[]; amb: number[]; secbits: number };
  noNewPrivs: boolean;
}

/** What each thread gets back for itself. */
export interface ThreadPlan {
  tid: number;
  regs: RawRegs;
  signal: SigframeInput;
  rseq?: { ptr: bigint; size: number; sig: number };
  clearTid: bigint;
  robustList: { head: bigint; len: bigint };
  comm: string;
  sched?: { policy: number; prio: number; nice: number };
  /** PR_SET_TIMERSLACK value, when the image has one (criu-ts's own field). */
  timerslackNs?: bigint;
  /** CPU affinity mask in 64-bit words, when the image has one (criu-ts's own field). */
  cpuAffinity?: bigint[];
  /** siginfo_t of each signal pending for this thread alone. */
  signals: Buffer[];
  /** Its seccomp filter programs, oldest first. */
  seccomp: { prog: Buffer; flags: number }[];
  /** Credentials of a thread whose differ from the main thread's (the kernel keeps them per thread). */
  creds?: Creds;
}

export interface TaskPlan {
  task: TaskImages;
  memory: MemoryPlan;
  cwd: string;
  /** The file id of a cwd removed before the dump (a ghost directory), which the task enters through an fd. */
  cwdGhost?: number;
  /** Its root directory (chroot), / for most. */
  root: string;
  umask: number;
  /** [resource, cur, max] as dumped. */
  rlimits: [number, bigint, bigint][];
  /** The REG file of its executable (/proc/PID/exe). */
  exeFileId?: number;
  /** The main thread first. */
  threads: ThreadPlan[];
  sigactions: Sigaction[];
  itimers: Itimer[];
  posixTimers: PosixTimer[];
  posixLocks: { fd: number; type: number; start: bigint; len: bigint }[];
  /** F_SETOWN owners of files this task sets (fown.ts). */
  owners: OwnerPlan[];
  pdeathSig: number;
  dumpable: number;
  personality: number;
  /** The task was stopped (by this signal): it is stopped again once restored. */
  stopSignal?: number;
  childSubreaper: boolean;
  thpDisabled: boolean;
  /** /proc/PID/oom_score_adj, when the image has it. */
  oomScoreAdj?: number;
  /** siginfo_t of each signal pending for the whole process. */
  signals: Buffer[];
  creds?: Creds;
  /**
   * Register sets criu-ts writes by ptrace into the main thread while the blob waits,
   * before the other threads exist (arm64 PAC keys); empty on most arches.
   */
  tracerRegsets: TracerRegset[];
}

const n64 = (v: number | bigint | undefined): bigint => BigInt(v ?? 0);
const NSIG = 64;
const SIGKILL = 9;
const SIGSTOP = 19;
// task_core_entry.task_state values (CRIU's TASK_ALIVE, TASK_STOPPED).

function regName(tree: TreeImages, id: number): string {
  return usablePath(fileEntry(tree, id, 'REG').reg.name);
}

/** A periodic timer caught at the instant it fired reads 0 left; 0 would disarm it, so it fires at once. */
function itimer(e: ItimerEntry | undefined): Itimer {
  const t = { interval_sec: n64(e?.isec), interval_usec: n64(e?.iusec), value_sec: n64(e?.vsec), value_usec: n64(e?.vusec) };
  const periodic = t.interval_sec !== 0n || t.interval_usec !== 0n;
  return periodic && t.value_sec === 0n && t.value_usec === 0n ? { ...t, value_usec: 1n } : t;
}

/** uid and euid the main thread of task ends up with, if its image says. */
function mainCreds(task: TaskImages): { uid: number; euid: number } | undefined {
  const c = task.cores[0]?.thread_core?.creds;
  return c ? { uid: c.uid, euid: c.euid } : undefined;
}

function credsOf(c: CredsEntry): Creds {
  const words = (v: number[] | undefined): number[] => [v?.[0] ?? 0, v?.[1] ?? 0];
  return {
    uid: c.uid, euid: c.euid, suid: c.suid, fsuid: c.fsuid,
    gid: c.gid, egid: c.egid, sgid: c.sgid, fsgid: c.fsgid,
    groups: c.groups ?? [],
    ...(c.cap_prm?.length
      ? { caps: { inh: words(c.cap_inh), prm: words(c.cap_prm), eff: words(c.cap_eff), bnd: words(c.cap_bnd), amb: words(c.cap_amb), secbits: c.secbits ?? 0 } }
      : {}),
    noNewPrivs: (c.no_new_privs ?? 0) !== 0,
  };
}

/** A periodic timer caught with nothing left would be disarmed by 0: it fires at once instead. */
function posixTimer(e: PosixTimerEntry): PosixTimer {
  const [isec, insec, vsec, vnsec] = [n64(e.isec), n64(e.insec), n64(e.vsec), n64(e.vnsec)];
  const firesNow = (isec !== 0n || insec !== 0n) && vsec === 0n && vnsec === 0n;
  return {
    id: e.it_id, clock_id: e.clock_id, signo: e.si_signo, notify: e.it_sigev_notify, sival: n64(e.sival_ptr),
    notify_tid: e.notify_thread_id ?? 0,
    interval_sec: isec, interval_nsec: insec, value_sec: vsec, value_nsec: firesNow ? 1n : vnsec,
  };
}

const siginfos = (q: SignalQueueEntry | undefined): Buffer[] => (q?.signals ?? []).map((e) => e.siginfo);

/** The thread's filter chain, oldest first, following `prev` from its newest filter. */
function seccompChain(tid: number, th: Partial<ThreadCoreEntry>, tc: Partial<TaskCoreEntry>, filters: SeccompFilter[]): ThreadPlan['seccomp'] {
  const mode = th.seccomp_mode ?? tc.old_seccomp_mode;
  if (mode === undefined || mode === 'disabled' || mode === 0) return [];
  if (mode !== 'filter' && mode !== 2) throw new Error(`criu-ts: thread ${tid} runs under strict seccomp, which cannot be restored yet`);
  const chain: ThreadPlan['seccomp'] = [];
  for (let i: number | undefined = th.seccomp_filter ?? tc.old_seccomp_filter; i !== undefined; i = filters[i]!.prev) {
    const f = filters[i];
    if (!f || chain.length > filters.length) throw new Error(`criu-ts: seccomp.img has no filter ${i} (thread ${tid})`);
    chain.unshift({ prog: f.filter, flags: f.flags ?? 0 });
  }
  return chain;
}

function planThread(tid: number, core: CoreEntry, tc: Partial<TaskCoreEntry>, regs: ArchRegs, tree: TreeImages): ThreadPlan {
  const schedOf = (th: Partial<ThreadCoreEntry>): ThreadPlan['sched'] =>
    th.sched_policy === undefined ? undefined : { policy: th.sched_policy, prio: th.sched_prio ?? 0, nice: th.sched_nice ?? 0 };
  if (core.mtype !== regs.mtype) throw new Error(`criu-ts: core-${tid}.img is for ${core.mtype}, this is ${regs.mtype}`);
  const th: Partial<ThreadCoreEntry> = core.thread_core ?? {};
  const ti = core[regs.threadInfoField];
  if (!ti) throw new Error(`criu-ts: core-${tid}.img has no ${regs.threadInfoField}`);
  const rs = th.rseq_entry;
  const sas = th.sas;
  return {
    tid,
    regs: regs.regsFromThreadInfo(ti),
    signal: {
      sigmask: n64(th.blk_sigset ?? tc.blk_sigset),
      ...(sas && (sas.ss_flags !== SS_DISABLE || n64(sas.ss_sp) !== 0n) ? { altstack: { sp: n64(sas.ss_sp), size: n64(sas.ss_size), flags: sas.ss_flags } } : {}),
    },
    ...(rs && n64(rs.rseq_abi_pointer) !== 0n ? { rseq: { ptr: n64(rs.rseq_abi_pointer), size: rs.rseq_abi_size, sig: rs.signature } } : {}),
    clearTid: n64(ti.clear_tid_addr),
    robustList: { head: n64(th.futex_rla), len: n64(th.futex_rla_len) },
    comm: th.comm ?? tc.comm ?? '',
    ...(schedOf(th) ? { sched: schedOf(th)! } : {}),
    ...(th.timerslack_ns ? { timerslackNs: n64(th.timerslack_ns) } : {}),
    ...(th.cpu_affinity?.length ? { cpuAffinity: th.cpu_affinity.map(n64) } : {}),
    signals: siginfos(th.signals_p),
    seccomp: seccompChain(tid, th, tc, tree.seccompFilters),
    ...(th.creds ? { creds: credsOf(th.creds) } : {}),
  };
}

/** The threads' plans, with creds kept only where they differ from the main thread's. */
function ownCreds(threads: ThreadPlan[]): ThreadPlan[] {
  const main = JSON.stringify(threads[0]?.creds);
  return threads.map((t, i) => {
    if (i > 0 && t.creds && JSON.stringify(t.creds) !== main) return t;
    const { creds: _same, ...rest } = t;
    return rest;
  });
}

/**
 * The tracer regsets of the main thread. The other threads are created from it and so
 * inherit them: a thread whose own differ (one that reset its PAC keys) cannot be restored.
 */
export function planTracerRegsets(task: Pick<TaskImages, 'pid' | 'threads' | 'cores'>, arch: ArchDescriptor): TracerRegset[] {
  const of = (i: number): TracerRegset[] => {
    const ti = task.cores[i]![arch.regs!.threadInfoField];
    return (ti && arch.restorer!.tracerRegsets?.(ti)) ?? [];
  };
  const main = of(0);
  task.threads.forEach((tid, i) => {
    if (i === 0) return;
    const mine = of(i);
    const same = mine.length === main.length && mine.every((r, j) => r.note === main[j]!.note && r.data.equals(main[j]!.data));
    if (same) return;
    const names = [...new Set([...main, ...mine].map((r) => r.name))].join(', ');
    throw new Error(`criu-ts: thread ${tid} of task ${task.pid} has its own ${names}, unlike its main thread; that cannot be restored yet`);
  });
  return main;
}

export function planTask(task: TaskImages, tree: TreeImages, arch: ArchDescriptor, options: FdRestoreOptions): TaskPlan {
  if (!arch.regs || !arch.restorer) throw new Error(`criu-ts: restore is not supported on ${arch.name} yet`);
  const core = task.cores[0]!;
  const tc: Partial<TaskCoreEntry> = core.tc ?? {};
  if (tc.task_state !== undefined && tc.task_state !== TASK_ALIVE && tc.task_state !== TASK_STOPPED) {
    throw new Error(`criu-ts: task ${task.pid} is in state ${tc.task_state}; only running and stopped tasks can be restored yet`);
  }
  const th: Partial<ThreadCoreEntry> = core.thread_core ?? {};
  const memory = planMemory(task, tree);
  checkFds(task, tree, options);
  checkFileLocks(tree, task);
  // Both as seen from our root: the task goes to its cwd first, then chroots.
  const root = regName(tree, task.fs.root_id);
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`criu-ts: task ${task.pid} had the root ${root}, which is gone`);
  const cwd = regName(tree, task.fs.cwd_id);
  // A directory removed before the dump is made again, entered through an fd and removed.
  const cwdGhost = ghostNumber(tree, task.fs.cwd_id) !== undefined;
  if (cwdGhost) checkGhost(tree, task.fs.cwd_id, ghostNumber(tree, task.fs.cwd_id)!);
  else if (!fs.statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`criu-ts: task ${task.pid} worked in ${cwd}, which is gone`);

  // The image lists signals 1..64 in order, leaving out SIGKILL and SIGSTOP.
  const sa: SaEntry[] = [...(tc.sigactions ?? [])];
  const sigactions: Sigaction[] = [];
  for (let sig = 1; sig <= NSIG; sig++) {
    const e = sig === SIGKILL || sig === SIGSTOP ? undefined : sa.shift();
    sigactions.push({ handler: n64(e?.sigaction), flags: n64(e?.flags), restorer: n64(e?.restorer), mask: n64(e?.mask) });
  }
  const timers: Partial<TaskTimersEntry> = tc.timers ?? {};
  const exeId = task.mm.exe_file_id;
  return {
    task,
    memory,
    cwd,
    ...(cwdGhost ? { cwdGhost: task.fs.cwd_id } : {}),
    root,
    umask: task.fs.umask ?? 0o22,
    rlimits: (tc.rlimits?.rlimits ?? []).map((r, i) => [i, n64(r.cur), n64(r.max)]),
    ...(exeId !== undefined ? { exeFileId: exeId } : {}),
    threads: ownCreds(task.threads.map((tid, i) => planThread(tid, task.cores[i]!, tc, arch.regs!, tree))),
    sigactions,
    itimers: (['real', 'virt', 'prof'] as const).map((k) => itimer(timers[k])), // the blob takes the CPU timers' extra tick off
    // Ascending ids: kernels without PR_TIMER_CREATE_RESTORE_IDS hand them out in that order.
    posixTimers: (timers.posix ?? []).map(posixTimer).sort((x, y) => x.id - y.id),
    posixLocks: posixLocks(tree, task),
    owners: ownersByTask(tree, mainCreds).get(task.pid) ?? [],
    pdeathSig: th.pdeath_sig ?? 0,
    dumpable: task.mm.dumpable ?? 1,
    personality: tc.personality ?? 0,
    ...(tc.task_state === TASK_STOPPED ? { stopSignal: tc.stop_signo || SIGSTOP } : {}),
    childSubreaper: tc.child_subreaper === true,
    thpDisabled: task.mm.thp_disabled === true,
    ...(tc.oom_score_adj !== undefined ? { oomScoreAdj: tc.oom_score_adj } : {}),
    signals: siginfos(tc.signals_s),
    ...(th.creds ? { creds: credsOf(th.creds) } : {}),
    tracerRegsets: planTracerRegsets(task, arch),
  };
}
