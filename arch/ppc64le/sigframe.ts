// The ppc64 rt_sigframe as the restorer's final rt_sigreturn reads it: the ucontext, at r1
// (the vDSO trampoline pops the handler's dummy frame first). The ucontext's sigcontext
// holds the pt_regs words, the FP registers and a pointer to a 16-aligned Altivec area
// (vr0-31, vscr, vrsave) followed by the VSX low doublewords, all inside the sigcontext.
import type { RawRegs, SigframeInput } from '../../src/arch/descriptor.js';
import { FP_SIZE, FP_VMX, FP_VSX, FPR_SIZE, GP_SIZE, PT, VMX_SIZE } from './regs.js';
import { writeUcontextHead } from '../../src/arch/ucontext.js';

// struct ucontext, from the frame's start.
const UC_SIGMASK = 40;
const SC = 168; // uc_mcontext, after the sigmask and its growth room
const SC_OLDMASK = SC + 48;
const SC_REGS_PTR = SC + 56;
const SC_GP = SC + 64;
const SC_FP = SC + 448;
const SC_VREGS_PTR = SC + 712;
const SC_VMX_RESERVE = SC + 720;
const SC_END = SC + 1528;
export const SIGFRAME_SIZE = SC_END;

const MSR_VEC = 1n << 25n;
const MSR_VSX = 1n << 23n;

/** The frame does not depend on the FP state's size: the sigcontext is fixed. */
export function sigframeSize(_fpBytes: number): number {
  return SIGFRAME_SIZE;
}

/** The frame to place at `at` (16-byte aligned); rt_sigreturn wants r1 = at. */
export function buildSigframe(regs: RawRegs, f: SigframeInput, at: bigint): { bytes: Buffer; sp: bigint } {
  if (at % 16n !== 0n) throw new Error(`criu-ts: sigframe at 0x${at.toString(16)} is not 16-byte aligned`);
  if (regs.fp.length < FP_SIZE) throw new Error(`criu-ts: ppc64 FP state of ${regs.fp.length} bytes, expected ${FP_SIZE}`);
  const buf = Buffer.alloc(SIGFRAME_SIZE);
  writeUcontextHead(buf, 0, 0n, f.altstack, true);
  const mask = BigInt.asUintN(64, f.sigmask);
  buf.writeBigUInt64LE(mask, UC_SIGMASK);
  buf.writeBigUInt64LE(mask, SC_OLDMASK);
  buf.writeBigUInt64LE(at + BigInt(SC_GP), SC_REGS_PTR);

  regs.gp.copy(buf, SC_GP, 0, GP_SIZE);
  // The kernel takes Altivec and VSX state from the frame only when the MSR says they are in use.
  const msr = buf.readBigUInt64LE(SC_GP + PT.MSR * 8);
  buf.writeBigUInt64LE(msr | MSR_VEC | MSR_VSX, SC_GP + PT.MSR * 8);
  regs.fp.copy(buf, SC_FP, 0, FPR_SIZE);

  const vregs = Math.ceil(Number(at + BigInt(SC_VMX_RESERVE)) / 16) * 16 - Number(at);
  buf.writeBigUInt64LE(at + BigInt(vregs), SC_VREGS_PTR);
  regs.fp.copy(buf, vregs, FP_VMX, FP_VSX); // vr0-31, vscr, vrsave
  regs.fp.copy(buf, vregs + VMX_SIZE, FP_VSX, FP_SIZE);
  return { bytes: buf, sp: at };
}

/** r13, the thread pointer, is a general register restored from the frame. */
export function tlsRegisters(_regs: RawRegs): [bigint, bigint] {
  return [0n, 0n];
}
