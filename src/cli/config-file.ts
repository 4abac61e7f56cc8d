// criu's configuration files: one option per line, written without its leading "--", with at
// most one value, plain or in double quotes (\" inside quotes is a quote); '#' starts a comment.
// They are read, in this order, before the command line, so the command line wins: the global
// and user defaults (unless --no-default-config or --config is given), $CRIU_CONFIG_FILE, then
// --config FILE.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgv, ParsedArgs } from './argv.js';
import { UsageError } from './errors.js';

export const globalConfigFile = '/etc/criu/default.conf';
export const userConfigFile = (home: string): string => path.join(home, '.criu', 'default.conf');

/** The argv words of a configuration file's text ("--name", then its value if it has one). */
export function configWords(text: string, file: string): string[] {
  const words: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const where = `${file}:${i + 1}`;
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const name = /^\S+/.exec(line)![0];
    words.push(`--${name}`);
    let rest = line.slice(name.length).replace(/^\s+/, '');
    if (rest === '' || rest.startsWith('#')) return;
    let value: string;
    if (rest.startsWith('"')) {
      const close = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      if (!close) throw new UsageError(`${where}: the quoted value of ${name} has no closing quote`);
      value = close[1]!.replace(/\\"/g, '"');
      rest = rest.slice(close[0].length);
    } else {
      value = /^[^\s#]+/.exec(rest)![0];
      rest = rest.slice(value.length);
    }
    if (!/^\s*(#.*)?$/.test(rest)) throw new UsageError(`${where}: ${name} takes one value; found more: ${rest.trim()}`);
    words.push(value);
  });
  return words;
}

export interface ConfigSources {
  env: NodeJS.ProcessEnv;
  /** Where the defaults are looked for (tests point them elsewhere). */
  globalFile?: string;
  userFile?: string;
}

/** The configuration files that apply to args, in reading order; missing default files are left out. */
export function configFilesOf(args: ParsedArgs, src: ConfigSources): string[] {
  const given = args.value('config');
  const files: string[] = [];
  if (given === undefined && !args.flag('no-default-config')) {
    const home = src.env.HOME;
    for (const f of [src.globalFile ?? globalConfigFile, src.userFile ?? (home ? userConfigFile(home) : undefined)]) {
      if (f !== undefined && fs.existsSync(f)) files.push(f);
    }
  }
  if (src.env.CRIU_CONFIG_FILE) files.push(src.env.CRIU_CONFIG_FILE);
  if (given !== undefined) files.push(given);
  return files;
}

/** args with the options of its configuration files put before its own, so its own win. */
export function withConfigFiles(args: ParsedArgs, src: ConfigSources): ParsedArgs {
  const command = args.command;
  if (!command) return args;
  const before = configFilesOf(args, src).flatMap((file) => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`configuration file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    let parsed: ParsedArgs;
    try {
      parsed = parseArgv([command.name, ...configWords(text, file)]);
    } catch (e) {
      throw new UsageError(`configuration file ${file}: ${(e as Error).message}`);
    }
    if (parsed.positionals.length) throw new UsageError(`configuration file ${file}: "${parsed.positionals[0]}" is not an option`);
    return parsed.occurrences;
  });
  return before.length ? new ParsedArgs(command, [...before, ...args.occurrences], args.positionals) : args;
}
