// A small getopt_long-style parser over the tables in spec.ts. Options may come before or after
// the command (criu permutes); options after the command may also be the command's own. Values
// as "--opt value", "--opt=value", "-t 123", "-t123"; short flags bundle ("-jR", "-jt 123").
import { commandByName, globalOptions, type CommandSpec, type OptionSpec } from './spec.js';
import { NotSupportedError, UsageError } from './errors.js';

export interface Occurrence {
  option: OptionSpec;
  /** The value given; undefined for flags and for optional values left out. */
  value: string | undefined;
  /** Given as --no-NAME. */
  negated: boolean;
  /** As typed, for messages: "-t", "--tree", "--no-shell-job". */
  spelling: string;
}

export class ParsedArgs {
  constructor(
    readonly command: CommandSpec | undefined,
    readonly occurrences: readonly Occurrence[],
    readonly positionals: readonly string[],
  ) {}

  /** Every occurrence of an option, in command-line order. */
  all(long: string): Occurrence[] {
    return this.occurrences.filter((o) => o.option.long === long);
  }

  /** A flag's state: its last occurrence wins, so "-j --no-shell-job" is off. */
  flag(long: string): boolean {
    const last = this.all(long).at(-1);
    return last !== undefined && !last.negated;
  }

  /** The value of an option's last occurrence. */
  value(long: string): string | undefined {
    return this.all(long).at(-1)?.value;
  }
}

function findLong(name: string, command: CommandSpec | undefined): { option: OptionSpec; negated: boolean } | undefined {
  const tables = command ? [command.options, globalOptions] : [globalOptions];
  for (const table of tables) {
    const exact = table.find((o) => o.long === name);
    if (exact) return { option: exact, negated: false };
  }
  if (name.startsWith('no-')) {
    const base = name.slice(3);
    for (const table of tables) {
      const negatable = table.find((o) => o.long === base && o.negatable);
      if (negatable) return { option: negatable, negated: true };
    }
  }
  return undefined;
}

function findShort(letter: string, command: CommandSpec | undefined): OptionSpec | undefined {
  return command?.options.find((o) => o.short === letter) ?? globalOptions.find((o) => o.short === letter);
}

function missingValue(spelling: string, option: OptionSpec, command: CommandSpec | undefined): UsageError {
  return new UsageError(`option ${spelling} needs a value (${option.metavar ?? 'VALUE'})`, command?.name);
}

/** Parses argv (without "node main.js"); throws UsageError on anything it does not know. */
export function parseArgv(argv: readonly string[]): ParsedArgs {
  let command: CommandSpec | undefined;
  const occurrences: Occurrence[] = [];
  const positionals: string[] = [];
  let optionsEnded = false;
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i++]!;
    if (optionsEnded || arg === '-' || !arg.startsWith('-')) {
      if (command) {
        positionals.push(arg);
        continue;
      }
      command = commandByName(arg);
      if (!command) throw new UsageError(`unknown command "${arg}"`);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const body = arg.slice(2);
      const eq = body.indexOf('=');
      const name = eq < 0 ? body : body.slice(0, eq);
      const inline = eq < 0 ? undefined : body.slice(eq + 1);
      const spelling = `--${name}`;
      const found = findLong(name, command);
      if (!found) throw new UsageError(`unknown option ${spelling}`, command?.name);
      const { option, negated } = found;
      let value: string | undefined;
      if (negated || option.arity === 'none') {
        if (inline !== undefined) throw new UsageError(`option ${spelling} takes no value`, command?.name);
      } else if (option.arity === 'required') {
        value = inline ?? argv[i++];
        if (value === undefined) throw missingValue(spelling, option, command);
      } else {
        value = inline;
      }
      occurrences.push({ option, value, negated, spelling });
      continue;
    }
    // A bundle of short options: flags, then at most one option that takes the rest as value.
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      const spelling = `-${letter}`;
      const option = findShort(letter, command);
      if (!option) throw new UsageError(`unknown option ${spelling}`, command?.name);
      if (option.arity === 'none') {
        occurrences.push({ option, value: undefined, negated: false, spelling });
        continue;
      }
      const rest = arg.slice(j + 1);
      let value: string | undefined = rest === '' ? undefined : rest;
      if (option.arity === 'required' && value === undefined) {
        value = argv[i++];
        if (value === undefined) throw missingValue(spelling, option, command);
      }
      occurrences.push({ option, value, negated: false, spelling });
      break;
    }
  }
  return new ParsedArgs(command, occurrences, positionals);
}

/** Fails on the first recognised-but-unimplemented option or command (a --no-X form is fine:
 *  not doing X is what criu-ts does anyway). */
export function rejectUnsupported(args: ParsedArgs): void {
  for (const o of args.occurrences) {
    if (o.option.unsupported && !o.negated) throw new NotSupportedError(o.spelling);
  }
  if (args.command?.unsupported) throw new NotSupportedError(`command "${args.command.name}"`);
}

/** Checks the number of positional arguments against the command's spec. */
export function checkPositionals(args: ParsedArgs): void {
  const cmd = args.command;
  if (!cmd) return;
  const n = args.positionals.length;
  const { min, max, metavar } = cmd.positionals;
  if (n > max) throw new UsageError(`${cmd.name}: unexpected argument "${args.positionals[max]}"`);
  if (n < min) throw new UsageError(`${cmd.name}: missing ${metavar ?? 'argument'}`);
}
