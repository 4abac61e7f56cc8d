// Where the command line's log goes: with -o FILE every line up to the verbosity goes to the
// file and errors also to stderr; without -o, lines up to the verbosity go to stderr. A progress
// bar shares stderr and steps aside for log lines.
import fs from 'node:fs';
import { openPrivate } from '../images/private.js';
import { Level, LineLogger, type LogRoute, type LogSink } from '../log.js';
import { ProgressBar, type TtyLike } from './progress.js';

export interface CliLog {
  logger: LineLogger;
  bar: ProgressBar;
  /** Also writes to the log file (the fatal error line goes there too). */
  fileSink: LogSink | undefined;
  close(): void;
}

/** A sink appending synchronously to a file (0600: it may quote the images), so the log survives a crash. */
function openFileSink(file: string): LogSink & { close(): void } {
  let fd: number;
  try {
    fd = openPrivate(file);
  } catch (e) {
    throw new Error(`cannot open log file ${file}: ${(e as Error).message}`);
  }
  return {
    write: (text) => void fs.writeSync(fd, text),
    close: () => fs.closeSync(fd),
  };
}

export function openCliLog(verbosity: number, logFile: string | undefined, stderr: TtyLike): CliLog {
  const bar = new ProgressBar(stderr);
  const console: LogSink = {
    write(text) {
      bar.clear();
      stderr.write(text);
    },
  };
  const file = logFile === undefined ? undefined : openFileSink(logFile);
  const routes: LogRoute[] = file
    ? [{ sink: file, maxLevel: verbosity }, { sink: console, maxLevel: Level.Error }]
    : [{ sink: console, maxLevel: verbosity }];
  const logger = new LineLogger(routes, (stage, done, total) => bar.update(stage, done, total));
  return {
    logger,
    bar,
    fileSink: file,
    close() {
      bar.clear();
      file?.close();
    },
  };
}
