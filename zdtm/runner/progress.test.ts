import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressLine } from './progress.js';
import { skipped, type TestResult } from './results.js';

function sink(tty: boolean, columns?: number) {
  const s = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        s.text += String(chunk);
        done();
      },
    }),
    { text: '', isTTY: tty, columns },
  );
  return s;
}

const done: TestResult = { ...skipped('pipe00', ''), kind: 'fail', durationMs: 1234 };

describe('ProgressLine', () => {
  it('redraws one line on a terminal and erases it before the table', () => {
    const out = sink(true, 30);
    const log = sink(false);
    const p = new ProgressLine(out, log);
    p.update(0, 65, ['pipe00', 'env00']);
    p.update(1, 65, ['env00'], done);
    p.clear();
    expect(out.text).toBe('\r\x1b[K[0/65] pipe00, env00 ...\r\x1b[K[1/65] env00 ...\r\x1b[K');
    expect(log.text).toBe('');
    p.update(2, 65, ['a_test_with_a_rather_long_name']);
    expect(out.text.split('\x1b[K').pop()).toBe('[2/65] a_test_with_a_rather_l'); // cut to the width less one
  });

  it('logs one line per finished test elsewhere, and nothing on stdout', () => {
    const out = sink(false);
    const log = sink(false);
    const p = new ProgressLine(out, log);
    p.update(0, 2, ['pipe00']);
    p.update(1, 2, [], done);
    p.clear();
    expect(out.text).toBe('');
    expect(log.text).toBe('[1/2] pipe00: fail (1.2 s)\n');
  });
});
