// Boots one full-system guest and supervises it: console to a log file, boot and overall
// time limits, and no QEMU left behind on any path (error, timeout, SIGINT, exit).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { QemuGuest } from '../../src/arch/descriptor.js';
import { GUEST_MARK } from './init-script.js';
import type { GuestOutcome } from './console.js';

export interface Share {
  tag: string;
  path: string;
  readonly: boolean;
}

export interface BootSpec {
  qemu: QemuGuest;
  kernel: string;
  initrd: string;
  /** Extra kernel command line words (after the console and panic settings). */
  cmdline: string[];
  shares: Share[];
  memoryMiB: number;
  /**
   * The watchdog: when no console line matches `progress` for Limits.stallSeconds, the host
   * creates `request` (a file the guest's run script watches, which then prints every task
   * to the console), waits Limits.dumpSeconds for the dump and stops the guest.
   */
  watchdog?: { progress: RegExp; request: string };
}

/** The qemu-system command line (without the binary). */
export function qemuArgs(spec: BootSpec): string[] {
  const q = spec.qemu;
  const append = [`console=${q.console}`, 'panic=-1', 'quiet', ...spec.cmdline].join(' ');
  const shares = spec.shares.flatMap((s, i) => [
    '-fsdev', `local,id=fs${i},path=${s.path},security_model=none${s.readonly ? ',readonly=on' : ''}`,
    '-device', `${q.ninePDevice},fsdev=fs${i},mount_tag=${s.tag}`,
  ]);
  return [
    ...q.machineArgs,
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-smp', '1', '-m', String(spec.memoryMiB),
    '-serial', 'stdio',
    '-kernel', spec.kernel, '-initrd', spec.initrd, '-append', append,
    ...shares,
  ];
}

const live = new Set<ChildProcess>();

function killAll(): void {
  for (const c of live) c.kill('SIGKILL');
}

function onSignal(sig: NodeJS.Signals): void {
  killAll();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.kill(process.pid, sig); // default action now that QEMU is gone
}

function track(c: ChildProcess): void {
  if (live.size === 0) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('exit', killAll);
  }
  live.add(c);
  c.once('exit', () => {
    live.delete(c);
    if (live.size === 0) {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('exit', killAll);
    }
  });
}

export interface Limits {
  /** Seconds until the init marker must have appeared. */
  bootSeconds: number;
  /** Seconds for the whole run, boot included. */
  totalSeconds: number;
  /** Seconds without a progress line (BootSpec.watchdog) after which the guest is stopped. */
  stallSeconds?: number;
  /** Seconds the stalled guest gets to print its tasks (default 30). */
  dumpSeconds?: number;
}

export interface BootResult extends GuestOutcome {
  /** Seconds from spawn to the init marker, if it came. */
  bootSeconds?: number;
  /** Seconds from spawn to QEMU's exit (or the kill). */
  totalSeconds: number;
}

/** Runs QEMU to completion; the console goes to consoleLog. Never rejects for guest failures. */
export function bootGuest(spec: BootSpec, limits: Limits, consoleLog: string): Promise<BootResult> {
  const t0 = Date.now();
  const secs = () => (Date.now() - t0) / 1000;
  const log = fs.createWriteStream(consoleLog);
  return new Promise((resolve, reject) => {
    // stdin stays an open pipe: QEMU's stdio chardev treats EOF as a hangup.
    const child = spawn(spec.qemu.system, qemuArgs(spec), { stdio: ['pipe', 'pipe', 'pipe'] });
    track(child);
    let text = '';
    let bootAt: number | undefined;
    let ended: GuestOutcome['ended'] = 'exited';
    let limit: number | undefined;
    const stop = (why: GuestOutcome['ended'], seconds: number) => {
      ended = why;
      limit = seconds;
      child.kill('SIGKILL');
    };
    const bootTimer = setTimeout(() => stop('boot-timeout', limits.bootSeconds), limits.bootSeconds * 1000);
    const totalTimer = setTimeout(() => stop('timeout', limits.totalSeconds), limits.totalSeconds * 1000);
    const dog = spec.watchdog;
    const stall = limits.stallSeconds;
    let stallTimer: NodeJS.Timeout | undefined;
    // Armed once the command starts, re-armed by each progress line.
    const arm = () => {
      if (!dog || stall === undefined) return;
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        fs.writeFileSync(dog.request, '');
        stallTimer = setTimeout(() => stop('stalled', stall), (limits.dumpSeconds ?? 30) * 1000);
      }, stall * 1000);
    };
    let seen = 0;
    const take = (chunk: Buffer) => {
      log.write(chunk);
      text += chunk.toString('utf8');
      if (bootAt === undefined && text.includes(`${GUEST_MARK} init`)) {
        bootAt = secs();
        clearTimeout(bootTimer);
      }
      const end = text.lastIndexOf('\n') + 1;
      if (dog && end > seen) {
        const lines = text.slice(seen, end).split(/\r?\n/);
        seen = end;
        if (lines.some((l) => l.includes(`${GUEST_MARK} ready`) || dog.progress.test(l))) arm();
      }
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take); // QEMU's own complaints belong in the same log
    child.once('error', (e) => {
      clearTimeout(bootTimer);
      clearTimeout(totalTimer);
      clearTimeout(stallTimer);
      log.end();
      reject(new Error(`cannot start ${spec.qemu.system}: ${e.message}`));
    });
    child.once('close', () => {
      clearTimeout(bootTimer);
      clearTimeout(totalTimer);
      clearTimeout(stallTimer);
      const result: BootResult = { console: text, ended, totalSeconds: secs() };
      if (limit !== undefined) result.limitSeconds = limit;
      if (bootAt !== undefined) result.bootSeconds = bootAt;
      log.end(() => resolve(result));
    });
  });
}
