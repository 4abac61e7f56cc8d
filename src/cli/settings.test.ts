import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { parseArgv } from './argv.js';
import { NotSupportedError, UsageError } from './errors.js';
import { dumpOptionsOf, restoreOptionsOf, settingsOf, verbosityOf } from './settings.js';

const parse = (line: string) => parseArgv(line.split(' ').filter(Boolean));
const cwd = '/home/u';

describe('verbosityOf', () => {
  it('follows criu: default 2, -v adds one, -vv... adds their count, -vN and --verbosity=N set', () => {
    const cases: [string, number][] = [
      ['check', 2],
      ['check -v', 3],
      ['check -v -v', 4],
      ['check -vv', 4],
      ['check -vvv', 5],
      ['check -v0', 0],
      ['check -v4', 4],
      ['check --verbosity=1', 1],
      ['check --verbosity', 3],
      ['check -v4 -v', 5],
      ['check -v -v1', 1],
    ];
    for (const [line, level] of cases) expect(verbosityOf(parse(line)), line).toBe(level);
  });

  it('reads any other value as criu does (atoi): "-verbosity=0" is -v with junk, so level 0', () => {
    expect(verbosityOf(parse('check -verbosity=0'))).toBe(0);
    expect(verbosityOf(parse('check --verbosity=loud'))).toBe(0);
    expect(verbosityOf(parse('check -v3x'))).toBe(3);
  });
});

describe('settingsOf', () => {
  it('defaults the images dir to the current directory and the work dir to the images dir', () => {
    const s = settingsOf(parse('dump -t 1'), cwd);
    expect(s.imagesDir).toBe('/home/u');
    expect(s.workDir).toBe('/home/u');
    expect(s.logFile).toBeUndefined();
  });

  it('puts a relative log file in the work dir, which defaults to the images dir', () => {
    expect(settingsOf(parse('dump -D img -o dump.log'), cwd).logFile).toBe('/home/u/img/dump.log');
    expect(settingsOf(parse('dump -D img -W /w -o dump.log'), cwd).logFile).toBe('/w/dump.log');
    expect(settingsOf(parse('dump -D img -o /abs/dump.log'), cwd).logFile).toBe('/abs/dump.log');
    expect(settingsOf(parse('dump -D /img --work-dir=wd'), cwd).workDir).toBe('/home/u/wd');
  });

  it('names the log FILE.PID with --log-pid, as criu names each of its processes\' logs', () => {
    expect(settingsOf(parse('dump -D img -o dump.log --log-pid'), cwd).logFile).toBe(`/home/u/img/dump.log.${process.pid}`);
    expect(settingsOf(parse('dump -D img -o dump.log --log-pid --no-log-pid'), cwd).logFile).toBe('/home/u/img/dump.log');
  });

  it('accepts --manage-cgroups=ignore only', () => {
    expect(() => settingsOf(parse('dump --manage-cgroups=ignore'), cwd)).not.toThrow();
    expect(() => settingsOf(parse('dump --manage-cgroups'), cwd)).toThrow(NotSupportedError);
    expect(() => settingsOf(parse('dump --manage-cgroups=soft'), cwd)).toThrow(/--manage-cgroups=soft.*not supported yet/);
  });

  it('accepts --ext-unix-sk as a flag but not with an inode list', () => {
    expect(() => settingsOf(parse('dump --ext-unix-sk'), cwd)).not.toThrow();
    expect(() => settingsOf(parse('dump -x123'), cwd)).toThrow(NotSupportedError);
  });
});

describe('dumpOptionsOf', () => {
  const map = (line: string) => {
    const args = parse(line);
    return dumpOptionsOf(args, settingsOf(args, cwd), silentLogger);
  };

  it('maps criu flags onto DumpOptions', () => {
    expect(map('dump -t 42 -D /img -R -j -l --tcp-established --ext-unix-sk --timeout 9')).toEqual({
      pid: 42,
      imagesDir: '/img',
      log: silentLogger,
      leaveRunning: true,
      shellJob: true,
      fileLocks: true,
      tcpEstablished: true,
      extUnixSk: true,
      timeoutSec: 9,
    });
  });

  it('takes --external tty[RDEV:DEV] in canonical hex; other kinds are not supported yet', () => {
    expect(map('dump -t 1 --external tty[8800:0019] --external=tty[88:1A]').external).toEqual(['tty[8800:19]', 'tty[88:1a]']);
    expect(() => map('dump -t 1 --external mnt[/x]:y')).toThrow(new NotSupportedError('--external mnt[/x]:y'));
    expect(() => map('dump -t 1 --external tty')).toThrow(/--external takes tty\[RDEV:DEV\] \(hex\), not "tty"/);
  });

  it('takes the last of -R and -s, as criu does', () => {
    expect(map('dump -t 1 -R -s')).toMatchObject({ leaveStopped: true });
    expect(map('dump -t 1 -R -s')).not.toHaveProperty('leaveRunning');
    expect(map('dump -t 1 --leave-stopped --leave-running')).toMatchObject({ leaveRunning: true });
    expect(map('dump -t 1 --leave-stopped --leave-running')).not.toHaveProperty('leaveStopped');
  });

  it('leaves unset flags out', () => {
    expect(map('dump -t 1')).toEqual({ pid: 1, imagesDir: cwd, log: silentLogger });
    expect(map('dump -t 1 -j --no-shell-job')).not.toHaveProperty('shellJob');
  });

  it('reads --ghost-limit as criu does: bytes, or K, M, G units; --ghost-fiemap is accepted', () => {
    expect(map('dump -t 1 --ghost-limit 4096').ghostLimit).toBe(4096);
    expect(map('dump -t 1 --ghost-limit=64M --ghost-fiemap').ghostLimit).toBe(64 << 20);
    expect(map('dump -t 1 --ghost-limit 2g --no-ghost-fiemap').ghostLimit).toBe(2 * 1024 ** 3);
    expect(() => map('dump -t 1 --ghost-limit 1T')).toThrow(/--ghost-limit: "1T" is not a size/);
  });

  it('wants a positive PID and timeout', () => {
    expect(() => map('dump -D /img')).toThrow('dump needs the root of the tree: -t PID');
    expect(() => map('dump -t 0')).toThrow(/-t: "0" is not a positive integer/);
    expect(() => map('dump -t 12x')).toThrow(UsageError);
    expect(() => map('dump -t 1 --timeout=-3')).toThrow(/--timeout: "-3"/);
  });
});

describe('restoreOptionsOf', () => {
  const map = (line: string) => {
    const args = parse(line);
    return restoreOptionsOf(args, settingsOf(args, cwd), silentLogger);
  };

  it('maps -d/--restore-detached/--daemon, -j and --pidfile (relative to the work dir)', () => {
    expect(map('restore -D /img -d -j --pidfile p')).toEqual({
      imagesDir: '/img',
      log: silentLogger,
      detached: true,
      shellJob: true,
      pidfile: '/img/p',
    });
    expect(map('restore --daemon').detached).toBe(true);
    expect(map('restore --restore-detached').detached).toBe(true);
    expect(map('restore --daemon --no-restore-detached').detached).toBeUndefined();
    expect(map('restore -D /img -W /w --pidfile=/abs/p').pidfile).toBe('/abs/p');
    expect(map('restore -D /img -W /w --pidfile rel').pidfile).toBe('/w/rel');
  });

  it('waits by default', () => {
    expect(map('restore').detached).toBeUndefined();
  });

  it('refuses --external kinds other than tty[...], which mean nothing on restore', () => {
    expect(() => map('restore --external tty[88:1]')).not.toThrow();
    expect(() => map('restore --external veth[eth0]:host0')).toThrow(new NotSupportedError('--external veth[eth0]:host0'));
  });

  it('maps -s to leaveStopped', () => {
    expect(map('restore -s').leaveStopped).toBe(true);
    expect(map('restore').leaveStopped).toBeUndefined();
  });
});
