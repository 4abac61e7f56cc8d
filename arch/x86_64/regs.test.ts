// x86_64 register conversion: image entries <-> raw regsets, on the CRIU 4.2 fixture and
// on a live stopped thread.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  fpregsFromEntry, fpregsToEntry, getGpreg, gpregsFromEntry, gpregsToEntry, hostXsaveLayout, readRegs,
  syscallRegs, xsaveSize, checkpointRegs, setGpreg, stackScratch, type XsaveLayout,
} from './regs.js';
import * as ptrace from '../../src/sys/ptrace.js';
import type { UserX86FpregsEntry, UserX86RegsEntry } from '../../src/images/entries.js';
import { startTarget, type Target } from '../../src/testing/targets.js';

const fixture = '/work/shared/fixtures/criu-4.2/tree/json/core-20528.img.json';
const targets: Target[] = [];
afterAll(() => targets.forEach((t) => t.kill()));

// crit prints hex strings for gpregs; the images API gives bigints.
const asBigints = <T>(o: Record<string, unknown>): T =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' && v.startsWith('0x') ? BigInt(v) : v])) as T;

describe('gpregs', () => {
  it('round-trips the CRIU fixture through the raw layout', () => {
    const ti = JSON.parse(fs.readFileSync(fixture, 'utf8')).entries[0].thread_info;
    const gp = asBigints<UserX86RegsEntry>(ti.gpregs);
    const raw = gpregsFromEntry(gp);
    expect(raw.length).toBe(27 * 8);
    expect(getGpreg(raw, 'ip')).toBe(0x7f6bcf684503n);
    expect(getGpreg(raw, 'orig_ax')).toBe(0xe6n); // clock_nanosleep
    expect(gpregsToEntry(raw)).toEqual(gp);
  });

  it('puts stack scratch below the red zone, aligned', () => {
    const gp = Buffer.alloc(27 * 8);
    setGpreg(gp, 'sp', 0x7ffc0000_1008n);
    const at = stackScratch({ gp, fp: Buffer.alloc(0) }, 64);
    expect(at % 16n).toBe(0n);
    expect(at + 64n).toBeLessThanOrEqual(0x7ffc0000_1008n - 128n);
    expect(at).toBeGreaterThan(0x7ffc0000_1008n - 128n - 64n - 16n);
  });

  it('builds syscall registers without touching the original', () => {
    const raw = { gp: Buffer.alloc(27 * 8, 0x11), fp: Buffer.alloc(0) };
    const sys = syscallRegs(raw, 0x1000n, 9, [1n, 2n, 3n, 4n, 5n, 6n]);
    expect(getGpreg(sys.gp, 'ax')).toBe(9n);
    expect(getGpreg(sys.gp, 'r10')).toBe(4n);
    expect(getGpreg(sys.gp, 'orig_ax')).toBe(0xffffffffffffffffn);
    expect(getGpreg(raw.gp, 'ax')).toBe(0x1111111111111111n);
  });
});

describe('checkpointRegs', () => {
  const stoppedIn = (ax: bigint) => {
    const gp = Buffer.alloc(27 * 8);
    setGpreg(gp, 'orig_ax', 35n); // nanosleep
    setGpreg(gp, 'ax', ax);
    setGpreg(gp, 'ip', 0x1002n);
    return checkpointRegs({ gp, fp: Buffer.alloc(0) }).gp;
  };
  it('rewinds a restartable syscall', () => {
    const gp = stoppedIn(-512n);
    expect(getGpreg(gp, 'ip')).toBe(0x1000n);
    expect(getGpreg(gp, 'ax')).toBe(35n);
  });
  it('turns a restart-block syscall into EINTR', () => {
    const gp = stoppedIn(-516n);
    expect(getGpreg(gp, 'ip')).toBe(0x1002n);
    expect(BigInt.asIntN(64, getGpreg(gp, 'ax'))).toBe(-4n);
  });
  it('leaves a finished syscall alone', () => {
    expect(getGpreg(stoppedIn(0n), 'ip')).toBe(0x1002n);
  });
});

describe('fpregs', () => {
  const layout: XsaveLayout = { components: new Map([[2, { offset: 576, size: 256 }], [5, { offset: 1088, size: 64 }], [9, { offset: 2688, size: 8 }]]) };

  it('round-trips every byte that belongs to a field', () => {
    // Random bytes in every field's slot; the rest (legacy padding, sw-reserved bytes, the
    // header beyond xstate_bv, gaps between components) is not kept, as in CRIU.
    const buf = Buffer.alloc(xsaveSize(layout));
    randomBytes(416).copy(buf, 0);
    for (const c of layout.components.values()) randomBytes(c.size).copy(buf, c.offset);
    buf.writeBigUInt64LE(0x227n, 512);
    const back = fpregsFromEntry(fpregsToEntry(buf, layout), layout);
    expect(back).toEqual(buf);
  });

  it('reads the fixture fields into the right slots', () => {
    const fp = JSON.parse(fs.readFileSync(fixture, 'utf8')).entries[0].thread_info.fpregs;
    const raw = fpregsFromEntry({ ...fp, xsave: { ...fp.xsave, xstate_bv: BigInt(fp.xsave.xstate_bv) } } as UserX86FpregsEntry, layout);
    expect(raw.readUInt16LE(0)).toBe(895); // cwd
    expect(raw.readUInt32LE(24)).toBe(8064); // mxcsr
    expect(raw.readUInt32LE(2688)).toBe(fp.xsave.pkru[0]);
  });

  it('refuses non-zero state for a component the CPU lacks', () => {
    const entry = fpregsToEntry(Buffer.alloc(1024), { components: new Map() });
    entry.xsave!.hi16_zmm = [1n];
    expect(() => fpregsFromEntry(entry, { components: new Map() })).toThrow(/hi16_zmm/);
  });
});

describe('live thread', () => {
  it('reads and re-encodes a stopped thread losslessly', () => {
    const t = startTarget('counter');
    targets.push(t);
    ptrace.seize(t.pid);
    try {
      ptrace.interrupt(t.pid);
      expect(ptrace.wait(t.pid)).toMatchObject({ kind: 'stopped', event: ptrace.PTRACE_EVENT_STOP });
      const regs = readRegs(t.pid);
      const layout = hostXsaveLayout();
      expect(layout.components.get(2)?.size).toBe(256); // AVX is present on every x86_64 we run on
      const gp = gpregsToEntry(regs.gp);
      expect(gp.cs).toBe(0x33n);
      expect(gpregsFromEntry(gp)).toEqual(regs.gp);
      const fp = fpregsFromEntry(fpregsToEntry(regs.fp, layout), layout);
      expect(fp.subarray(0, 416)).toEqual(regs.fp.subarray(0, 416));
      expect(fp.subarray(576, xsaveSize(layout))).toEqual(regs.fp.subarray(576, xsaveSize(layout)));
    } finally {
      ptrace.detach(t.pid);
    }
  });
});
