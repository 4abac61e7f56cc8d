// The arm64 rt_sigframe that the restorer's final rt_sigreturn consumes (the kernel reads
// it at sp): siginfo, then the ucontext whose sigcontext holds x0-x30, sp, pc, pstate and,
// in its __reserved area, a list of records: the fpsimd_context (required by the kernel)
// and the zero terminator.
import type { RawRegs, SigframeInput } from '../../src/arch/descriptor.js';
import { FP_TLS, FPSIMD_SIZE, GP_SIZE } from './regs.js';
import { writeUcontextHead } from '../../src/arch/ucontext.js';

const UC = 128; // struct rt_sigframe { struct siginfo info; struct ucontext uc; }
const UC_SIGMASK = UC + 40;
const MCONTEXT = UC + 176; // after uc_sigmask and its 1024-bit padding, 16-aligned
const SC_REGS = MCONTEXT + 8; // after fault_address; x0-x30, sp, pc, pstate as in user_pt_regs
const SC_RESERVED = MCONTEXT + 288;
const RESERVED_SIZE = 4096;
export const SIGFRAME_SIZE = SC_RESERVED + RESERVED_SIZE;

const FPSIMD_MAGIC = 0x46508001;
const FPSIMD_CONTEXT_SIZE = 16 + 512; // head {magic, size}, fpsr, fpcr, vregs[32]

/** The frame does not depend on the FP state's size: __reserved is fixed. */
export function sigframeSize(_fpBytes: number): number {
  return SIGFRAME_SIZE;
}

/** The frame to place at `at` (16-byte aligned); rt_sigreturn wants sp = at. */
export function buildSigframe(regs: RawRegs, f: SigframeInput, at: bigint): { bytes: Buffer; sp: bigint } {
  if (at % 16n !== 0n) throw new Error(`criu-ts: sigframe at 0x${at.toString(16)} is not 16-byte aligned`);
  if (regs.fp.length < FPSIMD_SIZE) throw new Error(`criu-ts: aarch64 FP state of ${regs.fp.length} bytes, expected ${FPSIMD_SIZE}`);
  const buf = Buffer.alloc(SIGFRAME_SIZE);
  writeUcontextHead(buf, UC, 0n, f.altstack, true);
  buf.writeBigUInt64LE(BigInt.asUintN(64, f.sigmask), UC_SIGMASK);
  regs.gp.copy(buf, SC_REGS, 0, GP_SIZE);

  buf.writeUInt32LE(FPSIMD_MAGIC, SC_RESERVED);
  buf.writeUInt32LE(FPSIMD_CONTEXT_SIZE, SC_RESERVED + 4);
  regs.fp.copy(buf, SC_RESERVED + 8, 512, 520); // fpsr, fpcr
  regs.fp.copy(buf, SC_RESERVED + 16, 0, 512); // v0-v31
  // The terminator record (magic 0, size 0) is the zeroes that follow.
  return { bytes: buf, sp: at };
}

/** tpidr_el0: the sigframe does not carry it; tpidr2 is not used by criu-ts yet. */
export function tlsRegisters(regs: RawRegs): [bigint, bigint] {
  return [regs.fp.readBigUInt64LE(FP_TLS), 0n];
}
