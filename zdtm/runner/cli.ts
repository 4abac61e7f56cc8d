// The runner's top level: pick the arches, run each (here, under qemu-user, or in a guest),
// then print one section per arch, write junit.xml + results.json, and end with the closing line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { archByName, archNames, hostArch } from '../../src/arch/index.js';
import { planCatalog, runCatalog } from './catalog-run.js';
import { knownFailure } from './desc.js';
import { qemuUserLauncher, runInGuest } from './foreign.js';
import { toJUnit } from './junit.js';
import { parseRunnerArgs, usage, type RunnerOptions } from './options.js';
import { ProgressLine } from './progress.js';
import { runSucceeded, writeResults, type RunReport } from './results.js';
import { formatRuns } from './table.js';

type Out = Writable & { isTTY?: boolean; columns?: number };

/** Runs one arch; any failure to run at all becomes the report's `error`, never an exception. */
async function runArch(name: string, o: RunnerOptions, workRoot: string, progress?: ProgressLine): Promise<RunReport> {
  const empty: RunReport = { arch: name, mode: o.nocr ? 'nocr' : 'cr', iters: o.iters, criu: '', startedAt: new Date().toISOString(), results: [] };
  try {
    const arch = archByName(name);
    const onProgress = progress?.update.bind(progress);
    if (arch.name === hostArch().name) return await runCatalog({ arch: arch.name, options: o, workRoot, ...(onProgress ? { onProgress } : {}) });
    if (o.inGuest) throw new Error(`zdtm: --in-guest for ${arch.name}, but this machine is ${hostArch().name}`);
    if (o.nocr) return await runCatalog({ arch: arch.name, options: o, workRoot, launcher: qemuUserLauncher(arch) });
    return await runInGuest(arch, o, workRoot);
  } catch (e) {
    return { ...empty, error: (e as Error).message };
  }
}

/** "host" and Node's names ("x64") become ours; an unknown name stays, for runArch to report. */
function canonicalArch(name: string): string {
  try {
    return archByName(name).name;
  } catch {
    return name;
  }
}

async function listTests(o: RunnerOptions, arches: string[], out: Out): Promise<void> {
  for (const name of arches) {
    const arch = archByName(name).name;
    for (const p of await planCatalog(o, arch)) {
      out.write(`${arch}  ${p.desc.name}${p.skip ? `  [skip: ${p.skip}]` : ''}${knownFailure(p.desc, arch) !== undefined ? '  [expected:fail]' : ''}  ${p.desc.summary}\n`);
    }
  }
}

/** Returns the exit code: 0 when nothing failed (unexpected passes and run errors count as failures). */
export async function runCli(argv: string[], out: Out = process.stdout, err: Writable = process.stderr): Promise<number> {
  let o: RunnerOptions;
  try {
    o = parseRunnerArgs(argv);
  } catch (e) {
    err.write(`${(e as Error).message}\n`);
    return 2;
  }
  if (o.help) {
    out.write(`${usage}\n`);
    return 0;
  }
  const arches = o.arch === 'all' ? [...archNames] : [canonicalArch(o.arch)];
  if (o.list) {
    try {
      await listTests(o, arches, out);
      return 0;
    } catch (e) {
      err.write(`${(e as Error).message}\n`);
      return 1;
    }
  }

  const reportRoot = path.resolve(o.report ?? fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-zdtm-')));
  fs.mkdirSync(reportRoot, { recursive: true });
  const single = arches.length === 1;
  const progress = single ? new ProgressLine(out, err) : undefined;
  // In a guest the report dir is this arch's own (the host side made it per arch already).
  const workRoot = (arch: string) => (o.inGuest ? reportRoot : path.join(reportRoot, arch));
  const runs = await Promise.all(arches.map((a) => runArch(a, o, workRoot(a), progress)));
  progress?.clear();

  writeResults(reportRoot, runs);
  fs.writeFileSync(path.join(reportRoot, 'junit.xml'), toJUnit(runs));
  out.write(formatRuns(runs, reportRoot));
  return runs.every(runSucceeded) ? 0 : 1;
}
