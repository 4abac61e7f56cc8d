import { describe, expect, it } from 'vitest';
import { gpregNames, GPREGS_SIZE, hostXsaveLayout, xsaveSize } from './regs.js';
import { buildSigframe, sigframeSize } from './sigframe.js';

function regs(): { gp: Buffer; fp: Buffer } {
  const gp = Buffer.alloc(GPREGS_SIZE);
  gpregNames.forEach((n, i) => gp.writeBigUInt64LE(n === 'cs' ? 0x33n : n === 'ss' ? 0x2bn : BigInt(i + 1) * 0x1111n, i * 8));
  const fp = Buffer.alloc(xsaveSize(hostXsaveLayout()));
  fp.writeUInt32LE(0x1f80, 24); // mxcsr
  fp.writeBigUInt64LE(0x3n | (1n << 9n), 512); // x87, SSE and PKRU in xstate_bv
  return { gp, fp };
}
const gp = (r: { gp: Buffer }, name: (typeof gpregNames)[number]): bigint => r.gp.readBigUInt64LE(gpregNames.indexOf(name) * 8);

describe('x86_64 rt_sigframe', () => {
  const at = 0x7000_0000_0040n;
  const r = regs();
  const { bytes, sp } = buildSigframe(r, { sigmask: 0x4002n }, at);
  const uc = 8;
  const mc = uc + 40;

  it('puts the registers where struct sigcontext has them', () => {
    expect(sp).toBe(at + 8n); // rt_sigreturn reads the frame at sp - 8
    expect(bytes.readBigUInt64LE(mc + 0)).toBe(gp(r, 'r8'));
    expect(bytes.readBigUInt64LE(mc + 13 * 8)).toBe(gp(r, 'ax'));
    expect(bytes.readBigUInt64LE(mc + 15 * 8)).toBe(gp(r, 'sp'));
    expect(bytes.readBigUInt64LE(mc + 16 * 8)).toBe(gp(r, 'ip'));
    expect(bytes.readBigUInt64LE(mc + 17 * 8)).toBe(gp(r, 'flags'));
    expect(bytes.readUInt16LE(mc + 144)).toBe(0x33);
    expect(bytes.readUInt16LE(mc + 150)).toBe(0x2b);
    expect(bytes.readBigUInt64LE(uc + 296)).toBe(0x4002n); // uc_sigmask
    expect(bytes.readInt32LE(uc + 24)).toBe(2); // no altstack: SS_DISABLE
  });

  it('points at a 64-aligned XSAVE area the kernel will accept', () => {
    const fpstate = bytes.readBigUInt64LE(mc + 184);
    expect(fpstate % 64n).toBe(0n);
    const off = Number(fpstate - at);
    expect(bytes.readUInt32LE(off + 24)).toBe(0x1f80);
    expect(bytes.readUInt32LE(off + 464)).toBe(0x46505853); // FP_XSTATE_MAGIC1
    const xstateSize = bytes.readUInt32LE(off + 464 + 16);
    expect(xstateSize).toBe(r.fp.length);
    expect(bytes.readUInt32LE(off + xstateSize)).toBe(0x46505845); // FP_XSTATE_MAGIC2
    const features = bytes.readBigUInt64LE(off + 464 + 8);
    // Header bits must be a subset of what the frame declares (PKRU is dropped unless the CPU has it).
    expect(bytes.readBigUInt64LE(off + 512) & ~features).toBe(0n);
    expect(bytes.length).toBe(sigframeSize(r.fp.length));
  });

  it('refuses a frame address XRSTOR could not use', () => {
    expect(() => buildSigframe(r, { sigmask: 0n }, at + 8n)).toThrow(/64-byte aligned/);
  });
});
