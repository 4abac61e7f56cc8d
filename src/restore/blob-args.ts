// Lays out the restorer region of a task and writes its argument block (struct rst_args
// and the arrays it points to, arch/common/restorer.h) plus the finish area holding the
// rt_sigframe. The region is placed where neither our own layout (which the new task
// starts with) nor the task's old layout has anything.
import type { ArchRestorer } from '../arch/descriptor.js';
import type { Vma } from '../proc/maps.js';
import { PAGE_SIZE, type Range, type SpecialMoves, type VmaPlan } from './memory.js';
import type { Creds, TaskPlan } from './plan.js';
import type { LateFd } from './late-files.js';
import type { TaskEpollItem } from '../fd/kind.js';
import { hostLittleEndian, writeI32, writeU64 } from '../sys/host-order.js';
import { constantOf, restorerLayout, structOf, writeStruct, type StructValue } from '../blob/struct-layout.js';

const STACK_SIZE = 64n * 1024n;
/** Room for the finish trampoline before the sigframe (which must be 64-aligned). */
const TRAMPOLINE_ROOM = 128n;
/** Lowest address considered for the region: far below the usual heap and mmap areas. */
const SEARCH_FROM = 0x100000000n;

const pageUp = (n: bigint): bigint => ((n + PAGE_SIZE - 1n) / PAGE_SIZE) * PAGE_SIZE;
const align8 = (n: number): number => Math.ceil(n / 8) * 8;

export interface ServiceFds {
  report: number;
  /** The pages image of each layer of the dump chain (0: this dump's; page-chain.ts). */
  pages: number[];
  exe: number;
  /** fd of each file-backed VMA of plan.memory.vmas. */
  vma: Map<VmaPlan, number>;
  /** Every service fd but the report pipe: the blob closes them once done. */
  close: number[];
  /** A task waiting for late files (late-files.ts): our pidfd, the gate, and the files it takes (none when it shares the table of one that takes them). */
  late?: { from: number; gate: number; fds: LateFd[] };
  /** Epoll items the task adds itself (kind.ts TaskEpollItem). */
  epoll: TaskEpollItem[];
}

export interface BlobRegion {
  start: bigint;
  len: bigint;
  argsAddr: bigint;
  stackTop: bigint;
  /** The argument block followed by the finish area, to be copied to argsAddr. */
  args: Buffer;
}

/** First gap of `len` bytes at or above SEARCH_FROM that overlaps none of `busy`. */
export function findFreeRange(busy: Range[], len: bigint, limit: bigint): bigint {
  const sorted = [...busy].sort((a, b) => (a.start < b.start ? -1 : 1));
  let at = SEARCH_FROM;
  for (const r of sorted) {
    if (r.end <= at) continue;
    if (r.start >= at + len) break;
    at = pageUp(r.end);
  }
  if (at + len > limit) throw new Error('criu-ts: no free address range for the restorer');
  return at;
}

interface Arrays {
  keep: Range[];
  threads: number;
  vmas: StructValue[];
  runs: StructValue[];
  moves: StructValue[];
  closeFds: number[];
  groups: number[];
  auxv: bigint[];
  /** Pending signals: the process's, then each thread's, siginfo_t each. */
  signals: Buffer[];
}

export function buildBlobRegion(
  plan: TaskPlan,
  arch: ArchRestorer,
  codeLen: number,
  ours: Vma[],
  special: SpecialMoves,
  fds: ServiceFds,
  faultStep: number,
  rlimits: [number, bigint, bigint][],
): BlobRegion {
  const layout = restorerLayout();
  const argsStruct = structOf(layout, 'rst_args');
  const size = (name: string): number => structOf(layout, name).size;
  const auxv: bigint[] = (plan.task.mm.mm_saved_auxv ?? []).map((v) => BigInt(v));
  const threadStack = constantOf(layout, 'RST_THREAD_STACK');
  const frameRoom = plan.threads.map((t) => BigInt(Math.ceil(arch.sigframeSize(t.regs.fp.length) / 64) * 64));
  const arrays: Arrays = {
    keep: [],
    threads: plan.threads.length,
    vmas: plan.memory.vmas.map((v) => ({
      start: v.start, end: v.end, pgoff: v.pgoff, madv: v.madv, map_prot: v.mapProt, prot: v.prot, flags: v.flags,
      fd: fds.vma.get(v) ?? -1,
    })),
    runs: plan.memory.runs.map((r) => ({ vaddr: r.vaddr, len: r.len, off: r.off, fd: fds.pages[r.layer]!, pad: 0 })),
    moves: special.moves.map((m) => ({ from: m.from, len: m.len, to: m.to })),
    closeFds: fds.close,
    groups: plan.creds?.groups ?? [],
    auxv,
    signals: [...plan.signals, ...plan.threads.flatMap((t) => t.signals)],
  };
  const siginfoSize = Number(constantOf(layout, 'RST_SIGINFO_SIZE'));
  // Sizes first: the keep list holds the region itself, so place the region, then write.
  const keepCount = special.keep.length + 1;
  const sizes = [
    argsStruct.size,
    keepCount * size('rst_range'),
    arrays.threads * size('rst_thread'),
    arrays.vmas.length * size('rst_vma'),
    arrays.runs.length * size('rst_pages_run'),
    arrays.moves.length * size('rst_move'),
    arrays.closeFds.length * 4,
    arrays.groups.length * 4,
    auxv.length * 8,
    arrays.signals.length * siginfoSize,
    plan.posixTimers.length * size('rst_posix_timer'),
    plan.posixLocks.length * size('rst_posix_lock'),
    plan.owners.length * size('rst_fown'),
    (fds.late?.fds.length ?? 0) * size('rst_late_fd'),
    fds.epoll.length * size('rst_epoll_item'),
    rlimits.length * size('rst_rlimit'),
    ...plan.threads.flatMap((t) => [t.seccomp.length * size('rst_seccomp_filter'), ...t.seccomp.map((f) => f.prog.length)]),
    ...plan.threads.flatMap((t) => (t.creds ? [size('rst_creds'), t.creds.groups.length * 4] : [])),
    ...plan.threads.map((t) => (t.cpuAffinity?.length ?? 0) * 8),
  ];
  const argsLen = pageUp(BigInt(sizes.reduce((s, n) => s + align8(n), 0)));
  const finishLen = pageUp(TRAMPOLINE_ROOM + frameRoom.reduce((s, n) => s + n, 0n));
  const codePages = pageUp(BigInt(codeLen));
  // [code][a stack per extra thread][main stack][arguments][finish area]
  const stacks = pageUp(threadStack * BigInt(plan.threads.length - 1) + STACK_SIZE);
  const len = codePages + stacks + argsLen + finishLen;
  const busy: Range[] = [...ours, ...plan.memory.vmas, ...plan.memory.vdso, ...plan.memory.vvar];
  const start = findFreeRange(busy, len, arch.taskSize);
  const argsAddr = start + codePages + stacks;
  const finishArea = argsAddr + argsLen;
  arrays.keep = [{ start, end: start + len }, ...special.keep].sort((a, b) => (a.start < b.start ? -1 : 1));

  const buf = Buffer.alloc(Number(argsLen + finishLen));
  let cursor = align8(argsStruct.size);
  const place = (bytes: number): bigint => {
    const at = argsAddr + BigInt(cursor);
    cursor += align8(bytes);
    // Every array must be counted in sizes above; one that is not would overwrite the finish area.
    if (BigInt(cursor) > argsLen) throw new Error(`criu-ts: internal error: the restorer's arguments outgrow their ${argsLen} bytes`);
    return at;
  };
  const writeArray = (name: string, items: StructValue[]): bigint => {
    const at = place(items.length * size(name));
    items.forEach((it, i) => writeStruct(layout, name, it, buf, Number(at - argsAddr) + i * size(name), hostLittleEndian));
    return at;
  };
  const writeWords = (words: (number | bigint)[], width: 4 | 8): bigint => {
    const at = place(words.length * width);
    const off = Number(at - argsAddr);
    words.forEach((w, i) => (width === 4 ? writeI32(buf, Number(w), off + i * 4) : writeU64(buf, BigInt(w), off + i * 8)));
    return at;
  };

  const keepAt = writeArray('rst_range', arrays.keep.map((r) => ({ start: r.start, end: r.end })));
  const writeBytes = (bytes: Buffer): bigint => {
    const at = place(bytes.length);
    bytes.copy(buf, Number(at - argsAddr));
    return at;
  };
  const writeSiginfos = (infos: Buffer[]): bigint => {
    const at = place(infos.length * siginfoSize);
    infos.forEach((info, i) => info.copy(buf, Number(at - argsAddr) + i * siginfoSize, 0, siginfoSize));
    return at;
  };
  let frameAt = finishArea + TRAMPOLINE_ROOM;
  const threadsAt = writeArray('rst_thread', plan.threads.map((t, i) => {
    const frame = arch.buildSigframe(t.regs, t.signal, frameAt);
    frame.bytes.copy(buf, Number(frameAt - argsAddr));
    frameAt += frameRoom[i]!;
    return {
      tid: t.tid,
      stack_top: start + codePages + threadStack * BigInt(i),
      frame_sp: frame.sp,
      tls: arch.tlsRegisters(t.regs),
      rseq: t.rseq?.ptr ?? 0n, rseq_size: t.rseq?.size ?? 0, rseq_sig: t.rseq?.sig ?? 0,
      clear_tid: t.clearTid,
      robust_list: t.robustList.head, robust_list_len: t.robustList.len,
      comm: Buffer.from(t.comm.slice(0, 15)),
      args: argsAddr,
      ...(t.sched ? { has_sched: 1, sched_policy: t.sched.policy, sched_prio: t.sched.prio, nice: t.sched.nice } : {}),
      timerslack_ns: t.timerslackNs ?? 0n,
      ...(t.cpuAffinity ? { affinity: writeWords(t.cpuAffinity, 8), affinity_words: t.cpuAffinity.length } : {}),
      signals: writeSiginfos(t.signals),
      nr_signals: t.signals.length,
      seccomp: writeArray('rst_seccomp_filter', t.seccomp.map((f) => ({ prog: writeBytes(f.prog), len: f.prog.length / 8, flags: f.flags }))),
      nr_seccomp: t.seccomp.length,
      creds: t.creds ? writeArray('rst_creds', [credsValue(t.creds, writeWords(t.creds.groups, 4))]) : 0n,
    };
  }));
  const vmasAt = writeArray('rst_vma', arrays.vmas);
  const runsAt = writeArray('rst_pages_run', arrays.runs);
  const movesAt = writeArray('rst_move', arrays.moves);
  const closeAt = writeWords(arrays.closeFds, 4);
  const groupsAt = writeWords(arrays.groups, 4);
  const auxvAt = writeWords(auxv, 8);

  const mm = plan.task.mm;
  const c = plan.creds;
  writeStruct(layout, 'rst_args', {
    magic: constantOf(layout, 'RST_MAGIC'),
    size: argsStruct.size,
    pid: plan.task.pid,
    report_fd: fds.report,
    task_size: arch.taskSize,
    keep: keepAt, nr_keep: arrays.keep.length,
    moves: movesAt, nr_moves: arrays.moves.length,
    vmas: vmasAt, nr_vmas: arrays.vmas.length,
    runs: runsAt, nr_runs: arrays.runs.length,
    mm: {
      start_code: mm.mm_start_code, end_code: mm.mm_end_code, start_data: mm.mm_start_data, end_data: mm.mm_end_data,
      start_brk: mm.mm_start_brk, brk: mm.mm_brk, start_stack: mm.mm_start_stack,
      arg_start: mm.mm_arg_start, arg_end: mm.mm_arg_end, env_start: mm.mm_env_start, env_end: mm.mm_env_end,
      auxv: auxvAt, auxv_size: auxv.length * 8, exe_fd: fds.exe,
    },
    close_fds: closeAt, nr_close_fds: arrays.closeFds.length,
    sigactions: plan.sigactions.map((s) => ({ ...s })),
    itimers: plan.itimers.map((t) => ({ ...t })),
    threads: threadsAt, nr_threads: plan.threads.length,
    pdeath_sig: plan.pdeathSig,
    dumpable: plan.dumpable,
    personality: plan.personality,
    child_subreaper: plan.childSubreaper ? 1 : 0,
    stop_signal: plan.stopSignal ?? 0,
    thp_disabled: plan.thpDisabled ? 1 : 0,
    signals: writeSiginfos(plan.signals),
    nr_signals: plan.signals.length,
    posix_timers: writeArray('rst_posix_timer', plan.posixTimers.map((t) => ({ ...t }))),
    nr_posix_timers: plan.posixTimers.length,
    posix_locks: writeArray('rst_posix_lock', plan.posixLocks.map((l) => ({ ...l }))),
    nr_posix_locks: plan.posixLocks.length,
    fowns: writeArray('rst_fown', plan.owners.map((o) => ({ fd: o.fd, type: o.owner?.pid_type ?? 0, pid: o.owner?.pid ?? 0, signum: o.owner?.signum ?? 0, async: o.async ? 1 : 0, early: o.early ? 1 : 0 }))),
    nr_fowns: plan.owners.length,
    creds: c ? credsValue(c, groupsAt) : { change: 0 },
    finish_area: finishArea,
    finish_len: finishLen,
    region_start: start,
    fault_step: faultStep,
    tracer_wait: plan.tracerRegsets.length > 0 ? 1 : 0,
    epoll_items: writeArray('rst_epoll_item', fds.epoll.map((e) => ({ epfd: e.epfd, fd: e.fd, events: e.events, data: e.data }))),
    nr_epoll_items: fds.epoll.length,
    rlimits: writeArray('rst_rlimit', rlimits.map(([resource, cur, max]) => ({ resource, cur, max }))),
    nr_rlimits: rlimits.length,
    ...(fds.late ? {
      late_wait: 1, late_from: fds.late.from, late_gate: fds.late.gate,
      late_fds: writeArray('rst_late_fd', fds.late.fds.map((l) => ({ fd: l.fd, source: l.source, cloexec: l.cloexec ? 1 : 0 }))), nr_late_fds: fds.late.fds.length,
    } : {}),
  }, buf, 0, hostLittleEndian);
  return { start, len, argsAddr, stackTop: argsAddr, args: buf };
}

/** Whether the task ran with other ids than ours (we are who creates it). */
/** struct rst_creds for c, its groups written at groupsAt. */
function credsValue(c: Creds, groupsAt: bigint): StructValue {
  return {
    uid: c.uid, euid: c.euid, suid: c.suid, fsuid: c.fsuid, gid: c.gid, egid: c.egid, sgid: c.sgid, fsgid: c.fsgid,
    change: credsDiffer(c) ? 1 : 0, nr_groups: c.groups.length, groups: groupsAt,
    no_new_privs: c.noNewPrivs ? 1 : 0,
    ...(c.caps
      ? { has_caps: 1, secbits: c.caps.secbits, cap_inh: c.caps.inh, cap_prm: c.caps.prm, cap_eff: c.caps.eff, cap_bnd: c.caps.bnd, cap_amb: c.caps.amb }
      : {}),
  };
}

function credsDiffer(c: Creds): boolean {
  const uid = process.geteuid?.() ?? 0;
  const gid = process.getegid?.() ?? 0;
  const ours = (process.getgroups?.() ?? []).slice().sort().join(',');
  return [c.uid, c.euid, c.suid, c.fsuid].some((v) => v !== uid) || [c.gid, c.egid, c.sgid, c.fsgid].some((v) => v !== gid) ||
    [...c.groups].sort().join(',') !== ours;
}
