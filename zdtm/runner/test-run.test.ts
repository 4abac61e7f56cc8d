import { describe, expect, it } from 'vitest';
import { lastErrorLine, readVerdict } from './test-run.js';

describe('readVerdict', () => {
  it('reads PASS and FAIL lines', () => {
    expect(readVerdict('PASS\n')).toEqual({ passed: true });
    expect(readVerdict('FAIL: pipe00.c:40 data lost\n')).toEqual({ passed: false, failure: 'FAIL: pipe00.c:40 data lost' });
  });

  it('treats nothing or garbage as a failure that says so', () => {
    expect(readVerdict(undefined).failure).toMatch(/no result in the outfile/);
    expect(readVerdict('').failure).toMatch(/no result in the outfile/);
    expect(readVerdict('PASSED?\n')).toEqual({ passed: false, failure: 'unexpected outfile line: PASSED?' });
  });

  it('says how a test process ended when its zombie tells', () => {
    expect(readVerdict('', 15)).toEqual({ passed: false, failure: 'no result: test process killed by SIGTERM' });
    expect(readVerdict('FAIL: a.c:1 x\n', 1 << 8)).toEqual({ passed: false, failure: 'FAIL: a.c:1 x (test process exited 1)' });
    expect(readVerdict('PASS\n', 0)).toEqual({ passed: true });
  });
});

describe('lastErrorLine', () => {
  it('prefers the last error line of the first text that has one', () => {
    expect(lastErrorLine('progress\nError (criu-ts): first\nError (criu-ts): second\nbye\n', 'Error: in log')).toBe('Error (criu-ts): second');
    expect(lastErrorLine('', 'x\n(00.01) Error (criu/cr-dump.c:99): boom\n')).toBe('(00.01) Error (criu/cr-dump.c:99): boom');
  });

  it('takes a FAIL line of a test log as telling', () => {
    expect(lastErrorLine('1.0 42: started\n1.1 42: FAIL: x.c:16 prctl: Invalid argument\n1.2 42: bye\n')).toBe('1.1 42: FAIL: x.c:16 prctl: Invalid argument');
  });

  it('falls back to the last line, or nothing', () => {
    expect(lastErrorLine('a\nSegmentation fault\n\n')).toBe('Segmentation fault');
    expect(lastErrorLine(undefined, '')).toBeUndefined();
  });
});
