// Levelled logging shared by every layer. Levels follow criu's -v scale:
// 0 errors only ... 4 debug. The CLI decides where lines go (a file via -o, stderr).
export const enum Level {
  Error = 1,
  Warn = 2,
  Info = 3,
  Debug = 4,
}

export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
  /** Reports progress of long work (memory dump, restore); the CLI draws a bar on a TTY. */
  progress(stage: string, done: number, total: number): void;
}

/** A logger that drops everything; the default for library calls that pass none. */
export const silentLogger: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  progress() {},
};

/** Names printed in log lines, by level. */
export const levelNames: Readonly<Record<Level, string>> = {
  [Level.Error]: 'Error',
  [Level.Warn]: 'Warn',
  [Level.Info]: 'Info',
  [Level.Debug]: 'Debug',
};

/** One log line as criu writes them: time since start as (SS.uuuuuu), then level and message. */
export function formatLogLine(elapsedNs: bigint, level: Level, msg: string): string {
  const us = elapsedNs / 1000n;
  const sec = String(us / 1_000_000n).padStart(2, '0');
  const frac = String(us % 1_000_000n).padStart(6, '0');
  return `(${sec}.${frac}) ${levelNames[level]}: ${msg}\n`;
}

/** Where log lines go: a file, stderr, a test's array. */
export interface LogSink {
  write(text: string): void;
}

/** A sink and the most verbose level it takes. */
export interface LogRoute {
  sink: LogSink;
  maxLevel: number;
}

/**
 * A Logger writing formatted lines to routes; progress goes to an optional callback. Errors
 * reach every route whatever its level: an error is never dropped.
 */
export class LineLogger implements Logger {
  constructor(
    private readonly routes: readonly LogRoute[],
    private readonly onProgress: (stage: string, done: number, total: number) => void = () => {},
    private readonly start: bigint = process.hrtime.bigint(),
    private readonly now: () => bigint = () => process.hrtime.bigint(),
  ) {}

  private emit(level: Level, msg: string): void {
    const elapsed = this.now() - this.start;
    const text = msg.split('\n').map((line) => formatLogLine(elapsed, level, line)).join('');
    for (const r of this.routes) if (level === Level.Error || level <= r.maxLevel) r.sink.write(text);
  }

  error(msg: string): void { this.emit(Level.Error, msg); }
  warn(msg: string): void { this.emit(Level.Warn, msg); }
  info(msg: string): void { this.emit(Level.Info, msg); }
  debug(msg: string): void { this.emit(Level.Debug, msg); }
  progress(stage: string, done: number, total: number): void { this.onProgress(stage, done, total); }
}
