// Typed face of ptrace(2) and waitpid(2). Every call is synchronous and must run on the
// JS main thread: the thread that seized a tracee is the only one allowed to trace it.
import { addon } from './native.js';
import { readU32, readU64 } from './host-order.js';

interface PtraceAddon {
  ptraceSeize(pid: number, options: number): void;
  ptraceInterrupt(pid: number): void;
  ptraceCont(pid: number, sig?: number): void;
  ptraceSyscall(pid: number, sig?: number): void;
  ptraceDetach(pid: number, sig?: number): void;
  ptraceGetRegset(pid: number, nt: number, maxSize: number): Buffer;
  ptraceSetRegset(pid: number, nt: number, data: Buffer): void;
  ptracePeekSiginfo(pid: number, shared: boolean, offset: number, count: number): Buffer;
  ptraceGetSigmask(pid: number): bigint;
  ptraceSetSigmask(pid: number, mask: bigint): void;
  ptraceGetRseqConfiguration(pid: number): Buffer;
  waitpid(pid: number, options: number): [number, number];
  ptraceGetThreadArea?(pid: number, entry: number): Buffer;
  ptraceSeccompGetFilter(pid: number, index: number): Buffer;
  ptraceSeccompGetFlags(pid: number, index: number): number;
}

const native = () => addon<PtraceAddon>();

export const PTRACE_O_TRACESYSGOOD = 0x1;
/** Lets a seccomp-confined tracee run our syscalls (parasite) unfiltered; needs CAP_SYS_ADMIN. */
export const PTRACE_O_SUSPEND_SECCOMP = 0x200000;
export const PTRACE_EVENT_STOP = 128;

export const NT_PRSTATUS = 1;
export const NT_PRFPREG = 2;
export const NT_X86_XSTATE = 0x202;

export const WNOHANG = 1;
export const WALL = 0x40000000;

export const SIGKILL = 9;
export const SIGTRAP = 5;
export const SIGSTOP = 19;

export const seize = (pid: number, options = 0): void => native().ptraceSeize(pid, options);
export const interrupt = (pid: number): void => native().ptraceInterrupt(pid);
export const cont = (pid: number, sig = 0): void => native().ptraceCont(pid, sig);
/** Resumes until the next syscall entry or exit (PTRACE_SYSCALL). */
export const syscallStep = (pid: number, sig = 0): void => native().ptraceSyscall(pid, sig);
export const detach = (pid: number, sig = 0): void => native().ptraceDetach(pid, sig);
export const getRegset = (pid: number, nt: number, maxSize: number): Buffer => native().ptraceGetRegset(pid, nt, maxSize);
export const setRegset = (pid: number, nt: number, data: Buffer): void => native().ptraceSetRegset(pid, nt, data);
/** Pending siginfos (128 bytes each) of the thread, or of the whole process when shared. */
export function peekSiginfo(pid: number, shared: boolean): Buffer[] {
  const out: Buffer[] = [];
  for (;;) {
    const chunk = native().ptracePeekSiginfo(pid, shared, out.length, 32);
    for (let off = 0; off < chunk.length; off += 128) out.push(chunk.subarray(off, off + 128));
    if (chunk.length < 32 * 128) return out;
  }
}
export const getSigmask = (pid: number): bigint => native().ptraceGetSigmask(pid);
export const setSigmask = (pid: number, mask: bigint): void => native().ptraceSetSigmask(pid, mask);

export interface RseqConfiguration {
  rseqAbiPointer: bigint;
  rseqAbiSize: number;
  signature: number;
  flags: number;
}

/** The thread's registered rseq area (PTRACE_GET_RSEQ_CONFIGURATION); size 0 when none. */
export function getRseqConfiguration(pid: number): RseqConfiguration {
  const b = native().ptraceGetRseqConfiguration(pid);
  return { rseqAbiPointer: readU64(b, 0), rseqAbiSize: readU32(b, 8), signature: readU32(b, 12), flags: readU32(b, 16) };
}

/** The GDT TLS slot `entry` of a thread as a raw struct user_desc (x86 only). */
export function getThreadArea(pid: number, entry: number): Buffer {
  const fn = native().ptraceGetThreadArea;
  if (!fn) throw new Error('criu-ts: PTRACE_GET_THREAD_AREA exists only on x86');
  return fn(pid, entry);
}

/** The thread's seccomp filter `index` (0: the newest) as raw struct sock_filter[]. */
export const seccompGetFilter = (pid: number, index: number): Buffer => native().ptraceSeccompGetFilter(pid, index);
/** SECCOMP_FILTER_FLAG_* of the thread's filter `index`. */
export const seccompGetFlags = (pid: number, index: number): number => native().ptraceSeccompGetFlags(pid, index);

/** A decoded wait status. */
export type WaitStatus =
  | { pid: number; kind: 'exited'; code: number }
  | { pid: number; kind: 'signaled'; signal: number }
  | { pid: number; kind: 'stopped'; signal: number; event: number; syscallStop: boolean }
  | { pid: number; kind: 'none' };

export function decodeWaitStatus(pid: number, status: number): WaitStatus {
  if (pid === 0) return { pid, kind: 'none' };
  const low = status & 0x7f;
  if (low === 0) return { pid, kind: 'exited', code: (status >> 8) & 0xff };
  if ((status & 0xff) === 0x7f) {
    const sig = (status >> 8) & 0xff;
    return { pid, kind: 'stopped', signal: sig & 0x7f, event: (status >> 16) & 0xff, syscallStop: sig === (SIGTRAP | 0x80) };
  }
  return { pid, kind: 'signaled', signal: low };
}

/** waitpid(pid, __WALL | extra) decoded. */
export function wait(pid: number, extra = 0): WaitStatus {
  const [p, status] = native().waitpid(pid, WALL | extra);
  return decodeWaitStatus(p, status);
}
