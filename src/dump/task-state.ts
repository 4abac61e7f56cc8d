// The per-task and per-thread state of core-<tid>.img: what /proc and ptrace tell from
// outside (creds, rlimits, masks, pending signals, rseq, robust list, scheduling) and what
// only the task itself can tell, asked through the parasite (sigactions, itimers, POSIX
// timer values, brk, clear-tid address, sigaltstack, securebits, subreaper, pdeath signal).
import fs from 'node:fs';
import os from 'node:os';
import type { ArchDescriptor, RawRegs } from '../arch/descriptor.js';
import { TASK_ALIVE, TASK_STOPPED } from '../images/format.js';
import type { CoreEntry, CredsEntry, PosixTimerEntry, SignalQueueEntry, ThreadCoreEntry } from '../images/index.js';
import type { Logger } from '../log.js';
import { injectFault } from '../fault.js';
import * as ptrace from '../sys/ptrace.js';
import { getRobustList } from '../sys/proc-ops.js';
import { parseLimits } from '../proc/limits.js';
import { parseStat } from '../proc/stat.js';
import { parseStatus, type ProcStatus } from '../proc/status.js';
import { parsePosixTimers } from '../proc/timers.js';
import { Parasite, type TaskReply, type ThreadReply } from './parasite.js';
import { findSyscallInsn, RemoteThread } from './remote.js';
import type { SeccompFilters } from './seccomp.js';
import type { FrozenTask } from './seize.js';

const SECCOMP_MODE_STRICT = 1;
const SECCOMP_MODE_FILTER = 2;

/** What the task reports about itself, through the parasite. */
interface TaskSelfReport {
  task: TaskReply;
  posixTimers: PosixTimerEntry[];
  threads: Map<number, ThreadReply>;
}

/** Runs the parasite in each thread in turn; every thread is parked again before returning. */
function askTask(arch: ArchDescriptor, task: FrozenTask, regs: Map<number, RawRegs>): TaskSelfReport {
  const insn = findSyscallInsn(task.pid, arch.regs!);
  const threads = new Map<number, ThreadReply>();
  let taskReply: TaskReply | undefined;
  const posixTimers: PosixTimerEntry[] = [];
  for (const tid of task.threads) {
    const orig = regs.get(tid)!;
    const remote = new RemoteThread(arch, tid, insn, orig);
    let parasite: Parasite;
    try {
      parasite = Parasite.infect(arch, task.pid, remote, orig);
    } catch (e) {
      remote.park();
      throw e;
    }
    try {
      if (tid === task.pid) {
        injectFault('dump-infected');
        taskReply = parasite.task();
        for (const t of parsePosixTimers(fs.readFileSync(`/proc/${task.pid}/timers`, 'utf8'))) {
          const v = parasite.timer(t.id);
          posixTimers.push({
            it_id: t.id, clock_id: t.clockId, si_signo: t.signal, it_sigev_notify: t.sigevNotify, sival_ptr: t.sivalPtr, overrun: v.overrun,
            isec: v.isec, insec: v.insec, vsec: v.vsec, vnsec: v.vnsec,
            ...(t.sigevNotify & 4 ? { notify_thread_id: t.notifyPid } : {}),
          });
        }
      }
      threads.set(tid, parasite.thread());
    } finally {
      parasite.cure();
    }
  }
  return { task: taskReply!, posixTimers, threads };
}

/** Splits a 64-bit capability set into CRIU's two 32-bit words. */
const capWords = (caps: bigint): number[] => [Number(caps & 0xffffffffn), Number(caps >> 32n)];

function credsOf(status: ProcStatus, secbits: number): CredsEntry {
  return {
    uid: status.uid[0], gid: status.gid[0], euid: status.uid[1], egid: status.gid[1],
    suid: status.uid[2], sgid: status.gid[2], fsuid: status.uid[3], fsgid: status.gid[3],
    cap_inh: capWords(status.capInh), cap_prm: capWords(status.capPrm), cap_eff: capWords(status.capEff),
    cap_bnd: capWords(status.capBnd), secbits, groups: status.groups, no_new_privs: status.noNewPrivs,
    cap_amb: capWords(status.capAmb),
  };
}

const signalQueue = (infos: Buffer[]): SignalQueueEntry => ({ signals: infos.map((siginfo) => ({ siginfo: Buffer.from(siginfo) })) });

const readProc = (path: string): string => fs.readFileSync(path, 'utf8');

export interface TaskCores {
  /** core-<tid>.img entry per thread. */
  cores: Map<number, CoreEntry>;
  /** The current program break, dumpable flag and THP-disable (for mm-<pid>.img). */
  brk: bigint;
  dumpable: number;
  thpDisabled: boolean;
  /** The file creation mask (for fs-<pid>.img). */
  umask: number;
}

/**
 * The image keeps only "THP disabled" (mm thp_disabled); a mode with flags (6.18's
 * PR_THP_DISABLE_EXCEPT_ADVISED, which PR_GET_THP_DISABLE reads as 3) has no place in it.
 */
function thpDisabled(pid: number, value: number): boolean {
  if (value !== 0 && value !== 1) throw new Error(`criu-ts: task ${pid} disabled THP with flags (PR_GET_THP_DISABLE reads ${value}); the image can only keep THP disabled or not`);
  return value === 1;
}

/** task_core_entry's exit_signal (criu-ts's field): only for a task cloned with another signal than SIGCHLD. */
export const exitSignalField = (sig: number): { exit_signal?: number } => (sig !== os.constants.signals.SIGCHLD ? { exit_signal: sig } : {});

/** Builds every thread's core entry of a frozen task. regs: each thread's registers as seized. */
export function dumpTaskCores(arch: ArchDescriptor, task: FrozenTask, regs: Map<number, RawRegs>, seccomp: SeccompFilters, log: Logger): TaskCores {
  const archRegs = arch.regs!;
  const pid = task.pid;
  const status = parseStatus(readProc(`/proc/${pid}/status`));
  const self = askTask(arch, task, regs);
  log.debug(`task ${pid}: ${self.posixTimers.length} POSIX timers, brk 0x${self.task.brk.toString(16)}`);
  const cores = new Map<number, CoreEntry>();
  for (const tid of task.threads) {
    const leader = tid === pid;
    const stat = parseStat(readProc(`/proc/${pid}/task/${tid}/stat`));
    const tstatus = leader ? status : parseStatus(readProc(`/proc/${pid}/task/${tid}/status`));
    const mine = self.threads.get(tid)!;
    const robust = getRobustList(tid);
    const rseq = ptrace.getRseqConfiguration(tid);
    const sigmask = ptrace.getSigmask(tid);
    const comm = readProc(`/proc/${pid}/task/${tid}/comm`).replace(/\n$/, '');
    const threadCore: ThreadCoreEntry = {
      futex_rla: BigInt(robust.head), futex_rla_len: robust.len,
      sched_nice: stat.nice, sched_policy: stat.policy,
      ...(stat.policy === 1 || stat.policy === 2 ? { sched_prio: stat.rtPriority } : {}),
      ...(leader ? {} : { blk_sigset: sigmask }),
      sas: mine.sas,
      ...(mine.pdeathSig ? { pdeath_sig: mine.pdeathSig } : {}),
      signals_p: signalQueue(ptrace.peekSiginfo(tid, false)),
      creds: credsOf(tstatus, self.task.secbits),
      comm,
      ...(tstatus.seccomp === SECCOMP_MODE_STRICT ? { seccomp_mode: 'strict' } : {}),
      ...(tstatus.seccomp === SECCOMP_MODE_FILTER ? { seccomp_mode: 'filter', seccomp_filter: seccomp.addThread(tid) } : {}),
      ...(rseq.rseqAbiSize ? { rseq_entry: { rseq_abi_pointer: rseq.rseqAbiPointer, rseq_abi_size: rseq.rseqAbiSize, signature: rseq.signature } } : {}),
      // /proc/TID/timerslack_ns is the thread's own (needs CAP_SYS_NICE, which we have).
      timerslack_ns: BigInt(readProc(`/proc/${tid}/timerslack_ns`).trim()),
      cpu_affinity: tstatus.cpusAllowed,
    };
    const core: CoreEntry = {
      mtype: archRegs.mtype,
      [archRegs.threadInfoField]: { clear_tid_addr: mine.clearTidAddr, ...archRegs.threadInfo(tid, archRegs.checkpointRegs(regs.get(tid)!)) },
      thread_core: threadCore,
    };
    if (leader) {
      core.tc = {
        task_state: task.stateBefore === 'T' ? TASK_STOPPED : TASK_ALIVE,
        exit_code: 0,
        personality: parseInt(readProc(`/proc/${pid}/personality`), 16),
        flags: stat.flags,
        blk_sigset: sigmask,
        comm,
        timers: { real: self.task.itimers[0], virt: self.task.itimers[1], prof: self.task.itimers[2], posix: self.posixTimers },
        rlimits: { rlimits: parseLimits(readProc(`/proc/${pid}/limits`)) },
        signals_s: signalQueue(ptrace.peekSiginfo(tid, true)),
        loginuid: Number(readProc(`/proc/${pid}/loginuid`)),
        oom_score_adj: Number(readProc(`/proc/${pid}/oom_score_adj`)),
        // CRIU's list leaves out SIGKILL (9) and SIGSTOP (19): 62 entries for signals 1..64.
        sigactions: self.task.sigactions.filter((_, i) => i + 1 !== 9 && i + 1 !== 19)
          .map((a) => ({ sigaction: a.handler, flags: a.flags, restorer: a.restorer, mask: a.mask, compat_sigaction: false })),
        child_subreaper: self.task.childSubreaper,
        ...(task.stateBefore === 'T' ? { stop_signo: 19 } : {}),
        ...exitSignalField(stat.exitSignal),
      };
    }
    cores.set(tid, core);
  }
  return { cores, brk: self.task.brk, dumpable: self.task.dumpable, thpDisabled: thpDisabled(pid, self.task.thpDisable), umask: self.task.umask };
}
