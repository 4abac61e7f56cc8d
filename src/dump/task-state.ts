// The per-task and per-thread state of core-<tid>.img: what /proc and ptrace tell from
// outside (creds, rlimits, masks, pending signals, rseq, robust list, scheduling) and what
// only the task itself can tell, asked with injected syscalls (sigactions, itimers, POSIX
// timer values, brk, clear-tid address, sigaltstack, securebits, subreaper, pdeath signal).
import fs from 'node:fs';
import type { ArchDescriptor, RawRegs } from '../arch/descriptor.js';
import type { Entry } from '../images/index.js';
import type { Logger } from '../log.js';
import { injectFault } from '../fault.js';
import { readMemory } from '../sys/memory.js';
import * as ptrace from '../sys/ptrace.js';
import { getRobustList } from '../sys/proc-ops.js';
import { parseLimits } from '../proc/limits.js';
import { parseStat } from '../proc/stat.js';
import { parseStatus, type ProcStatus } from '../proc/status.js';
import { parsePosixTimers } from '../proc/timers.js';
import { findSyscallInsn, RemoteThread } from './remote.js';
import type { FrozenTask } from './seize.js';

const NSIG = 64;
const PR_GET_PDEATHSIG = 2;
const PR_GET_SECUREBITS = 27;
const PR_GET_CHILD_SUBREAPER = 37;
const PR_GET_TID_ADDRESS = 40;
const TASK_ALIVE = 1;
const TASK_STOPPED = 3;

/** What the task reports about itself through injected syscalls. */
interface TaskSelfReport {
  sigactions: Entry[];
  itimers: Entry[];
  posixTimers: Entry[];
  brk: bigint;
  secbits: number;
  childSubreaper: boolean;
  threads: Map<number, { clearTidAddr: bigint; sas: Entry; pdeathSig: number }>;
}

/** Asks the stopped task about itself; every thread is parked again before returning. */
function askTask(arch: ArchDescriptor, task: FrozenTask, regs: Map<number, RawRegs>): TaskSelfReport {
  const insn = findSyscallInsn(task.pid, arch.regs!);
  const remotes = task.threads.map((tid) => new RemoteThread(arch, tid, insn, regs.get(tid)!));
  const leader = remotes[0]!;
  const out = leader.scratch;
  const read = (len: number) => readMemory(task.pid, Number(out), len);
  try {
    const sigactions: Entry[] = [];
    for (let sig = 1; sig <= NSIG; sig++) {
      if (sig === 9 || sig === 19) continue; // CRIU's list leaves out SIGKILL and SIGSTOP
      leader.call('rt_sigaction', [sig, 0n, out, 8n]);
      if (sig === 1) injectFault('dump-infected');
      const b = read(32); // struct kernel_sigaction: handler, flags, restorer, mask
      sigactions.push({ sigaction: b.readBigUInt64LE(0), flags: b.readBigUInt64LE(8), restorer: b.readBigUInt64LE(16), mask: b.readBigUInt64LE(24), compat_sigaction: false });
    }
    const itimers: Entry[] = [];
    for (let which = 0; which < 3; which++) {
      leader.call('getitimer', [which, out]);
      const b = read(32); // struct itimerval: interval {sec, usec}, value {sec, usec}
      itimers.push({ isec: b.readBigUInt64LE(0), iusec: b.readBigUInt64LE(8), vsec: b.readBigUInt64LE(16), vusec: b.readBigUInt64LE(24) });
    }
    const posixTimers: Entry[] = [];
    for (const t of parsePosixTimers(fs.readFileSync(`/proc/${task.pid}/timers`, 'utf8'))) {
      leader.call('timer_gettime', [t.id, out]);
      const b = read(32); // struct itimerspec: interval {sec, nsec}, value {sec, nsec}
      const overrun = Number(leader.call('timer_getoverrun', [t.id]));
      posixTimers.push({
        it_id: t.id, clock_id: t.clockId, si_signo: t.signal, it_sigev_notify: t.sigevNotify, sival_ptr: t.sivalPtr, overrun,
        isec: b.readBigUInt64LE(0), insec: b.readBigUInt64LE(8), vsec: b.readBigUInt64LE(16), vnsec: b.readBigUInt64LE(24),
        ...(t.sigevNotify & 4 ? { notify_thread_id: t.notifyPid } : {}),
      });
    }
    const brk = leader.call('brk', [0n]);
    const secbits = Number(leader.call('prctl', [PR_GET_SECUREBITS, 0n, 0n, 0n, 0n]));
    leader.call('prctl', [PR_GET_CHILD_SUBREAPER, out, 0n, 0n, 0n]);
    const childSubreaper = read(4).readInt32LE(0) !== 0;
    const threads = new Map<number, { clearTidAddr: bigint; sas: Entry; pdeathSig: number }>();
    for (const r of remotes) {
      const readOwn = (len: number) => readMemory(task.pid, Number(r.scratch), len);
      r.call('prctl', [PR_GET_TID_ADDRESS, r.scratch, 0n, 0n, 0n]);
      const clearTidAddr = readOwn(8).readBigUInt64LE(0);
      r.call('sigaltstack', [0n, r.scratch]);
      const ss = readOwn(24); // stack_t: sp, flags (int + pad), size
      const sas = { ss_sp: ss.readBigUInt64LE(0), ss_size: ss.readBigUInt64LE(16), ss_flags: ss.readInt32LE(8) };
      r.call('prctl', [PR_GET_PDEATHSIG, r.scratch, 0n, 0n, 0n]);
      threads.set(r.tid, { clearTidAddr, sas, pdeathSig: readOwn(4).readInt32LE(0) });
    }
    return { sigactions, itimers, posixTimers, brk, secbits, childSubreaper, threads };
  } finally {
    for (const r of remotes) r.park();
  }
}

/** Splits a 64-bit capability set into CRIU's two 32-bit words. */
const capWords = (caps: bigint): number[] => [Number(caps & 0xffffffffn), Number(caps >> 32n)];

function credsOf(status: ProcStatus, secbits: number): Entry {
  return {
    uid: status.uid[0], gid: status.gid[0], euid: status.uid[1], egid: status.gid[1],
    suid: status.uid[2], sgid: status.gid[2], fsuid: status.uid[3], fsgid: status.gid[3],
    cap_inh: capWords(status.capInh), cap_prm: capWords(status.capPrm), cap_eff: capWords(status.capEff),
    cap_bnd: capWords(status.capBnd), secbits, groups: status.groups, no_new_privs: status.noNewPrivs,
    cap_amb: capWords(status.capAmb),
  };
}

const signalQueue = (infos: Buffer[]): Entry => ({ signals: infos.map((siginfo) => ({ siginfo: Buffer.from(siginfo) })) });

const readProc = (path: string): string => fs.readFileSync(path, 'utf8');

export interface TaskCores {
  /** core-<tid>.img entry per thread. */
  cores: Map<number, Entry>;
  /** The current program break (for mm-<pid>.img). */
  brk: bigint;
}

/** Builds every thread's core entry of a frozen task. regs: each thread's registers as seized. */
export function dumpTaskCores(arch: ArchDescriptor, task: FrozenTask, regs: Map<number, RawRegs>, log: Logger): TaskCores {
  const archRegs = arch.regs!;
  const pid = task.pid;
  const status = parseStatus(readProc(`/proc/${pid}/status`));
  if (status.seccomp !== 0) throw new Error(`criu-ts: task ${pid} runs under seccomp (mode ${status.seccomp}); not supported yet`);
  const self = askTask(arch, task, regs);
  log.debug(`task ${pid}: ${self.posixTimers.length} POSIX timers, brk 0x${self.brk.toString(16)}`);
  const cores = new Map<number, Entry>();
  for (const tid of task.threads) {
    const leader = tid === pid;
    const stat = parseStat(readProc(`/proc/${pid}/task/${tid}/stat`));
    const tstatus = leader ? status : parseStatus(readProc(`/proc/${pid}/task/${tid}/status`));
    const mine = self.threads.get(tid)!;
    const robust = getRobustList(tid);
    const rseq = ptrace.getRseqConfiguration(tid);
    const sigmask = ptrace.getSigmask(tid);
    const threadCore: Entry = {
      futex_rla: BigInt(robust.head), futex_rla_len: robust.len,
      sched_nice: stat.nice, sched_policy: stat.policy,
      ...(stat.policy === 1 || stat.policy === 2 ? { sched_prio: stat.rtPriority } : {}),
      ...(leader ? {} : { blk_sigset: sigmask }),
      sas: mine.sas,
      ...(mine.pdeathSig ? { pdeath_sig: mine.pdeathSig } : {}),
      signals_p: signalQueue(ptrace.peekSiginfo(tid, false)),
      creds: credsOf(tstatus, self.secbits),
      comm: readProc(`/proc/${pid}/task/${tid}/comm`).replace(/\n$/, ''),
      ...(rseq.rseqAbiSize ? { rseq_entry: { rseq_abi_pointer: rseq.rseqAbiPointer, rseq_abi_size: rseq.rseqAbiSize, signature: rseq.signature } } : {}),
    };
    const core: Entry = {
      mtype: archRegs.mtype,
      [archRegs.threadInfoField]: { clear_tid_addr: mine.clearTidAddr, ...archRegs.threadInfo(tid, archRegs.checkpointRegs(regs.get(tid)!)) },
      thread_core: threadCore,
    };
    if (leader) {
      core['tc'] = {
        task_state: task.stateBefore === 'T' ? TASK_STOPPED : TASK_ALIVE,
        exit_code: 0,
        personality: parseInt(readProc(`/proc/${pid}/personality`), 16),
        flags: stat.flags,
        blk_sigset: sigmask,
        comm: threadCore['comm'],
        timers: { real: self.itimers[0], virt: self.itimers[1], prof: self.itimers[2], posix: self.posixTimers },
        rlimits: { rlimits: parseLimits(readProc(`/proc/${pid}/limits`)) },
        signals_s: signalQueue(ptrace.peekSiginfo(tid, true)),
        loginuid: Number(readProc(`/proc/${pid}/loginuid`)),
        oom_score_adj: Number(readProc(`/proc/${pid}/oom_score_adj`)),
        sigactions: self.sigactions,
        child_subreaper: self.childSubreaper,
        ...(task.stateBefore === 'T' ? { stop_signo: 19 } : {}),
      };
    }
    cores.set(tid, core);
  }
  return { cores, brk: self.brk };
}
