import { describe, expect, it } from 'vitest';
import { byteOrder } from '../sys/host-order.js';
import { describeFailure, parseReport } from './report.js';
import { constantOf, restorerLayout, structOf, writeStruct } from '../blob/struct-layout.js';

const layout = restorerLayout();
const step = (name: string): number => Number(constantOf(layout, name));

function written(value: Record<string, number | bigint | Buffer | bigint[]>, littleEndian: boolean): Buffer {
  const buf = Buffer.alloc(structOf(layout, 'rst_report').size);
  writeStruct(layout, 'rst_report', value, buf, 0, littleEndian);
  return buf;
}

describe('restore failure reports', () => {
  it.each([true, false])('reads the failing syscall and its arguments (little-endian %s)', (le) => {
    const buf = written({ pid: 4242, step: step('RST_STEP_MM'), err: 16, nargs: 5, syscall: Buffer.from('prctl'), args: [35n, 14n, 0x7f0012345000n, 104n, 0n, 99n] }, le);
    const r = parseReport(buf, byteOrder(le));
    expect(r).toEqual({ pid: 4242, step: step('RST_STEP_MM'), errno: 16, call: { name: 'prctl', args: [35n, 14n, 0x7f0012345000n, 104n, 0n] } });
    expect(describeFailure(r)).toBe('task 4242 failed at MM: prctl(35, 14, 0x7f0012345000, 104, 0) failed with EBUSY (16)');
  });

  it('shows a -1 argument signed and says nothing of a syscall when the step failed on its own check', () => {
    const le = byteOrder(true).littleEndian;
    const mmap = parseReport(written({ pid: 7, step: step('RST_STEP_VMA_MAP'), err: 9, nargs: 6, syscall: Buffer.from('mmap'), args: [0x400000n, 4096n, 3n, 0x12n, 2n ** 64n - 1n, 0n] }, le));
    expect(describeFailure(mmap)).toBe('task 7 failed at VMA_MAP: mmap(0x400000, 4096, 3, 18, -1, 0) failed with EBADF (9)');
    const own = parseReport(written({ pid: 7, step: step('RST_STEP_POSIX_TIMER'), err: 17 }, le));
    expect(own.call).toBeUndefined();
    expect(describeFailure(own)).toBe('task 7 failed at POSIX_TIMER: EEXIST (17)');
  });
});
