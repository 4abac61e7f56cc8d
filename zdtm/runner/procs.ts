// What the runner needs to know about processes, read from /proc, and how it cleans up after a
// test: everything in the test's sessions (tests setsid) or descended from its processes dies.
import fs from 'node:fs';
import os from 'node:os';

export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** For a zombie: its wait status (stat field 52), telling how it ended. */
  exitStatus?: number;
}

/** Parses /proc/PID/stat; the command name may hold spaces and parentheses, so split at the last ')'. */
export function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  const f = text.slice(close + 2).split(' ');
  if (f.length < 4 || !Number.isInteger(pid)) return undefined;
  const st: ProcStat = { pid, state: f[0]!, ppid: Number(f[1]), pgrp: Number(f[2]), session: Number(f[3]) };
  if (f.length > 49) st.exitStatus = Number(f[49]);
  return st;
}

export function procStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Gone = no such process, or a zombie nobody reaped yet (PID 1 here reaps orphans ~2 s late). */
export function isGone(pid: number): boolean {
  const s = procStat(pid);
  return s === undefined || s.state === 'Z' || s.state === 'X';
}

/** "killed by SIGSEGV" / "exited 3", from a wait status. */
export function describeWaitStatus(status: number): string {
  const sig = status & 0x7f;
  if (sig === 0) return `exited ${(status >> 8) & 0xff}`;
  const name = Object.entries(os.constants.signals).find(([, n]) => n === sig)?.[0] ?? `signal ${sig}`;
  return `killed by ${name}`;
}

export function exists(pid: number): boolean {
  return procStat(pid) !== undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `cond` every `stepMs` until it holds (true) or `deadline` (ms since epoch) passes (false). */
export async function waitFor(cond: () => boolean, deadline: number, stepMs = 25): Promise<boolean> {
  for (;;) {
    if (cond()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(stepMs, Math.max(1, deadline - Date.now())));
  }
}

function allProcs(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/**
 * Processes with `arg` in their command line. A test that hangs before writing its pidfile has
 * left its starter's session already; its unique --pidfile=<work dir>/... argument still names it.
 */
export function pidsWithArg(arg: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(arg)) out.push(Number(name));
    } catch {
      // Exited meanwhile.
    }
  }
  return out;
}

/** The runner's own ancestry (never to be killed, whatever a test did with sessions). */
function selfAndAncestors(): Set<number> {
  const keep = new Set<number>();
  for (let pid = process.pid; pid > 0 && !keep.has(pid); ) {
    keep.add(pid);
    pid = procStat(pid)?.ppid ?? 0;
  }
  return keep;
}

/**
 * Which live processes belong to a test: members of its sessions, the given PIDs, and all their
 * descendants. The runner's own session and ancestors are excluded.
 */
export function leftovers(procs: readonly ProcStat[], sessions: Iterable<number>, pids: Iterable<number>): number[] {
  const self = procStat(process.pid);
  const keep = selfAndAncestors();
  const sids = new Set([...sessions].filter((s) => s > 1 && s !== self?.session));
  const wanted = new Set(pids);
  const candidates = procs.filter((p) => p.pid > 1 && !keep.has(p.pid) && p.session !== self?.session);
  const hit = new Set(candidates.filter((p) => sids.has(p.session) || wanted.has(p.pid)).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of candidates) {
      if (!hit.has(p.pid) && hit.has(p.ppid)) {
        hit.add(p.pid);
        grew = true;
      }
    }
  }
  return [...hit];
}

/** SIGKILLs what a test left behind; returns the PIDs that were still alive (zombies excluded). */
export function killLeftovers(sessions: Iterable<number>, pids: Iterable<number>): number[] {
  const procs = allProcs();
  const victims = leftovers(procs, sessions, pids);
  const state = new Map(procs.map((p) => [p.pid, p.state]));
  const killed: number[] = [];
  for (const pid of victims) {
    try {
      process.kill(pid, 'SIGKILL');
      if (state.get(pid) !== 'Z') killed.push(pid);
    } catch {
      // Already gone: nothing to clean.
    }
  }
  return killed;
}
