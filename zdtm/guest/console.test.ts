import { describe, expect, it } from 'vitest';
import { consoleStatus, failureReason } from './console.js';

const booted = 'Linux version 6.1.0\ncriu-ts-guest: init 6.1.0-50-arm64\n';
const ready = booted + 'criu-ts-guest: ready\n';

describe('failureReason', () => {
  it('is undefined for a command that exited 0', () => {
    expect(failureReason({ console: ready + 'ok\ncriu-ts-guest: exit 0\n', ended: 'exited', status: 0 })).toBeUndefined();
  });

  it('tells a kernel that never reached init, by timeout or by QEMU exiting', () => {
    expect(failureReason({ console: 'SLOF\n', ended: 'boot-timeout', limitSeconds: 180 })).toBe('guest kernel did not boot: no init marker within 180 s');
    expect(failureReason({ console: 'rom: requested regions overlap\n', ended: 'exited' })).toBe('guest kernel did not boot: QEMU exited before init started');
    expect(failureReason({ console: "qemu-system-s390x: can't apply global s390x-cpu.x=y\n", ended: 'exited' })).toBe(
      "guest kernel did not boot: qemu-system-s390x: can't apply global s390x-cpu.x=y",
    );
  });

  it('quotes the panic line without its timestamp', () => {
    const log = '[    1.234567] Kernel panic - not syncing: VFS: Unable to mount root fs\n';
    expect(failureReason({ console: log, ended: 'exited' })).toBe('guest kernel crashed: Kernel panic - not syncing: VFS: Unable to mount root fs');
  });

  it('reports what init could not do', () => {
    const log = booted + 'insmod: ERROR\ncriu-ts-guest: error: insmod 03-9p.ko\n';
    expect(failureReason({ console: log, ended: 'exited' })).toBe('guest init failed: insmod 03-9p.ko');
  });

  it('tells a hang after boot from a hang before the command', () => {
    expect(failureReason({ console: ready + 'pipe00 ...\n', ended: 'timeout', limitSeconds: 60 })).toBe('guest hung: the command still running after 60 s');
    expect(failureReason({ console: booted, ended: 'timeout', limitSeconds: 60 })).toBe('guest hung: init still running after 60 s');
  });

  it('gives a failed command its status and last line of output, without kernel lines', () => {
    const log = ready + 'starting\nTypeError: x is not a function\n[   9.1] reboot: Power down\ncriu-ts-guest: exit 1\n[   9.2] reboot: Power down\n';
    expect(failureReason({ console: log, ended: 'exited' })).toBe('guest command exited with status 1 (last output: TypeError: x is not a function)');
  });

  it('prefers the status file to the console and notices a missing status', () => {
    expect(failureReason({ console: ready + 'criu-ts-guest: exit 0\n', ended: 'exited', status: 2 })).toMatch(/status 2/);
    expect(failureReason({ console: ready, ended: 'exited' })).toBe('guest powered off without reporting an exit status');
  });
});

describe('consoleStatus', () => {
  it('reads the last exit marker', () => {
    expect(consoleStatus('criu-ts-guest: exit 0\ncriu-ts-guest: exit 7\n')).toBe(7);
    expect(consoleStatus('nothing')).toBeUndefined();
  });
});
