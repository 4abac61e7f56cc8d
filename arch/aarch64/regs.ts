// aarch64 register sets: raw ptrace regsets <-> the core image's thread_info_aarch64.
//   gp: NT_PRSTATUS, struct user_pt_regs { x0..x30, sp, pc, pstate } (34 u64).
//   fp: NT_PRFPREG, struct user_fpsimd_state { v0..v31 (u128), fpsr, fpcr, 2 reserved u32 },
//       followed by NT_ARM_TLS (tpidr_el0): the thread pointer has no place in the
//       sigframe, so it travels with the state the sigframe does not hold either way.
//   pointer-authentication keys: NT_ARM_PACA_KEYS, NT_ARM_PACG_KEYS, NT_ARM_PAC_ENABLED_KEYS,
//       in thread_info_aarch64.pac_keys; only a tracer can set them (see tracerRegsets).
import type { ArchRegs, RawRegs, ThreadInfoBody, TracerRegset } from '../../src/arch/descriptor.js';
import type { PacAddressKeys, PacKeys, ThreadInfoAarch64, UserAarch64FpsimdContextEntry, UserAarch64RegsEntry } from '../../src/images/entries.js';
import { isSysError } from '../../src/sys/native.js';
import { getRegset, setRegset, NT_PRFPREG, NT_PRSTATUS } from '../../src/sys/ptrace.js';

const NT_ARM_TLS = 0x401;

export const GP_SIZE = 34 * 8;
const SP = 31 * 8;
const PC = 32 * 8;
const PSTATE = 33 * 8;

export const FPSIMD_SIZE = 32 * 16 + 16;
const FPSR = 512;
const FPCR = 516;
/** Offset of tpidr_el0 in RawRegs.fp. */
export const FP_TLS = FPSIMD_SIZE;
export const FP_SIZE = FPSIMD_SIZE + 8;

const u64 = (buf: Buffer, off: number): bigint => buf.readBigUInt64LE(off);
const setU64 = (buf: Buffer, off: number, v: bigint | number): void => {
  buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v)), off);
};

export const getX = (gp: Buffer, n: number): bigint => u64(gp, n * 8);
export const setX = (gp: Buffer, n: number, v: bigint): void => setU64(gp, n * 8, v);
export const getPc = (gp: Buffer): bigint => u64(gp, PC);
export const getSp = (gp: Buffer): bigint => u64(gp, SP);

function need(buf: Buffer, size: number, what: string): void {
  if (buf.length < size) throw new Error(`criu-ts: aarch64 ${what} of ${buf.length} bytes, expected ${size}`);
}

export function gpregsToEntry(gp: Buffer): UserAarch64RegsEntry {
  need(gp, GP_SIZE, 'NT_PRSTATUS');
  return { regs: Array.from({ length: 31 }, (_, i) => getX(gp, i)), sp: u64(gp, SP), pc: u64(gp, PC), pstate: u64(gp, PSTATE) };
}

export function gpregsFromEntry(e: UserAarch64RegsEntry): Buffer {
  const regs = e.regs ?? [];
  if (regs.length !== 31) throw new Error(`criu-ts: aarch64 gpregs holds ${regs.length} registers, expected 31`);
  const gp = Buffer.alloc(GP_SIZE);
  regs.forEach((v, i) => setU64(gp, i * 8, v));
  setU64(gp, SP, e.sp);
  setU64(gp, PC, e.pc);
  setU64(gp, PSTATE, e.pstate);
  return gp;
}

/** The FP/SIMD part of RawRegs.fp -> user_aarch64_fpsimd_context_entry (vregs as low, high u64 pairs). */
export function fpsimdToEntry(fp: Buffer): UserAarch64FpsimdContextEntry {
  need(fp, FPSIMD_SIZE, 'NT_PRFPREG');
  return { vregs: Array.from({ length: 64 }, (_, i) => u64(fp, i * 8)), fpsr: fp.readUInt32LE(FPSR), fpcr: fp.readUInt32LE(FPCR) };
}

/** user_aarch64_fpsimd_context_entry and tpidr_el0 -> RawRegs.fp. */
export function fpFromEntry(e: UserAarch64FpsimdContextEntry, tls: bigint): Buffer {
  const vregs = e.vregs ?? [];
  if (vregs.length !== 64) throw new Error(`criu-ts: aarch64 fpsimd holds ${vregs.length} words, expected 64`);
  const fp = Buffer.alloc(FP_SIZE);
  vregs.forEach((v, i) => setU64(fp, i * 8, v));
  fp.writeUInt32LE(Number(e.fpsr ?? 0), FPSR);
  fp.writeUInt32LE(Number(e.fpcr ?? 0), FPCR);
  setU64(fp, FP_TLS, tls);
  return fp;
}

export function readRegs(tid: number): RawRegs {
  const gp = getRegset(tid, NT_PRSTATUS, GP_SIZE);
  const fpsimd = getRegset(tid, NT_PRFPREG, FPSIMD_SIZE);
  const tls = getRegset(tid, NT_ARM_TLS, 8);
  need(gp, GP_SIZE, 'NT_PRSTATUS');
  need(fpsimd, FPSIMD_SIZE, 'NT_PRFPREG');
  need(tls, 8, 'NT_ARM_TLS');
  return { gp, fp: Buffer.concat([fpsimd.subarray(0, FPSIMD_SIZE), tls.subarray(0, 8)]) };
}

export function writeRegs(tid: number, regs: RawRegs): void {
  setRegset(tid, NT_PRSTATUS, regs.gp);
  setRegset(tid, NT_PRFPREG, regs.fp.subarray(0, FPSIMD_SIZE));
  setRegset(tid, NT_ARM_TLS, regs.fp.subarray(FP_TLS, FP_TLS + 8));
}

export const NT_ARM_PACA_KEYS = 0x407;
export const NT_ARM_PACG_KEYS = 0x408;
export const NT_ARM_PAC_ENABLED_KEYS = 0x40a;
/** apia, apib, apda, apdb: 128 bits each, the low u64 first; their [low, high] fields in pac_address_keys. */
const ADDRESS_KEYS = [
  ['apiakey_lo', 'apiakey_hi'], ['apibkey_lo', 'apibkey_hi'], ['apdakey_lo', 'apdakey_hi'], ['apdbkey_lo', 'apdbkey_hi'],
] as const satisfies readonly (readonly [keyof PacAddressKeys, keyof PacAddressKeys])[];
const PACA_SIZE = 64;
const PACG_SIZE = 16;
/** PR_PAC_APIAKEY | APIBKEY | APDAKEY | APDBKEY: what exec gives, and all a kernel without the regset knows. */
export const PAC_ALL_ENABLED = 0xfn;

/** Raw PAC regsets of a thread; a CPU or kernel without pointer authentication has none. */
export interface PacRegsets {
  address?: Buffer;
  enabled?: bigint;
  generic?: Buffer;
}

function optionalRegset(tid: number, note: number, size: number): Buffer | undefined {
  try {
    const b = getRegset(tid, note, size);
    return b.length >= size ? b : undefined;
  } catch (e) {
    // EINVAL: no such regset here (no PAC, or a kernel before the enabled-keys regset).
    if (isSysError(e, 'EINVAL') || isSysError(e, 'ENODEV')) return undefined;
    throw e;
  }
}

export function readPacRegsets(tid: number): PacRegsets {
  const address = optionalRegset(tid, NT_ARM_PACA_KEYS, PACA_SIZE);
  const enabled = optionalRegset(tid, NT_ARM_PAC_ENABLED_KEYS, 8);
  const generic = optionalRegset(tid, NT_ARM_PACG_KEYS, PACG_SIZE);
  return { ...(address ? { address } : {}), ...(enabled ? { enabled: u64(enabled, 0) } : {}), ...(generic ? { generic } : {}) };
}

/** pac_keys of thread_info_aarch64, or undefined when the thread has no keys. */
export function pacKeysToEntry(p: PacRegsets): PacKeys | undefined {
  if (!p.address && !p.generic) return undefined;
  const out: PacKeys = {};
  if (p.address) {
    const a = {} as PacAddressKeys; // every field is set below
    ADDRESS_KEYS.forEach(([lo, hi], i) => {
      a[lo] = u64(p.address!, i * 16);
      a[hi] = u64(p.address!, i * 16 + 8);
    });
    a.pac_enabled_key = p.enabled ?? PAC_ALL_ENABLED;
    out.pac_address_keys = a;
  }
  if (p.generic) out.pac_generic_keys = { apgakey_lo: u64(p.generic, 0), apgakey_hi: u64(p.generic, 8) };
  return out;
}

/**
 * The keys of an image's thread info as regsets to write by ptrace: a restored task starts
 * with criu-ts's keys, and return addresses signed before the dump only authenticate with
 * the dumped ones. The enabled-keys mask is left out when it is the default every task
 * (ours included) starts with, so kernels without that regset can restore such images.
 */
export function pacRegsetsFromThreadInfo(ti: Pick<ThreadInfoAarch64, 'pac_keys'>): TracerRegset[] {
  const keys = ti.pac_keys;
  const out: TracerRegset[] = [];
  const a = keys?.pac_address_keys;
  if (a) {
    const data = Buffer.alloc(PACA_SIZE);
    ADDRESS_KEYS.forEach(([lo, hi], i) => {
      setU64(data, i * 16, a[lo] ?? 0n);
      setU64(data, i * 16 + 8, a[hi] ?? 0n);
    });
    out.push({ note: NT_ARM_PACA_KEYS, name: 'NT_ARM_PACA_KEYS', data });
    const enabled = BigInt(a.pac_enabled_key ?? PAC_ALL_ENABLED);
    if (enabled !== PAC_ALL_ENABLED) {
      const mask = Buffer.alloc(8);
      setU64(mask, 0, enabled);
      out.push({ note: NT_ARM_PAC_ENABLED_KEYS, name: 'NT_ARM_PAC_ENABLED_KEYS', data: mask });
    }
  }
  const g = keys?.pac_generic_keys;
  if (g) {
    const data = Buffer.alloc(PACG_SIZE);
    setU64(data, 0, g.apgakey_lo ?? 0n);
    setU64(data, 8, g.apgakey_hi ?? 0n);
    out.push({ note: NT_ARM_PACG_KEYS, name: 'NT_ARM_PACG_KEYS', data });
  }
  return out;
}

/**
 * thread_info_aarch64 of a stopped thread, except clear_tid_addr (the caller asks the task).
 * The PAC keys are read from every thread, not just the leader: threads share them unless
 * one reset its own (PR_PAC_RESET_KEYS), and the restore plan must see that to refuse it.
 */
export function threadInfoOf(tid: number, regs: RawRegs, pac: PacRegsets = readPacRegsets(tid)): ThreadInfoBody<'ti_aarch64'> {
  const keys = pacKeysToEntry(pac);
  return { tls: u64(regs.fp, FP_TLS), gpregs: gpregsToEntry(regs.gp), fpsimd: fpsimdToEntry(regs.fp), ...(keys ? { pac_keys: keys } : {}) };
}

export function regsFromThreadInfo(ti: ThreadInfoBody<'ti_aarch64'>): RawRegs {
  return { gp: gpregsFromEntry(ti.gpregs), fp: fpFromEntry(ti.fpsimd, BigInt(ti.tls ?? 0)) };
}

/** svc #0, little-endian. */
export const SVC_INSN = Buffer.from([0x01, 0x00, 0x00, 0xd4]);
const SYSCALL_NR_REG = 8;

/** The syscall number goes in x8, arguments in x0-x5; the result comes back in x0. */
export function syscallRegs(regs: RawRegs, ip: bigint, nr: number, args: bigint[]): RawRegs {
  if (args.length > 6) throw new Error(`criu-ts: a syscall takes at most 6 arguments, got ${args.length}`);
  const gp = Buffer.from(regs.gp);
  args.forEach((a, i) => setX(gp, i, a));
  setX(gp, SYSCALL_NR_REG, BigInt(nr));
  setU64(gp, PC, ip);
  return { gp, fp: regs.fp };
}

export function syscallResult(regs: RawRegs): bigint {
  return BigInt.asIntN(64, getX(regs.gp, 0));
}

/**
 * The arm64 kernel prepares a syscall restart before it stops the thread for the tracer
 * (x0 = the original first argument, pc back on the svc), so what ptrace shows at an
 * interrupt stop already re-runs the call; there is no -ERESTART* value left to rewrite.
 */
export function checkpointRegs(regs: RawRegs): RawRegs {
  return regs;
}

/** AAPCS64 has no red zone: everything below sp is free; sp stays 16-byte aligned. */
export function stackScratch(regs: RawRegs, size: number): bigint {
  return (getSp(regs.gp) - BigInt(size)) & ~15n;
}

/** Starts a blob at entry on stack sp with x0 = arg (no restart is pending: see checkpointRegs). */
export function blobCallRegs(regs: RawRegs, entry: bigint, sp: bigint, arg: bigint): RawRegs {
  const gp = Buffer.from(regs.gp);
  setU64(gp, PC, entry);
  setU64(gp, SP, sp);
  setX(gp, 0, arg);
  return { gp, fp: regs.fp };
}

export const aarch64Regs: ArchRegs<'ti_aarch64'> = {
  mtype: 'AARCH64',
  threadInfoField: 'ti_aarch64',
  readRegs,
  writeRegs,
  threadInfo: (tid, regs) => threadInfoOf(tid, regs),
  regsFromThreadInfo,
  ip: (regs) => getPc(regs.gp),
  sp: (regs) => getSp(regs.gp),
  syscallInsn: SVC_INSN,
  insnAlign: 4,
  syscallRegs,
  syscallResult,
  checkpointRegs,
  stackScratch,
  blobCallRegs,
};
