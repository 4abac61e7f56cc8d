// Interop with real CRIU, when CRIU_TS_CRIU names a criu binary (4.x: older ones do not run on
// kernels with [vvar_vclock]): catalog tests dumped by criu-ts are restored by CRIU and the
// other way round, by the ZDTM protocol, and must pass. What CRIU itself cannot checkpoint
// here is left out (see IN_ONE_DIRECTION).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostArch } from '../arch/index.js';
import { criuCommands } from '../../zdtm/runner/catalog-run.js';
import { loadCatalog, type TestDesc } from '../../zdtm/runner/desc.js';
import { parseRunnerArgs } from '../../zdtm/runner/options.js';
import { runTest } from '../../zdtm/runner/test-run.js';
import { packageRoot } from '../sys/native.js';

const criu = process.env['CRIU_TS_CRIU'];
const isRoot = process.getuid?.() === 0;
if (!criu) console.warn('e2e: CRIU_TS_CRIU not set; interop tests against CRIU skipped');
else if (!isRoot) console.warn('e2e: interop tests against CRIU need root; skipped');

/** Tests both tools checkpoint on this machine, of many image kinds. */
const BOTH_WAYS = [
  'pipe00', 'sigaction00', 'threads00', 'env00', 'cwd00', 'anon_shared00', 'memfd00', 'unix_stream00', 'posix_timer00',
  'sigpending00', 'ofd_lock00', 'children00', 'session00', 'zombie00', 'epoll00', 'tcp_listen00',
];
/** criu-ts dumps, CRIU restores: CRIU's own dump of a connection needs iptables, absent here. */
const IN_ONE_DIRECTION = ['tcp_established00', 'tcp_established01'];

describe.runIf(criu && isRoot)('interop with CRIU', () => {
  const zdtm = path.join(packageRoot(), 'zdtm');
  const bins = path.join(zdtm, 'build', hostArch().name);
  let work: string;
  let descs: Map<string, TestDesc>;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-interop-'));
    descs = new Map(loadCatalog(path.join(zdtm, 'static')).map((d) => [d.name, d]));
    const targets = [...BOTH_WAYS, ...IN_ONE_DIRECTION].map((n) => path.join('build', hostArch().name, n));
    execFileSync('make', ['-s', '-C', zdtm, ...targets], { stdio: ['ignore', 'ignore', 'pipe'] });
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  async function crossRun(name: string, way: '--restore-bin' | '--dump-bin'): Promise<void> {
    const desc = descs.get(name)!;
    const outcome = await runTest({
      bin: path.join(bins, name), args: desc.args, opts: desc.opts, launcher: [], criu: criuCommands(parseRunnerArgs([way, criu!])),
      workDir: path.join(work, `${name}${way}`), nocr: false, iters: 1, preDumps: 0, timeoutSec: 60, keepImages: false,
    });
    expect(outcome.failure).toBeUndefined();
    expect(outcome.passed).toBe(true);
  }

  it.each([...BOTH_WAYS, ...IN_ONE_DIRECTION])('CRIU restores what criu-ts dumped of %s', (name) => crossRun(name, '--restore-bin'));
  it.each(BOTH_WAYS)('criu-ts restores what CRIU dumped of %s', (name) => crossRun(name, '--dump-bin'));
});
