// s390x register conversion on constructed big-endian buffers: image entries <-> raw
// regsets, syscall injection, restart handling, and the rt_sigframe layout.
import { describe, expect, it } from 'vitest';
import {
  FP, FP_VX_SIZE, FPREGS_SIZE, GP, GP_SIZE, checkpointRegs, fpregsFromEntries, fpregsToEntries, gpr, gpregsFromEntry,
  gpregsToEntry, blobCallRegs, s390xRegs, setGpr, stackScratch, syscallRegs, syscallResult,
} from './regs.js';
import { SIGFRAME_SIZE, buildSigframe } from './sigframe.js';

/** A gp buffer with distinct values everywhere, written big-endian by hand. */
function sampleGp(): Buffer {
  const gp = Buffer.alloc(GP_SIZE);
  gp.writeBigUInt64BE(0x0705000180000000n, GP.pswMask);
  gp.writeBigUInt64BE(0x3ff8a2b1c4en, GP.pswAddr);
  for (let i = 0; i < 16; i++) gp.writeBigUInt64BE(0x1000n * BigInt(i) + 0xan, GP.gprs + i * 8);
  for (let i = 0; i < 16; i++) gp.writeUInt32BE(0xa0000000 + i, GP.acrs + i * 4);
  gp.writeBigUInt64BE(0x5en, GP.origGpr2);
  gp.writeUInt32BE(0x200a2, GP.systemCall); // ilc 2, svc 162 (nanosleep)
  return gp;
}

function sampleFp(vector: boolean): Buffer {
  const fp = Buffer.alloc(vector ? FP_VX_SIZE : FPREGS_SIZE);
  fp.writeUInt32BE(0x00080000, FP.fpc);
  for (let i = 0; i < 16; i++) fp.writeBigUInt64BE(0x4000000000000000n + BigInt(i), FP.fprs + i * 8);
  if (vector) for (let off = FP.vxrsLow; off < FP_VX_SIZE; off += 8) fp.writeBigUInt64BE(BigInt(off) << 32n, off);
  return fp;
}

describe('s390x gp registers', () => {
  it('reads every field big-endian', () => {
    const e = gpregsToEntry(sampleGp());
    expect(e.psw_mask).toBe(0x0705000180000000n);
    expect(e.psw_addr).toBe(0x3ff8a2b1c4en);
    expect(e.gprs![15]).toBe(0xf00an);
    expect(e.acrs![1]).toBe(0xa0000001);
    expect(e.orig_gpr2).toBe(0x5en);
    expect(e.system_call).toBe(0x200a2);
  });

  it('round-trips entry -> raw -> entry and raw -> entry -> raw', () => {
    const gp = sampleGp();
    expect(gpregsFromEntry(gpregsToEntry(gp)).equals(gp)).toBe(true);
    const e = gpregsToEntry(gp);
    expect(gpregsToEntry(gpregsFromEntry(e))).toEqual(e);
  });

  it('rejects short buffers and wrong word counts', () => {
    expect(() => gpregsToEntry(Buffer.alloc(216))).toThrow(/224/);
    expect(() => gpregsFromEntry({ ...gpregsToEntry(sampleGp()), gprs: [1n] })).toThrow(/gprs/);
  });
});

describe('s390x fp and vector registers', () => {
  it('with the vector facility: fpregs, vxrs_low, vxrs_high round-trip', () => {
    const fp = sampleFp(true);
    const e = fpregsToEntries(fp);
    expect(e.fpregs.fpc).toBe(0x00080000);
    expect(e.fpregs.fprs![3]).toBe(0x4000000000000003n);
    expect(e.vxrs_low!.regs).toHaveLength(16);
    expect(e.vxrs_high!.regs).toHaveLength(32);
    expect(e.vxrs_high!.regs![0]).toBe(BigInt(FP.vxrsHigh) << 32n);
    expect(fpregsFromEntries(e).equals(fp)).toBe(true);
  });

  it('without it: only fpregs, and an image without vectors gives the short buffer', () => {
    const fp = sampleFp(false);
    const e = fpregsToEntries(fp);
    expect(e.vxrs_low).toBeUndefined();
    expect(fpregsFromEntries(e).equals(fp)).toBe(true);
  });

  it('thread info from an image carries both register sets', () => {
    const ti = { clear_tid_addr: 0n, gpregs: gpregsToEntry(sampleGp()), ...fpregsToEntries(sampleFp(true)) };
    const raw = s390xRegs.regsFromThreadInfo(ti);
    expect(raw.gp.equals(sampleGp())).toBe(true);
    expect(raw.fp.equals(sampleFp(true))).toBe(true);
    expect(s390xRegs.ip(raw)).toBe(0x3ff8a2b1c4en);
    expect(s390xRegs.sp(raw)).toBe(0xf00an);
  });
});

describe('s390x syscall injection', () => {
  it('svc 0 with the number in r1 and arguments in r2-r7; result from r2', () => {
    const orig = { gp: sampleGp(), fp: sampleFp(false) };
    const r = syscallRegs(orig, 0x3fffff00010n, 435, [1n, 2n, 3n, 4n, 5n, -1n]);
    expect(r.gp.readBigUInt64BE(GP.pswAddr)).toBe(0x3fffff00010n);
    expect(gpr(r.gp, 1)).toBe(435n);
    expect([2, 3, 4, 5, 6, 7].map((n) => gpr(r.gp, n))).toEqual([1n, 2n, 3n, 4n, 5n, 0xffffffffffffffffn]);
    expect(gpr(r.gp, 15)).toBe(gpr(orig.gp, 15));
    expect(orig.gp.equals(sampleGp())).toBe(true);
    setGpr(r.gp, 2, -22n);
    expect(syscallResult(r)).toBe(-22n);
    expect(() => syscallRegs(orig, 0n, 1, Array(7).fill(0n))).toThrow(/7 arguments/);
  });

  it('stack scratch lies below r15, clear of it and 8-aligned', () => {
    const gp = sampleGp();
    setGpr(gp, 15, 0x3fffffff1a4n);
    const at = stackScratch({ gp, fp: Buffer.alloc(0) }, 64);
    expect(at % 8n).toBe(0n);
    expect(at + 64n).toBeLessThanOrEqual(0x3fffffff1a4n - 256n);
    expect(at).toBeGreaterThan(0x3fffffff1a4n - 256n - 64n - 8n);
  });
});

describe('s390x blob start', () => {
  it('pc at the entry, r15 at the stack top, r2 the argument, no syscall word', () => {
    const r = blobCallRegs({ gp: sampleGp(), fp: sampleFp(false) }, 0x3ff00000000n, 0x3ff00020000n, 0x3ff00010000n);
    expect(s390xRegs.ip(r)).toBe(0x3ff00000000n);
    expect(s390xRegs.sp(r)).toBe(0x3ff00020000n);
    expect(gpr(r.gp, 2)).toBe(0x3ff00010000n);
    expect(r.gp.readUInt32BE(GP.systemCall)).toBe(0);
    expect(r.gp.readBigUInt64BE(GP.pswMask)).toBe(0x0705000180000000n);
  });
});

describe('s390x syscall restart at checkpoint', () => {
  const stopped = (r2: bigint, systemCall: number) => {
    const gp = sampleGp();
    setGpr(gp, 2, r2);
    gp.writeUInt32BE(systemCall, GP.systemCall);
    return { gp, fp: sampleFp(false) };
  };

  for (const code of [-512n, -513n, -514n]) {
    it(`${code}: re-runs the svc with the original first argument`, () => {
      const out = checkpointRegs(stopped(code, 0x200a2));
      expect(gpr(out.gp, 2)).toBe(0x5en);
      expect(out.gp.readBigUInt64BE(GP.pswAddr)).toBe(0x3ff8a2b1c4en - 2n);
      expect(out.gp.readUInt32BE(GP.systemCall)).toBe(0);
    });
  }

  it('a restart block becomes -EINTR at the same address', () => {
    const out = checkpointRegs(stopped(-516n, 0x200a2));
    expect(syscallResult(out)).toBe(-4n);
    expect(out.gp.readBigUInt64BE(GP.pswAddr)).toBe(0x3ff8a2b1c4en);
  });

  it('leaves a thread outside a syscall, or a finished syscall, alone', () => {
    for (const regs of [stopped(-512n, 0), stopped(-11n, 0x200a2)]) {
      const out = checkpointRegs(regs);
      expect(gpr(out.gp, 2)).toBe(gpr(regs.gp, 2));
      expect(out.gp.readBigUInt64BE(GP.pswAddr)).toBe(0x3ff8a2b1c4en);
    }
  });
});

describe('s390x rt_sigframe', () => {
  const regs = { gp: sampleGp(), fp: sampleFp(true) };
  const at = 0x3ff00001040n;
  const sig = { sigmask: 0x8000000000000101n, altstack: { sp: 0x1000n, size: 0x2000n, flags: 0 } };

  it('puts PSW, gprs, acrs, fp and vector state where rt_sigreturn reads them', () => {
    const { bytes, sp } = buildSigframe(regs, sig, at);
    expect(sp).toBe(at);
    expect(bytes.length).toBe(SIGFRAME_SIZE);
    expect(bytes.readUInt16BE(160)).toBe(0x0aad); // svc 173
    const mc = 296 + 40;
    expect(bytes.readBigUInt64BE(mc)).toBe(0x0705000180000000n);
    expect(bytes.readBigUInt64BE(mc + 8)).toBe(0x3ff8a2b1c4en);
    expect(bytes.readBigUInt64BE(mc + 16 + 15 * 8)).toBe(0xf00an);
    expect(bytes.readUInt32BE(mc + 144 + 4)).toBe(0xa0000001);
    expect(bytes.readUInt32BE(mc + 208)).toBe(0x00080000);
    expect(bytes.readBigUInt64BE(mc + 216 + 8)).toBe(0x4000000000000001n);
    expect(bytes.readBigUInt64BE(296)).toBe(2n); // UC_VXRS
    expect(bytes.readBigUInt64BE(296 + 384)).toBe(0x8000000000000101n);
    expect(bytes.readBigUInt64BE(296 + 16)).toBe(0x1000n);
    expect(bytes.readInt32BE(296 + 24)).toBe(0);
    expect(bytes.readBigUInt64BE(296 + 32)).toBe(0x2000n);
    expect(bytes.subarray(808, 808 + 384).equals(regs.fp.subarray(FP.vxrsLow, FP_VX_SIZE))).toBe(true);
  });

  it('without vector state: no UC_VXRS, zero extension; no altstack: SS_DISABLE', () => {
    const { bytes } = buildSigframe({ gp: sampleGp(), fp: sampleFp(false) }, { sigmask: 0n }, at);
    expect(bytes.readBigUInt64BE(296)).toBe(0n);
    expect(bytes.readInt32BE(296 + 24)).toBe(2);
    expect(bytes.subarray(808).every((b) => b === 0)).toBe(true);
  });

  it('refuses a misaligned frame', () => {
    expect(() => buildSigframe(regs, sig, at + 4n)).toThrow(/aligned/);
  });
});
