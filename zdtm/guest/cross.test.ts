import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arch/index.js';
import { packageRoot } from '../../src/sys/native.js';
import { addonCompileArgs } from './cross.js';

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
