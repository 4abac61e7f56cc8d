// Real runs of the runner on the fixture tests (compiled here with the host's cc).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { isGone, pidsWithArg } from './procs.js';
import { readResults } from './results.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
let tmp: string;
let bins: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zdtm-runner-test-'));
  bins = path.join(tmp, 'bin');
  fs.mkdirSync(bins);
  for (const t of ['fx_pass', 'fx_fail']) execFileSync('cc', ['-O2', '-Wall', '-Werror', '-o', path.join(bins, t), path.join(fixtures, `${t}.c`)]);
  fs.copyFileSync(path.join(bins, 'fx_fail'), path.join(bins, 'fx_hang'));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; report: string }> {
  const report = fs.mkdtempSync(path.join(tmp, 'report-'));
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  const code = await runCli(['--catalog', fixtures, '--build-dir', bins, '--no-build', '--report', report, ...args], sink, sink);
  return { code, out, report };
}

/** Processes still running (zombies awaiting PID 1 do not count) with `arg` in their command line. */
const liveWithArg = (arg: string) => pidsWithArg(arg).filter((pid) => !isGone(pid));

/** A stand-in for criu: a shell script, to see the runner survive a broken checkpoint tool. */
function fakeCriu(name: string, body: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

describe('runner without C/R', () => {
  it('runs the fixtures, reports them and cleans up a hung test', async () => {
    const { code, out, report } = await run(['--nocr', '--jobs', '2', '--timeout', '10']);
    expect(code).toBe(1);
    const lines = out.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe('1 passed, 2 failed, 1 skipped, 0 expected-fail');
    expect(out).toMatch(/fx_fail\s+fail .*FAIL: .*fx_fail\.c:\d+ deliberate failure & <escaping>/);
    expect(out).toMatch(/fx_hang\s+fail .*no pidfile within 2s/);
    expect(out).toMatch(/fx_other_arch\s+skip .*not for x86_64 \(arches: s390x\)/);
    const [r] = readResults(report);
    expect(r!.mode).toBe('nocr');
    expect(r!.results.map((t) => [t.name, t.kind])).toEqual([
      ['fx_fail', 'fail'],
      ['fx_hang', 'fail'],
      ['fx_other_arch', 'skip'],
      ['fx_pass', 'pass'],
    ]);
    expect(fs.readFileSync(path.join(report, 'junit.xml'), 'utf8')).toContain('<testcase classname="zdtm.x86_64.nocr" name="fx_pass"');
    const hung = `--pidfile=${path.join(report, 'x86_64', 'fx_hang', 'test.pid')}`;
    expect(liveWithArg(hung)).toEqual([]);
  });

  it('a filter that matches nothing is an error, not an empty success', async () => {
    const { code, out } = await run(['--nocr', '--filter', '^nosuchtest$']);
    expect(code).toBe(1);
    expect(out).toContain('error: zdtm: no test matches --filter /^nosuchtest$/');
    expect(out.trimEnd().split('\n').pop()).toBe('0 passed, 1 failed, 0 skipped, 0 expected-fail');
  });

  it('lists tests with skip reasons without running them', async () => {
    const { code, out } = await run(['--list']);
    expect(code).toBe(0);
    expect(out).toContain('x86_64  fx_other_arch  [skip: not for x86_64 (arches: s390x)]');
    expect(out).toMatch(/x86_64 {2}fx_fail {2}\[expected:fail\]/);
  });
});

describe('runner with a broken checkpoint tool', () => {
  it('reports a crashing dump and keeps the expected failure apart', async () => {
    const criu = fakeCriu('crash', 'echo "Error (criu-ts): boom in $1" >&2; exit 1');
    const { code, out, report } = await run(['--criu-bin', criu, '--filter', 'fx_pass|fx_fail']);
    expect(code).toBe(1);
    expect(out).toMatch(/fx_pass\s+fail .*dump exited 1: Error \(criu-ts\): boom in dump/);
    expect(out).toMatch(/fx_fail\s+expected-fail .*a fixture that fails on purpose/);
    expect(out.trimEnd().split('\n').pop()).toBe('0 passed, 1 failed, 0 skipped, 1 expected-fail');
    // A failed test keeps its work dir with the tool's output.
    expect(fs.readFileSync(path.join(report, 'x86_64', 'fx_pass', 'dump.out'), 'utf8')).toContain('boom');
  });

  it('fails a dump that exits 0 but leaves the PID alive, and kills the test', async () => {
    const criu = fakeCriu('noop', 'exit 0');
    const { out, report } = await run(['--criu-bin', criu, '--filter', '^fx_pass$']);
    expect(out).toMatch(/fx_pass\s+fail .*dump succeeded but PID \d+ is still alive/);
    expect(liveWithArg(`--pidfile=${path.join(report, 'x86_64', 'fx_pass', 'test.pid')}`)).toEqual([]);
  });

  it('restores with --restore-bin what the other tool dumped', async () => {
    const dumper = fakeCriu('killer', '[ "$1" = dump ] && kill -9 "$3"; exit 0');
    const restorer = fakeCriu('refuser', 'echo "Error (other): cannot read $1 images" >&2; exit 1');
    const { out, report } = await run(['--criu-bin', dumper, '--restore-bin', restorer, '--filter', '^fx_pass$']);
    expect(out).toMatch(/fx_pass\s+fail .*restore exited 1: Error \(other\): cannot read restore images/);
    expect(readResults(report)[0]!.criu).toBe(`${dumper}, restored by ${restorer}`);
  });

  it('times out a hanging dump and kills it', async () => {
    const marker = `zdtm-fake-hang-${process.pid}`;
    const criu = fakeCriu('hang', `exec sh -c 'sleep 1000; :' ${marker}`);
    const t0 = Date.now();
    const { out } = await run(['--criu-bin', criu, '--filter', '^fx_pass$', '--timeout', '2']);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(out).toMatch(/fx_pass\s+fail .*dump timed out \(test limit 2s\)/);
    expect(liveWithArg(marker)).toEqual([]);
  });
});
