// Helpers for tests that dump real processes: compile a C target (zdtm/e2e/target-<name>.c), start
// it (it daemonizes, so our node is never its parent and libuv never reaps it), read the
// status line it keeps rewriting, and kill it at the end.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../sys/native.js';

const programs = path.join(packageRoot(), 'zdtm', 'e2e');
const built = new Map<string, string>();

/** Compiles target-<name>.c once per process and returns the executable's path. */
export function compileTarget(name: string): string {
  let exe = built.get(name);
  if (!exe) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-target-'));
    exe = path.join(dir, name);
    execFileSync('gcc', ['-O2', '-pthread', '-o', exe, path.join(programs, `target-${name}.c`)]);
    built.set(name, exe);
  }
  return exe;
}

export interface Target {
  pid: number;
  dir: string;
  statusFile: string;
  /** SIGKILLs the target if it still runs. */
  kill(): void;
}

/**
 * Starts target-<name>.c with (pidfile, statusfile, ...extra) and waits until it is
 * ready; `wrap` runs it through another command (e.g. ["unshare", "-m"]).
 */
export function startTarget(name: string, extra: string[] = [], wrap: string[] = []): Target {
  const exe = compileTarget(name);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criu-ts-run-'));
  const pidFile = path.join(dir, 'pid');
  const statusFile = path.join(dir, 'status');
  const argv = [...wrap, exe, pidFile, statusFile, ...extra];
  execFileSync(argv[0]!, argv.slice(1), { stdio: 'ignore', cwd: dir });
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  return {
    pid, dir, statusFile,
    kill() {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    },
  };
}

export interface CounterStatus {
  counter: number;
  checksum: number;
}

/** The counter target's last status line. */
export function readCounter(statusFile: string): CounterStatus {
  const [counter, checksum] = fs.readFileSync(statusFile, 'utf8').trim().split(' ').map(Number);
  return { counter: counter ?? NaN, checksum: checksum ?? NaN };
}

/** Resolves once the counter has moved past its current value (or rejects after ms). */
export async function counterAdvances(statusFile: string, ms = 2000): Promise<CounterStatus> {
  const start = readCounter(statusFile).counter;
  const deadline = Date.now() + ms;
  for (;;) {
    const now = readCounter(statusFile);
    if (now.counter > start) return now;
    if (Date.now() > deadline) throw new Error(`counter stuck at ${start} for ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
