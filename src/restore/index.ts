// restore(): image directory -> running task. Reads and checks everything first (the bytes
// of large pages files on a worker while the tree is built, every task held at the late gate
// until they pass), opens the task's files here, creates the task with its old PID
// (native/src/restore.cc) and waits for its report; any failure kills what was created. The caller's action hook is
// called at CRIU's stages (src/actions.ts): pre-restore before any task exists;
// setup-namespaces (with the root's PID) and post-setup-namespaces once the tasks exist
// (they live in our namespaces, and restore themselves meanwhile); post-restore once every
// task has reported (throwing up to there kills the tree); pre-resume and post-resume once
// it runs (our tasks resume as each one finishes, so neither is a pause before they run).
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { ActionInfo, ActionStage } from '../actions.js';
import { hostArch, type ArchDescriptor } from '../arch/index.js';
import { injectFault, faultPoints, type FaultPoint } from '../fault.js';
import { writeImage } from '../images/index.js';
import { checkAllPages, checkPagesSize, pagesBytes, verifyImages, verifyImagesButPages, type Verified } from '../images/checksums.js';
import { PagesVerifier } from '../images/pages-verifier.js';
import { silentLogger, type Logger } from '../log.js';
import type { RestoreOptions, RestoreResult } from '../options.js';
import { parseLimits } from '../proc/limits.js';
import { parseMaps } from '../proc/maps.js';
import { parseStat } from '../proc/stat.js';
import { isSysError } from '../sys/native.js';
import { O_CLOEXEC, O_RDONLY } from '../sys/fcntl.js';
import { openPathFile } from '../fd/reg-file.js';
import { removeLinkRemaps } from '../fd/ghost-file.js';
import { pipe2 } from '../sys/proc-ops.js';
import { wait, WNOHANG } from '../sys/ptrace.js';
import { restoreSpawn, type SpawnSpec, type TaskSteps, type ZombieSpec } from '../sys/restore.js';
import { buildBlobRegion, type ServiceFds } from './blob-args.js';
import { LateFiles, type LateFd } from './late-files.js';
import { hasLateSeals } from '../fd/memfd.js';
import type { FdRestoreOptions, OpenContext } from '../fd/kind.js';
import { inheritedFds, unusedKeys } from '../fd/inherit-fd.js';
import { takeFileLocks } from '../fd/file-locks.js';
import { openContext, openedFile, openFds, reopenRecreated } from '../fd/restore.js';
import { foregroundOf, keepTerminalSettings, pairSessionOf } from '../fd/tty.js';
import { planSpecialMoves } from './memory.js';
import { planTask, type TaskPlan } from './plan.js';
import { restorerBlob } from '../blob/restorer-blob.js';
import { checkPrivileges } from './privileges.js';
import { createSharedMemory } from './shmem.js';
import { describeFailure, nextReport } from './report.js';
import { constantOf, restorerLayout, structOf } from '../blob/struct-layout.js';
import { putBackTracerRegsets } from './tracer-regsets.js';
import { readTreeImages, type TaskImages, type TreeImages } from './task-images.js';
import { namespacesToCreate } from '../ns/tree.js';
import { offsetsText, TIMENS_OFFSETS } from '../ns/time.js';
import { utsSysctls } from '../ns/uts.js';
import { namespaceKinds } from '../ns/kinds.js';

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

function pidExists(pid: number): boolean {
  return fs.existsSync(`/proc/${pid}`);
}

function isZombie(pid: number): boolean {
  try {
    return parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).state === 'Z';
  } catch {
    return false;
  }
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

/** Our own threads mapped something where the restorer region was to go, after we looked. */
class RegionTaken extends Error {
  constructor(pid: number) {
    super(`criu-ts: the restorer region of task ${pid} was taken meanwhile`);
  }
}

async function until(done: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/**
 * Kills every task of the tree created so far, children first. A parent may be cloning a
 * child at that very moment, which then appears after its pid was tried: passes repeat
 * until one finds no member alive.
 */
async function killTree(members: Member[]): Promise<void> {
  for (let pass = 0; pass < 100; pass++) {
    const live = [...members].reverse().filter((m) => pidExists(m.pid) && !isZombie(m.pid));
    if (live.length === 0) return;
    for (const m of live) killQuietly(m.pid);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A task of the tree to create; helpers are not dumped tasks (see withSessionHelpers). */
type Member = Pick<TaskImages, 'pid' | 'ppid' | 'pgid' | 'sid'> & { helper?: boolean };

/**
 * A task whose session leader is gone (neither itself nor its parent's session) is
 * created by a helper that takes the leader's PID, calls setsid and exits once its
 * children exist, leaving them to the parent, which must be a subreaper for that.
 * Returns the members with the helpers inserted and the orphans hung under them.
 */
function withSessionHelpers(members: Member[], subreapers: Set<number>): Member[] {
  const byPid = new Map(members.map((m) => [m.pid, m]));
  const out: Member[] = [];
  const helpers = new Map<string, Member>();
  for (const [i, m] of members.entries()) {
    const parent = byPid.get(m.ppid);
    if (i === 0 || !parent || m.sid === m.pid || m.sid === parent.sid) {
      out.push(m);
      continue;
    }
    if (byPid.has(m.sid)) throw new Error(`criu-ts: task ${m.pid} is in session ${m.sid} of another task, not its parent's; such trees are not supported yet`);
    if (!subreapers.has(parent.pid)) throw new Error(`criu-ts: task ${m.pid} of the gone session ${m.sid} was adopted by ${parent.pid}, which is no subreaper`);
    const key = `${parent.pid}:${m.sid}`;
    if (!helpers.has(key)) {
      const helper: Member = { pid: m.sid, ppid: parent.pid, pgid: m.sid, sid: m.sid, helper: true };
      helpers.set(key, helper);
      out.push(helper);
    }
    out.push({ ...m, ppid: m.sid });
  }
  return out;
}

/** Every task to create, root first: the live ones, the zombies and the session helpers. */
function treeMembers(tree: TreeImages, plans: TaskPlan[]): Member[] {
  const subreapers = new Set(plans.filter((p) => p.childSubreaper).map((p) => p.task.pid));
  return withSessionHelpers([...plans.map((p) => p.task), ...tree.zombies], subreapers);
}

/** Session and group steps of each task (root first). */
function sessionSteps(members: Member[], opts: RestoreOptions): Pick<TaskSteps, 'newSession' | 'ownGroup' | 'pgidByParent'>[] {
  const byPid = new Map(members.map((m) => [m.pid, m]));
  return members.map((task, i) => {
    const newSession = task.sid === task.pid;
    const parent = i === 0 ? undefined : byPid.get(task.ppid);
    if (i > 0 && !parent) throw new Error(`criu-ts: task ${task.pid} has parent ${task.ppid}, which is not in the images`);
    if (!newSession && (parent ? parent.sid !== task.sid : !opts.shellJob)) {
      throw new Error(
        parent
          ? `criu-ts: task ${task.pid} is in session ${task.sid}, not its parent's; such trees are not supported yet`
          : `criu-ts: task ${task.pid} was in session ${task.sid}, which is not restored; restore with shellJob (-j) to put it in ours`,
      );
    }
    if (newSession && task.pgid !== task.pid) throw new Error(`criu-ts: task ${task.pid} leads session ${task.sid} but is in group ${task.pgid}`);
    const inherits = parent !== undefined && parent.pgid === task.pgid;
    return {
      newSession,
      ownGroup: !parent && !newSession && task.pgid === task.pid,
      pgidByParent: newSession || inherits || !parent ? 0 : task.pgid,
    };
  });
}

/** A terminal fd of a task of the group that had its terminal's foreground (a shell job): it takes the foreground back. */
function foregroundFd(tree: TreeImages, task: TaskImages): { foregroundFd?: number } {
  const fd = task.fds.find((e) => e.type === 'TTY' && foregroundOf(tree, e.id) === task.pgid);
  return fd ? { foregroundFd: fd.fd } : {};
}

/** The terminal a session leader makes its controlling terminal again: a pty slave the tree holds with its master, or one handed in (--inherit-fd tty[...]). */
function controllingTty(ctx: OpenContext, task: TaskImages): { cttyFd?: number } {
  if (task.sid !== task.pid) return {};
  const e = task.fds.find((f) => f.type === 'TTY' && pairSessionOf(ctx.tree, f.id, ctx.options.inherited) === task.pid);
  const source = e && openedFile(ctx, e.id);
  return source !== undefined ? { cttyFd: source } : {};
}

/** The namespaces each task creates (with what it writes into them), by pid. */
function namespaceSteps(tree: TreeImages, plans: TaskPlan[], members: Member[]): Map<number, NonNullable<TaskSteps['namespaces']>> {
  const ids = new Map(plans.map((p) => [p.task.pid, p.task.ids]));
  const out = new Map<number, NonNullable<TaskSteps['namespaces']>>();
  const kinds = [
    ['uts', new Map([...tree.utsNamespaces].map(([id, e]) => [id, utsSysctls(e)]))],
    ['ipc', tree.ipcNamespaces],
    // The offsets are taken now, just before the clone, so the clocks lose no time.
    ['time', new Map([...tree.timeNamespaces].map(([id, e]) => [id, [[TIMENS_OFFSETS, offsetsText(e)]] as [string, string][]]))],
  ] as const;
  for (const [kind, images] of kinds) {
    const { field, flag } = namespaceKinds.find((k) => k.kind === kind)!;
    const creators = namespacesToCreate(kind, members.map((m) => ({ ...m, nsId: ids.get(m.pid)?.[field] })), images);
    for (const [pid, writes] of creators) {
      const ns = out.get(pid) ?? { flags: 0, writes: [] };
      out.set(pid, { flags: ns.flags | flag, writes: [...ns.writes, ...writes] });
    }
  }
  return out;
}

/** What prepareTask leaves to the tree: session steps, children and the shared staging range. */
type TreeFields = 'newSession' | 'ownGroup' | 'pgidByParent' | 'children' | 'stagingBase';

/**
 * What goes into one fd table: [source, target, cloexec] moves, and the next free number
 * above them. A CLONE_FILES child adds its service fds to its parent's table.
 */
interface FdTable {
  moves: [number, number, number][];
  next: number;
  /** The late files among its fds (late-files.ts): every task using the table waits for them. */
  late: LateFd[];
}

/**
 * The tasks that share their parent's fd table (one files_id, a CLONE_FILES child), by pid,
 * with that parent. Sharing with another task, or a sharing task with children of their
 * own table, cannot be created by cloning in tree order and is refused.
 */
function fdTableParents(plans: TaskPlan[], members: Member[]): Map<number, TaskPlan> {
  const byPid = new Map(plans.map((p) => [p.task.pid, p]));
  const out = new Map<number, TaskPlan>();
  const owners = new Map<number, TaskPlan>();
  for (const p of plans) {
    const id = p.task.ids.files_id;
    if (id === undefined) continue;
    const parent = byPid.get(p.task.ppid);
    const owner = owners.get(id);
    if (!owner) {
      owners.set(id, p);
      continue;
    }
    if (!parent || parent.task.ids.files_id !== id) throw new Error(`criu-ts: task ${p.task.pid} shares its fd table with task ${owner.task.pid}, which is not its parent; that cannot be restored yet`);
    out.set(p.task.pid, parent);
  }
  for (const m of members) {
    if (out.has(m.ppid) && !out.has(m.pid)) throw new Error(`criu-ts: task ${m.pid} is a child of ${m.ppid}, which shares its parent's fd table, and has a table of its own; that cannot be restored yet`);
  }
  return out;
}

/**
 * Opens what the task needs here and lays out its restorer region: everything but the clone.
 * shared: the table of the parent whose fds the task shares (it opens none of its own).
 */
function prepareTask(
  plan: TaskPlan,
  ctx: OpenContext,
  shmem: Map<bigint, number>,
  arch: ArchDescriptor,
  report: number,
  late: LateFiles,
  log: Logger,
  shared?: FdTable,
): Omit<SpawnSpec, TreeFields | 'fds'> & { table: FdTable } {
  const task = plan.task;
  const { fds, epollItems } = shared ? { fds: [], epollItems: [] } : openFds(task, ctx);
  if (!shared) takeFileLocks(ctx.tree, task, fds);
  const keep = (fd: number): number => (ctx.opened.push(fd), fd);
  const pagesFds = [path.join(ctx.tree.dir, `pages-${task.pagesId}.img`), ...plan.memory.parentPages].map((f) => keep(fs.openSync(f, 'r')));
  const exeFd = plan.exeFileId !== undefined ? openPathFile(ctx, plan.exeFileId, O_RDONLY) : -1;

  // Service fds sit above the table's own: the report pipe, pages, exe, mapped files.
  const table: FdTable = shared ?? { moves: fds.map((f) => [f.source, f.fd, f.cloexec ? 1 : 0]), next: fds.reduce((m, f) => Math.max(m, f.fd + 1), 0), late: late.of(fds) };
  const service = (source: number): number => {
    table.moves.push([source, table.next, 1]);
    return table.next++;
  };
  const serviceFds: ServiceFds = { report: service(report), pages: pagesFds.map(service), exe: exeFd >= 0 ? service(exeFd) : -1, vma: new Map(), close: [], epoll: epollItems };
  // A removed cwd: entered through the task's own fd of the directory made again.
  const cwdFd = plan.cwdGhost !== undefined ? service(ctx.openFile(plan.cwdGhost)) : undefined;
  const cwd = cwdFd !== undefined ? `/proc/self/fd/${cwdFd}` : plan.cwd;
  if (table.late.length > 0 || late.everyone) {
    const waiter = late.waiter();
    serviceFds.late = { from: service(waiter.from), gate: service(waiter.gate), fds: shared ? [] : table.late };
  }
  const byFile = new Map<string, number>();
  for (const v of plan.memory.vmas) {
    const key = v.file ? `${v.file.openFlags}:${v.file.path}` : v.shmem !== undefined ? `shmem:${v.shmem}` : v.recreated ? `recreated:${v.recreated.fileId}:${v.recreated.openFlags}` : undefined;
    if (key === undefined) continue;
    if (!byFile.has(key)) byFile.set(key, service(v.file ? openPathFile(ctx, v.file.fileId, v.file.openFlags) : v.recreated ? reopenRecreated(ctx, v.recreated.fileId, v.recreated.openFlags) : shmem.get(v.shmem!)!));
    serviceFds.vma.set(v, byFile.get(key)!);
  }
  serviceFds.close = [...serviceFds.pages, ...(exeFd >= 0 ? [serviceFds.exe] : []), ...byFile.values(), ...(serviceFds.late ? [serviceFds.late.from, serviceFds.late.gate] : []), ...(cwdFd !== undefined ? [cwdFd] : [])];

  const ours = parseMaps(fs.readFileSync('/proc/self/maps', 'utf8'));
  const special = planSpecialMoves(plan.memory, ours);
  const code = restorerBlob(arch);
  const faultStep = childFaultStep();
  const region = buildBlobRegion(plan, arch.restorer!, code.length, ours, special, serviceFds, faultStep, clampedRlimits(plan));
  log.debug(`restore: task ${task.pid}: region 0x${region.start.toString(16)}+${region.len}, ${plan.memory.vmas.length} VMAs, ${plan.memory.runs.length} page runs`);
  return {
    pid: task.pid,
    table,
    reportFd: report,
    reportFdTarget: serviceFds.report,
    ...foregroundFd(ctx.tree, task),
    ...controllingTty(ctx, task),
    ...(plan.oomScoreAdj !== undefined ? { oomScoreAdj: plan.oomScoreAdj } : {}),
    umask: plan.umask,
    cwd,
    root: plan.root,
    region: region.start,
    regionLen: region.len,
    code,
    args: region.args,
    argsAddr: region.argsAddr,
    stackTop: region.stackTop,
    faultStep,
  };
}

/**
 * The exit signal a task was cloned with, if not SIGCHLD. Not the root's: its parent is not in
 * the tree, and the kernel resets a reparented task's to SIGCHLD anyway.
 */
function exitSignalOf(tree: TreeImages, pid: number, index: number): { exitSignal?: number } {
  if (index === 0) return {};
  const sig = tree.tasks.find((t) => t.pid === pid)?.cores.find((c) => c.tc)?.tc?.exit_signal ?? tree.zombies.find((z) => z.pid === pid)?.exitSignal;
  if (sig === undefined) return {};
  if (sig > 64) throw new Error(`criu-ts: core-${pid}.img: exit signal ${sig} is no signal`);
  return { exitSignal: sig };
}

async function action(opts: RestoreOptions, stage: ActionStage, info: ActionInfo = {}): Promise<void> {
  opts.log?.debug(`restore: action stage ${stage}`);
  await opts.actions?.(stage, info);
}

const fdRestoreOptions = (opts: RestoreOptions): FdRestoreOptions => ({
  shellJob: opts.shellJob === true,
  networkLock: opts.networkLock ?? 'iptables',
  tcpClose: opts.tcpClose === true,
  fileValidation: opts.fileValidation ?? 'buildid',
  skipFileRwxCheck: opts.skipFileRwxCheck === true,
  inherited: inheritedFds(opts.inheritFds),
  log: opts.log ?? silentLogger,
});

/** Creates every task of the tree and waits for each one's report; returns our direct child's PID. */
async function spawnTree(tree: TreeImages, plans: TaskPlan[], arch: ArchDescriptor, opts: RestoreOptions, beforeRun?: () => Promise<void>): Promise<number> {
  const log = opts.log ?? silentLogger;
  const root = plans[0]!.task.pid;
  const members = treeMembers(tree, plans);
  const steps = sessionSteps(members, opts);
  const ctx = openContext(tree, fdRestoreOptions(opts));
  const late = new LateFiles(ctx, hasLateSeals(tree) || beforeRun !== undefined);
  const [reportRead, reportWrite] = pipe2(O_CLOEXEC);
  let child: number;
  let prepared: Omit<SpawnSpec, TreeFields>[];
  try {
    ctx.opened.push(reportWrite);
    const shmem = createSharedMemory(plans, ctx);
    const tableParents = fdTableParents(plans, members);
    const tables = new Map<number, FdTable>();
    const withTables = plans.map((plan) => {
      const parent = tableParents.get(plan.task.pid);
      const spec = prepareTask(plan, ctx, shmem, arch, reportWrite, late, log, parent && tables.get(parent.task.pid));
      tables.set(plan.task.pid, spec.table);
      return spec;
    });
    // Once every table is complete (a sharing child adds to its parent's): its moves by target.
    prepared = withTables.map(({ table, ...spec }) => {
      const sharesFiles = tableParents.has(spec.pid);
      return { ...spec, fds: Int32Array.from(sharesFiles ? [] : table.moves.sort((a, b) => a[1] - b[1]).flat()), ...(sharesFiles ? { sharesFiles } : {}) };
    });
    // Above every fd of ours and every target fd: where the new tasks shuffle their fds through.
    const ourFds = fs.readdirSync('/proc/self/fd').map(Number);
    const stagingBase = Math.max(...ourFds, ...withTables.map((s) => s.table.next)) + 64;
    const subreapers = new Set(plans.filter((p) => p.childSubreaper).map((p) => p.task.pid));
    const namespaces = namespaceSteps(tree, plans, members);
    const specs: (SpawnSpec | ZombieSpec)[] = members.map((m, i) => {
      const ns = namespaces.get(m.pid);
      const common = { pid: m.pid, children: [], reportFd: reportWrite, subreaper: subreapers.has(m.pid), ...(ns ? { namespaces: ns } : {}), ...exitSignalOf(tree, m.pid, i), ...steps[i]! };
      const live = plans.findIndex((p) => p.task.pid === m.pid);
      if (live >= 0) return { ...prepared[live]!, ...common, stagingBase };
      if (m.helper) return { ...common, exitStatus: 0, helper: true };
      return { ...common, exitStatus: tree.zombies.find((z) => z.pid === m.pid)!.exitStatus };
    });
    const index = new Map(members.map((m, i) => [m.pid, i]));
    // Group leaders first among siblings: the parent puts a child into a sibling's group, which
    // must exist by then (a zombie leader holds its group as long as it is not reaped).
    const leadersFirst = [...members.keys()].sort((a, b) => Number(members[a]!.pgid !== members[a]!.pid) - Number(members[b]!.pgid !== members[b]!.pid));
    for (const i of leadersFirst) if (i > 0) specs[index.get(members[i]!.ppid)!]!.children.push(i);
    injectFault('restore-open-files');
    child = restoreSpawn(opts.detached === true, specs);
  } catch (e) {
    fs.closeSync(reportRead);
    late.close();
    if (isSysError(e, 'EEXIST')) throw new Error(`criu-ts: pid ${plans[0]!.task.pid} is busy`);
    throw e;
  } finally {
    for (const step of ctx.atEnd) step();
    for (const fd of ctx.opened) fs.closeSync(fd);
  }

  try {
    if (opts.detached) wait(child); // the intermediate exits as soon as the root exists
    injectFault('restore-task-created');
    await action(opts, 'setup-namespaces', { pid: root });
    await action(opts, 'post-setup-namespaces');
    const waitTracer = Number(constantOf(restorerLayout(), 'RST_WAIT_TRACER'));
    const waitLate = Number(constantOf(restorerLayout(), 'RST_WAIT_LATE_FDS'));
    const reported = new Set<number>();
    const lateDeadline = Date.now() + REPORT_TIMEOUT_MS;
    const tracerDone = BigInt(structOf(restorerLayout(), 'rst_args').fields.get('tracer_done')!.offset);
    // The gate opens once every task waits there, and what must come first (the pages check) passed.
    const releaseWhenReady = async (): Promise<void> => {
      if (!late.ready(reported.size === members.length)) return;
      await beforeRun?.();
      late.release(lateDeadline);
    };
    for (let left = members.length; left > 0; left--) {
      const report = await nextReport(reportRead, REPORT_TIMEOUT_MS);
      if (!report) throw new Error(`criu-ts: a task died while being restored`);
      reported.add(report.pid);
      const live = plans.findIndex((p) => p.task.pid === report.pid);
      if (report.step === waitLate) {
        late.arrived();
        await releaseWhenReady(); // not its last word either
        left++;
        continue;
      }
      if (report.step === waitTracer && live >= 0 && plans[live]!.tracerRegsets.length > 0) {
        // Not its last word: it reports again once restored.
        log.debug(`restore: task ${report.pid}: ${plans[live]!.tracerRegsets.map((r) => r.name).join(', ')} put back by ptrace`);
        putBackTracerRegsets(report.pid, plans[live]!.tracerRegsets, prepared[live]!.argsAddr + tracerDone);
        left++;
        continue;
      }
      if (report.step === Number(constantOf(restorerLayout(), 'RST_STEP_CLONE')) && report.errno === 17) {
        throw new Error(`criu-ts: pid ${report.pid} is busy`);
      }
      if (report.step === Number(constantOf(restorerLayout(), 'RST_STEP_BLOB_MAP')) && report.errno === 17) throw new RegionTaken(report.pid);
      if (report.step !== 0) throw new Error(`criu-ts: restore failed: ${describeFailure(report)}`);
      await releaseWhenReady();
    }
    // A zombie reports just before it dies: the tree is restored once every one is dead
    // (or already reaped by its parent, which may run by now).
    const dead = (pid: number): boolean => !pidExists(pid) || isZombie(pid);
    for (const z of tree.zombies) {
      await until(() => dead(z.pid), REPORT_TIMEOUT_MS);
      if (!dead(z.pid)) throw new Error(`criu-ts: zombie ${z.pid} did not die as it should`);
    }
    await action(opts, 'post-restore', { pid: root });
  } catch (e) {
    // Children first, so none is left to init half restored when its parent goes.
    await killTree(members);
    if (!opts.detached) {
      try {
        wait(child);
      } catch {
        /* reaped already, by the tracer step that saw it die */
      }
    }
    throw e;
  } finally {
    fs.closeSync(reportRead);
    late.close();
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

/**
 * Checks an image set without restoring it: every checksum of checksums.img, then every image
 * the restore reads decodes. Throws the first problem; images without checksums are refused.
 */
export function verifyImageSet(dir: string): Verified {
  const v = verifyImages(dir);
  if (!v) throw new Error(`criu-ts: ${dir} has no checksums.img (images written by CRIU?): nothing to verify them against`);
  readTreeImages(dir);
  return v;
}

export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const log = opts.log ?? silentLogger;
  const started = performance.now();
  const pagesCheck = checkImages(opts.imagesDir, log);
  try {
    return await restoreChecked(opts, log, started, pagesCheck.beforeRun);
  } finally {
    pagesCheck.stop();
  }
}

/** Below this many bytes of pages a worker thread costs more than it saves: they are checked first. */
const PAGES_CHECKED_ALONGSIDE = 64 << 20;

/**
 * Checks the images against checksums.img: all but large pages files now, those on a worker
 * while the tree is built; beforeRun then waits for their verdict (no task runs before it).
 */
function checkImages(dir: string, log: Logger): { beforeRun?: () => Promise<void>; stop(): void } {
  const checked = verifyImagesButPages(dir);
  if (!checked) {
    log.warn(`restore: ${dir} has no checksums.img (images written by CRIU?): restoring them unverified`);
    return { stop: () => {} };
  }
  const { verified, pending } = checked;
  const bytes = pending.reduce((n, c) => n + pagesBytes(c), 0);
  if (bytes < PAGES_CHECKED_ALONGSIDE) {
    log.info(`restore: ${verified.files} image files and ${checkAllPages(dir, pending).pages} pages match checksums.img`);
    return { stop: () => {} };
  }
  // A short or missing pages file is said now; only the bytes wait (wrong ones never run).
  for (const c of pending) checkPagesSize(dir, c);
  log.info(`restore: ${verified.files} image files match checksums.img; their pages (${bytes >> 20} MiB) are checked while the tree is built`);
  const worker = PagesVerifier.start(dir, pending);
  return {
    beforeRun: async () => {
      const counts = await worker.verdict;
      log.info(`restore: ${counts.pages} pages match checksums.img`);
    },
    stop: () => worker.stop(),
  };
}

async function restoreChecked(opts: RestoreOptions, log: Logger, started: number, beforeRun?: () => Promise<void>): Promise<RestoreResult> {
  const tree = readTreeImages(opts.imagesDir);
  injectFault('restore-images');
  const arch = hostArch();
  const fdOptions = fdRestoreOptions(opts);
  // -s: every task stops where it would resume, as a task dumped stopped does.
  const plans = tree.tasks.map((t) => planTask(t, tree, arch, fdOptions)).map((p) => (opts.leaveStopped ? { ...p, stopSignal: os.constants.signals.SIGSTOP } : p));
  for (const key of unusedKeys(fdOptions.inherited!, tree)) log.warn(`restore: --inherit-fd ${key}: no file of the images has that name`);
  const pid = plans[0]!.task.pid;
  checkPrivileges(plans);
  for (const tid of [...plans.flatMap((p) => p.task.threads), ...treeMembers(tree, plans).map((m) => m.pid)]) {
    if (pidExists(tid)) throw new Error(`criu-ts: pid ${tid} is busy`);
  }
  injectFault('restore-plan');
  await action(opts, 'pre-restore');

  const forkStart = performance.now();
  const child = await spawnTree(tree, plans, arch, opts, beforeRun).catch(async (e: unknown) => {
    if (!(e instanceof RegionTaken)) throw e;
    log.debug(`restore: ${e.message}; once more with a fresh look at our layout`);
    for (const m of treeMembers(tree, plans)) await until(() => !pidExists(m.pid), 5000);
    return spawnTree(tree, plans, arch, opts, beforeRun);
  });
  // As CRIU: the tree runs whatever these hooks say; their failures are only logged.
  const resumeAction = (stage: ActionStage): Promise<void> =>
    action(opts, stage).catch((e: unknown) => log.error(`restore: ${stage}: ${(e as Error).message}`));
  await resumeAction('pre-resume');
  const forkingUs = Math.round((performance.now() - forkStart) * 1000);
  const restoreMs = performance.now() - started;
  log.info(`restore: ${plans.length} task(s) from ${pid} restored in ${restoreMs.toFixed(1)} ms`);
  if (opts.pidfile) fs.writeFileSync(opts.pidfile, `${pid}`);
  if (opts.shellJob) keepTerminalSettings(tree);
  removeLinkRemaps(tree);
  try {
    writeImage(opts.imagesDir, 'stats-restore', 'stats', [
      {
        restore: {
          pages_compared: 0n,
          pages_skipped_cow: 0n,
          forking_time: forkingUs,
          restore_time: Math.round(restoreMs * 1000),
          pages_restored: BigInt(plans.reduce((n, p) => n + p.memory.pagesRestored, 0)),
        },
      },
    ]);
  } catch (e) {
    log.warn(`restore: stats-restore not written: ${(e as Error).message}`);
  }
  await resumeAction('post-resume');
  if (opts.detached) return { pid, restoreMs };
  return { pid, restoreMs, exitCode: await exitCodeOf(child) };
}
