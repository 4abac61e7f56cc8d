import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arch/index.js';
import { failureReason, RESULT_LINE } from './console.js';
import { bootGuest, qemuArgs, type BootSpec } from './qemu.js';

function spec(arch: string): BootSpec {
  return {
    qemu: archByName(arch).qemu!,
    kernel: '/c/kernel-x',
    initrd: '/c/initramfs.cpio',
    cmdline: ['criuts.run=guest-x'],
    shares: [
      { tag: 'guest', path: '/c', readonly: true },
      { tag: 'report', path: '/r', readonly: false },
    ],
    memoryMiB: 1536,
  };
}

/** The value following `flag` each time it occurs. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
}

describe('qemuArgs', () => {
  it.each([
    ['aarch64', ['-M', 'virt', '-cpu', 'max,pauth-impdef=on'], 'console=ttyAMA0', 'virtio-9p-pci'],
    ['s390x', ['-M', 's390-ccw-virtio'], 'console=ttysclp0', 'virtio-9p-ccw'],
    ['ppc64le', ['-M', 'pseries,usb=off,x-vof=on'], 'console=hvc0', 'virtio-9p-pci'],
  ])('%s: machine, console and 9p device of the arch', (arch, machine, console, device) => {
    const args = qemuArgs(spec(arch));
    expect(args.slice(0, machine.length)).toEqual(machine);
    expect(values(args, '-append')).toEqual([`${console} panic=-1 quiet criuts.run=guest-x`]);
    expect(values(args, '-device')).toEqual([`${device},fsdev=fs0,mount_tag=guest`, `${device},fsdev=fs1,mount_tag=report`]);
  });

  it('boots one CPU from the given kernel and initrd, never reboots, console on stdio', () => {
    const args = qemuArgs(spec('aarch64'));
    expect(values(args, '-smp')).toEqual(['1']);
    expect(values(args, '-m')).toEqual(['1536']);
    expect(values(args, '-kernel')).toEqual(['/c/kernel-x']);
    expect(values(args, '-initrd')).toEqual(['/c/initramfs.cpio']);
    expect(values(args, '-serial')).toEqual(['stdio']);
    expect(args).toContain('-no-reboot');
    expect(args).toContain('-nodefaults');
  });

  it('marks only read-only shares readonly', () => {
    expect(values(qemuArgs(spec('s390x')), '-fsdev')).toEqual([
      'local,id=fs0,path=/c,security_model=none,readonly=on',
      'local,id=fs1,path=/r,security_model=none',
    ]);
  });
});

describe('bootGuest watchdog', () => {
  /** A stand-in for qemu-system: boots, reports one result, then hangs; prints its "tasks" when asked. */
  function fakeQemu(dir: string, request: string): string {
    const bin = path.join(dir, 'qemu-fake');
    fs.writeFileSync(
      bin,
      [
        '#!/bin/sh',
        'echo "criu-ts-guest: init 6.1"',
        'echo "criu-ts-guest: ready"',
        'echo "[1/3] pipe00: pass (1.0 s)"',
        `while :; do if [ -e ${request} ]; then rm -f ${request}; echo "task:node state:D"; fi; sleep 0.1; done`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    return bin;
  }

  it('asks a guest with no result for stallSeconds for its tasks, then stops it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-watchdog-'));
    try {
      const request = path.join(dir, 'guest-x.hang');
      const s = spec('aarch64');
      const boot = await bootGuest(
        { ...s, qemu: { ...s.qemu, system: fakeQemu(dir, request) }, watchdog: { progress: RESULT_LINE, request } },
        { bootSeconds: 10, totalSeconds: 60, stallSeconds: 1, dumpSeconds: 1 },
        path.join(dir, 'console.log'),
      );
      expect(boot.ended).toBe('stalled');
      expect(boot.console).toContain('task:node state:D');
      expect(boot.totalSeconds).toBeLessThan(10);
      expect(failureReason(boot)).toBe('guest stalled: no test result for 1 s (last: [1/3] pipe00: pass (1.0 s)); its tasks are in the console log');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
