import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { needsChecker } from './needs.js';

describe('needsChecker', () => {
  it('asks `<criu> check --feature NAME` once per feature and quotes its reason', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zdtm-needs-'));
    const calls = path.join(dir, 'calls');
    const criu = path.join(dir, 'criu');
    fs.writeFileSync(criu, `#!/bin/sh\necho "$*" >> ${calls}\n[ "$3" = pidfd ] && exit 0\necho "Error (criu-ts): $3 is not supported here" >&2\nexit 1\n`, { mode: 0o755 });
    const check = needsChecker([criu]);
    expect(await check('pidfd')).toBeUndefined();
    expect(await check('soft-dirty')).toBe('needs soft-dirty (Error (criu-ts): soft-dirty is not supported here)');
    expect(await check('pidfd')).toBeUndefined();
    expect(fs.readFileSync(calls, 'utf8')).toBe('check --feature pidfd\ncheck --feature soft-dirty\n');
    fs.rmSync(dir, { recursive: true });
  });

  it('with a dumper and a restorer, needs both to have the feature', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zdtm-needs-'));
    const tool = (name: string, has: string): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, `#!/bin/sh\n[ "$3" = ${has} ] && exit 0\necho "${name} lacks $3" >&2\nexit 1\n`, { mode: 0o755 });
      return file;
    };
    const [a, b] = [tool('a', 'pidfd'), tool('b', 'uffd')];
    expect(await needsChecker([a], [b])('pidfd')).toBe('needs pidfd (b lacks pidfd)');
    expect(await needsChecker([a], [b])('uffd')).toBe('needs uffd (a lacks uffd)');
    expect(await needsChecker([a], [a])('pidfd')).toBeUndefined();
    fs.rmSync(dir, { recursive: true });
  });

  it('answers "root" from the effective uid, without asking', async () => {
    const check = needsChecker(['/nonexistent/criu']);
    expect(await check('root')).toBe(process.geteuid!() === 0 ? undefined : 'needs root');
  });

  it('a checkpoint tool that cannot run means the need is not met', async () => {
    expect(await needsChecker(['/nonexistent/criu'])('uffd')).toMatch(/^needs uffd/);
  });
});
