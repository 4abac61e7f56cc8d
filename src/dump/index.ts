// dump(): checkpoint a process tree into an image directory, CRIU-compatible.
// Order: seize (freeze) -> registers -> per task: state asked from inside (injected
// syscalls), memory, fds, fs, ids -> shared images (files, pipes-data, pstree, inventory,
// stats) -> kill the tree, or release it (leaveRunning, or leaveStopped: stopped). Any failure releases the
// tree: every thread is detached with its registers and signal mask as they were.
// The caller's action hook is called at CRIU's stages (src/actions.ts): pre-dump before
// seizing, post-dump with the images written and the tree still frozen (throwing there
// releases it instead of killing it). network-lock and network-unlock come with network
// namespaces, which are refused for now.
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { RawRegs } from '../arch/descriptor.js';
import type { ActionStage } from '../actions.js';
import { hostArch } from '../arch/index.js';
import { injectFault } from '../fault.js';
import { IMG_VERSION, TASK_DEAD } from '../images/format.js';
import { writeImage, type PstreeEntry, type TaskKobjIdsEntry } from '../images/index.js';
import { prepareImagesDir } from '../images/private.js';
import { sealImages } from '../images/checksums.js';
import { silentLogger, type Logger } from '../log.js';
import type { DumpOptions, DumpResult } from '../options.js';
import { parseStat } from '../proc/stat.js';
import { kcmpFdTables } from '../sys/proc-ops.js';
import { FilesDump } from '../fd/dump.js';
import { FileLocks } from '../fd/file-locks.js';
import { GHOST_LIMIT, isUnlinkedPath } from '../fd/ghost-file.js';
import { regFile } from '../fd/reg-file.js';
import { dumpMemory } from './memory.js';
import { addStats, emptyStats, type MemoryStats } from './page-writer.js';
import { SharedAnonMemory } from './shmem.js';
import { checkNamespaces, NamespaceIds } from './namespaces.js';
import { dumpIpcNamespaces } from '../ns/ipc.js';
import { dumpTimeNamespaces } from '../ns/time.js';
import { dumpUtsNamespaces } from '../ns/uts.js';
import { SeccompFilters } from './seccomp.js';
import { seizeTree } from './seize.js';
import { ParentPages } from './parent-pages.js';
import { linkParentDir } from '../images/page-chain.js';
import { dumpTaskCores, exitSignalField } from './task-state.js';

/**
 * The files_id of the fd table task pid shares with its parent (a CLONE_FILES child), among
 * the tasks dumped before it; undefined when its table is its own. Sharing one with any other
 * task cannot be recreated by cloning and is refused.
 */
function fdTableOf(pid: number, earlier: { pid: number }[], filesIds: Map<number, number>): number | undefined {
  const ppid = parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).ppid;
  const sharer = earlier.find((t) => t.pid === ppid && kcmpFdTables(t.pid, pid)) ?? earlier.find((t) => kcmpFdTables(t.pid, pid));
  if (!sharer) return undefined;
  if (sharer.pid !== ppid) throw new Error(`criu-ts: task ${pid} shares its fd table with task ${sharer.pid}, which is not its parent; that cannot be restored yet`);
  return filesIds.get(sharer.pid);
}

/** Makes (or checks) the images directory and its `parent` link; returns it. */
export function openImagesDir(opts: Pick<DumpOptions, 'imagesDir' | 'prevImagesDir'>, log: Logger): string {
  const loose = prepareImagesDir(opts.imagesDir);
  if (loose) log.warn(loose);
  linkParentDir(opts.imagesDir, opts.prevImagesDir);
  return opts.imagesDir;
}

export async function dump(opts: DumpOptions): Promise<DumpResult> {
  const log = opts.log ?? silentLogger;
  const dir = openImagesDir(opts, log);
  const arch = hostArch();
  if (!arch.regs) throw new Error(`criu-ts: dumping is not supported on ${arch.name} yet`);
  const archRegs = arch.regs;
  // The tree lives on after the dump (-R or -s): nothing may be taken from it for good.
  const survives = opts.leaveRunning === true || opts.leaveStopped === true;

  const action = async (stage: ActionStage): Promise<void> => {
    log.debug(`dump: action stage ${stage}`);
    await opts.actions?.(stage, {});
  };
  await action('pre-dump');
  const started = process.hrtime.bigint();
  const tree = seizeTree(opts.pid, log, opts.timeoutSec);
  const frozenAt = process.hrtime.bigint();
  const totals = emptyStats();
  log.info(`frozen ${tree.tasks.length} task(s) in ${Number(frozenAt - started) / 1e6} ms`);
  let done = false;
  // The inventory's root_ids are the dumper's own, taken first as CRIU takes its own: a
  // restorer compares the root task's with them to see what the root shares with it. Our
  // fd table, mm, fs and signal handlers are never a target's (we clone none with them).
  const namespaces = new NamespaceIds();
  const ourNamespaceIds = namespaces.of(process.pid);
  const rootIds: TaskKobjIdsEntry = { vm_id: 1, files_id: 1, fs_id: 1, sighand_id: 1, ...ourNamespaceIds };
  const fds = new FilesDump({
    shellJob: opts.shellJob === true, tcpEstablished: opts.tcpEstablished === true,
    extUnixSk: opts.extUnixSk === true, leaveRunning: survives, external: new Set(opts.external ?? []),
    ghostLimit: opts.ghostLimit ?? GHOST_LIMIT, skipInFlight: opts.skipInFlight === true, linkRemap: opts.linkRemap === true,
    networkLock: opts.networkLock ?? 'iptables', networkLockExplicit: opts.networkLock !== undefined,
    fileValidation: opts.fileValidation ?? 'buildid', log,
  }, ourNamespaceIds, new Set([...tree.tasks.flatMap((t) => [t.pid, ...t.threads]), ...tree.zombies.map((z) => z.pid)]));
  // A task's cwd or root; a removed directory becomes a ghost, made again (and removed) on restore.
  const fsDirectory = (pid: number, which: 'cwd' | 'root'): number => {
    const at = `/proc/${pid}/${which}`;
    const link = fs.readlinkSync(at);
    if (!isUnlinkedPath(link)) return fds.files.pathFile(link, 0, at);
    const st = fs.statSync(at);
    const refused = (what: string): Error => new Error(`criu-ts: cannot dump the ${which} of ${pid} (${link}): ${what} is not supported yet`);
    return fds.stateOf(regFile).regFile(fds.files, `${which}:${st.dev}:${st.ino}`, at, link, 0, 0n, refused);
  };
  try {
    injectFault('dump-seized');
    checkNamespaces(tree.tasks.map((t) => t.pid));
    const regs = new Map<number, RawRegs>();
    for (const t of tree.tasks) for (const tid of t.threads) regs.set(tid, archRegs.readRegs(tid));
    injectFault('dump-regs');

    const locks = new FileLocks(opts.fileLocks === true);
    const shmem = new SharedAnonMemory();
    const seccomp = new SeccompFilters();
    const pstree: PstreeEntry[] = [];
    const filesIds = new Map<number, number>();
    const nsIds: Record<'uts' | 'ipc' | 'time', { pid: number; nsId: number }[]> = { uts: [], ipc: [], time: [] };
    for (const [index, task] of tree.tasks.entries()) {
      const pid = task.pid;
      const { cores, brk, dumpable, thpDisabled, umask } = dumpTaskCores(arch, task, regs, seccomp, log);
      for (const [tid, core] of cores) writeImage(dir, `core-${tid}.img`, 'core', [core]);

      const { mm, stats } = dumpMemory(pid, dir, index + 1, fds, shmem, brk, { dumpable, ...(thpDisabled ? { thp_disabled: true } : {}) }, log,
        (entries) => writeImage(dir, `pagemap-${pid}.img`, 'pagemap', entries), opts.prevImagesDir !== undefined ? ParentPages.of(dir, pid) : undefined);
      addStats(totals, stats);
      writeImage(dir, `mm-${pid}.img`, 'mm', [mm]);

      // One id per task for each shareable kernel object (ours is 1); threads share their task's.
      const objId = index + 2;
      const filesId = fdTableOf(task.pid, tree.tasks.slice(0, index), filesIds) ?? objId;
      filesIds.set(pid, filesId);
      const ids: TaskKobjIdsEntry = { vm_id: objId, files_id: filesId, fs_id: objId, sighand_id: objId, ...namespaces.of(pid) };
      writeImage(dir, `ids-${pid}.img`, 'ids', [ids]);
      // checkNamespaces found these three kinds in the kernel, so each has an id.
      nsIds.uts.push({ pid, nsId: ids.uts_ns_id! });
      nsIds.ipc.push({ pid, nsId: ids.ipc_ns_id! });
      nsIds.time.push({ pid, nsId: ids.time_ns_id! });
      if (ids.files_id === objId) {
        const fdEntries = fds.dumpFds(pid);
        locks.collect(pid, fdEntries);
        writeImage(dir, `fdinfo-${objId}.img`, 'fdinfo', fdEntries);
      }
      writeImage(dir, `fs-${pid}.img`, 'fs', [{
        cwd_id: fsDirectory(pid, 'cwd'),
        root_id: fsDirectory(pid, 'root'),
        umask,
      }]);

      const stat = parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      pstree.push({ pid, ppid: index === 0 ? 0 : stat.ppid, pgid: stat.pgid, sid: stat.sid, threads: task.threads });
    }
    // Zombies: a pstree entry and a core saying how they died; nothing else is left of them.
    for (const z of tree.zombies) {
      pstree.push({ pid: z.pid, ppid: z.ppid, pgid: z.pgid, sid: z.sid, threads: [z.pid] });
      writeImage(dir, `core-${z.pid}.img`, 'core', [{
        mtype: archRegs.mtype,
        tc: { task_state: TASK_DEAD, exit_code: z.exitCode, personality: 0, flags: 0, blk_sigset: 0n, comm: z.comm, ...exitSignalField(z.exitSignal) },
      }]);
    }
    injectFault('dump-files');

    // Shared anonymous objects, once for the whole tree; their pages files follow the tasks'.
    let pagesId = tree.tasks.length;
    const shared = emptyStats();
    for (const s of shmem.write(dir, () => ++pagesId, (file, entries) => writeImage(dir, file, 'pagemap', entries))) addStats(shared, s);
    fds.finish({ dir, nextPagesId: () => ++pagesId, addStats: (s) => addStats(shared, s) });
    locks.write(dir);
    dumpUtsNamespaces(dir, nsIds.uts);
    dumpIpcNamespaces(dir, nsIds.ipc);
    dumpTimeNamespaces(dir, nsIds.time);
    if (seccomp.filters.length) writeImage(dir, 'seccomp.img', 'seccomp', [{ seccomp_filters: seccomp.filters }]);
    writeImage(dir, 'pstree.img', 'pstree', pstree);
    writeImage(dir, 'inventory.img', 'inventory', [{
      // root_cg_set: the restorer's cgroup set; the tasks' core has none, so they stay in the restorer's cgroups.
      img_version: IMG_VERSION, fdinfo_per_id: true, root_ids: rootIds, ns_per_id: true, root_cg_set: 1, lsmtype: 'NO_LSM',
      network_lock_method: 0, dump_criu_run_id: randomUUID(),
    }]);
    const finished = process.hrtime.bigint();
    writeImage(dir, 'stats-dump', 'stats', [{
      dump: {
        freezing_time: Number((frozenAt - started) / 1000n), frozen_time: Number((finished - frozenAt) / 1000n),
        memdump_time: totals.memdumpUs + shared.memdumpUs, memwrite_time: totals.memwriteUs + shared.memwriteUs,
        pages_scanned: BigInt(totals.pagesScanned), pages_skipped_parent: BigInt(totals.pagesSkippedParent), pages_written: BigInt(totals.pagesWritten), pages_lazy: 0n,
        shpages_scanned: BigInt(shared.pagesScanned), shpages_skipped_parent: 0n, shpages_written: BigInt(shared.pagesWritten),
      },
    }]);
    injectFault('dump-images-written');
    await action('post-dump');
    if (!survives) injectFault('dump-before-kill');
    done = true;
  } finally {
    if (!done) {
      fds.failed();
      fds.resumed();
      fds.close();
      tree.release();
    }
  }
  try {
    if (survives) {
      fds.resumed();
      tree.release(opts.leaveStopped === true);
    } else {
      tree.kill();
      fds.killed(dir);
    }
  } finally {
    fds.close();
  }
  log.debug(`dump: tree ${opts.leaveStopped ? 'left stopped' : opts.leaveRunning ? 'resumed' : 'killed'}`);
  // Last: the queues of unix sockets are written once the tree is gone (fds.killed).
  const sealed = sealImages(dir);
  log.info(`checksums.img: ${sealed.files} image files sealed`);
  const ended = process.hrtime.bigint();
  log.info(`dumped ${tree.tasks.length} task(s): ${totals.pagesWritten} pages written of ${totals.pagesScanned} scanned`);
  return dumpResult(tree.tasks.map((t) => t.pid), totals, started, frozenAt, ended);
}

/** What a dump or pre-dump reports: its tasks, page counts and times (hrtime stamps in ns). */
export function dumpResult(pids: number[], totals: MemoryStats, started: bigint, frozenAt: bigint, ended: bigint): DumpResult {
  return {
    pids,
    pagesScanned: totals.pagesScanned,
    pagesWritten: totals.pagesWritten,
    pagesInParent: totals.pagesSkippedParent,
    freezeMs: Number(frozenAt - started) / 1e6,
    dumpMs: Number(ended - started) / 1e6,
  };
}
