// ppc64le register conversion, syscall conventions and sigframe layout, on constructed register sets.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import {
  blobCallRegs, checkpointRegs, CR0_SO, FP_SIZE, FP_VMX, FP_VSX, GP_SIZE, getR, PT, regsFromThreadInfo, setR, stackScratch, syscallRegs,
  syscallResult, threadInfoOf,
} from './regs.js';
import type { UserPpc64TmRegsEntry } from '../../src/images/entries.js';
import { buildSigframe, SIGFRAME_SIZE } from './sigframe.js';

const randomRegs = () => ({ gp: randomBytes(GP_SIZE), fp: randomBytes(FP_SIZE) });

describe('thread info', () => {
  it('round-trips the registers the image keeps', () => {
    const regs = randomRegs();
    // softe, dar, dsisr, result and the padding words are not part of the image.
    regs.gp.fill(0, 39 * 8, 40 * 8);
    regs.gp.fill(0, 41 * 8);
    regs.fp.fill(0, FP_VMX + 33 * 16 + 4, FP_VSX); // vrsave's quadword beyond its first word
    const ti = threadInfoOf(0, regs);
    expect(ti.gpregs.gpr![13]).toBe(getR(regs.gp, 13));
    expect(ti.gpregs.trap).toBe(getR(regs.gp, PT.TRAP));
    expect(ti.fpstate!.fpregs).toHaveLength(33);
    expect(ti.vrstate!.vrregs).toHaveLength(66);
    expect(ti.vsxstate!.vsxregs![31]).toBe(regs.fp.readBigUInt64LE(FP_VSX + 31 * 8));
    const back = regsFromThreadInfo(ti);
    expect(back.gp).toEqual(regs.gp);
    expect(back.fp).toEqual(regs.fp);
  });

  it('refuses transactional-memory state', () => {
    const ti = { ...threadInfoOf(0, randomRegs()), tmstate: { gpregs: {} } as UserPpc64TmRegsEntry };
    expect(() => regsFromThreadInfo(ti)).toThrow(/transactional/);
  });
});

describe('syscalls', () => {
  it('loads r0, r3-r8 and nip, and clears trap', () => {
    const regs = randomRegs();
    const sys = syscallRegs(regs, 0x4000n, 90, [1n, 2n, 3n, 4n, 5n, 6n]);
    expect(getR(sys.gp, 0)).toBe(90n);
    expect(getR(sys.gp, 8)).toBe(6n);
    expect(getR(sys.gp, PT.NIP)).toBe(0x4000n);
    expect(getR(sys.gp, PT.TRAP)).toBe(0n);
    expect(getR(sys.gp, 9)).toBe(getR(regs.gp, 9));
  });

  it('reads errors from CR0.SO', () => {
    const gp = Buffer.alloc(GP_SIZE);
    setR(gp, 3, 22n);
    expect(syscallResult({ gp, fp: Buffer.alloc(0) })).toBe(22n);
    setR(gp, PT.CCR, CR0_SO);
    expect(syscallResult({ gp, fp: Buffer.alloc(0) })).toBe(-22n);
  });

  it('keeps the red zone free', () => {
    const gp = Buffer.alloc(GP_SIZE);
    setR(gp, 1, 0x7fffc0001008n);
    const at = stackScratch({ gp, fp: Buffer.alloc(0) }, 64);
    expect(at % 16n).toBe(0n);
    expect(at + 64n).toBeLessThanOrEqual(0x7fffc0001008n - 288n);
    expect(at).toBeGreaterThan(0x7fffc0001008n - 288n - 64n - 16n);
  });

  it('starts a blob with nip = r12 = entry', () => {
    const b = blobCallRegs(randomRegs(), 0x1000n, 0x2000n, 0x3000n);
    expect([getR(b.gp, PT.NIP), getR(b.gp, 12), getR(b.gp, 1), getR(b.gp, 3), getR(b.gp, PT.TRAP)]).toEqual([0x1000n, 0x1000n, 0x2000n, 0x3000n, 0n]);
  });
});

describe('checkpointRegs', () => {
  const stopped = (trap: bigint, r3: bigint, so: boolean) => {
    const gp = Buffer.alloc(GP_SIZE);
    setR(gp, PT.TRAP, trap);
    setR(gp, 3, r3);
    setR(gp, PT.ORIG_R3, 0x77n);
    setR(gp, PT.NIP, 0x1004n);
    setR(gp, PT.CCR, so ? CR0_SO | 0x2n : 0x2n);
    return checkpointRegs({ gp, fp: Buffer.alloc(0) }).gp;
  };
  it('rewinds a restartable sc syscall', () => {
    const gp = stopped(0xc00n, 512n, true);
    expect([getR(gp, 3), getR(gp, PT.NIP), getR(gp, PT.CCR), getR(gp, PT.TRAP)]).toEqual([0x77n, 0x1000n, 0x2n, 0n]);
  });
  it('rewinds a restartable scv syscall', () => {
    const gp = stopped(0x3000n, -514n, false);
    expect([getR(gp, 3), getR(gp, PT.NIP)]).toEqual([0x77n, 0x1000n]);
  });
  it('turns a restart block into EINTR', () => {
    const gp = stopped(0xc00n, 516n, true);
    expect([getR(gp, 3), getR(gp, PT.NIP), getR(gp, PT.CCR) & CR0_SO]).toEqual([4n, 0x1004n, CR0_SO]);
    expect(BigInt.asIntN(64, getR(stopped(0x3000n, -516n, false), 3))).toBe(-4n);
  });
  it('leaves alone a success, a plain 512 result and a no-restart trap', () => {
    expect(getR(stopped(0xc00n, 512n, false), PT.NIP)).toBe(0x1004n);
    expect(getR(stopped(0xc10n, 512n, true), PT.NIP)).toBe(0x1004n);
    expect(getR(stopped(0x500n, 512n, true), PT.NIP)).toBe(0x1004n);
  });
});

describe('sigframe', () => {
  it('lays out the ucontext at sp with aligned vector state', () => {
    const regs = randomRegs();
    const at = 0x10000n;
    const { bytes, sp } = buildSigframe(regs, { sigmask: 0x1234n }, at);
    expect(sp).toBe(at);
    expect(bytes.length).toBe(SIGFRAME_SIZE);
    expect(bytes.length).toBe(168 + 1528); // the ucontext up to the end of its sigcontext
    const sc = 168;
    expect(bytes.readBigUInt64LE(40)).toBe(0x1234n); // uc_sigmask
    expect(bytes.readBigUInt64LE(sc + 56)).toBe(at + BigInt(sc + 64)); // regs -> gp_regs
    expect(bytes.readBigUInt64LE(sc + 64 + 13 * 8)).toBe(getR(regs.gp, 13)); // r13: TLS
    const msr = bytes.readBigUInt64LE(sc + 64 + PT.MSR * 8);
    expect(msr & ((1n << 25n) | (1n << 23n))).toBe((1n << 25n) | (1n << 23n));
    expect(bytes.subarray(sc + 448, sc + 448 + 264)).toEqual(regs.fp.subarray(0, 264));
    const vregs = Number(bytes.readBigUInt64LE(sc + 712) - at);
    expect(vregs % 16).toBe(0);
    expect(vregs).toBeGreaterThanOrEqual(sc + 720);
    expect(bytes.subarray(vregs, vregs + 544)).toEqual(regs.fp.subarray(FP_VMX, FP_VSX));
    expect(bytes.subarray(vregs + 544, vregs + 800)).toEqual(regs.fp.subarray(FP_VSX));
    expect(vregs + 800).toBeLessThanOrEqual(SIGFRAME_SIZE);
  });
});
