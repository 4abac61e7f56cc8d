import { describe, expect, it } from 'vitest';
import { checkPositionals, parseArgv, rejectUnsupported } from './argv.js';
import { NotSupportedError, UsageError } from './errors.js';
import { globalOptions } from './spec.js';

const parse = (line: string) => parseArgv(line.split(' ').filter(Boolean));

describe('parseArgv', () => {
  it('finds the command wherever the options are', () => {
    expect(parse('dump -t 12').command?.name).toBe('dump');
    expect(parse('-D /img -v4 restore -d').command?.name).toBe('restore');
    expect(parse('-o x.log check').value('log-file')).toBe('x.log');
  });

  it('takes values as "--opt value", "--opt=value", "-t N" and "-tN"', () => {
    for (const line of ['dump --tree 42', 'dump --tree=42', 'dump -t 42', 'dump -t42']) {
      expect(parse(line).value('tree'), line).toBe('42');
    }
    expect(parse('restore --images-dir=/a=b').value('images-dir')).toBe('/a=b');
    expect(parseArgv(['dump', '-D', '-weird-dir']).value('images-dir')).toBe('-weird-dir');
  });

  it('bundles short flags, ending at the first option that takes a value', () => {
    const a = parse('dump -jRt 7');
    expect(a.flag('shell-job')).toBe(true);
    expect(a.flag('leave-running')).toBe(true);
    expect(a.value('tree')).toBe('7');
    const b = parse('dump -jt7');
    expect(b.flag('shell-job')).toBe(true);
    expect(b.value('tree')).toBe('7');
    expect(parse('restore -djl').flag('file-locks')).toBe(true);
  });

  it('gives optional values only when attached (getopt rules)', () => {
    expect(parse('check -v').all('verbosity').map((o) => o.value)).toEqual([undefined]);
    expect(parse('check -v4').value('verbosity')).toBe('4');
    expect(parse('check -vvv').value('verbosity')).toBe('vv');
    expect(parse('check --verbosity=3').value('verbosity')).toBe('3');
    expect(parse('dump --manage-cgroups=ignore').value('manage-cgroups')).toBe('ignore');
    // A detached word after an optional-value option is not its value.
    expect(parse('dump --verbosity 3').positionals).toEqual(['3']);
  });

  it('knows the --no- form of criu boolean options, last one wins', () => {
    expect(parse('dump -j --no-shell-job').flag('shell-job')).toBe(false);
    expect(parse('dump --no-shell-job -j').flag('shell-job')).toBe(true);
    expect(() => parse('dump --no-tree 1')).toThrow(UsageError);
  });

  it('lets a command own a short option that is global elsewhere', () => {
    const d = parse('decode -i a.img -o out.json --pretty');
    expect(d.value('input')).toBe('a.img');
    expect(d.value('output')).toBe('out.json');
    expect(d.value('log-file')).toBeUndefined();
    expect(parse('decode --log-file l -i a').value('log-file')).toBe('l');
    // Before the command, -o is criu's log file.
    expect(parse('-o l decode -i a').value('log-file')).toBe('l');
  });

  it('rejects unknown options, commands and missing values with a UsageError', () => {
    const usage = (message: string, command?: string) => expect.objectContaining({ name: 'UsageError', message, command });
    expect(() => parse('dump --frobnicate')).toThrow(usage('unknown option --frobnicate', 'dump'));
    expect(() => parse('-q dump')).toThrow(usage('unknown option -q'));
    expect(() => parse('dump -jq')).toThrow(usage('unknown option -q', 'dump'));
    expect(() => parse('frob')).toThrow(usage('unknown command "frob"'));
    expect(() => parse('dump -t')).toThrow(usage('option -t needs a value (PID)', 'dump'));
    expect(() => parse('dump -t')).toThrow(UsageError);
    expect(() => parse('dump --images-dir')).toThrow(/--images-dir needs a value/);
    expect(() => parse('dump --leave-running=yes')).toThrow(/takes no value/);
    // Options of a command are not known before it or to other commands.
    expect(() => parse('--pretty decode -i a')).toThrow(/unknown option --pretty/);
    expect(() => parse('dump --feature uffd')).toThrow(/unknown option --feature/);
  });

  it('treats everything after -- as positionals', () => {
    const a = parse('show -- -odd-name.img');
    expect(a.positionals).toEqual(['-odd-name.img']);
  });
});

describe('rejectUnsupported', () => {
  it('fails on a recognised option criu-ts does not implement, naming it as typed', () => {
    expect(() => rejectUnsupported(parse('restore --root /x'))).toThrow(new NotSupportedError('--root'));
    expect(() => rejectUnsupported(parse('restore -r /x'))).toThrow('-r: not supported yet');
    expect(() => rejectUnsupported(parse('dump --page-server'))).toThrow('--page-server: not supported yet');
  });

  it('accepts the --no- form of an unsupported flag', () => {
    expect(() => rejectUnsupported(parse('dump --no-auto-dedup'))).not.toThrow();
  });

  it('fails on the commands that are only recognised', () => {
    for (const c of ['page-server', 'lazy-pages']) {
      expect(() => rejectUnsupported(parse(c)), c).toThrow(`command "${c}": not supported yet`);
    }
    expect(() => rejectUnsupported(parse('dump -t 1'))).not.toThrow();
  });

  it('covers every unsupported option in the table', () => {
    for (const o of globalOptions.filter((x) => x.unsupported)) {
      const argv = ['dump', `--${o.long}`, ...(o.arity === 'required' ? ['v'] : [])];
      expect(() => rejectUnsupported(parseArgv(argv)), o.long).toThrow(NotSupportedError);
    }
  });
});

describe('checkPositionals', () => {
  it('wants exactly the positionals a command takes', () => {
    expect(() => checkPositionals(parse('show a.img'))).not.toThrow();
    expect(() => checkPositionals(parse('show'))).toThrow('show: missing FILE');
    expect(() => checkPositionals(parse('show a b'))).toThrow('show: unexpected argument "b"');
    expect(() => checkPositionals(parse('dump extra'))).toThrow(/unexpected argument "extra"/);
  });
});
