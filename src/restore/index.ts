// restore(): image directory -> running task. Reads and checks everything first, opens
// the task's files here, creates the task with its old PID (native/src/restore.cc) and
// waits for its report; any failure kills what was created.
import fs from 'node:fs';
import path from 'node:path';
import { hostArch, type ArchDescriptor } from '../arch/index.js';
import { injectFault, faultPoints, type FaultPoint } from '../fault.js';
import { writeImage } from '../images/index.js';
import { silentLogger } from '../log.js';
import type { RestoreOptions, RestoreResult } from '../options.js';
import { parseLimits } from '../proc/limits.js';
import { parseMaps } from '../proc/maps.js';
import { packageRoot, isSysError } from '../sys/native.js';
import { pipe2, O_CLOEXEC } from '../sys/proc-ops.js';
import { wait, WNOHANG } from '../sys/ptrace.js';
import { restoreSpawn } from '../sys/restore.js';
import { buildBlobRegion, type ServiceFds } from './blob-args.js';
import type { OpenContext } from './fd/kinds.js';
import { openFds } from './fds.js';
import { planSpecialMoves } from './memory.js';
import { planTask, type TaskPlan } from './plan.js';
import { describeFailure, nextReport } from './report.js';
import { constantOf, restorerLayout } from './struct-layout.js';
import { readTreeImages, type TreeImages } from './task-images.js';

const REPORT_TIMEOUT_MS = 30_000;

/** Fault points handed to the new task, by the RST_STEP_ they fail. */
const childFaults: Partial<Record<FaultPoint, string>> = {
  'restore-child-fds': 'RST_STEP_FDS',
  'restore-blob-pages': 'RST_STEP_PAGES',
  'restore-blob-finish': 'RST_STEP_FINISH',
};

function childFaultStep(): number {
  const point = process.env['CRIU_TS_FAULT'] as FaultPoint | undefined;
  const step = point && point in faultPoints ? childFaults[point] : undefined;
  return step ? Number(constantOf(restorerLayout(), step)) : 0;
}

function readBlob(arch: ArchDescriptor): Buffer {
  const file = process.env['CRIU_TS_RESTORER'] ?? path.join(packageRoot(), 'arch', arch.name, 'build', arch.restorer!.blob);
  if (!fs.existsSync(file)) throw new Error(`criu-ts: restorer blob missing at ${file}; run "npm run build:blobs"`);
  return fs.readFileSync(file);
}

function pidExists(pid: number): boolean {
  return fs.existsSync(`/proc/${pid}`);
}

/** Our own limits, so a dumped hard limit above them is clamped instead of failing on EPERM. */
function clampedRlimits(plan: TaskPlan): [number, bigint, bigint][] {
  const ours = parseLimits(fs.readFileSync('/proc/self/limits', 'utf8'));
  return plan.rlimits.map(([res, cur, max]) => {
    const hard = ours[res]?.max;
    const m = hard !== undefined && max > hard ? hard : max;
    return [res, cur > m ? m : cur, m];
  });
}

async function killAndReap(pid: number, directChild: boolean): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return; // already gone
  }
  if (directChild) wait(pid);
}

/** Creates the single task of `plan` and waits for its report; returns our direct child's PID. */
async function spawnTask(tree: TreeImages, plan: TaskPlan, arch: ArchDescriptor, opts: RestoreOptions): Promise<number> {
  const log = opts.log ?? silentLogger;
  const task = plan.task;
  const ctx: OpenContext = { tree, opened: [], state: new Map() };
  let reportRead = -1;
  let child = -1;
  try {
    const fds = openFds(task, ctx);
    const pagesFd = fs.openSync(path.join(tree.dir, `pages-${task.pagesId}.img`), 'r');
    ctx.opened.push(pagesFd);
    const exeFd = plan.exePath ? fs.openSync(plan.exePath, 'r') : -1;
    if (exeFd >= 0) ctx.opened.push(exeFd);
    const byFile = new Map<string, number>();
    for (const v of plan.memory.vmas) {
      if (!v.file) continue;
      const key = `${v.file.openFlags}:${v.file.path}`;
      if (!byFile.has(key)) {
        const fd = fs.openSync(v.file.path, v.file.openFlags);
        ctx.opened.push(fd);
        byFile.set(key, fd);
      }
    }
    const [rd, wr] = pipe2(O_CLOEXEC);
    reportRead = rd;
    ctx.opened.push(wr);
    injectFault('restore-open-files');

    // Service fds sit above the task's own: the report pipe, pages, exe, mapped files.
    const moves: [number, number, number][] = fds.map((f) => [f.source, f.fd, f.cloexec ? 1 : 0]);
    let next = fds.reduce((m, f) => Math.max(m, f.fd + 1), 0);
    const service = (source: number): number => {
      moves.push([source, next, 1]);
      return next++;
    };
    const serviceFds: ServiceFds = { report: service(wr), pages: service(pagesFd), exe: exeFd >= 0 ? service(exeFd) : -1, vma: new Map(), close: [] };
    const byFileService = new Map<number, number>();
    for (const v of plan.memory.vmas) {
      if (!v.file) continue;
      const src = byFile.get(`${v.file.openFlags}:${v.file.path}`)!;
      if (!byFileService.has(src)) byFileService.set(src, service(src));
      serviceFds.vma.set(v, byFileService.get(src)!);
    }
    serviceFds.close = [serviceFds.pages, ...(exeFd >= 0 ? [serviceFds.exe] : []), ...byFileService.values()];

    const ours = parseMaps(fs.readFileSync('/proc/self/maps', 'utf8'));
    const special = planSpecialMoves(plan.memory, ours);
    const code = readBlob(arch);
    const faultStep = childFaultStep();
    const region = buildBlobRegion(plan, arch.restorer!, code.length, ours, special, serviceFds, faultStep);
    const ourFds = fs.readdirSync('/proc/self/fd').map(Number);
    const stagingBase = Math.max(next, ...ourFds) + 64;

    const newSession = task.sid === task.pid;
    if (!newSession && !opts.shellJob) {
      throw new Error(`criu-ts: task ${task.pid} was in session ${task.sid}, which is not restored; restore with shellJob (-j) to put it in ours`);
    }
    log.debug(`restore: task ${task.pid}: region 0x${region.start.toString(16)}+${region.len}, ${plan.memory.vmas.length} VMAs, ${plan.memory.runs.length} page runs`);
    child = restoreSpawn({
      pid: task.pid,
      detached: opts.detached === true,
      newSession,
      fds: Int32Array.from(moves.sort((a, b) => a[1] - b[1]).flat()),
      stagingBase,
      reportFd: wr,
      reportFdTarget: serviceFds.report,
      rlimits: clampedRlimits(plan),
      umask: plan.umask,
      cwd: plan.cwd,
      region: region.start,
      regionLen: region.len,
      code,
      args: region.args,
      argsAddr: region.argsAddr,
      stackTop: region.stackTop,
      faultStep,
    });
  } catch (e) {
    if (reportRead >= 0) fs.closeSync(reportRead);
    if (isSysError(e, 'EEXIST')) throw new Error(`criu-ts: pid ${task.pid} is busy`);
    throw e;
  } finally {
    for (const fd of ctx.opened) fs.closeSync(fd);
  }

  try {
    if (opts.detached) wait(child); // the intermediate exits as soon as the task exists
    injectFault('restore-task-created');
    const report = await nextReport(reportRead, REPORT_TIMEOUT_MS);
    if (!report) throw new Error(`criu-ts: task ${task.pid} died while being restored`);
    if (report.step !== 0) {
      if (report.step === Number(constantOf(restorerLayout(), 'RST_STEP_CLONE')) && report.errno === 17) {
        throw new Error(`criu-ts: pid ${task.pid} is busy`);
      }
      throw new Error(`criu-ts: restore failed: ${describeFailure(report)}`);
    }
  } catch (e) {
    await killAndReap(task.pid, !opts.detached);
    throw e;
  } finally {
    fs.closeSync(reportRead);
  }
  return child;
}

function exitCodeOf(pid: number): Promise<number> {
  return new Promise((resolve) => {
    const poll = (delay: number): void => {
      const s = wait(pid, WNOHANG);
      if (s.kind === 'exited') resolve(s.code);
      else if (s.kind === 'signaled') resolve(128 + s.signal);
      else setTimeout(() => poll(Math.min(delay * 2, 100)), delay);
    };
    poll(1);
  });
}

export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const log = opts.log ?? silentLogger;
  const started = performance.now();
  const tree = readTreeImages(opts.imagesDir);
  injectFault('restore-images');
  if (tree.tasks.length !== 1) throw new Error(`criu-ts: the images hold ${tree.tasks.length} tasks; restoring process trees is not supported yet`);
  const arch = hostArch();
  const plan = planTask(tree.tasks[0]!, tree, arch);
  const pid = plan.task.pid;
  if (pidExists(pid)) throw new Error(`criu-ts: pid ${pid} is busy`);
  injectFault('restore-plan');

  const forkStart = performance.now();
  const child = await spawnTask(tree, plan, arch, opts);
  const forkingUs = Math.round((performance.now() - forkStart) * 1000);
  const restoreMs = performance.now() - started;
  log.info(`restore: task ${pid} restored in ${restoreMs.toFixed(1)} ms`);
  if (opts.pidfile) fs.writeFileSync(opts.pidfile, `${pid}`);
  writeImage(opts.imagesDir, 'stats-restore', 'stats', [
    {
      restore: {
        pages_compared: 0n,
        pages_skipped_cow: 0n,
        forking_time: forkingUs,
        restore_time: Math.round(restoreMs * 1000),
        pages_restored: BigInt(plan.memory.pagesRestored),
      },
    },
  ]);
  if (opts.detached) return { pid, restoreMs };
  return { pid, restoreMs, exitCode: await exitCodeOf(child) };
}
