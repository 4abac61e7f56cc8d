// aarch64 register conversion and sigframe layout, on constructed register sets.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import {
  blobCallRegs, FP_SIZE, FP_TLS, GP_SIZE, getPc, getSp, getX, regsFromThreadInfo, stackScratch, syscallRegs, syscallResult, threadInfoOf,
} from './regs.js';
import { buildSigframe, SIGFRAME_SIZE, tlsRegisters } from './sigframe.js';
import { decodeFramed, encodeFramed } from '../../src/images/framing.js';
import { aarch64Restorer } from './restorer.js';
import { NT_ARM_PAC_ENABLED_KEYS, NT_ARM_PACA_KEYS, NT_ARM_PACG_KEYS, pacRegsetsFromThreadInfo } from './regs.js';
import type { ThreadInfoBody } from '../../src/arch/descriptor.js';
import type { CoreEntry, ThreadInfoAarch64 } from '../../src/images/entries.js';

const randomRegs = () => ({ gp: randomBytes(GP_SIZE), fp: randomBytes(FP_SIZE) });

describe('thread info', () => {
  it('round-trips every register byte through the image entry', () => {
    const regs = randomRegs();
    regs.fp.fill(0, 520, 528); // user_fpsimd_state's reserved words are not kept
    const ti = threadInfoOf(0, regs, {});
    expect(ti.gpregs.regs).toHaveLength(31);
    expect(ti.gpregs.pc).toBe(regs.gp.readBigUInt64LE(256));
    expect(ti.fpsimd.vregs![1]).toBe(regs.fp.readBigUInt64LE(8)); // v0 high half
    expect(ti.tls).toBe(regs.fp.readBigUInt64LE(FP_TLS));
    const back = regsFromThreadInfo(ti);
    expect(back.gp).toEqual(regs.gp);
    expect(back.fp).toEqual(regs.fp);
  });

  it('refuses a register list of the wrong length', () => {
    const ti = threadInfoOf(0, randomRegs(), {});
    ti.gpregs.regs!.pop();
    expect(() => regsFromThreadInfo(ti)).toThrow(/30 registers/);
  });
});

describe('syscall injection', () => {
  it('loads x8, x0-x5 and pc without touching the original', () => {
    const regs = randomRegs();
    const sys = syscallRegs(regs, 0x4000n, 222, [1n, 2n, 3n, 4n, 5n, 6n]);
    expect(getX(sys.gp, 8)).toBe(222n);
    expect(getX(sys.gp, 5)).toBe(6n);
    expect(getPc(sys.gp)).toBe(0x4000n);
    expect(getX(sys.gp, 9)).toBe(getX(regs.gp, 9));
    expect(getPc(regs.gp)).not.toBe(0x4000n);
    sys.gp.writeBigInt64LE(-22n, 0);
    expect(syscallResult(sys)).toBe(-22n);
  });

  it('takes scratch right below sp, 16-aligned', () => {
    const regs = randomRegs();
    regs.gp.writeBigUInt64LE(0xffffc0001008n, 31 * 8);
    const at = stackScratch(regs, 64);
    expect(at % 16n).toBe(0n);
    expect(at + 64n).toBeLessThanOrEqual(0xffffc0001008n);
    expect(at).toBeGreaterThan(0xffffc0001008n - 64n - 16n);
  });

  it('starts a blob with pc, sp and x0', () => {
    const b = blobCallRegs(randomRegs(), 0x1000n, 0x2000n, 0x3000n);
    expect([getPc(b.gp), getSp(b.gp), getX(b.gp, 0)]).toEqual([0x1000n, 0x2000n, 0x3000n]);
  });
});

describe('sigframe', () => {
  it('lays out ucontext, sigcontext and the fpsimd record as arm64 does', () => {
    const regs = randomRegs();
    const { bytes, sp } = buildSigframe(regs, { sigmask: 0x1234n }, 0x10000n);
    expect(sp).toBe(0x10000n);
    expect(bytes.length).toBe(SIGFRAME_SIZE);
    expect(bytes.length).toBe(4688); // sizeof(struct rt_sigframe) measured with the arm64 headers
    expect(bytes.readBigUInt64LE(128 + 40)).toBe(0x1234n); // uc_sigmask
    expect(bytes.readInt32LE(128 + 24)).toBe(2); // SS_DISABLE
    expect(bytes.subarray(128 + 176 + 8, 128 + 176 + 8 + GP_SIZE)).toEqual(regs.gp);
    const rec = 128 + 176 + 288;
    expect(bytes.readUInt32LE(rec)).toBe(0x46508001);
    expect(bytes.readUInt32LE(rec + 4)).toBe(528);
    expect(bytes.readUInt32LE(rec + 8)).toBe(regs.fp.readUInt32LE(512)); // fpsr
    expect(bytes.subarray(rec + 16, rec + 528)).toEqual(regs.fp.subarray(0, 512));
    expect(bytes.readBigUInt64LE(rec + 528)).toBe(0n); // terminator
  });

  it('keeps the altstack and refuses a misaligned frame', () => {
    const { bytes } = buildSigframe(randomRegs(), { sigmask: 0n, altstack: { sp: 0x5000n, size: 0x2000n, flags: 0 } }, 0x20000n);
    expect(bytes.readBigUInt64LE(128 + 16)).toBe(0x5000n);
    expect(bytes.readBigUInt64LE(128 + 32)).toBe(0x2000n);
    expect(() => buildSigframe(randomRegs(), { sigmask: 0n }, 0x20008n)).toThrow(/aligned/);
  });

  it('hands tpidr_el0 to the blob', () => {
    const regs = randomRegs();
    expect(tlsRegisters(regs)).toEqual([regs.fp.readBigUInt64LE(FP_TLS), 0n]);
  });
});

describe('pointer-authentication keys', () => {
  const address = randomBytes(64);
  const generic = randomBytes(16);
  /** Through a core image and back, as dump writes it and restore reads it. */
  const throughImage = (ti: ThreadInfoBody<'ti_aarch64'>): ThreadInfoAarch64 => {
    const core: CoreEntry = { mtype: 'AARCH64', ti_aarch64: { clear_tid_addr: 0n, ...ti } };
    return (decodeFramed(encodeFramed('core', [core], undefined, 'LE'), 'core-1.img', 'LE').entries[0] as CoreEntry).ti_aarch64!;
  };

  it('keeps every key byte from the regsets through the image to the regsets to write', () => {
    const ti = threadInfoOf(0, randomRegs(), { address, enabled: 0x7n, generic });
    const a = ti.pac_keys!.pac_address_keys!;
    expect(a.apiakey_lo).toBe(address.readBigUInt64LE(0));
    expect(a.apdbkey_hi).toBe(address.readBigUInt64LE(56));
    expect(a.pac_enabled_key).toBe(0x7n);
    expect(ti.pac_keys!.pac_generic_keys!.apgakey_hi).toBe(generic.readBigUInt64LE(8));
    const out = pacRegsetsFromThreadInfo(throughImage(ti));
    expect(out.map((r) => r.note)).toEqual([NT_ARM_PACA_KEYS, NT_ARM_PAC_ENABLED_KEYS, NT_ARM_PACG_KEYS]);
    expect(out[0]!.data).toEqual(address);
    expect(out[1]!.data.readBigUInt64LE(0)).toBe(0x7n);
    expect(out[2]!.data).toEqual(generic);
  });

  it('leaves out the enabled-keys mask every task starts with, and writes it as such when the kernel had none', () => {
    const ti = throughImage(threadInfoOf(0, randomRegs(), { address }));
    expect(ti.pac_keys!.pac_address_keys!.pac_enabled_key).toBe(0xfn);
    expect(pacRegsetsFromThreadInfo(ti).map((r) => r.name)).toEqual(['NT_ARM_PACA_KEYS']);
  });

  it('has nothing to put back for a thread without keys', () => {
    const ti = throughImage(threadInfoOf(0, randomRegs(), {}));
    expect(ti.pac_keys).toBeUndefined();
    expect(aarch64Restorer.tracerRegsets!(ti)).toEqual([]);
  });

  it('reads a CRIU-style image with the generic key alone', () => {
    const ti = throughImage({ ...threadInfoOf(0, randomRegs(), {}), pac_keys: { pac_generic_keys: { apgakey_lo: 1n, apgakey_hi: 2n } } });
    const out = pacRegsetsFromThreadInfo(ti);
    expect(out.map((r) => r.name)).toEqual(['NT_ARM_PACG_KEYS']);
    expect([out[0]!.data.readBigUInt64LE(0), out[0]!.data.readBigUInt64LE(8)]).toEqual([1n, 2n]);
  });
});
