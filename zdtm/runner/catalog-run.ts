// Runs the catalog for one arch on this machine: load descs, build, select, run the tests
// (--jobs at a time, each in its own work dir) and collect a RunReport. Printing is elsewhere.
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/sys/native.js';
import { describeEnd, runCommand, succeeded } from './command.js';
import { loadCatalog } from './desc.js';
import { needsChecker } from './needs.js';
import { testTimeout, type RunnerOptions } from './options.js';
import { dumpTasksToConsole } from './hang-dump.js';
import { classify, failedToRun, skipped, type RunReport, type TestResult } from './results.js';
import { applyNeeds, selectTests, type PlannedTest } from './select.js';
import { lastErrorLine, runTest, type CriuCommands } from './test-run.js';

export interface CatalogRunConfig {
  arch: string;
  options: RunnerOptions;
  /** Root of this arch's work dirs (one subdirectory per test). */
  workRoot: string;
  /** Prefix to start test binaries with (qemu-user for a foreign arch without C/R). */
  launcher?: string[];
  /** Told when tests start and finish (with the result), for the progress display. */
  onProgress?: (done: number, total: number, running: readonly string[], finished?: TestResult) => void;
}

/**
 * The checkpoint commands of the run: criu-ts (under this node's own flags, which a guest's
 * emulator may need), or --criu-bin, each step overridable (interop runs).
 */
export function criuCommands(o: RunnerOptions): CriuCommands {
  const both = o.criuBin ? [o.criuBin] : [process.execPath, ...process.execArgv, path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js')];
  return { dump: o.dumpBin ? [o.dumpBin] : both, restore: o.restoreBin ? [o.restoreBin] : both };
}

function describeCommands(c: CriuCommands): string {
  const [dump, restore] = [c.dump.join(' '), c.restore.join(' ')];
  return dump === restore ? dump : `${dump}, restored by ${restore}`;
}

function catalogDir(o: RunnerOptions): string {
  return o.catalog ?? path.join(packageRoot(), 'zdtm', 'static');
}

function binDir(o: RunnerOptions, arch: string): string {
  return o.buildDir ?? path.join(packageRoot(), 'zdtm', 'build', arch);
}

/** The tests of the run with their skip reasons (arch, flavor, needs). */
export async function planCatalog(o: RunnerOptions, arch: string): Promise<PlannedTest[]> {
  const descs = loadCatalog(catalogDir(o));
  const selected = selectTests(descs, arch, o.filter);
  // Running nothing must not look like success (a mistyped filter, an empty catalog).
  if (!selected.length) throw new Error(descs.length ? `zdtm: no test matches --filter ${o.filter}` : `zdtm: no *.desc.json in ${catalogDir(o)}`);
  const c = criuCommands(o);
  return applyNeeds(selected, needsChecker(c.dump, c.restore));
}

/** `make -C zdtm ARCH=<arch>`; returns a failure line, or undefined when the build succeeded. */
async function buildCatalog(arch: string, jobs: number, logFile: string): Promise<string | undefined> {
  const zdtm = path.join(packageRoot(), 'zdtm');
  if (!fs.existsSync(path.join(zdtm, 'Makefile'))) return `${zdtm}/Makefile is missing`;
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const r = await runCommand(['make', '-C', zdtm, `ARCH=${arch}`, `-j${Math.max(2, jobs)}`], {
    outputFile: logFile,
    deadline: Date.now() + 15 * 60_000,
  });
  if (succeeded(r)) return undefined;
  const why = lastErrorLine(fs.readFileSync(logFile, 'utf8'));
  return `make ${describeEnd(r, 900)}${why ? `: ${why}` : ''} (see ${logFile})`;
}

export async function runCatalog(cfg: CatalogRunConfig): Promise<RunReport> {
  const o = cfg.options;
  const report: RunReport = {
    arch: cfg.arch,
    mode: o.nocr ? 'nocr' : 'cr',
    iters: o.iters,
    ...(o.preDumps ? { preDumps: o.preDumps } : {}),
    criu: describeCommands(criuCommands(o)),
    startedAt: new Date().toISOString(),
    results: [],
  };
  const planned = await planCatalog(o, cfg.arch);
  fs.mkdirSync(cfg.workRoot, { recursive: true });
  const buildError = o.build ? await buildCatalog(cfg.arch, o.jobs, path.join(cfg.workRoot, 'build.log')) : undefined;
  const bins = binDir(o, cfg.arch);

  const results: TestResult[] = planned.map((p) => skipped(p.desc.name, p.skip ?? ''));
  const queue = planned.map((p, i) => ({ p, i })).filter(({ p }) => !p.skip);
  const total = queue.length;
  const running = new Set<string>();
  let done = 0;
  const runOne = async ({ p, i }: { p: PlannedTest; i: number }) => {
    const d = p.desc;
    const bin = path.join(bins, d.name);
    if (!fs.existsSync(bin)) {
      results[i] = failedToRun(d.name, `not built: ${bin} missing${buildError ? ` (${buildError})` : ''}`);
      return;
    }
    const host = path.join(bins, 'tools', 'tty-host');
    if (d.terminal && !fs.existsSync(host)) {
      results[i] = failedToRun(d.name, `needs a terminal, but ${host} is not built${buildError ? ` (${buildError})` : ''}`);
      return;
    }
    const outcome = await runTest({
      ...(d.terminal ? { terminalHost: [...(cfg.launcher ?? []), host] } : {}),
      bin,
      args: d.args,
      opts: d.opts,
      launcher: cfg.launcher ?? [],
      criu: criuCommands(o),
      workDir: path.join(cfg.workRoot, d.name),
      nocr: o.nocr,
      iters: o.iters,
      preDumps: o.preDumps,
      timeoutSec: testTimeout(o, d.timeout),
      keepImages: o.keepImages,
      ...(o.inGuest ? { onHang: () => void dumpTasksToConsole() } : {}),
    }).catch((e: Error) => e);
    results[i] = outcome instanceof Error ? failedToRun(d.name, `runner error: ${outcome.message}`) : classify(d, cfg.arch, outcome, o.nocr);
  };
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      running.add(next.p.desc.name);
      cfg.onProgress?.(done, total, [...running]);
      await runOne(next);
      running.delete(next.p.desc.name);
      cfg.onProgress?.(++done, total, [...running], results[next.i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.jobs, Math.max(1, total)) }, worker));
  report.results = results;
  return report;
}
