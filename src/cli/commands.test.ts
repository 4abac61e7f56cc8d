import { describe, expect, it } from 'vitest';
import { LineLogger } from '../log.js';
import { checkVerdicts, formatDumpStats, formatRestoreStats, runChecks } from './commands.js';
import type { Feature } from './features.js';

const feature = (name: string, basic: boolean, supported: boolean): Feature => ({
  name,
  basic,
  summary: name,
  probe: () => ({ supported, detail: supported ? 'fine' : `${name} is missing` }),
});

describe('runChecks', () => {
  function run(list: Feature[]) {
    const lines: string[] = [];
    const result = runChecks(list, new LineLogger([{ sink: { write: (s) => lines.push(s) }, maxLevel: 3 }]));
    return { result, lines: lines.join('') };
  }

  it('looks good when everything is there', () => {
    const { result, lines } = run([feature('a', true, true), feature('b', false, true)]);
    expect(result).toEqual([0, checkVerdicts.good]);
    expect(lines).toMatch(/Info: a: yes \(fine\)/);
  });

  it('does not look good when a basic feature is missing, and says which', () => {
    const { result, lines } = run([feature('a', true, false), feature('b', false, true)]);
    expect(result).toEqual([1, checkVerdicts.bad]);
    expect(lines).toMatch(/Warn: a: a is missing/);
  });

  it("gives criu's 'maybe' verdict when only an extra feature is missing", () => {
    expect(run([feature('a', true, true), feature('b', false, false)]).result).toEqual([1, checkVerdicts.maybe]);
  });
});

describe('stats', () => {
  it('prints the dump and restore stats like criu --display-stats', () => {
    const dump = formatDumpStats({ pids: [1], pagesScanned: 300, pagesWritten: 255, pagesInParent: 16, freezeMs: 1.5, dumpMs: 20.0004 });
    expect(dump).toBe(
      'Displaying dump stats:\nFreezing time: 1500 us\nDump time: 20000 us\nMemory pages scanned: 300 (0x12c)\nMemory pages skipped from parent: 16 (0x10)\nMemory pages written: 255 (0xff)\n',
    );
    expect(formatRestoreStats({ pid: 5, restoreMs: 2.25 })).toBe('Displaying restore stats:\nRestore time: 2250 us\n');
  });
});
