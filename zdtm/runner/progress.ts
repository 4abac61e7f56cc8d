// The live "[12/65] pipe_data ..." line, redrawn in place on a terminal, absent otherwise.
import type { Writable } from 'node:stream';

export class ProgressLine {
  private shown = false;

  constructor(private readonly out: Writable & { isTTY?: boolean; columns?: number }) {}

  update(done: number, total: number, running: readonly string[]): void {
    if (!this.out.isTTY) return;
    const line = `[${done}/${total}] ${running.join(', ')}${running.length ? ' ...' : ''}`;
    const width = (this.out.columns || 80) - 1; // 0 on a pty nobody sized
    this.out.write(`\r\x1b[K${line.length > width ? line.slice(0, width) : line}`);
    this.shown = true;
  }

  /** Erases the line so the table starts on a clean one. */
  clear(): void {
    if (this.shown) this.out.write('\r\x1b[K');
    this.shown = false;
  }
}
