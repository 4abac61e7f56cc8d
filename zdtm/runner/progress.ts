// Progress while tests run: on a terminal the live "[12/65] pipe_data ..." line, redrawn in
// place; otherwise (CI logs, a guest's console) one line per finished test on stderr, so a long
// run is never silent. stdout keeps only the report.
import type { Writable } from 'node:stream';
import type { TestResult } from './results.js';

type Stream = Writable & { isTTY?: boolean; columns?: number };

export class ProgressLine {
  private shown = false;

  constructor(
    private readonly out: Stream,
    private readonly log: Writable,
  ) {}

  update(done: number, total: number, running: readonly string[], finished?: TestResult): void {
    if (!this.out.isTTY) {
      if (finished) this.log.write(`[${done}/${total}] ${finished.name}: ${finished.kind} (${(finished.durationMs / 1000).toFixed(1)} s)\n`);
      return;
    }
    const line = `[${done}/${total}] ${running.join(', ')}${running.length ? ' ...' : ''}`;
    const width = (this.out.columns || 80) - 1; // 0 on a pty nobody sized
    this.out.write(`\r\x1b[K${line.length > width ? line.slice(0, width) : line}`);
    this.shown = true;
  }

  /** Erases the live line so the table starts on a clean one. */
  clear(): void {
    if (this.shown) this.out.write('\r\x1b[K');
    this.shown = false;
  }
}
