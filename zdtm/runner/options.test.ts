import { describe, expect, it } from 'vitest';
import { guestRunnerArgs, parseRunnerArgs, testTimeout } from './options.js';

describe('parseRunnerArgs', () => {
  it('has defaults for a bare run', () => {
    const o = parseRunnerArgs([]);
    expect(o).toMatchObject({ arch: 'host', jobs: 1, iters: 1, nocr: false, keepImages: false, build: true, inGuest: false, list: false });
    expect(testTimeout(o)).toBe(60);
    expect(testTimeout(parseRunnerArgs(['--in-guest']))).toBe(300);
    expect(testTimeout(parseRunnerArgs(['--in-guest', '--timeout', '7']))).toBe(7);
    expect(testTimeout(parseRunnerArgs(['--timeout', '7']), 20)).toBe(20);
    expect(testTimeout(parseRunnerArgs(['--in-guest']), 20)).toBe(100);
  });

  it('reads every option in both spellings', () => {
    const o = parseRunnerArgs(['--arch=s390x', '--filter', '^pipe', '--jobs', '3', '--iters=2', '--nocr', '--keep-images', '--report', '/r', '--criu-bin', '/usr/sbin/criu', '--timeout', '9', '--no-build']);
    expect(o).toMatchObject({ arch: 's390x', jobs: 3, iters: 2, nocr: true, keepImages: true, report: '/r', criuBin: '/usr/sbin/criu', timeout: 9, build: false });
    expect(o.filter!.test('pipe00')).toBe(true);
  });

  it('takes a dumper and a restorer of their own for interop runs, and passes them to a guest', () => {
    const o = parseRunnerArgs(['--dump-bin', '/opt/criu', '--restore-bin=/opt/other']);
    expect(o).toMatchObject({ dumpBin: '/opt/criu', restoreBin: '/opt/other' });
    expect(guestRunnerArgs(o)).toEqual(['--dump-bin', '/opt/criu', '--restore-bin', '/opt/other']);
  });

  it('does not build in a guest (tests are prebuilt) and tolerates repeated flags', () => {
    expect(parseRunnerArgs(['--in-guest', '--in-guest', '--arch', 'aarch64'])).toMatchObject({ inGuest: true, build: false });
  });

  it.each([
    [['--jobs', '0'], /--jobs needs a positive integer/],
    [['--iters', 'x'], /--iters needs a positive integer/],
    [['--timeout', '0'], /--timeout needs a positive number/],
    [['--filter', '('], /--filter/],
    [['--bogus'], /bogus.*see --help/],
    [['extra'], /see --help/],
    [['--in-guest', '--arch', 'all'], /--in-guest runs one arch/],
  ])('rejects %j', (argv, why) => {
    expect(() => parseRunnerArgs(argv)).toThrowError(why);
  });
});

describe('guestRunnerArgs', () => {
  it('passes what the guest runner needs, not arch/report/in-guest', () => {
    const o = parseRunnerArgs(['--arch', 'ppc64le', '--filter', 'a|b', '--iters', '2', '--nocr', '--report', '/r', '--timeout', '300']);
    const args = guestRunnerArgs(o);
    expect(args).toEqual(['--filter', 'a|b', '--iters', '2', '--nocr', '--timeout', '300']);
    expect(parseRunnerArgs(args)).toMatchObject({ iters: 2, nocr: true, timeout: 300 });
    expect(guestRunnerArgs(parseRunnerArgs(['--nocr']))).toEqual(['--nocr']); // the guest's own default timeout applies
  });
});
