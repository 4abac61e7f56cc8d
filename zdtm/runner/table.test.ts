import { describe, expect, it } from 'vitest';
import type { RunReport } from './results.js';
import { formatRuns, formatTable } from './table.js';

const run = (arch: string, extra: Partial<RunReport> = {}): RunReport => ({
  arch,
  mode: 'cr',
  iters: 2,
  criu: 'criu-ts',
  startedAt: 't',
  results: [
    { name: 'env00', kind: 'pass', note: '', dumpMs: [40, 60], restoreMs: [30, 31], imageBytes: 270336, durationMs: 900 },
    { name: 'pipe_data00', kind: 'fail', note: 'restore exited 1:\nError (criu-ts): pipes', dumpMs: [52], restoreMs: [], imageBytes: 12288, durationMs: 100 },
    { name: 'avx00', kind: 'skip', note: 'not for s390x (arches: x86_64)', dumpMs: [], restoreMs: [], durationMs: 0 },
  ],
  ...extra,
});

describe('formatTable', () => {
  it('aligns columns, averages iterations and keeps notes on one line', () => {
    expect(formatTable(run('x86_64')).split('\n')).toEqual([
      'test         result  dump ms  restore ms  image bytes  note',
      'env00        pass         50          31       270336',
      'pipe_data00  fail         52           -        12288  restore exited 1: Error (criu-ts): pipes',
      'avx00        skip          -           -            -  not for s390x (arches: x86_64)',
    ]);
  });
});

describe('formatRuns', () => {
  it('ends a single run with the bare closing line', () => {
    const lines = formatRuns([run('x86_64')], '/r').trimEnd().split('\n');
    expect(lines[0]).toBe('== zdtm x86_64 (C/R x2 via criu-ts) ==');
    expect(lines.slice(-2)).toEqual(['report: /r', '1 passed, 1 failed, 1 skipped, 0 expected-fail']);
    expect(lines.filter((l) => /passed, /.test(l))).toHaveLength(1);
  });

  it('closes each arch of a multi-arch run, then prints the total; a run that failed to happen counts', () => {
    const text = formatRuns([run('x86_64'), run('s390x', { results: [], error: 'guest did not boot' })], '/r');
    const lines = text.trimEnd().split('\n');
    expect(lines).toContain('x86_64: 1 passed, 1 failed, 1 skipped, 0 expected-fail');
    expect(lines).toContain('error: guest did not boot');
    expect(lines).toContain('s390x: 0 passed, 1 failed, 0 skipped, 0 expected-fail');
    expect(lines[lines.length - 1]).toBe('1 passed, 2 failed, 1 skipped, 0 expected-fail');
  });
});
