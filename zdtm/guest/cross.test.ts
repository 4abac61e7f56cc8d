import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { archByName } from '../../src/arch/index.js';
import { packageRoot } from '../../src/sys/native.js';
import { addonCompileArgs, buildRepoFor } from './cross.js';

// What buildRepoFor runs, in order: host package installs and commands.
const steps: string[] = [];
vi.mock('./apt.js', () => ({ ensureHostPackages: (pkgs: string[]) => steps.push(`install ${pkgs.join(' ')}`) }));
vi.mock('node:child_process', () => ({ execFileSync: (cmd: string, args: string[]) => steps.push(`${cmd} ${args.join(' ')}`) }));

describe('addonCompileArgs', () => {
  const repo = packageRoot();

  it.each(['aarch64', 's390x', 'ppc64le'])('%s: the triple’s g++, every binding source and its arch’s, N-API 8 headers', (name) => {
    const arch = archByName(name);
    const { cc, flags, sources } = addonCompileArgs(arch, repo);
    expect(cc).toBe(`${arch.triple}-g++`);
    const common = fs.readdirSync(path.join(repo, 'native', 'src')).filter((f) => f.endsWith('.cc'));
    const own = path.join(repo, 'arch', name, 'native.cc');
    expect(sources.sort()).toEqual([...common.map((f) => path.join(repo, 'native', 'src', f)), own].sort());
    const archDirs = [`-I${path.join(repo, 'arch', name)}`, `-I${path.join(repo, 'arch', 'common', 'include')}`];
    expect(flags).toEqual(expect.arrayContaining(['-fPIC', '-DNAPI_VERSION=8', '-I/usr/include/node', ...archDirs]));
    const napi = flags.find((a) => a.startsWith('-I') && a.includes('node-addon-api'))!;
    expect(fs.existsSync(path.join(napi.slice(2), 'napi.h'))).toBe(true);
  });
});

describe('buildRepoFor', () => {
  it('installs the cross compilers before it builds anything (a fresh machine has none yet)', () => {
    steps.length = 0;
    buildRepoFor(archByName('s390x'));
    expect(steps[0]).toBe('install gcc-s390x-linux-gnu g++-s390x-linux-gnu');
    expect(steps.slice(1).every((s) => s.startsWith('make '))).toBe(true);
    expect(steps.length).toBeGreaterThan(1);
  });
});
