import { describe, expect, it } from 'vitest';
import { formatLogLine, Level, LineLogger } from './log.js';

describe('formatLogLine', () => {
  it('stamps the time since start as (SS.uuuuuu) like criu, then the level', () => {
    expect(formatLogLine(1_234_000n, Level.Warn, 'careful')).toBe('(00.001234) Warn: careful\n');
    expect(formatLogLine(75_000_001_000n, Level.Debug, 'x')).toBe('(75.000001) Debug: x\n');
    expect(formatLogLine(123_456_789_000n, Level.Error, 'late')).toBe('(123.456789) Error: late\n');
  });
});

describe('LineLogger', () => {
  it('routes lines by level, never drops errors, and splits multi-line messages', () => {
    const quiet: string[] = [];
    const chatty: string[] = [];
    let t = 0n;
    const log = new LineLogger(
      [
        { sink: { write: (s) => quiet.push(s) }, maxLevel: 0 },
        { sink: { write: (s) => chatty.push(s) }, maxLevel: Level.Info },
      ],
      undefined,
      0n,
      () => (t += 1000n),
    );
    log.error('bad');
    log.warn('hmm');
    log.info('a\nb');
    log.debug('noise');
    expect(quiet).toEqual(['(00.000001) Error: bad\n']);
    expect(chatty).toEqual(['(00.000001) Error: bad\n', '(00.000002) Warn: hmm\n', '(00.000003) Info: a\n(00.000003) Info: b\n']);
  });

  it('hands progress to its callback', () => {
    const seen: unknown[] = [];
    new LineLogger([], (...a) => seen.push(a)).progress('memory', 3, 9);
    expect(seen).toEqual([['memory', 3, 9]]);
  });
});
