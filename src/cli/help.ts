// Help text, generated from the tables in spec.ts so it cannot miss an option.
import { commands, globalOptions, type CommandSpec, type OptionSpec } from './spec.js';

/** Column where option descriptions start; longer labels put theirs on the next line. */
const labelWidth = 30;

function optionLabel(o: OptionSpec, withShort: boolean): string {
  const value = o.metavar === undefined ? '' : o.arity === 'optional' ? `[=${o.metavar}]` : ` ${o.metavar}`;
  const long = `--${o.negatable ? `[no-]${o.long}` : o.long}${value}`;
  return o.short && withShort ? `-${o.short}, ${long}` : `    ${long}`;
}

/** Help lines of options; `shadowed` holds short letters a command gave to its own options. */
function optionLines(options: readonly OptionSpec[], shadowed: readonly string[] = []): string[] {
  return options.map((o) => {
    const label = optionLabel(o, !shadowed.includes(o.short ?? ''));
    const pad = label.length <= labelWidth ? ' '.repeat(labelWidth - label.length) : '\n' + ' '.repeat(labelWidth + 2);
    return `  ${label}${pad}  ${o.help}`;
  });
}

const sentence = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1) + '.';

export function globalHelp(): string {
  const supported = globalOptions.filter((o) => !o.unsupported);
  const unsupported = globalOptions.filter((o) => o.unsupported);
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: criu-ts COMMAND [options]',
    '',
    'Checkpoint/restore of Linux process trees, with CRIU-compatible images.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.unsupported ? '(not supported yet) ' : ''}${c.summary}`),
    '',
    'Options (accepted with every command, as criu does):',
    ...optionLines(supported),
    '',
    'Recognised criu options that are not supported yet (they fail):',
    ...optionLines(unsupported),
    '',
    'Run "criu-ts COMMAND --help" for the options of one command.',
    '',
  ].join('\n');
}

export function commandHelp(cmd: CommandSpec): string {
  const relevant = globalOptions.filter((o) => !o.unsupported && (o.usedBy === undefined || o.usedBy.includes(cmd.name)));
  const own = cmd.options.flatMap((o) => (o.short ? [o.short] : []));
  const lines = [`Usage: criu-ts ${cmd.usage}`, '', `${sentence(cmd.summary)}${cmd.unsupported ? ' Not supported yet.' : ''}`, ''];
  if (cmd.options.length > 0) lines.push(`Options of ${cmd.name}:`, ...optionLines(cmd.options), '');
  lines.push('Options:', ...optionLines(relevant, own), '', 'Run "criu-ts --help" for every option.', '');
  return lines.join('\n');
}
