// The plan's tracer regsets: taken from the main thread (the others inherit them when
// the blob clones them), refused when a thread has its own; none on arches without any.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { archByName } from '../arch/index.js';
import { threadInfoOf } from '../../arch/aarch64/regs.js';
import type { CoreEntry, ThreadInfoX86 } from '../images/entries.js';
import { planTracerRegsets } from './plan.js';

const aarch64 = archByName('aarch64');
const x86_64 = archByName('x86_64');
const regs = { gp: Buffer.alloc(34 * 8), fp: Buffer.alloc(32 * 16 + 24) };
const core = (address: Buffer): CoreEntry => ({ mtype: 'AARCH64', ti_aarch64: { clear_tid_addr: 0n, ...threadInfoOf(0, regs, { address, enabled: 0xfn }) } });

describe('planTracerRegsets', () => {
  const keys = randomBytes(64);

  it("puts back the main thread's PAC keys once for the whole task", () => {
    const out = planTracerRegsets({ pid: 10, threads: [10, 11], cores: [core(keys), core(Buffer.from(keys))] }, aarch64);
    expect(out).toHaveLength(1);
    expect(out[0]!.name).toBe('NT_ARM_PACA_KEYS');
    expect(out[0]!.data).toEqual(keys);
  });

  it('refuses a thread that reset its own keys', () => {
    expect(() => planTracerRegsets({ pid: 10, threads: [10, 11], cores: [core(keys), core(randomBytes(64))] }, aarch64)).toThrow(
      /thread 11 of task 10 has its own NT_ARM_PACA_KEYS/,
    );
  });

  it('has nothing for a task without keys, or on an arch without tracer regsets', () => {
    const bare: CoreEntry = { mtype: 'AARCH64', ti_aarch64: { clear_tid_addr: 0n, ...threadInfoOf(0, regs, {}) } };
    expect(planTracerRegsets({ pid: 10, threads: [10], cores: [bare] }, aarch64)).toEqual([]);
    expect(x86_64.restorer!.tracerRegsets).toBeUndefined();
    expect(planTracerRegsets({ pid: 10, threads: [10], cores: [{ mtype: 'X86_64', thread_info: {} as ThreadInfoX86 }] }, x86_64)).toEqual([]);
  });
});
