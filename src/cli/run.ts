// The command line from argv to exit status: parse, answer --help/--version, open the log,
// run the command, and turn any error into the one-line form.
import { prepareImagesDir } from '../images/private.js';
import { checkPositionals, parseArgv, rejectUnsupported, type ParsedArgs } from './argv.js';
import { withConfigFiles } from './config-file.js';
import { runners, type Output } from './commands.js';
import { formatFatalError, NotSupportedError, UsageError } from './errors.js';
import { commandHelp, globalHelp } from './help.js';
import { openCliLog, type CliLog } from './logging.js';
import type { TtyLike } from './progress.js';
import { defaultVerbosity, settingsOf, verbosityOf } from './settings.js';
import { version } from './version.js';

export interface CliIo {
  stdout: Output;
  stderr: TtyLike;
  cwd: string;
}

export { version } from './version.js';

/** Points the user at the help that lists what they got wrong. */
function withHint(e: unknown, args: ParsedArgs | undefined): unknown {
  if (!(e instanceof UsageError)) return e;
  const command = e.command ?? args?.command?.name;
  const help = command ? `criu-ts ${command} --help` : 'criu-ts --help';
  return new UsageError(`${e.message} (see "${help}")`);
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: ParsedArgs | undefined;
  let verbosity = defaultVerbosity;
  let log: CliLog | undefined;
  try {
    args = parseArgv(argv);
    verbosity = verbosityOf(args);
    if (args.flag('help')) {
      io.stdout.write(args.command ? commandHelp(args.command) : globalHelp());
      return 0;
    }
    if (args.flag('version')) {
      io.stdout.write(`Version: ${version()}\n`);
      return 0;
    }
    if (!args.command) throw new UsageError('no command given');
    const command = args.command;
    args = withConfigFiles(args, { env: process.env });
    verbosity = verbosityOf(args);
    rejectUnsupported(args);
    checkPositionals(args);
    const settings = settingsOf(args, io.cwd);
    // The log of a dump may go into the images directory it is about to create.
    if (command.name === 'dump' || command.name === 'pre-dump') prepareImagesDir(settings.imagesDir);
    log = openCliLog(settings.verbosity, settings.logFile, io.stderr);
    log.logger.info(`criu-ts ${version()} on node ${process.version}: ${argv.join(' ')}`);
    const run = runners[command.name];
    if (!run) throw new NotSupportedError(`command "${command.name}"`);
    return await run({ args, settings, log, stdout: io.stdout });
  } catch (e) {
    const text = formatFatalError(withHint(e, args), verbosity);
    log?.bar.clear();
    io.stderr.write(text);
    log?.fileSink?.write(text);
    return 1;
  } finally {
    log?.close();
  }
}
