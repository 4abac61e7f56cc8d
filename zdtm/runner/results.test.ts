import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDesc } from './desc.js';
import { addTallies, classify, closingLine, failedToRun, readResults, runSucceeded, runTally, skipped, tally, writeResults, UNEXPECTED_PASS_NOTE, type Outcome, type RunReport } from './results.js';

const plain = parseDesc('{"summary": "s"}', 'plain.desc.json');
const xfail = parseDesc('{"summary": "s", "expected": "fail", "reason": "pipes not done"}', 'xfail.desc.json');
const ok: Outcome = { passed: true, dumpMs: [10], restoreMs: [20], imageBytes: 4096, durationMs: 50 };
const bad: Outcome = { passed: false, failure: 'FAIL: x.c:3 boom', dumpMs: [], restoreMs: [], durationMs: 5 };

describe('classify', () => {
  it('pass and fail for a plain test', () => {
    expect(classify(plain, 'x86_64', ok, false)).toMatchObject({ kind: 'pass', note: '', dumpMs: [10], restoreMs: [20], imageBytes: 4096 });
    expect(classify(plain, 'x86_64', bad, false)).toMatchObject({ kind: 'fail', note: 'FAIL: x.c:3 boom' });
  });

  it('expected-fail keeps the reason in the note and the actual failure aside', () => {
    expect(classify(xfail, 'x86_64', bad, false)).toMatchObject({ kind: 'expected-fail', note: 'pipes not done', failure: 'FAIL: x.c:3 boom' });
  });

  it('an expected failure that passes is an unexpected pass', () => {
    expect(classify(xfail, 'x86_64', ok, false)).toMatchObject({ kind: 'unexpected-pass', note: UNEXPECTED_PASS_NOTE });
  });

  it('a per-arch expectation applies on its arches only, with its own reason', () => {
    const s390 = parseDesc('{"summary": "s", "expected": {"s390x": "old guest kernel"}}', 's.desc.json');
    expect(classify(s390, 's390x', bad, false)).toMatchObject({ kind: 'expected-fail', note: 'old guest kernel' });
    expect(classify(s390, 'x86_64', bad, false).kind).toBe('fail');
    expect(classify(s390, 'x86_64', ok, false).kind).toBe('pass');
  });

  it('ignores expected:fail without C/R', () => {
    expect(classify(xfail, 'x86_64', bad, true).kind).toBe('fail');
    expect(classify(xfail, 'x86_64', ok, true).kind).toBe('pass');
  });
});

describe('tally and closing line', () => {
  const results = [
    classify(plain, 'x86_64', ok, false),
    classify(plain, 'x86_64', bad, false),
    classify(xfail, 'x86_64', ok, false),
    classify(xfail, 'x86_64', bad, false),
    skipped('s', 'needs root'),
    failedToRun('n', 'not built'),
  ];
  it('counts unexpected passes and unrunnable tests as failures', () => {
    expect(tally(results)).toEqual({ passed: 1, failed: 3, skipped: 1, expectedFail: 1 });
  });

  it('has exactly the shape CI parses', () => {
    expect(closingLine(tally(results))).toBe('1 passed, 3 failed, 1 skipped, 1 expected-fail');
    expect(closingLine(addTallies([tally(results), tally(results)]))).toBe('2 passed, 6 failed, 2 skipped, 2 expected-fail');
  });

  it('a run that could not happen counts as a failure', () => {
    const run: RunReport = { arch: 'aarch64', mode: 'cr', iters: 1, criu: 'c', startedAt: 't', results: [], error: 'guest did not boot' };
    expect(runTally(run).failed).toBe(1);
    expect(runSucceeded(run)).toBe(false);
    expect(runSucceeded({ ...run, error: undefined, results: [classify(plain, 'x86_64', ok, false)] } as RunReport)).toBe(true);
  });
});

describe('results.json', () => {
  it('round-trips and rejects foreign files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zdtm-results-'));
    const run: RunReport = { arch: 'x86_64', mode: 'nocr', iters: 1, criu: 'c', startedAt: 't', results: [classify(plain, 'x86_64', ok, true)] };
    writeResults(dir, [run]);
    expect(readResults(dir)).toEqual([run]);
    fs.writeFileSync(path.join(dir, 'results.json'), '{"tests": []}');
    expect(() => readResults(dir)).toThrowError(/not a results file/);
    fs.rmSync(dir, { recursive: true });
    expect(() => readResults(dir)).toThrowError(/cannot read/);
  });
});
