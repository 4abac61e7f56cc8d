// ppc64le register sets: raw ptrace regsets <-> the core image's thread_info_ppc64.
//   gp: NT_PRSTATUS, the user view of struct pt_regs (48 u64: r0-r31, nip, msr, orig_gpr3,
//       ctr, link, xer, ccr, softe, trap, dar, dsisr, result, padding).
//   fp: NT_PRFPREG (fpr0-31, fpscr: 33 u64), then NT_PPC_VMX (vr0-31 and vscr as 33
//       quadwords, vrsave in the first word of a 34th), then NT_PPC_VSX (the low
//       doublewords of vsr0-31). The image keeps the same words in host order.
import type { ArchRegs, RawRegs, ThreadInfoBody } from '../../src/arch/descriptor.js';
import type { UserPpc64RegsEntry } from '../../src/images/entries.js';
import { getRegset, setRegset, NT_PRFPREG, NT_PRSTATUS } from '../../src/sys/ptrace.js';
import { EINTR, restartAction } from '../../src/arch/syscall-restart.js';

const NT_PPC_VMX = 0x100;
const NT_PPC_VSX = 0x102;

export const GP_SIZE = 48 * 8;
/** Word indexes in pt_regs. */
export const PT = { NIP: 32, MSR: 33, ORIG_R3: 34, CTR: 35, LNK: 36, XER: 37, CCR: 38, TRAP: 40 } as const;

export const FPR_SIZE = 33 * 8;
export const VMX_SIZE = 34 * 16;
export const VSX_SIZE = 32 * 8;
/** Offsets of the three parts in RawRegs.fp. */
export const FP_VMX = FPR_SIZE;
export const FP_VSX = FPR_SIZE + VMX_SIZE;
export const FP_SIZE = FP_VSX + VSX_SIZE;
const VRSAVE = FP_VMX + 33 * 16;

export const getR = (gp: Buffer, word: number): bigint => gp.readBigUInt64LE(word * 8);
export const setR = (gp: Buffer, word: number, v: bigint | number): void => {
  gp.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v)), word * 8);
};

function need(buf: Buffer, size: number, what: string): void {
  if (buf.length < size) throw new Error(`criu-ts: ppc64 ${what} of ${buf.length} bytes, expected ${size}`);
}

const words = (buf: Buffer, off: number, n: number): bigint[] => Array.from({ length: n }, (_, i) => buf.readBigUInt64LE(off + i * 8));

function putWords(buf: Buffer, off: number, list: readonly (bigint | number)[] | undefined, n: number, what: string): void {
  const ws = list ?? [];
  if (ws.length !== n) throw new Error(`criu-ts: ppc64 ${what} holds ${ws.length} words, expected ${n}`);
  ws.forEach((w, i) => buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(w)), off + i * 8));
}

/** The image's register names and their pt_regs words (softe, dar, dsisr, result are not kept). */
const gpFields = [
  ['nip', PT.NIP], ['msr', PT.MSR], ['orig_gpr3', PT.ORIG_R3], ['ctr', PT.CTR], ['link', PT.LNK], ['xer', PT.XER], ['ccr', PT.CCR], ['trap', PT.TRAP],
] as const satisfies readonly (readonly [keyof UserPpc64RegsEntry, number])[];

export function gpregsToEntry(gp: Buffer): UserPpc64RegsEntry {
  need(gp, GP_SIZE, 'NT_PRSTATUS');
  const e = { gpr: words(gp, 0, 32) } as UserPpc64RegsEntry; // the named registers are set below
  for (const [name, w] of gpFields) e[name] = getR(gp, w);
  return e;
}

export function gpregsFromEntry(e: UserPpc64RegsEntry): Buffer {
  const gp = Buffer.alloc(GP_SIZE);
  putWords(gp, 0, e.gpr, 32, 'gpregs');
  for (const [name, w] of gpFields) setR(gp, w, e[name] ?? 0n);
  return gp;
}

/** thread_info_ppc64 of a stopped thread, except clear_tid_addr (the caller asks the task). */
export function threadInfoOf(_tid: number, regs: RawRegs): ThreadInfoBody<'ti_ppc64'> {
  need(regs.fp, FP_SIZE, 'FP/VMX/VSX state');
  return {
    gpregs: gpregsToEntry(regs.gp),
    fpstate: { fpregs: words(regs.fp, 0, 33) },
    vrstate: { vrregs: words(regs.fp, FP_VMX, 66), vrsave: regs.fp.readUInt32LE(VRSAVE) },
    vsxstate: { vsxregs: words(regs.fp, FP_VSX, 32) },
  };
}

export function regsFromThreadInfo(ti: ThreadInfoBody<'ti_ppc64'>): RawRegs {
  if (ti.tmstate) throw new Error('criu-ts: the image holds transactional-memory state, which criu-ts cannot restore');
  const fp = Buffer.alloc(FP_SIZE);
  // A task that never used the FPU/Altivec/VSX may lack the state: zero is what it would read.
  if (ti.fpstate) putWords(fp, 0, ti.fpstate.fpregs, 33, 'fpstate');
  if (ti.vrstate) {
    putWords(fp, FP_VMX, ti.vrstate.vrregs, 66, 'vrstate');
    fp.writeUInt32LE(Number(ti.vrstate.vrsave ?? 0), VRSAVE);
  }
  if (ti.vsxstate) putWords(fp, FP_VSX, ti.vsxstate.vsxregs, 32, 'vsxstate');
  return { gp: gpregsFromEntry(ti.gpregs), fp };
}

export function readRegs(tid: number): RawRegs {
  const gp = getRegset(tid, NT_PRSTATUS, GP_SIZE);
  const parts: [number, number, string][] = [[NT_PRFPREG, FPR_SIZE, 'NT_PRFPREG'], [NT_PPC_VMX, VMX_SIZE, 'NT_PPC_VMX'], [NT_PPC_VSX, VSX_SIZE, 'NT_PPC_VSX']];
  need(gp, GP_SIZE, 'NT_PRSTATUS');
  const fp = parts.map(([nt, size, what]) => {
    const b = getRegset(tid, nt, size);
    need(b, size, what);
    return b.subarray(0, size);
  });
  return { gp, fp: Buffer.concat(fp) };
}

export function writeRegs(tid: number, regs: RawRegs): void {
  setRegset(tid, NT_PRSTATUS, regs.gp);
  setRegset(tid, NT_PRFPREG, regs.fp.subarray(0, FP_VMX));
  setRegset(tid, NT_PPC_VMX, regs.fp.subarray(FP_VMX, FP_VSX));
  setRegset(tid, NT_PPC_VSX, regs.fp.subarray(FP_VSX, FP_SIZE));
}

/** sc, little-endian. */
export const SC_INSN = Buffer.from([0x02, 0x00, 0x00, 0x44]);
/** CR0.SO: set by the kernel when a syscall (entered with sc) failed; r3 is then a positive errno. */
export const CR0_SO = 0x10000000n;

/** Number in r0, arguments in r3-r8; trap 0 so the kernel sees no syscall to restart. */
export function syscallRegs(regs: RawRegs, ip: bigint, nr: number, args: bigint[]): RawRegs {
  if (args.length > 6) throw new Error(`criu-ts: a syscall takes at most 6 arguments, got ${args.length}`);
  const gp = Buffer.from(regs.gp);
  setR(gp, 0, nr);
  args.forEach((a, i) => setR(gp, 3 + i, a));
  setR(gp, PT.NIP, ip);
  setR(gp, PT.TRAP, 0n);
  return { gp, fp: regs.fp };
}

export function syscallResult(regs: RawRegs): bigint {
  const r3 = BigInt.asIntN(64, getR(regs.gp, 3));
  return getR(regs.gp, PT.CCR) & CR0_SO ? -r3 : r3;
}

/** pt_regs.trap of a thread in a syscall entered with sc, and with scv (no CR0.SO there: r3 = -errno). */
const TRAP_SC = 0xc00n;
const TRAP_SCV = 0x3000n;

/**
 * ppc64 rewinds an interrupted syscall only after the tracer let the thread go, so at an
 * interrupt stop r3 still holds the -ERESTART* result: re-run the call (r3 = orig_gpr3,
 * nip back on the sc/scv) or, for a restart block the kernel keeps to itself, fail it with
 * EINTR. Either way no restart is left pending (trap 0). A trap with the no-restart flag
 * (0x10) does not match and is left alone, as the kernel would.
 */
export function checkpointRegs(regs: RawRegs): RawRegs {
  const gp = Buffer.from(regs.gp);
  const trap = getR(gp, PT.TRAP) & ~0xfn;
  let err: bigint;
  if (trap === TRAP_SC && getR(gp, PT.CCR) & CR0_SO) err = getR(gp, 3);
  else if (trap === TRAP_SCV) err = -BigInt.asIntN(64, getR(gp, 3));
  else return { gp, fp: regs.fp };
  const action = restartAction(-err);
  if (action === 'rerun') {
    setR(gp, 3, getR(gp, PT.ORIG_R3));
    setR(gp, PT.NIP, getR(gp, PT.NIP) - 4n);
    setR(gp, PT.CCR, getR(gp, PT.CCR) & ~CR0_SO);
    setR(gp, PT.TRAP, 0n);
  } else if (action === 'eintr') {
    setR(gp, 3, trap === TRAP_SC ? EINTR : -EINTR);
    setR(gp, PT.TRAP, 0n);
  }
  return { gp, fp: regs.fp };
}

/** The ELFv2 ABI lets code use 288 bytes below r1 (the red zone). */
const RED_ZONE = 288n;

export function stackScratch(regs: RawRegs, size: number): bigint {
  return (getR(regs.gp, 1) - RED_ZONE - BigInt(size)) & ~15n;
}

/** Starts a blob at entry (r12 = entry, as ELFv2 calls do) on stack sp with r3 = arg, no restart pending. */
export function blobCallRegs(regs: RawRegs, entry: bigint, sp: bigint, arg: bigint): RawRegs {
  const gp = Buffer.from(regs.gp);
  setR(gp, PT.NIP, entry);
  setR(gp, 12, entry);
  setR(gp, 1, sp);
  setR(gp, 3, arg);
  setR(gp, PT.TRAP, 0n);
  return { gp, fp: regs.fp };
}

export const ppc64leRegs: ArchRegs<'ti_ppc64'> = {
  mtype: 'PPC64',
  threadInfoField: 'ti_ppc64',
  readRegs,
  writeRegs,
  threadInfo: threadInfoOf,
  regsFromThreadInfo,
  ip: (regs) => getR(regs.gp, PT.NIP),
  sp: (regs) => getR(regs.gp, 1),
  syscallInsn: SC_INSN,
  insnAlign: 4,
  syscallRegs,
  syscallResult,
  checkpointRegs,
  stackScratch,
  blobCallRegs,
};
