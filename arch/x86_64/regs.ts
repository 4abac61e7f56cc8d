// x86_64 register sets: raw ptrace regsets (NT_PRSTATUS = struct user_regs_struct,
// NT_X86_XSTATE = XSAVE standard format) <-> the core image's thread_info_x86
// (user_x86_regs_entry, user_x86_fpregs_entry with its xsave extension, user_desc_t TLS).
// Both directions: the dumper reads, the restorer writes.
import type { ArchRegs, RawRegs, ThreadInfoBody } from '../../src/arch/descriptor.js';
import type { UserDescT, UserX86FpregsEntry, UserX86RegsEntry, UserX86XsaveEntry } from '../../src/images/entries.js';
import { cpuidCount } from '../../src/sys/cpu.js';
import { getRegset, getThreadArea, setRegset, NT_PRSTATUS, NT_X86_XSTATE } from '../../src/sys/ptrace.js';
import { EINTR, restartAction } from '../../src/arch/syscall-restart.js';

/** user_regs_struct, in the kernel's order; the image's field names. */
export const gpregNames = [
  'r15', 'r14', 'r13', 'r12', 'bp', 'bx', 'r11', 'r10', 'r9', 'r8', 'ax', 'cx', 'dx', 'si', 'di',
  'orig_ax', 'ip', 'cs', 'flags', 'sp', 'ss', 'fs_base', 'gs_base', 'ds', 'es', 'fs', 'gs',
] as const satisfies readonly (keyof UserX86RegsEntry)[];
export type GpregName = (typeof gpregNames)[number];
export const GPREGS_SIZE = gpregNames.length * 8;

const gpOffset = (name: GpregName): number => gpregNames.indexOf(name) * 8;

export function getGpreg(buf: Buffer, name: GpregName): bigint {
  return buf.readBigUInt64LE(gpOffset(name));
}

export function setGpreg(buf: Buffer, name: GpregName, value: bigint): void {
  buf.writeBigUInt64LE(BigInt.asUintN(64, value), gpOffset(name));
}

export function gpregsToEntry(buf: Buffer): UserX86RegsEntry {
  if (buf.length < GPREGS_SIZE) throw new Error(`criu-ts: NT_PRSTATUS of ${buf.length} bytes, expected ${GPREGS_SIZE}`);
  const regs = {} as Record<GpregName, bigint>; // every name is set below
  for (const name of gpregNames) regs[name] = getGpreg(buf, name);
  return { ...regs, mode: 'NATIVE' };
}

export function gpregsFromEntry(e: UserX86RegsEntry): Buffer {
  const buf = Buffer.alloc(GPREGS_SIZE);
  for (const name of gpregNames) {
    const v = e[name];
    if (v === undefined) throw new Error(`criu-ts: gpregs lacks ${name}`);
    setGpreg(buf, name, BigInt(v));
  }
  return buf;
}

/** Where each XSAVE component lives in the standard (non-compacted) format. */
export interface XsaveLayout {
  /** Component number -> byte offset and size. */
  components: Map<number, { offset: number; size: number }>;
}

// The legacy FXSAVE area (512 bytes) and the XSAVE header (64 bytes) are fixed.
export const FX = { cwd: 0, swd: 2, twd: 4, fop: 6, rip: 8, rdp: 16, mxcsr: 24, mxcsrMask: 28, st: 32, xmm: 160, swReserved: 464 };
export const XSTATE_BV = 512;
const XSAVE_HEADER_END = 576;
export const FP_XSTATE_MAGIC1 = 0x46505853;

/** The xsave fields of u32 words and of u64 words. */
type Xsave32Field = 'ymmh_space' | 'pkru';
type Xsave64Field = 'bndreg_state' | 'bndcsr_state' | 'opmask_reg' | 'zmm_upper' | 'hi16_zmm';

/** The image fields holding each user XSAVE component: [component, field, word size]. */
const xsaveFields: ([number, Xsave32Field, 4] | [number, Xsave64Field, 8])[] = [
  [2, 'ymmh_space', 4],
  [3, 'bndreg_state', 8],
  [4, 'bndcsr_state', 8],
  [5, 'opmask_reg', 8],
  [6, 'zmm_upper', 8],
  [7, 'hi16_zmm', 8],
  [9, 'pkru', 4],
];

let hostLayout: XsaveLayout | undefined;

/** The host CPU's layout, from CPUID leaf 0xD. */
export function hostXsaveLayout(): XsaveLayout {
  if (!hostLayout) {
    const components = new Map<number, { offset: number; size: number }>();
    const [maskLo] = cpuidCount(0xd, 0);
    for (const [comp] of xsaveFields) {
      if (!(maskLo & (1 << comp))) continue;
      const [size, offset] = cpuidCount(0xd, comp);
      if (size > 0) components.set(comp, { offset, size });
    }
    hostLayout = { components };
  }
  return hostLayout;
}

/** The size of an XSAVE buffer holding every component of the layout. */
export function xsaveSize(layout: XsaveLayout): number {
  let end = XSAVE_HEADER_END;
  for (const c of layout.components.values()) end = Math.max(end, c.offset + c.size);
  return end;
}

function readWords(buf: Buffer, off: number, bytes: number, word: 4): number[];
function readWords(buf: Buffer, off: number, bytes: number, word: 8): bigint[];
function readWords(buf: Buffer, off: number, bytes: number, word: 4 | 8): (number | bigint)[] {
  const out: (number | bigint)[] = [];
  for (let i = 0; i < bytes; i += word) out.push(word === 4 ? buf.readUInt32LE(off + i) : buf.readBigUInt64LE(off + i));
  return out;
}

function writeWords(buf: Buffer, off: number, words: readonly (number | bigint)[], word: 4 | 8, maxBytes: number): void {
  if (words.length * word > maxBytes) throw new Error(`criu-ts: fpregs field of ${words.length * word} bytes exceeds its ${maxBytes}-byte slot`);
  words.forEach((w, i) => {
    if (word === 4) buf.writeUInt32LE(Number(w), off + i * 4);
    else buf.writeBigUInt64LE(BigInt(w), off + i * 8);
  });
}

/** The features present in a ptrace XSTATE buffer (its software-reserved bytes say). */
function bufferFeatures(buf: Buffer): bigint | undefined {
  if (buf.length < 512 || buf.readUInt32LE(FX.swReserved) !== FP_XSTATE_MAGIC1) return undefined;
  return buf.readBigUInt64LE(FX.swReserved + 8);
}

/** NT_X86_XSTATE (or a 512-byte NT_PRFPREG) -> user_x86_fpregs_entry. */
export function fpregsToEntry(buf: Buffer, layout: XsaveLayout): UserX86FpregsEntry {
  if (buf.length < 512) throw new Error(`criu-ts: FPU state of ${buf.length} bytes, expected at least 512`);
  const e: UserX86FpregsEntry = {
    cwd: buf.readUInt16LE(FX.cwd), swd: buf.readUInt16LE(FX.swd), twd: buf.readUInt16LE(FX.twd), fop: buf.readUInt16LE(FX.fop),
    rip: buf.readBigUInt64LE(FX.rip), rdp: buf.readBigUInt64LE(FX.rdp),
    mxcsr: buf.readUInt32LE(FX.mxcsr), mxcsr_mask: buf.readUInt32LE(FX.mxcsrMask),
    st_space: readWords(buf, FX.st, 128, 4), xmm_space: readWords(buf, FX.xmm, 256, 4),
  };
  if (buf.length < XSAVE_HEADER_END) return e;
  const features = bufferFeatures(buf) ?? ~0n;
  const xsave: UserX86XsaveEntry = { xstate_bv: buf.readBigUInt64LE(XSTATE_BV) };
  for (const [comp, field, word] of xsaveFields) {
    const c = layout.components.get(comp);
    if (!c || !(features & (1n << BigInt(comp))) || c.offset + c.size > buf.length) continue;
    // One branch per word size: each narrows field to the fields of that word type.
    if (word === 4) xsave[field] = readWords(buf, c.offset, c.size, word);
    else xsave[field] = readWords(buf, c.offset, c.size, word);
  }
  e.xsave = xsave;
  return e;
}

/** A 16-bit register's value from an image, refused when it cannot be one. */
export function reg16(value: number | bigint | undefined, name: string): number {
  const v = Number(value ?? 0);
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new Error(`criu-ts: core image: register ${name} holds ${value}, which is not a 16-bit value`);
  return v;
}

/** user_x86_fpregs_entry -> an XSAVE buffer for NT_X86_XSTATE in this layout. */
export function fpregsFromEntry(e: UserX86FpregsEntry, layout: XsaveLayout): Buffer {
  const buf = Buffer.alloc(xsaveSize(layout));
  buf.writeUInt16LE(reg16(e.cwd, 'cwd'), FX.cwd);
  buf.writeUInt16LE(reg16(e.swd, 'swd'), FX.swd);
  buf.writeUInt16LE(reg16(e.twd, 'twd'), FX.twd);
  buf.writeUInt16LE(reg16(e.fop, 'fop'), FX.fop);
  buf.writeBigUInt64LE(BigInt(e.rip ?? 0), FX.rip);
  buf.writeBigUInt64LE(BigInt(e.rdp ?? 0), FX.rdp);
  buf.writeUInt32LE(e.mxcsr ?? 0, FX.mxcsr);
  buf.writeUInt32LE(e.mxcsr_mask ?? 0, FX.mxcsrMask);
  writeWords(buf, FX.st, e.st_space ?? [], 4, 128);
  writeWords(buf, FX.xmm, e.xmm_space ?? [], 4, 256);
  const xsave = e.xsave;
  if (xsave) {
    let bv = BigInt(xsave.xstate_bv ?? 0);
    for (const [comp, field, word] of xsaveFields) {
      const words: readonly (number | bigint)[] | undefined = xsave[field];
      if (!words || words.length === 0) continue;
      const c = layout.components.get(comp);
      if (!c) {
        // State this CPU cannot hold: only acceptable if it is all zero (init state).
        if (words.some((w) => BigInt(w) !== 0n)) throw new Error(`criu-ts: image holds ${field} state this CPU lacks (XSAVE component ${comp})`);
        bv &= ~(1n << BigInt(comp));
        continue;
      }
      writeWords(buf, c.offset, words, word, c.size);
    }
    buf.writeBigUInt64LE(bv, XSTATE_BV);
  } else {
    buf.writeBigUInt64LE(3n, XSTATE_BV); // x87 + SSE from the legacy area
  }
  return buf;
}

// The kernel hands out and takes back NT_X86_XSTATE only whole: its size is every user feature the
// CPU enables, AMX tile data included (8 KiB more) even for tasks that never asked for AMX, and
// SETREGSET of any other length fails with EFAULT. Ask with room to spare; the kernel trims.
const XSTATE_READ_SIZE = 64 * 1024;

export function readRegs(tid: number): RawRegs {
  return { gp: getRegset(tid, NT_PRSTATUS, GPREGS_SIZE), fp: getRegset(tid, NT_X86_XSTATE, XSTATE_READ_SIZE) };
}

export function writeRegs(tid: number, regs: RawRegs): void {
  setRegset(tid, NT_PRSTATUS, regs.gp);
  setRegset(tid, NT_X86_XSTATE, regs.fp);
}

/** GDT TLS slots a 64-bit task may use (GDT_ENTRY_TLS_MIN..MAX). */
const TLS_ENTRIES = [12, 13, 14];

/** struct user_desc (16 bytes) -> user_desc_t. */
export function userDescToEntry(buf: Buffer): UserDescT {
  const flags = buf.readUInt32LE(12);
  return {
    entry_number: buf.readUInt32LE(0), base_addr: buf.readUInt32LE(4), limit: buf.readUInt32LE(8),
    seg_32bit: !!(flags & 1), contents_h: !!(flags & 4), contents_l: !!(flags & 2),
    read_exec_only: !!(flags & 8), limit_in_pages: !!(flags & 16), seg_not_present: !!(flags & 32), usable: !!(flags & 64),
  };
}

/** thread_info_x86 of a stopped thread, except clear_tid_addr (the caller asks the task). */
export function threadInfoOf(tid: number, regs: RawRegs): ThreadInfoBody<'thread_info'> {
  return {
    gpregs: gpregsToEntry(regs.gp),
    fpregs: fpregsToEntry(regs.fp, hostXsaveLayout()),
    tls: TLS_ENTRIES.map((n) => userDescToEntry(getThreadArea(tid, n))),
  };
}

/** The bytes of the syscall instruction. */
export const SYSCALL_INSN = Buffer.from([0x0f, 0x05]);

/**
 * Registers that make the thread execute syscall nr(args) at ip (where a syscall
 * instruction lies). orig_ax = -1 keeps the kernel from applying syscall restart to the
 * interrupted syscall the thread may have been in when it stopped.
 */
export function syscallRegs(orig: RawRegs, ip: bigint, nr: number, args: bigint[]): RawRegs {
  const regs = Buffer.from(orig.gp);
  const argRegs: GpregName[] = ['di', 'si', 'dx', 'r10', 'r8', 'r9'];
  if (args.length > argRegs.length) throw new Error(`criu-ts: syscall ${nr} with ${args.length} arguments`);
  setGpreg(regs, 'ip', ip);
  setGpreg(regs, 'ax', BigInt(nr));
  setGpreg(regs, 'orig_ax', -1n);
  args.forEach((a, i) => setGpreg(regs, argRegs[i]!, a));
  return { gp: regs, fp: orig.fp };
}

/** The syscall's return value (negative errno on failure) after its exit stop. */
export function syscallResult(regs: RawRegs): bigint {
  return BigInt.asIntN(64, getGpreg(regs.gp, 'ax'));
}


export function checkpointRegs(regs: RawRegs): RawRegs {
  const gp = Buffer.from(regs.gp);
  if (BigInt.asIntN(64, getGpreg(gp, 'orig_ax')) >= 0n) {
    const action = restartAction(BigInt.asIntN(64, getGpreg(gp, 'ax')));
    if (action === 'rerun') {
      // Re-execute the syscall instruction with the original number.
      setGpreg(gp, 'ax', getGpreg(gp, 'orig_ax'));
      setGpreg(gp, 'ip', getGpreg(gp, 'ip') - BigInt(SYSCALL_INSN.length));
    } else if (action === 'eintr') {
      // The restart block lives in the kernel and is lost: report an interrupted call.
      setGpreg(gp, 'ax', -EINTR);
    }
  }
  return { gp, fp: regs.fp };
}

/** The System V x86_64 ABI lets leaf code use 128 bytes below %rsp. */
const RED_ZONE = 128n;

export function stackScratch(regs: RawRegs, size: number): bigint {
  return (getGpreg(regs.gp, 'sp') - RED_ZONE - BigInt(size)) & ~15n;
}

export function blobCallRegs(regs: RawRegs, entry: bigint, sp: bigint, arg: bigint): RawRegs {
  const gp = Buffer.from(regs.gp);
  setGpreg(gp, 'ip', entry);
  setGpreg(gp, 'sp', sp);
  setGpreg(gp, 'di', arg);
  setGpreg(gp, 'orig_ax', -1n);
  return { gp, fp: regs.fp };
}

export const x86_64Regs: ArchRegs<'thread_info'> = {
  mtype: 'X86_64',
  threadInfoField: 'thread_info',
  readRegs,
  writeRegs,
  threadInfo: threadInfoOf,
  regsFromThreadInfo: (ti) => ({ gp: gpregsFromEntry(ti.gpregs), fp: fpregsFromEntry(ti.fpregs, hostXsaveLayout()) }),
  ip: (regs) => getGpreg(regs.gp, 'ip'),
  sp: (regs) => getGpreg(regs.gp, 'sp'),
  syscallInsn: SYSCALL_INSN,
  insnAlign: 1,
  syscallRegs,
  syscallResult,
  checkpointRegs,
  stackScratch,
  blobCallRegs,
};
