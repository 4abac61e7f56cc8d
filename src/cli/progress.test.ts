import { describe, expect, it } from 'vitest';
import { ProgressBar, renderProgress } from './progress.js';

function fakeTty(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, columns: 60, writes, write: (t: string) => writes.push(t) };
}

describe('renderProgress', () => {
  it('fits the width and shows stage, percentage and counts', () => {
    const line = renderProgress('memory', 25, 100, 60);
    expect(line.length).toBeLessThanOrEqual(59);
    expect(line).toMatch(/^memory \[#+\.+\]  25% 25\/100$/);
    expect(renderProgress('memory', 0, 0, 60)).toContain('  0% 0/0');
    expect(renderProgress('x', 5, 4, 40)).toContain('100%');
  });
});

describe('ProgressBar', () => {
  it('draws nothing when the stream is not a terminal', () => {
    const out = fakeTty(false);
    const bar = new ProgressBar(out);
    bar.update('memory', 1, 10);
    bar.clear();
    expect(out.writes).toEqual([]);
  });

  it('draws on a terminal, throttled, and erases itself when the stage completes', () => {
    const out = fakeTty(true);
    let now = 0;
    const bar = new ProgressBar(out, () => now, 100);
    bar.update('memory', 1, 10);
    bar.update('memory', 2, 10); // same stage within 100 ms: skipped
    now = 150;
    bar.update('memory', 3, 10);
    bar.update('files', 1, 5); // new stage: drawn at once
    bar.update('files', 5, 5);
    expect(out.writes.length).toBe(4);
    expect(out.writes[0]).toMatch(/^\r\x1b\[Kmemory .* 1\/10$/);
    expect(out.writes[1]).toMatch(/3\/10$/);
    expect(out.writes[2]).toMatch(/^\r\x1b\[Kfiles .* 1\/5$/);
    expect(out.writes[3]).toBe('\r\x1b[K');
    bar.clear(); // nothing drawn any more: no write
    expect(out.writes.length).toBe(4);
  });
});
