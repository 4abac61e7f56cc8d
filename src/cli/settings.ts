// From parsed arguments to what the commands need: verbosity, directories, the log file, and
// the library's DumpOptions/RestoreOptions. Pure functions (no I/O), so every mapping is tested.
import path from 'node:path';
import type { DumpOptions, RestoreOptions } from '../options.js';
import type { Logger } from '../log.js';
import type { ParsedArgs } from './argv.js';
import { NotSupportedError, UsageError } from './errors.js';
import { NETWORK_LOCK_METHODS, type NetworkLockMethod } from '../fd/tcp-lock.js';
import { FILE_VALIDATION_METHODS, type FileValidation } from '../fd/file-validation.js';
import { externalKey } from '../fd/external.js';
import { parseInheritFd } from '../fd/inherit-fd.js';

/** criu's default log level: errors and warnings. */
export const defaultVerbosity = 2;

export interface Settings {
  verbosity: number;
  /** Absolute images directory (-D, default the current directory). */
  imagesDir: string;
  /** Absolute work directory (-W, default the images directory). */
  workDir: string;
  /** Absolute log file (-o, relative to the work directory), if any. */
  logFile: string | undefined;
  displayStats: boolean;
}

/** C's atoi: the leading decimal digits (after blanks and a sign), 0 when there are none. */
const atoi = (s: string): number => Number.parseInt(s, 10) || 0;

/**
 * Applies -v, -vv..., -vN and --verbosity[=N] in command-line order, with criu's rules: a value
 * made of v's raises the level by one more than their count, any other is read by atoi (so
 * "-verbosity=0", which getopt reads as -v with the value "erbosity=0", is level 0).
 */
export function verbosityOf(args: ParsedArgs): number {
  let level = defaultVerbosity;
  for (const o of args.all('verbosity')) {
    if (o.value === undefined) level += 1;
    else if (o.value.startsWith('v')) level += o.value.length + 1;
    else level = atoi(o.value);
  }
  return level;
}

function positiveInt(args: ParsedArgs, long: string): number | undefined {
  const o = args.all(long).at(-1);
  if (o?.value === undefined) return undefined;
  if (!/^\d+$/.test(o.value) || Number(o.value) <= 0) {
    throw new UsageError(`option ${o.spelling}: "${o.value}" is not a positive integer`);
  }
  return Number(o.value);
}

/** A size as criu reads one: a number of bytes, or of KiB, MiB or GiB with a K, M or G suffix. */
function sizeArg(args: ParsedArgs, long: string): number | undefined {
  const o = args.all(long).at(-1);
  if (o?.value === undefined) return undefined;
  const m = /^(\d+)([KMG]?)$/i.exec(o.value);
  if (!m) throw new UsageError(`option ${o.spelling}: "${o.value}" is not a size (a number, optionally with K, M or G)`);
  return Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] || ' ').toUpperCase());
}

/** Modes of --manage-cgroups we honour: criu-ts leaves cgroups alone, which is criu's "ignore". */
const supportedCgroupModes = ['ignore'];

/** Rejects values of recognised options that criu-ts cannot honour yet. */
function rejectUnsupportedValues(args: ParsedArgs): void {
  for (const o of args.all('manage-cgroups')) {
    if (o.value === undefined || !supportedCgroupModes.includes(o.value)) {
      throw new NotSupportedError(`${o.spelling}${o.value === undefined ? '' : '=' + o.value} (only --manage-cgroups=ignore is)`);
    }
  }
  for (const o of args.all('ext-unix-sk')) {
    if (o.value !== undefined) throw new NotSupportedError(`${o.spelling} with an inode list`);
  }
}

export function settingsOf(args: ParsedArgs, cwd: string): Settings {
  rejectUnsupportedValues(args);
  const imagesDir = path.resolve(cwd, args.value('images-dir') ?? '.');
  const workDir = path.resolve(cwd, args.value('work-dir') ?? imagesDir);
  const log = args.value('log-file');
  return {
    verbosity: verbosityOf(args),
    imagesDir,
    workDir,
    // --log-pid: criu's one log per criu process, FILE.PID; criu-ts is one process.
    logFile: log === undefined ? undefined : path.resolve(workDir, args.flag('log-pid') ? `${log}.${process.pid}` : log),
    displayStats: args.flag('display-stats'),
  };
}

export function dumpOptionsOf(args: ParsedArgs, settings: Settings, log: Logger): DumpOptions {
  const pid = positiveInt(args, 'tree');
  if (pid === undefined) throw new UsageError(`${args.command?.name ?? 'dump'} needs the root of the tree: -t PID`);
  const opts: DumpOptions = { pid, imagesDir: settings.imagesDir, log };
  // -R and -s: the last one given wins, as with criu.
  const final = args.occurrences.filter((o) => o.option.long === 'leave-running' || o.option.long === 'leave-stopped').at(-1);
  if (final?.option.long === 'leave-running') opts.leaveRunning = true;
  if (final?.option.long === 'leave-stopped') opts.leaveStopped = true;
  if (args.flag('shell-job')) opts.shellJob = true;
  if (args.flag('tcp-established')) opts.tcpEstablished = true;
  if (args.flag('ext-unix-sk')) opts.extUnixSk = true;
  if (args.flag('file-locks')) opts.fileLocks = true;
  if (args.flag('skip-in-flight')) opts.skipInFlight = true;
  if (args.flag('link-remap')) opts.linkRemap = true;
  const externals = args.all('external').map((o) => external(o.value ?? ''));
  if (externals.length) opts.external = externals;
  const mode = args.value('pre-dump-mode');
  if (mode !== undefined && mode !== 'splice' && mode !== 'read') throw new UsageError(`--pre-dump-mode takes splice or read, not "${mode}"`);
  const ghostLimit = sizeArg(args, 'ghost-limit');
  if (ghostLimit !== undefined) opts.ghostLimit = ghostLimit;
  const validation = fileValidationOf(args);
  if (validation) opts.fileValidation = validation;
  const timeout = positiveInt(args, 'timeout');
  if (timeout !== undefined) opts.timeoutSec = timeout;
  const lock = networkLockOf(args);
  if (lock) opts.networkLock = lock;
  const prev = args.value('prev-images-dir');
  if (prev !== undefined) opts.prevImagesDir = prev;
  return opts;
}

function external(value: string): string {
  const key = externalKey(value);
  if (key === 'unsupported') throw new NotSupportedError(`--external ${value}`);
  if (key === undefined) throw new UsageError(`--external takes tty[RDEV:DEV] (hex), not "${value}"`);
  return key;
}

function fileValidationOf(args: ParsedArgs): FileValidation | undefined {
  const v = args.value('file-validation');
  if (v === undefined) return undefined;
  if (!(FILE_VALIDATION_METHODS as readonly string[]).includes(v)) throw new UsageError(`--file-validation takes ${FILE_VALIDATION_METHODS.join(' or ')}, not "${v}"`);
  return v as FileValidation;
}

function networkLockOf(args: ParsedArgs): NetworkLockMethod | undefined {
  const v = args.value('network-lock');
  if (v === undefined) return undefined;
  if (v === 'nftables') throw new NotSupportedError('--network-lock nftables');
  if (!(NETWORK_LOCK_METHODS as readonly string[]).includes(v)) throw new UsageError(`--network-lock takes ${NETWORK_LOCK_METHODS.join(' or ')} (or nftables), not "${v}"`);
  return v as NetworkLockMethod;
}

export function restoreOptionsOf(args: ParsedArgs, settings: Settings, log: Logger): RestoreOptions {
  const opts: RestoreOptions = { imagesDir: settings.imagesDir, log };
  // --daemon is criu's other name of --restore-detached; whichever comes last wins.
  const detach = args.occurrences.filter((o) => o.option.long === 'restore-detached' || o.option.long === 'daemon').at(-1);
  if (detach && !detach.negated) opts.detached = true;
  if (args.flag('shell-job')) opts.shellJob = true;
  if (args.flag('leave-stopped')) opts.leaveStopped = true;
  if (args.flag('tcp-close')) opts.tcpClose = true;
  if (args.flag('skip-file-rwx-check')) opts.skipFileRwxCheck = true;
  const validation = fileValidationOf(args);
  if (validation) opts.fileValidation = validation;
  const pidfile = args.value('pidfile');
  if (pidfile !== undefined) opts.pidfile = path.resolve(settings.workDir, pidfile);
  const lock = networkLockOf(args);
  if (lock) opts.networkLock = lock;
  const inherit = args.all('inherit-fd').map((o) => {
    try {
      return parseInheritFd(o.value ?? '');
    } catch (e) {
      throw new UsageError((e as Error).message.replace(/^criu-ts: /, ''));
    }
  });
  if (inherit.length) opts.inheritFds = inherit;
  // A terminal's key means nothing here (it comes back through --inherit-fd); criu's other
  // kinds map resources on restore, which criu-ts cannot do yet: refused rather than ignored.
  for (const o of args.all('external')) external(o.value ?? '');
  return opts;
}
