// What each command does once the command line is understood. Implementations are imported
// when their command runs: `check`, `show` and `--help` load only what they use.
import fs from 'node:fs';
import path from 'node:path';
import type { DumpResult, RestoreResult } from '../options.js';
import type { Logger } from '../log.js';
import { faultPoints } from '../fault.js';
import type { ParsedArgs } from './argv.js';
import type { CommandName } from './spec.js';
import type { CliLog } from './logging.js';
import { dumpOptionsOf, restoreOptionsOf, type Settings } from './settings.js';
import { UsageError } from './errors.js';
import { writePrivate } from '../images/private.js';
import { allFeatures, features, featureByName, probeFeature, type Feature } from './features.js';
import { actionScripts } from './action-scripts.js';
import { version } from './version.js';

export interface Output {
  write(text: string): unknown;
}

export interface CommandContext {
  args: ParsedArgs;
  settings: Settings;
  log: CliLog;
  stdout: Output;
}

/** A command's exit status. */
type Runner = (ctx: CommandContext) => Promise<number>;

const us = (ms: number): number => Math.round(ms * 1000);
const countLine = (label: string, n: number): string => `${label}: ${n} (0x${n.toString(16)})\n`;

/** The --display-stats block, shaped like criu's. */
export function formatDumpStats(r: DumpResult): string {
  return (
    'Displaying dump stats:\n' +
    `Freezing time: ${us(r.freezeMs)} us\n` +
    `Dump time: ${us(r.dumpMs)} us\n` +
    countLine('Memory pages scanned', r.pagesScanned) +
    countLine('Memory pages skipped from parent', r.pagesInParent) +
    countLine('Memory pages written', r.pagesWritten)
  );
}

export function formatRestoreStats(r: RestoreResult): string {
  return `Displaying restore stats:\nRestore time: ${us(r.restoreMs)} us\n`;
}

const dump: Runner = async ({ args, settings, log, stdout }) => {
  const opts = dumpOptionsOf(args, settings, log.logger);
  const scripts = args.all('action-script').map((o) => o.value!);
  if (scripts.length) opts.actions = actionScripts(scripts, opts.imagesDir, log.logger, opts.pid);
  const { dump } = await import('../dump/index.js');
  const result = await dump(opts);
  if (settings.displayStats) stdout.write(formatDumpStats(result));
  return 0;
};

const preDump: Runner = async ({ args, settings, log, stdout }) => {
  const { preDump, preDumpOptionsOf } = await import('../dump/pre-dump.js');
  const result = await preDump(preDumpOptionsOf(dumpOptionsOf(args, settings, log.logger)));
  if (settings.displayStats) stdout.write(formatDumpStats(result));
  return 0;
};

const restore: Runner = async ({ args, settings, log, stdout }) => {
  if (args.flag('verify')) {
    const { verifyImageSet } = await import('../restore/index.js');
    const v = verifyImageSet(settings.imagesDir);
    stdout.write(`${settings.imagesDir}: ${v.files} image files and ${v.pages} pages in ${v.pageEntries} pagemap entries match checksums.img\n`);
    return 0;
  }
  const opts = restoreOptionsOf(args, settings, log.logger);
  const scripts = args.all('action-script').map((o) => o.value!);
  if (scripts.length) opts.actions = actionScripts(scripts, opts.imagesDir, log.logger);
  const { restore } = await import('../restore/index.js');
  const result = await restore(opts);
  if (settings.displayStats) stdout.write(formatRestoreStats(result));
  // Without -d we waited for the root: its exit status is ours, as with criu.
  return opts.detached ? 0 : (result.exitCode ?? 0);
};

/** The lines criu prints at the end of a check. */
export const checkVerdicts = {
  good: 'Looks good.',
  bad: 'Does not look good.',
  maybe: 'Looks good but some kernel features are missing\nwhich, depending on your process tree, may cause\ndump or restore failure.',
} as const;

/** Probes the features and returns [exit status, verdict]; failures are logged as warnings. */
export function runChecks(list: readonly Feature[], log: Logger): [number, string] {
  let basicMissing = false;
  let otherMissing = false;
  for (const f of list) {
    const answer = probeFeature(f);
    if (answer.supported) {
      log.info(`${f.name}: yes (${answer.detail})`);
      continue;
    }
    log.warn(`${f.name}: ${answer.detail}`);
    if (f.basic) basicMissing = true;
    else otherMissing = true;
  }
  if (basicMissing) return [1, checkVerdicts.bad];
  return otherMissing ? [1, checkVerdicts.maybe] : [0, checkVerdicts.good];
}

const check: Runner = async ({ args, log, stdout }) => {
  if (args.flag('fault-points')) {
    stdout.write(Object.keys(faultPoints).map((p) => p + '\n').join(''));
    return 0;
  }
  const name = args.value('feature');
  if (name === 'list') {
    stdout.write(allFeatures.map((f) => f.name + '\n').join(''));
    return 0;
  }
  if (name !== undefined) {
    const feature = featureByName(name);
    if (!feature) throw new Error(`unknown feature "${name}" (see "criu-ts check --feature list")`);
    const answer = probeFeature(feature);
    if (!answer.supported) throw new Error(`${feature.name} is not supported: ${answer.detail}`);
    stdout.write(`${feature.name} is supported\n`);
    return 0;
  }
  const all = args.flag('all') || args.flag('extra');
  const [status, verdict] = runChecks(all ? features : features.filter((f) => f.basic), log.logger);
  stdout.write(verdict + '\n');
  return status;
};

function required(args: ParsedArgs, long: string, what: string): string {
  const v = args.value(long);
  if (v === undefined) throw new UsageError(`${args.command?.name}: missing ${what}`);
  return v;
}

const show: Runner = async ({ args, stdout }) => {
  const crit = await import('../images/crit.js');
  stdout.write(crit.show(args.positionals[0]!));
  return 0;
};

const decode: Runner = async ({ args, stdout }) => {
  const input = required(args, 'input', 'the image to decode: -i FILE');
  const crit = await import('../images/crit.js');
  const json = crit.decodeToJson(input, args.flag('pretty'));
  const out = args.value('output');
  if (out === undefined) stdout.write(json);
  else fs.writeFileSync(out, json);
  return 0;
};

const encode: Runner = async ({ args }) => {
  const input = required(args, 'input', 'the JSON to encode: -i JSON');
  const out = required(args, 'output', 'the image to write: -o FILE');
  const crit = await import('../images/crit.js');
  const text = fs.readFileSync(input, 'utf8');
  let image: Buffer;
  try {
    image = crit.encodeFromJson(text);
  } catch (e) {
    // JSON and schema errors do not know which file they came from.
    throw new Error(`${input}: ${(e as Error).message}`);
  }
  writePrivate(out, image);
  return 0;
};

const swrk: Runner = async ({ args, log }) => {
  const arg = args.positionals[0]!;
  if (!/^\d+$/.test(arg)) throw new UsageError(`swrk: "${arg}" is not an fd number`);
  const { RpcChannel } = await import('../rpc/channel.js');
  const { serveConnection } = await import('../rpc/serve.js');
  const channel = RpcChannel.adopt(Number(arg));
  try {
    await serveConnection(channel, { version: version(), log: log.logger });
  } finally {
    channel.close();
  }
  return 0;
};

const service: Runner = async ({ args, settings, log }) => {
  const { runService } = await import('../rpc/service.js');
  const pidfile = args.value('pidfile');
  const statusFd = args.value('status-fd');
  if (statusFd !== undefined && !/^\d+$/.test(statusFd)) throw new UsageError(`--status-fd: "${statusFd}" is not an fd number`);
  return runService({
    address: args.value('address') ?? './criu_service.socket',
    ...(pidfile === undefined ? {} : { pidfile: path.resolve(settings.workDir, pidfile) }),
    ...(statusFd === undefined ? {} : { statusFd: Number(statusFd) }),
    log: log.logger,
  });
};

/** Commands rejected before they run (see rejectUnsupported) have no runner. */
export const runners: Partial<Record<CommandName, Runner>> = { dump, 'pre-dump': preDump, restore, check, show, decode, encode, swrk, service };
