// Runs one external command (a test's start, criu-ts dump/restore, make) with a deadline.
// It gets its own process group so a hung command is killed with everything it started.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export interface CommandResult {
  /** Exit code, or undefined when killed by a signal or the deadline. */
  code?: number;
  signal?: string;
  timedOut: boolean;
  /** Timed out and still not gone STUCK_GRACE_MS after SIGKILL (stuck in the kernel): given up on. */
  stuck?: boolean;
  ms: number;
  /** Failure to start at all (ENOENT, EACCES). */
  spawnError?: string;
  pid?: number;
}

export interface CommandOptions {
  cwd?: string;
  /** stdout and stderr go here (appended). */
  outputFile: string;
  /** ms since epoch. */
  deadline: number;
  env?: NodeJS.ProcessEnv;
  /** Called as soon as the PID is known (to track the process for clean-up). */
  onSpawn?: (pid: number) => void;
  /** Called at the deadline, before the kill (to record where the hung command is). */
  onDeadline?: () => void;
}

/** How long a SIGKILLed command may take to go before the run moves on without it. */
export const STUCK_GRACE_MS = 10_000;

export function runCommand(argv: readonly string[], o: CommandOptions): Promise<CommandResult> {
  const t0 = Date.now();
  const out = fs.openSync(o.outputFile, 'a');
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    let ended = false;
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: o.cwd,
      env: o.env ?? process.env,
      stdio: ['ignore', out, out],
      detached: true, // own session and process group
    });
    fs.closeSync(out);
    const finish = (r: Omit<CommandResult, 'ms' | 'timedOut'>) => {
      if (ended) return;
      ended = true;
      if (timer) clearTimeout(timer);
      resolve({ ...r, timedOut, ms: Date.now() - t0, ...(child.pid !== undefined ? { pid: child.pid } : {}) });
    };
    child.once('error', (e) => finish({ spawnError: e.message }));
    child.once('exit', (code, signal) => finish({ ...(code !== null ? { code } : {}), ...(signal !== null ? { signal } : {}) }));
    if (child.pid !== undefined) o.onSpawn?.(child.pid);
    timer = setTimeout(() => {
      timedOut = true;
      o.onDeadline?.();
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      timer = setTimeout(() => finish({ stuck: true }), STUCK_GRACE_MS);
    }, Math.max(0, o.deadline - Date.now()));
  });
}

/** One line that says how a command ended, for notes ("exited 1", "killed by SIGSEGV"). */
export function describeEnd(r: CommandResult, timeoutSec: number): string {
  if (r.spawnError) return `could not start: ${r.spawnError}`;
  if (r.stuck) return `timed out (test limit ${timeoutSec}s) and still there ${STUCK_GRACE_MS / 1000}s after SIGKILL`;
  if (r.timedOut) return `timed out (test limit ${timeoutSec}s)`;
  if (r.signal) return `killed by ${r.signal}`;
  return `exited ${r.code}`;
}

export function succeeded(r: CommandResult): boolean {
  return !r.spawnError && !r.timedOut && r.code === 0;
}
