import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arch/index.js';
import { runInGuest, type GuestModule } from './foreign.js';
import { parseRunnerArgs } from './options.js';
import { writeResults, type RunReport } from './results.js';

const guestRun: RunReport = {
  arch: 's390x',
  mode: 'cr',
  iters: 1,
  criu: 'node /repo/dist/src/cli/main.js',
  startedAt: 't',
  results: [{ name: 'env00', kind: 'fail', note: 'dump exited 1', dumpMs: [], restoreMs: [], durationMs: 9, workDir: '/report/env00' }],
};

describe('runInGuest', () => {
  it('hands the options to the guest and reads back its results, work dirs seen from the host', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zdtm-guest-'));
    const calls: [string, string[], string][] = [];
    const fake: GuestModule = {
      async runCatalogInGuest(arch, args, reportDir) {
        calls.push([arch.name, args, reportDir]);
        writeResults(reportDir, [guestRun]);
      },
    };
    const o = parseRunnerArgs(['--arch', 's390x', '--filter', '^env', '--iters', '2']);
    const run = await runInGuest(archByName('s390x'), o, path.join(dir, 's390x'), async () => fake);
    expect(calls).toEqual([['s390x', ['--filter', '^env', '--iters', '2'], path.join(dir, 's390x')]]);
    expect(run.results[0]).toMatchObject({ name: 'env00', kind: 'fail', workDir: path.join(dir, 's390x', 'env00') });
    fs.rmSync(dir, { recursive: true });
  });

  it('fails clearly when the guest wrote no results', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zdtm-guest-'));
    const silent: GuestModule = { async runCatalogInGuest() {} };
    await expect(runInGuest(archByName('aarch64'), parseRunnerArgs([]), dir, async () => silent)).rejects.toThrow(/cannot read .*results\.json/);
    fs.rmSync(dir, { recursive: true });
  });
});
