// s390x register sets (big-endian): raw ptrace regsets <-> the core image's thread_info_s390.
//   gp = NT_PRSTATUS (s390_regs: psw mask/addr, r0-r15, a0-a15, orig_gpr2; 216 bytes)
//        followed by one 8-byte word holding NT_S390_SYSTEM_CALL (the interrupted syscall's
//        interruption code: ilc << 16 | svc number; 0 when not in a syscall). The kernel
//        reads only the first 216 bytes of a longer NT_PRSTATUS write.
//   fp = NT_PRFPREG (fpc, pad, f0-f15; 136 bytes), then, on CPUs with the vector facility,
//        NT_S390_VXRS_LOW (low halves of v0-v15; 128) and NT_S390_VXRS_HIGH (v16-v31; 256).
import type { ArchRegs, RawRegs, ThreadInfoBody } from '../../src/arch/descriptor.js';
import type { ThreadInfoS390, UserS390FpregsEntry, UserS390RegsEntry } from '../../src/images/entries.js';
import { isSysError } from '../../src/sys/native.js';
import { getRegset, setRegset, NT_PRFPREG, NT_PRSTATUS } from '../../src/sys/ptrace.js';
import { EINTR, restartAction } from '../../src/arch/syscall-restart.js';

export const NT_S390_SYSTEM_CALL = 0x307;
export const NT_S390_VXRS_LOW = 0x309;
export const NT_S390_VXRS_HIGH = 0x30a;

/** Byte offsets in the gp buffer. */
export const GP = { pswMask: 0, pswAddr: 8, gprs: 16, acrs: 144, origGpr2: 208, systemCall: 216 } as const;
export const PRSTATUS_SIZE = 216;
export const GP_SIZE = 224;

/** Byte offsets in the fp buffer. */
export const FP = { fpc: 0, fprs: 8, vxrsLow: 136, vxrsHigh: 264 } as const;
export const FPREGS_SIZE = 136;
export const FP_VX_SIZE = 520;

export const gpr = (gp: Buffer, n: number): bigint => gp.readBigUInt64BE(GP.gprs + n * 8);
export function setGpr(gp: Buffer, n: number, v: bigint): void {
  gp.writeBigUInt64BE(BigInt.asUintN(64, v), GP.gprs + n * 8);
}

function u64s(buf: Buffer, off: number, count: number): bigint[] {
  return Array.from({ length: count }, (_, i) => buf.readBigUInt64BE(off + i * 8));
}

function putU64s(buf: Buffer, off: number, words: readonly (bigint | number)[] | undefined, count: number, what: string): void {
  const w = words ?? [];
  if (w.length !== count) throw new Error(`criu-ts: s390 ${what} has ${w.length} words, expected ${count}`);
  w.forEach((v, i) => buf.writeBigUInt64BE(BigInt.asUintN(64, BigInt(v)), off + i * 8));
}

/** gp buffer -> user_s390_regs_entry. */
export function gpregsToEntry(gp: Buffer): UserS390RegsEntry {
  if (gp.length < GP_SIZE) throw new Error(`criu-ts: s390 gp registers of ${gp.length} bytes, expected ${GP_SIZE}`);
  return {
    psw_mask: gp.readBigUInt64BE(GP.pswMask),
    psw_addr: gp.readBigUInt64BE(GP.pswAddr),
    gprs: u64s(gp, GP.gprs, 16),
    acrs: Array.from({ length: 16 }, (_, i) => gp.readUInt32BE(GP.acrs + i * 4)),
    orig_gpr2: gp.readBigUInt64BE(GP.origGpr2),
    system_call: gp.readUInt32BE(GP.systemCall),
  };
}

/** user_s390_regs_entry -> gp buffer. */
export function gpregsFromEntry(e: UserS390RegsEntry): Buffer {
  const gp = Buffer.alloc(GP_SIZE);
  gp.writeBigUInt64BE(BigInt(e.psw_mask), GP.pswMask);
  gp.writeBigUInt64BE(BigInt(e.psw_addr), GP.pswAddr);
  putU64s(gp, GP.gprs, e.gprs, 16, 'gprs');
  const acrs = e.acrs ?? [];
  if (acrs.length !== 16) throw new Error(`criu-ts: s390 acrs has ${acrs.length} words, expected 16`);
  acrs.forEach((a, i) => gp.writeUInt32BE(Number(a) >>> 0, GP.acrs + i * 4));
  gp.writeBigUInt64BE(BigInt(e.orig_gpr2 ?? 0), GP.origGpr2);
  gp.writeUInt32BE(Number(e.system_call ?? 0) >>> 0, GP.systemCall);
  return gp;
}

const hasVector = (fp: Buffer): boolean => fp.length >= FP_VX_SIZE;

/** The fields of thread_info_s390 that hold the fp buffer. */
export type S390FpFields = Pick<ThreadInfoS390, 'fpregs' | 'vxrs_low' | 'vxrs_high'>;

/** fp buffer -> the fpregs, vxrs_low and vxrs_high fields of thread_info_s390. */
export function fpregsToEntries(fp: Buffer): S390FpFields {
  if (fp.length < FPREGS_SIZE) throw new Error(`criu-ts: s390 fp registers of ${fp.length} bytes, expected ${FPREGS_SIZE}`);
  const out: S390FpFields = { fpregs: { fpc: fp.readUInt32BE(FP.fpc), fprs: u64s(fp, FP.fprs, 16) } };
  if (hasVector(fp)) {
    out.vxrs_low = { regs: u64s(fp, FP.vxrsLow, 16) };
    out.vxrs_high = { regs: u64s(fp, FP.vxrsHigh, 32) };
  }
  return out;
}

/**
 * thread_info_s390 -> fp buffer. Vector state goes in only when the image has it; an image
 * without it restores f0-f15 (the high halves of v0-v15) and leaves the rest zero.
 */
export function fpregsFromEntries(ti: S390FpFields): Buffer {
  const low = ti.vxrs_low;
  const high = ti.vxrs_high;
  const fp = Buffer.alloc(low && high ? FP_VX_SIZE : FPREGS_SIZE);
  const f: Partial<UserS390FpregsEntry> = ti.fpregs ?? {};
  fp.writeUInt32BE(Number(f.fpc ?? 0) >>> 0, FP.fpc);
  putU64s(fp, FP.fprs, f.fprs, 16, 'fprs');
  if (low && high) {
    putU64s(fp, FP.vxrsLow, low.regs, 16, 'vxrs_low');
    putU64s(fp, FP.vxrsHigh, high.regs, 32, 'vxrs_high');
  }
  return fp;
}

/** A regset the CPU may lack (no vector facility: ENODEV); absent then. */
function optionalRegset(tid: number, nt: number, size: number): Buffer | undefined {
  try {
    return getRegset(tid, nt, size);
  } catch (e) {
    if (isSysError(e, 'ENODEV')) return undefined;
    throw e;
  }
}

export function readRegs(tid: number): RawRegs {
  const gp = Buffer.alloc(GP_SIZE);
  getRegset(tid, NT_PRSTATUS, PRSTATUS_SIZE).copy(gp);
  getRegset(tid, NT_S390_SYSTEM_CALL, 4).copy(gp, GP.systemCall);
  const fpr = getRegset(tid, NT_PRFPREG, FPREGS_SIZE);
  const low = optionalRegset(tid, NT_S390_VXRS_LOW, 128);
  const high = low && optionalRegset(tid, NT_S390_VXRS_HIGH, 256);
  const fp = Buffer.concat(low && high ? [fpr, low, high] : [fpr]);
  return { gp, fp };
}

export function writeRegs(tid: number, regs: RawRegs): void {
  setRegset(tid, NT_PRSTATUS, regs.gp.subarray(0, PRSTATUS_SIZE));
  setRegset(tid, NT_S390_SYSTEM_CALL, regs.gp.subarray(GP.systemCall, GP.systemCall + 4));
  setRegset(tid, NT_PRFPREG, regs.fp.subarray(0, FPREGS_SIZE));
  if (hasVector(regs.fp)) {
    setRegset(tid, NT_S390_VXRS_LOW, regs.fp.subarray(FP.vxrsLow, FP.vxrsHigh));
    setRegset(tid, NT_S390_VXRS_HIGH, regs.fp.subarray(FP.vxrsHigh, FP_VX_SIZE));
  }
}

export function threadInfoOf(_tid: number, regs: RawRegs): ThreadInfoBody<'ti_s390'> {
  return { gpregs: gpregsToEntry(regs.gp), ...fpregsToEntries(regs.fp) };
}

/** `svc 0`: the syscall number is taken from r1 (svc with an immediate only reaches 0-255). */
export const SYSCALL_INSN = Buffer.from([0x0a, 0x00]);

/** Registers that run syscall nr(args) at ip: number in r1, arguments in r2-r7. */
export function syscallRegs(orig: RawRegs, ip: bigint, nr: number, args: bigint[]): RawRegs {
  if (args.length > 6) throw new Error(`criu-ts: syscall ${nr} with ${args.length} arguments`);
  const gp = Buffer.from(orig.gp);
  gp.writeBigUInt64BE(ip, GP.pswAddr);
  setGpr(gp, 1, BigInt(nr));
  args.forEach((a, i) => setGpr(gp, 2 + i, a));
  return { gp, fp: orig.fp };
}

/** The result is in r2. */
export function syscallResult(regs: RawRegs): bigint {
  return BigInt.asIntN(64, gpr(regs.gp, 2));
}


/**
 * A thread stopped in a syscall (system_call != 0) that the kernel would restart is set up
 * to run the svc again: r2 gets its first argument back (orig_gpr2) and the PSW goes back
 * by the instruction length the interruption code carries; r1 (or the svc immediate)
 * still names the syscall. A restart block cannot be carried over: -EINTR instead.
 */
export function checkpointRegs(regs: RawRegs): RawRegs {
  const gp = Buffer.from(regs.gp);
  const systemCall = gp.readUInt32BE(GP.systemCall);
  if (systemCall !== 0) {
    const action = restartAction(BigInt.asIntN(64, gpr(gp, 2)));
    if (action === 'rerun') {
      setGpr(gp, 2, gp.readBigUInt64BE(GP.origGpr2));
      gp.writeBigUInt64BE(gp.readBigUInt64BE(GP.pswAddr) - BigInt(systemCall >>> 16), GP.pswAddr);
    } else if (action === 'eintr') {
      setGpr(gp, 2, -EINTR);
    }
    gp.writeUInt32BE(0, GP.systemCall);
  }
  return { gp, fp: regs.fp };
}

/**
 * The 160 bytes above r15 are the register save area of whatever the thread runs (its
 * callees' ABI slot); below r15 nothing is owned, but a guard keeps clear of anything a
 * signal-frame-like use just left there. 8-byte aligned like the ABI's stack.
 */
const STACK_GUARD = 256n;

export function stackScratch(regs: RawRegs, size: number): bigint {
  return (gpr(regs.gp, 15) - STACK_GUARD - BigInt(size)) & ~7n;
}

/**
 * Registers that start a blob at entry with r2 = arg and r15 = sp (the blob's entry makes
 * its own ABI save area). r2 no longer holds an -ERESTART* code, so the kernel restarts
 * nothing when the thread leaves its stop; the system-call word is cleared all the same.
 */
export function blobCallRegs(regs: RawRegs, entry: bigint, sp: bigint, arg: bigint): RawRegs {
  const gp = Buffer.from(regs.gp);
  gp.writeBigUInt64BE(entry, GP.pswAddr);
  setGpr(gp, 15, sp);
  setGpr(gp, 2, arg);
  gp.writeUInt32BE(0, GP.systemCall);
  return { gp, fp: regs.fp };
}

export const s390xRegs: ArchRegs<'ti_s390'> = {
  mtype: 'S390',
  threadInfoField: 'ti_s390',
  readRegs,
  writeRegs,
  threadInfo: threadInfoOf,
  regsFromThreadInfo: (ti) => ({ gp: gpregsFromEntry(ti.gpregs), fp: fpregsFromEntries(ti) }),
  ip: (regs) => regs.gp.readBigUInt64BE(GP.pswAddr),
  sp: (regs) => gpr(regs.gp, 15),
  syscallInsn: SYSCALL_INSN,
  insnAlign: 2,
  syscallRegs,
  syscallResult,
  checkpointRegs,
  stackScratch,
  blobCallRegs,
};
