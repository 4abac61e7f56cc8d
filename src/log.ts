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
