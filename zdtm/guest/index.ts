// Runs commands, and the whole zdtm catalog, inside a full-system QEMU guest of a foreign arch.
import fs from 'node:fs';
import path from 'node:path';
import type { ArchDescriptor } from '../../src/arch/descriptor.js';
import type { Logger } from '../../src/log.js';
import { packageRoot } from '../../src/sys/native.js';
import { ensureGuest } from './cache.js';
import { failureReason, RESULT_LINE } from './console.js';
import { buildAddon, buildRepoFor } from './cross.js';
import { guestPaths, hangRequestName, runScript, runScriptName, shareTags, statusFileName, RUN_PARAM } from './init-script.js';
import { bootGuest, type BootResult, type Limits } from './qemu.js';

export { ensureGuest } from './cache.js';

/** Build progress on stderr, one prefixed line each. */
export function stderrLogger(prefix: string): Logger {
  const line = (msg: string) => process.stderr.write(`${prefix} ${msg}\n`);
  return { error: line, warn: line, info: line, debug() {}, progress() {} };
}

function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/**
 * Time limits, overridable with CRIU_TS_GUEST_BOOT_TIMEOUT / CRIU_TS_GUEST_TIMEOUT /
 * CRIU_TS_GUEST_STALL_TIMEOUT (seconds). The stall limit (no test result for that long, see
 * BootSpec.watchdog) is well above a test's own limit in a guest, which the runner enforces.
 */
export function guestLimits(): Limits {
  return {
    bootSeconds: envNumber('CRIU_TS_GUEST_BOOT_TIMEOUT', 180),
    totalSeconds: envNumber('CRIU_TS_GUEST_TIMEOUT', 4 * 3600),
    stallSeconds: envNumber('CRIU_TS_GUEST_STALL_TIMEOUT', 1200),
  };
}

export interface GuestRun extends BootResult {
  /** undefined when the command ran and exited 0. */
  reason?: string;
  consoleLog: string;
}

/**
 * Boots a guest of `arch` and runs argv in it (cwd /repo, the repo read-only). reportDir is
 * the guest's /share; the command writes its report to /report, which is copied there when it
 * ends. The addon is cross-built first; CRIU_TS_* variables of this process are passed on,
 * except the paths that differ in the guest.
 */
export async function runInGuest(arch: ArchDescriptor, argv: string[], reportDir: string, log: Logger, progress?: RegExp): Promise<GuestRun> {
  const image = ensureGuest(arch, { log });
  const addon = buildAddon(arch, log);
  const report = path.resolve(reportDir);
  fs.mkdirSync(report, { recursive: true });
  const run = `guest-${arch.name}`;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('CRIU_TS_') && v !== undefined) env[k] = v;
  delete env['CRIU_TS_CACHE'];
  Object.assign(env, image.qemu.guestEnv, {
    HOME: '/root',
    TMPDIR: '/tmp',
    CRIU_TS_ARCH: arch.name,
    CRIU_TS_ADDON: path.posix.join(guestPaths.cache, path.relative(image.dir, addon)),
  });
  const hangRequest = hangRequestName(run);
  fs.rmSync(path.join(report, hangRequest), { force: true });
  fs.writeFileSync(path.join(report, runScriptName(run)), runScript(env, guestPaths.repo, argv, progress && path.posix.join(guestPaths.share, hangRequest)));
  const statusFile = path.join(report, statusFileName(run));
  fs.rmSync(statusFile, { force: true });
  const consoleLog = path.join(report, `${run}.console.log`);
  log.info(`${arch.name}: booting ${image.kernelVersion} (console: ${consoleLog})`);
  const boot = await bootGuest(
    {
      qemu: image.qemu,
      kernel: image.kernel,
      initrd: image.initrd,
      cmdline: [`${RUN_PARAM}=${run}`],
      shares: [
        { tag: shareTags.cache, path: image.dir, readonly: true },
        { tag: shareTags.repo, path: packageRoot(), readonly: true },
        { tag: shareTags.report, path: report, readonly: false },
      ],
      memoryMiB: envNumber('CRIU_TS_GUEST_MEM', 2048),
      ...(progress ? { watchdog: { progress, request: path.join(report, hangRequest) } } : {}),
    },
    guestLimits(),
    consoleLog,
  );
  const status = fs.existsSync(statusFile) ? Number(fs.readFileSync(statusFile, 'utf8').trim()) : undefined;
  const result: GuestRun = { ...boot, consoleLog };
  if (status !== undefined) result.status = status;
  const reason = failureReason(result);
  if (reason !== undefined) result.reason = reason;
  return result;
}

/** The guest's catalog run: the runner under the node flags the arch's emulator needs, writing to /report. */
export function catalogCommand(arch: ArchDescriptor, runnerArgs: string[]): string[] {
  return ['node', ...(arch.qemu?.nodeArgs ?? []), 'dist/zdtm/runner/main.js', '--in-guest', '--arch', arch.name, '--report', guestPaths.report, ...runnerArgs];
}

/**
 * Runs the zdtm catalog in one guest of `arch`: one node process inside works through it and
 * writes results.json (and the rest of its report) into reportDir. Resolves when results.json
 * was written by this run; rejects with one line naming what went wrong otherwise.
 */
export async function runCatalogInGuest(arch: ArchDescriptor, runnerArgs: string[], reportDir: string): Promise<void> {
  const log = stderrLogger(`[guest ${arch.name}]`);
  const started = Date.now();
  const fail = (why: string) => new Error(`${arch.name} guest: ${why}`);
  let run: GuestRun;
  try {
    buildRepoFor(arch, log).forEach((n) => log.info(n));
    run = await runInGuest(arch, catalogCommand(arch, runnerArgs), reportDir, log, RESULT_LINE);
  } catch (e) {
    throw fail((e as Error).message);
  }
  log.info(`${arch.name}: boot ${run.bootSeconds?.toFixed(1) ?? '-'} s, run ${run.totalSeconds.toFixed(1)} s`);
  const results = path.join(path.resolve(reportDir), 'results.json');
  const fresh = fs.existsSync(results) && fs.statSync(results).mtimeMs >= started - 1000;
  if (fresh) return;
  throw fail(run.reason ?? `the runner exited without writing results.json (console: ${run.consoleLog})`);
}
