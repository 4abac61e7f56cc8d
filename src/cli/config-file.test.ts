import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgv } from './argv.js';
import { configFilesOf, configWords, withConfigFiles } from './config-file.js';
import { UsageError } from './errors.js';
import { dumpOptionsOf, settingsOf } from './settings.js';
import { silentLogger } from '../log.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-config-'));
const write = (name: string, text: string): string => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
};
const none = { env: {}, globalFile: path.join(tmp, 'no-global'), userFile: path.join(tmp, 'no-user') };

describe('configWords', () => {
  it("reads criu's statements: flags, plain and quoted values, comments, blank lines", () => {
    const text = [
      '# a comment',
      '',
      '   tcp-established',
      'verbosity 4   # trailing comment',
      'log-file "my log.txt"',
      'lsm-profile "apparmor:say \\"hi\\""',
      'pidfile ""',
      '\tshell-job#comment',
    ].join('\n');
    expect(configWords(text, 'f')).toEqual([
      '--tcp-established', '--verbosity', '4', '--log-file', 'my log.txt', '--lsm-profile', 'apparmor:say "hi"', '--pidfile', '', '--shell-job#comment',
    ]);
  });

  it('refuses a second value and an unclosed quote, naming the line', () => {
    expect(() => configWords('tcp-established\nlog-file a b', 'cfg')).toThrow('cfg:2: log-file takes one value; found more: b');
    expect(() => configWords('log-file "a b', 'cfg')).toThrow('cfg:1: the quoted value of log-file has no closing quote');
    expect(() => configWords('log-file "a" b', 'cfg')).toThrow(UsageError);
  });
});

describe('configuration files on the command line', () => {
  it('read the defaults, then $CRIU_CONFIG_FILE, then --config; --config or --no-default-config skip the defaults', () => {
    const global = write('global.conf', 'tcp-established\n');
    const user = write('user.conf', 'shell-job\n');
    const env = write('env.conf', 'file-locks\n');
    const given = write('given.conf', 'leave-running\n');
    const src = { env: { CRIU_CONFIG_FILE: env }, globalFile: global, userFile: user };
    expect(configFilesOf(parseArgv(['dump']), src)).toEqual([global, user, env]);
    expect(configFilesOf(parseArgv(['dump', '--config', given]), src)).toEqual([env, given]);
    expect(configFilesOf(parseArgv(['dump', '--no-default-config']), src)).toEqual([env]);
    expect(configFilesOf(parseArgv(['dump']), none)).toEqual([]);
  });

  it('give options that the command line overrides', () => {
    const file = write('opts.conf', 'tree 7\nleave-stopped\nghost-limit 2M\n');
    const line = ['dump', '--config', file, '-t', '42', '-R'];
    const args = withConfigFiles(parseArgv(line), none);
    expect(dumpOptionsOf(args, settingsOf(args, '/'), silentLogger)).toMatchObject({ pid: 42, leaveRunning: true, ghostLimit: 2 << 20 });
    const only = withConfigFiles(parseArgv(['dump', '--config', file]), none);
    expect(dumpOptionsOf(only, settingsOf(only, '/'), silentLogger)).toMatchObject({ pid: 7, leaveStopped: true });
  });

  it('fail clearly on a missing file, an unknown option or a word that is not an option', () => {
    expect(() => withConfigFiles(parseArgv(['dump', '--config', path.join(tmp, 'absent')]), none)).toThrow(/configuration file .*absent cannot be read \(ENOENT\)/);
    const unknown = write('unknown.conf', 'frobnicate\n');
    expect(() => withConfigFiles(parseArgv(['dump', '--config', unknown]), none)).toThrow(/unknown.conf: unknown option --frobnicate/);
    const stray = write('stray.conf', 'tcp-established -- extra\n');
    expect(() => withConfigFiles(parseArgv(['dump', '--config', stray]), none)).toThrow(/takes one value|is not an option/);
  });
});
