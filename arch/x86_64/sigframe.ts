// The x86_64 rt_sigframe that the restorer's final rt_sigreturn consumes: the saved
// general registers (sigcontext), the FPU/AVX state (XSAVE standard format with the
// software-reserved bytes the kernel checks), the signal mask and the alternate stack.
import type { RawRegs, SigframeInput } from '../../src/arch/descriptor.js';
import { FP_XSTATE_MAGIC1, FX, getGpreg, hostXsaveLayout, reg16, XSTATE_BV, type GpregName } from './regs.js';
import { writeUcontextHead } from '../../src/arch/ucontext.js';

const UC = 8; // struct rt_sigframe { char *pretcode; struct ucontext uc; struct siginfo info; }
const MCONTEXT = UC + 40;
const UC_SIGMASK = UC + 296;
const SIGINFO_END = UC + 304 + 128;
/** fpstate must be 64-byte aligned for XRSTOR; the frame itself is placed 64-aligned. */
const FPSTATE = Math.ceil(SIGINFO_END / 64) * 64;

const UC_FP_XSTATE = 1n;
const UC_SIGCONTEXT_SS = 2n;
const UC_STRICT_RESTORE_SS = 4n;

const FP_XSTATE_MAGIC2 = 0x46505845;

/** struct sigcontext (64-bit): the general registers in its order, then segments. */
const sigcontextRegs: GpregName[] = ['r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'di', 'si', 'bp', 'bx', 'dx', 'ax', 'cx', 'sp', 'ip', 'flags'];
const SC_CS = 144;
const SC_SS = 150;
const SC_FPSTATE = 184;

/** Bytes needed for a frame whose FPU state is fpBytes long (plus MAGIC2). */
export function sigframeSize(fpBytes: number): number {
  return FPSTATE + fpBytes + 4;
}

/**
 * The frame to place at `at` (64-byte aligned) and the stack pointer rt_sigreturn wants.
 * A syscall the thread was stopped in was already set up for restart by the dumper
 * (ArchRegs.checkpointRegs; CRIU does the same), so the registers go in as they are.
 */
export function buildSigframe(regs: RawRegs, f: SigframeInput, at: bigint): { bytes: Buffer; sp: bigint } {
  if (at % 64n !== 0n) throw new Error(`criu-ts: sigframe at 0x${at.toString(16)} is not 64-byte aligned`);
  const buf = Buffer.alloc(sigframeSize(regs.fp.length));
  const reg = (n: GpregName): bigint => getGpreg(regs.gp, n);
  sigcontextRegs.forEach((n, i) => buf.writeBigUInt64LE(reg(n), MCONTEXT + i * 8));
  buf.writeUInt16LE(reg16(reg('cs'), 'cs'), MCONTEXT + SC_CS);
  buf.writeUInt16LE(reg16(reg('ss'), 'ss'), MCONTEXT + SC_SS);
  buf.writeBigUInt64LE(at + BigInt(FPSTATE), MCONTEXT + SC_FPSTATE);
  writeUcontextHead(buf, UC, UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS, f.altstack, true);
  buf.writeBigUInt64LE(BigInt.asUintN(64, f.sigmask), UC_SIGMASK);

  const fp = Buffer.from(regs.fp);
  if (fp.length > XSTATE_BV + 8) {
    // The kernel accepts extended state only with these software bytes and MAGIC2 after it.
    fp.writeUInt32LE(FP_XSTATE_MAGIC1, FX.swReserved);
    fp.writeUInt32LE(fp.length + 4, FX.swReserved + 4); // extended_size
    const features = layoutFeatures();
    fp.writeBigUInt64LE(features, FX.swReserved + 8); // xfeatures: what the buffer holds
    // XRSTOR faults on state bits this CPU does not enable (e.g. PKRU from another machine).
    fp.writeBigUInt64LE(fp.readBigUInt64LE(XSTATE_BV) & features, XSTATE_BV);
    fp.writeUInt32LE(fp.length, FX.swReserved + 16); // xstate_size
    buf.writeUInt32LE(FP_XSTATE_MAGIC2, FPSTATE + fp.length);
  }
  fp.copy(buf, FPSTATE);
  return { bytes: buf, sp: at + BigInt(UC) };
}

/** x87 and SSE plus every component of the host layout the buffer is laid out in. */
function layoutFeatures(): bigint {
  let mask = 3n;
  for (const comp of hostXsaveLayout().components.keys()) mask |= 1n << BigInt(comp);
  return mask;
}

/** fs_base and gs_base: the sigframe does not carry them. */
export function tlsRegisters(regs: RawRegs): [bigint, bigint] {
  return [getGpreg(regs.gp, 'fs_base'), getGpreg(regs.gp, 'gs_base')];
}
