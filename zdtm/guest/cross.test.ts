import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arch/index.js';
import { packageRoot } from '../../src/sys/native.js';
import { addonCompileArgs } from './cross.js';

describe('addonCompileArgs', () => {
  const repo = packageRoot();

  it.each(['aarch64', 's390x', 'ppc64le'])('%s: the triple’s g++, every binding source, N-API 8 headers', (name) => {
    const arch = archByName(name);
    const { cc, flags, sources } = addonCompileArgs(arch, repo);
    expect(cc).toBe(`${arch.triple}-g++`);
    const all = fs.readdirSync(path.join(repo, 'native', 'src')).filter((f) => f.endsWith('.cc'));
    expect(sources.map((s) => path.basename(s)).sort()).toEqual(all.sort());
    expect(flags).toEqual(expect.arrayContaining(['-fPIC', '-DNAPI_VERSION=8', '-I/usr/include/node']));
    const napi = flags.find((a) => a.startsWith('-I') && a.includes('node-addon-api'))!;
    expect(fs.existsSync(path.join(napi.slice(2), 'napi.h'))).toBe(true);
  });
});
