// Restores a task CRIU 4.2 dumped (a `sleep 1001` of the tree fixture): the images are
// CRIU's, so this checks that we restore what CRIU writes. Needs root and the same
// /usr/bin/sleep and libc as the machine the fixture came from (skipped otherwise).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faultPoints, type FaultPoint } from '../fault.js';
import { readImage, writeImage } from '../images/index.js';
import { packageRoot } from '../sys/native.js';
import { restore } from './index.js';

const FIXTURE = path.join(packageRoot(), '..', 'shared', 'fixtures', 'criu-4.2', 'tree', 'img');
const PID = 20529;
const TREE = [20526, 20528, 20529]; // sh and its two sleeps
const ZOMBIE = 20530; // added to the tree by one test

/** Size of each file the fixture's sleep maps, as files.img recorded it. */
function binariesMatch(): boolean {
  if (!fs.existsSync(FIXTURE) || process.getuid?.() !== 0) return false;
  for (const f of readImage(FIXTURE, 'files.img', 'files').entries) {
    const reg = f.reg;
    if (!reg?.build_id || reg.size === undefined) continue;
    if (!fs.existsSync(reg.name) || fs.statSync(reg.name).size !== Number(reg.size)) return false;
  }
  return true;
}

/**
 * The fixture with every cwd moved to a directory of ours and without the PKRU register
 * the fixture's CPU had (the regs layer refuses state this CPU cannot hold). With
 * `single`, reduced to one sleep in its own session (it was a child of the shell).
 */
function prepareImages(dir: string, cwd: string, single: boolean): void {
  for (const f of fs.readdirSync(FIXTURE)) fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o644);
  if (single) writeImage(dir, 'pstree.img', 'pstree', [{ pid: PID, ppid: 0, pgid: PID, sid: PID, threads: [PID] }]);
  const files = readImage(dir, 'files.img', 'files').entries;
  for (const pid of TREE) {
    const core = readImage(dir, `core-${pid}.img`, 'core').entries;
    delete core[0]!.thread_info!.fpregs.xsave!.pkru;
    writeImage(dir, `core-${pid}.img`, 'core', core);
    const fsEntry = readImage(dir, `fs-${pid}.img`, 'fs').entries[0]!;
    files.find((f) => f.id === fsEntry.cwd_id)!.reg!.name = cwd;
  }
  writeImage(dir, 'files.img', 'files', files);
}

function state(pid: number): string | undefined {
  try {
    return /State:\s+(\S)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** Waits until no process (not even a zombie init has yet to reap) holds pid. */
async function waitGone(pid: number, ms = 8000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (state(pid) === undefined) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Kills pid if it is a task we restored (it works in our directory), never a stranger. */
function killIfOurs(pid: number, cwd: string): void {
  try {
    if (fs.readlinkSync(`/proc/${pid}/cwd`) === cwd) process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

describe.runIf(binariesMatch())('restore of a CRIU-dumped task', () => {
  let dir: string;
  let cwd: string;
  beforeEach(async (ctx) => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-rst-'));
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-cwd-'));
    prepareImages(dir, cwd, true);
    // The fixture's PIDs are fixed: an unrelated process holding one makes the test moot.
    for (const pid of [...TREE, ZOMBIE]) if (!(await waitGone(pid))) ctx.skip();
  });
  afterEach(async () => {
    delete process.env['CRIU_TS_FAULT'];
    for (const pid of TREE) killIfOurs(pid, cwd);
    for (const pid of [...TREE, ZOMBIE]) await waitGone(pid);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('brings the task back with its PID, memory, files, cwd and session', async () => {
    const pidfile = path.join(dir, 'restored.pid');
    const r = await restore({ imagesDir: dir, detached: true, pidfile });
    expect(r.pid).toBe(PID);
    expect(fs.readFileSync(pidfile, 'utf8')).toBe(String(PID));
    await new Promise((res) => setTimeout(res, 200));
    expect(state(PID)).toBe('S'); // still in its nanosleep, not dead of a bad frame
    expect(fs.readlinkSync(`/proc/${PID}/exe`)).toBe('/usr/bin/sleep');
    expect(fs.readlinkSync(`/proc/${PID}/cwd`)).toBe(cwd);
    expect(fs.readFileSync(`/proc/${PID}/cmdline`, 'utf8')).toBe('sleep\u00001001\u0000');
    expect(fs.readdirSync(`/proc/${PID}/fd`).map(Number).sort((a, b) => a - b)).toEqual([0, 1, 2, 10, 251]);
    expect(fs.readlinkSync(`/proc/${PID}/fd/251`)).toMatch(/^pipe:/);
    const stat = fs.readFileSync(`/proc/${PID}/stat`, 'utf8').split(') ')[1]!.split(' ');
    expect([Number(stat[2]), Number(stat[3])]).toEqual([PID, PID]); // pgid, sid
    const maps = fs.readFileSync(`/proc/${PID}/maps`, 'utf8');
    const vmas = readImage(dir, `mm-${PID}.img`, 'mm').entries[0]!.vmas!;
    const range = (status: number): string => {
      const v = vmas.find((e) => Number(e.status) & status)!;
      return `${v.start.toString(16)}-${v.end.toString(16)}`;
    };
    expect(maps).toMatch(new RegExp(`^${range(1 << 3)} r-xp .*\\[vdso\\]$`, 'm')); // VMA_AREA_VDSO
    expect(maps).toMatch(new RegExp(`^${range(1 << 5)} rw-p .*\\[heap\\]$`, 'm')); // VMA_AREA_HEAP
    const stats = readImage(dir, 'stats-restore', 'stats').entries[0]!.restore!;
    expect(Number(stats.pages_restored)).toBeGreaterThan(0);
    process.kill(PID, 'SIGTERM');
    expect(await waitGone(PID)).toBe(true);
  });

  it('restores the process tree: parent, children, shared files, a handler that still reaps', async () => {
    prepareImages(dir, cwd, false);
    const r = await restore({ imagesDir: dir, detached: true });
    expect(r.pid).toBe(TREE[0]);
    const [sh, ...sleeps] = TREE as [number, number, number];
    const stat = (pid: number): string[] => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    for (const pid of sleeps) expect(stat(pid).slice(1, 4).map(Number)).toEqual([sh, sh, sh]); // ppid, pgid, sid
    expect(new Set(TREE.map((pid) => fs.readlinkSync(`/proc/${pid}/fd/251`))).size).toBe(1); // one pipe, as dumped
    const caught = BigInt('0x' + /SigCgt:\s+(\S+)/.exec(fs.readFileSync(`/proc/${sh}/status`, 'utf8'))![1]);
    expect(caught & (1n << 16n)).not.toBe(0n); // SIGCHLD (17): the shell's `wait` must hear its children
    for (const pid of sleeps) process.kill(pid, 'SIGKILL');
    for (const pid of TREE) expect(await waitGone(pid)).toBe(true); // reaped by sh, which then exits
  });

  it('brings back a zombie for its parent to reap', async () => {
    prepareImages(dir, cwd, false);
    const pstree = readImage(dir, 'pstree.img', 'pstree').entries;
    pstree.push({ pid: ZOMBIE, ppid: TREE[1], pgid: TREE[0], sid: TREE[0], threads: [ZOMBIE] });
    writeImage(dir, 'pstree.img', 'pstree', pstree);
    // What CRIU keeps of a zombie: its core, with TASK_DEAD and the wait status (exit 3).
    writeImage(dir, `core-${ZOMBIE}.img`, 'core', [{ mtype: 'X86_64', tc: { task_state: 2, exit_code: 3 << 8, personality: 0, flags: 0, blk_sigset: 0n, comm: 'gone' } }]);
    expect(await waitGone(ZOMBIE)).toBe(true);
    await restore({ imagesDir: dir, detached: true });
    const stat = fs.readFileSync(`/proc/${ZOMBIE}/stat`, 'utf8').split(') ')[1]!.split(' ');
    expect([stat[0], Number(stat[1])]).toEqual(['Z', TREE[1]]); // a zombie child of the sleep, which never reaps
    expect(Number(stat[49]) >> 8).toBe(3); // exit_code field: the status its parent would read
    process.kill(TREE[1]!, 'SIGKILL');
    expect(await waitGone(ZOMBIE)).toBe(true);
  });

  it('refuses a PID that is in use', async () => {
    await restore({ imagesDir: dir, detached: true });
    await expect(restore({ imagesDir: dir, detached: true })).rejects.toThrow(`pid ${PID} is busy`);
  });

  it('refuses an fd kind it cannot restore before creating anything', async () => {
    const fdinfo = readImage(dir, 'fdinfo-4.img', 'fdinfo').entries;
    fdinfo[0]!.type = 'BPFMAP';
    writeImage(dir, 'fdinfo-4.img', 'fdinfo', fdinfo);
    await expect(restore({ imagesDir: dir, detached: true })).rejects.toThrow(/fd 0 of task \d+ is a BPF map \(BPFMAP\), which cannot be restored yet/);
    expect(state(PID)).toBeUndefined();
  });

  it('reports a missing image clearly', async () => {
    fs.rmSync(path.join(dir, `mm-${PID}.img`));
    await expect(restore({ imagesDir: dir, detached: true })).rejects.toThrow(`mm-${PID}.img`);
  });

  it('names the task, the step and the syscall with its arguments when a step fails', async () => {
    const mm = readImage(dir, `mm-${PID}.img`, 'mm').entries;
    mm[0]!.mm_brk = BigInt(mm[0]!.mm_start_brk) - 4096n; // the kernel wants start_brk <= brk
    writeImage(dir, `mm-${PID}.img`, 'mm', mm);
    await expect(restore({ imagesDir: dir, detached: true })).rejects.toThrow(
      new RegExp(`task ${PID} failed at MM: prctl\\(35, 14, 0x[0-9a-f]+, 104, 0\\) failed with EINVAL \\(22\\)`),
    );
    expect(await waitGone(PID)).toBe(true);
  });

  const restorePoints = (Object.keys(faultPoints) as FaultPoint[]).filter((p) => p.startsWith('restore-'));
  it.each(restorePoints)('leaves no process behind when %s fails', async (point) => {
    process.env['CRIU_TS_FAULT'] = point;
    await expect(restore({ imagesDir: dir, detached: true })).rejects.toThrow();
    expect(await waitGone(PID)).toBe(true);
  });
});
