// Injected syscalls: running a syscall inside a stopped thread of the target (to map and
// unmap the parasite's area, and read what the parasite needs before it starts). We point
// the thread at a syscall instruction that already exists in its vDSO (so no code is
// written into the target), load the arguments, and step it with PTRACE_SYSCALL to the
// syscall's exit stop. Output structs land on the thread's own stack, below its stack
// pointer (memory the ABI already treats as clobberable). Signals are blocked only while
// one call runs, and between calls the thread holds its own registers (restart-adjusted):
// if we die outside those few microseconds, the kernel detaches it and it carries on.
// park() puts the exact original registers back and returns the thread to an ordinary
// interrupt stop, from which the kernel restarts an interrupted syscall as usual.
import fs from 'node:fs';
import type { ArchDescriptor, ArchRegs, RawRegs } from '../arch/descriptor.js';
import * as ptrace from '../sys/ptrace.js';
import { readMemory } from '../sys/memory.js';
import { ALL_SIGNALS } from '../sys/signal.js';
import { parseMaps } from '../proc/maps.js';

/** Finds a syscall instruction in the target's vDSO. */
export function findSyscallInsn(pid: number, regs: ArchRegs): bigint {
  const vdso = parseMaps(fs.readFileSync(`/proc/${pid}/maps`, 'utf8')).find((v) => v.name === '[vdso]');
  if (!vdso) throw new Error(`criu-ts: ${pid} has no [vdso]; cannot inject syscalls`);
  const code = readMemory(pid, Number(vdso.start), Number(vdso.end - vdso.start));
  // A match inside another instruction is no instruction: only aligned ones count.
  let at = code.indexOf(regs.syscallInsn);
  while (at >= 0 && at % regs.insnAlign !== 0) at = code.indexOf(regs.syscallInsn, at + 1);
  if (at < 0) throw new Error(`criu-ts: no syscall instruction in ${pid}'s [vdso]`);
  return vdso.start + BigInt(at);
}

/** Bytes of stack scratch each thread offers; enough for any output struct we ask for. */
export const SCRATCH_SIZE = 64;

/** A thread we run syscalls in. Create, call(), then always park(). */
export class RemoteThread {
  private readonly regs: ArchRegs;
  private readonly orig: RawRegs;
  /** The original registers with a pending syscall restart applied: safe to run from. */
  private readonly safe: RawRegs;
  readonly origMask: bigint;
  private dirty = false;
  /** Where injected syscalls may write their output: free stack below the thread's sp. */
  readonly scratch: bigint;

  constructor(private readonly arch: ArchDescriptor, readonly tid: number, private readonly insn: bigint, orig: RawRegs) {
    if (!arch.regs) throw new Error(`criu-ts: no register support for ${arch.name}`);
    this.regs = arch.regs;
    this.orig = orig;
    this.safe = arch.regs.checkpointRegs(orig);
    this.scratch = arch.regs.stackScratch(orig, SCRATCH_SIZE);
    this.origMask = ptrace.getSigmask(tid);
  }

  /** Runs syscall `name` with args; returns the raw result (negative errno on failure). */
  callRaw(name: string, args: (bigint | number)[] = []): bigint {
    const nr = this.arch.syscalls[name];
    if (nr === undefined) throw new Error(`criu-ts: syscall ${name} unknown on ${this.arch.name}`);
    const regs = this.regs.syscallRegs(this.orig, this.insn, nr, args.map((a) => BigInt(a)));
    this.dirty = true;
    ptrace.setSigmask(this.tid, ALL_SIGNALS);
    ptrace.setRegset(this.tid, ptrace.NT_PRSTATUS, regs.gp);
    try {
      for (const phase of ['entry', 'exit']) {
        let st: ptrace.WaitStatus;
        // A task that was stopped (SIGSTOP) reports its group-stop once more when resumed.
        for (let tries = 0; ; tries++) {
          ptrace.syscallStep(this.tid);
          st = ptrace.wait(this.tid);
          if (!(st.kind === 'stopped' && st.event === ptrace.PTRACE_EVENT_STOP && tries < 2)) break;
        }
        if (st.kind !== 'stopped' || !st.syscallStop) {
          throw new Error(`criu-ts: injected ${name} in ${this.tid}: expected a syscall ${phase} stop, got ${JSON.stringify(st)}`);
        }
      }
      return this.regs.syscallResult({ gp: ptrace.getRegset(this.tid, ptrace.NT_PRSTATUS, regs.gp.length), fp: this.orig.fp });
    } finally {
      ptrace.setRegset(this.tid, ptrace.NT_PRSTATUS, this.safe.gp);
      ptrace.setSigmask(this.tid, this.origMask);
    }
  }

  /** Like callRaw, but throws on an error result. */
  call(name: string, args: (bigint | number)[] = []): bigint {
    const r = this.callRaw(name, args);
    if (r < 0n && r > -4096n) throw new Error(`criu-ts: ${name} in ${this.tid} failed: errno ${-r}`);
    return r;
  }

  /**
   * Restores the original registers and leaves the thread in an interrupt stop again
   * (so detaching resumes it exactly as the seize found it). Signals stay blocked on the
   * short way there, so none is delivered on the original registers before the restart.
   */
  park(): void {
    if (!this.dirty) return;
    ptrace.setSigmask(this.tid, ALL_SIGNALS);
    this.regs.writeRegs(this.tid, this.orig);
    ptrace.interrupt(this.tid);
    ptrace.cont(this.tid);
    const st = ptrace.wait(this.tid);
    if (st.kind !== 'stopped' || st.event !== ptrace.PTRACE_EVENT_STOP) {
      throw new Error(`criu-ts: thread ${this.tid} did not return to an interrupt stop: ${JSON.stringify(st)}`);
    }
    ptrace.setSigmask(this.tid, this.origMask);
    this.dirty = false;
  }
}
