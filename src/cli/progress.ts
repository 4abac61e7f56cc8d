// A one-line progress bar on a terminal, driven by Logger.progress(stage, done, total).
// Nothing is drawn when the stream is not a TTY (logs, pipes, harnesses).

/** The bits of a tty.WriteStream the bar uses (a fake one in tests). */
export interface TtyLike {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const eraseLine = '\r\x1b[K';

/** Renders the bar's text for a given width (without control characters). */
export function renderProgress(stage: string, done: number, total: number, columns: number): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const counts = `${done}/${total}`;
  const label = stage.length > 24 ? stage.slice(0, 23) + '…' : stage;
  // label, space, [bar], space, percent, space, counts: keep one column free so the
  // terminal never wraps.
  const barWidth = Math.max(0, columns - 1 - label.length - percent.length - counts.length - 5);
  const filled = Math.round(fraction * barWidth);
  const bar = barWidth > 0 ? ` [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]` : '';
  return `${label}${bar} ${percent} ${counts}`;
}

export class ProgressBar {
  private drawn = false;
  private lastStage = '';
  private lastDrawMs = -Infinity;

  constructor(
    private readonly out: TtyLike,
    private readonly now: () => number = () => Date.now(),
    /** Redraws at most this often (a dump reports per chunk of pages). */
    private readonly minIntervalMs = 100,
  ) {}

  get enabled(): boolean {
    return this.out.isTTY === true;
  }

  update(stage: string, done: number, total: number): void {
    if (!this.enabled) return;
    if (done >= total) {
      // The stage is over: leave a clean line for what comes next.
      this.clear();
      this.lastStage = '';
      return;
    }
    const t = this.now();
    if (stage === this.lastStage && t - this.lastDrawMs < this.minIntervalMs) return;
    this.out.write(eraseLine + renderProgress(stage, done, total, this.out.columns || 80));
    this.drawn = true;
    this.lastStage = stage;
    this.lastDrawMs = t;
  }

  /** Removes the bar (before a log line is printed, or at the end). */
  clear(): void {
    if (!this.drawn) return;
    this.out.write(eraseLine);
    this.drawn = false;
    this.lastDrawMs = -Infinity;
  }
}
