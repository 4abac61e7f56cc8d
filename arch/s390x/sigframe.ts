// The s390x rt_sigframe that the restorer's final rt_sigreturn consumes (big-endian):
//   [0, 160)  register save area of the (non-existent) handler's callees
//   160       svc rt_sigreturn (2 bytes), then siginfo at 168
//   296       ucontext_extended: flags, link, stack_t, _sigregs (PSW, r0-r15, a0-a15, fpc,
//             f0-f15), sigmask, padding to 128 bytes of mask, then _sigregs_ext (low halves
//             of v0-v15, v16-v31, reserved)
// rt_sigreturn finds the frame at r15 itself. The access registers a0/a1 (the thread
// pointer) are part of the frame, so nothing is left for rst_arch_set_tls.
import type { RawRegs, SigframeInput } from '../../src/arch/descriptor.js';
import { FP, FPREGS_SIZE, FP_VX_SIZE, GP } from './regs.js';
import { writeUcontextHead } from '../../src/arch/ucontext.js';

const SVC_INSN = 160;
const UC = 296;
const MCONTEXT = UC + 40;
const MC_FPREGS = MCONTEXT + 208;
const UC_SIGMASK = UC + 384;
const UC_EXT = UC + 512;
const EXT_VXRS_LOW = UC_EXT;
const EXT_VXRS_HIGH = UC_EXT + 128;
export const SIGFRAME_SIZE = UC_EXT + 512;

const NR_RT_SIGRETURN = 173;
const UC_VXRS = 2n;

/** The frame has a fixed size: the vector extension is always there (ignored without VX). */
export function sigframeSize(_fpBytes: number): number {
  return SIGFRAME_SIZE;
}

/**
 * The frame to place at `at`, and the r15 rt_sigreturn wants (the frame itself). A syscall
 * the thread was stopped in was already set up for restart by ArchRegs.checkpointRegs.
 */
export function buildSigframe(regs: RawRegs, f: SigframeInput, at: bigint): { bytes: Buffer; sp: bigint } {
  if (at % 8n !== 0n) throw new Error(`criu-ts: sigframe at 0x${at.toString(16)} is not 8-byte aligned`);
  const buf = Buffer.alloc(SIGFRAME_SIZE);
  buf.writeUInt16BE(0x0a00 | NR_RT_SIGRETURN, SVC_INSN);
  // _s390_regs_common is the first 208 bytes of NT_PRSTATUS: PSW, r0-r15, a0-a15.
  regs.gp.copy(buf, MCONTEXT, GP.pswMask, GP.origGpr2);
  regs.fp.copy(buf, MC_FPREGS, FP.fpc, FPREGS_SIZE);
  const vector = regs.fp.length >= FP_VX_SIZE;
  if (vector) {
    regs.fp.copy(buf, EXT_VXRS_LOW, FP.vxrsLow, FP.vxrsHigh);
    regs.fp.copy(buf, EXT_VXRS_HIGH, FP.vxrsHigh, FP_VX_SIZE);
  }
  writeUcontextHead(buf, UC, vector ? UC_VXRS : 0n, f.altstack, false);
  buf.writeBigUInt64BE(BigInt.asUintN(64, f.sigmask), UC_SIGMASK);
  return { bytes: buf, sp: at };
}

/** The thread pointer lives in a0/a1, which the frame restores. */
export function tlsRegisters(_regs: RawRegs): [bigint, bigint] {
  return [0n, 0n];
}
