// Runs one test of the catalog by the ZDTM protocol: start it, wait for its pidfile, dump and
// restore it through the checkpoint CLI (as a user would), SIGTERM it, read PASS/FAIL from its
// outfile. Whatever happens, nothing the test started outlives this function.
import fs from 'node:fs';
import path from 'node:path';
import { describeEnd, runCommand, succeeded, type CommandResult } from './command.js';
import { checkPageCount } from './page-count.js';
import { describeWaitStatus, exists, isGone, killLeftovers, pidsWithArg, procStat, waitFor } from './procs.js';
import type { Outcome } from './results.js';

export interface TestSpec {
  /** The test binary. */
  bin: string;
  args: readonly string[];
  /** Extra options for dump and restore. */
  opts: readonly string[];
  /** Prefix for the binary, e.g. ["qemu-aarch64-static"]; empty to run it directly. */
  launcher: readonly string[];
  /** The checkpoint command, e.g. ["node", "dist/src/cli/main.js"] or ["/usr/sbin/criu"]. */
  criu: readonly string[];
  workDir: string;
  nocr: boolean;
  iters: number;
  timeoutSec: number;
  keepImages: boolean;
}

class TestFailure extends Error {}

/** Clean-ups of the tests running now, for an interrupted runner (SIGINT) to call. */
const activeCleanups = new Set<() => void>();

export function killActiveTests(): void {
  for (const c of activeCleanups) c();
}

/** How long a just-dumped zombie may take to be reaped before we restore over its PID anyway. */
const REAP_GRACE_MS = 5000;
/** How long the dumped task may take to die once the dump command has exited. */
const GONE_AFTER_DUMP_MS = 5000;

function readTrimmed(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The most telling line of a failed command: its last error line, else its last line. */
export function lastErrorLine(...texts: (string | undefined)[]): string | undefined {
  for (const t of texts) {
    const lines = (t ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    const err = [...lines].reverse().find((l) => /error/i.test(l));
    if (err) return err.slice(0, 300);
  }
  for (const t of texts) {
    const lines = (t ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    if (lines.length) return lines[lines.length - 1]!.slice(0, 300);
  }
  return undefined;
}

/** Interprets the outfile: PASS, a FAIL line, or nothing usable. */
export function readVerdict(text: string | undefined): { passed: boolean; failure?: string } {
  const line = (text ?? '').split('\n')[0]!.trim();
  if (line === 'PASS') return { passed: true };
  if (line.startsWith('FAIL')) return { passed: false, failure: line };
  if (line === '') return { passed: false, failure: 'no result in the outfile (the test died or never checked)' };
  return { passed: false, failure: `unexpected outfile line: ${line.slice(0, 200)}` };
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : fs.lstatSync(p).size;
  }
  return n;
}

export async function runTest(spec: TestSpec): Promise<Outcome> {
  const t0 = Date.now();
  const deadline = t0 + spec.timeoutSec * 1000;
  const w = (f: string) => path.join(spec.workDir, f);
  fs.rmSync(spec.workDir, { recursive: true, force: true });
  fs.mkdirSync(spec.workDir, { recursive: true });
  const pidfile = w('test.pid');
  const outfile = w('test.out');
  const sessions = new Set<number>();
  const pids = new Set<number>();
  const outcome: Outcome = { passed: false, dumpMs: [], restoreMs: [], durationMs: 0, workDir: spec.workDir };
  const imageDirs: string[] = [];

  const track = (pid: number) => {
    pids.add(pid);
    const s = procStat(pid);
    if (s) sessions.add(s.session);
  };
  const cleanup = () => killLeftovers(sessions, [...pids, ...pidsWithArg(`--pidfile=${pidfile}`)]);
  activeCleanups.add(cleanup);
  const fail = (why: string): never => {
    throw new TestFailure(why);
  };

  // One dump or restore through the CLI; its stdout+stderr in <step>.out, its log in <step>.log.
  const criu = async (step: string, args: string[]): Promise<CommandResult> => {
    const log = w(`${step}.log`);
    const output = w(`${step}.out`);
    const r = await runCommand([...spec.criu, ...args, '-o', log, '-v4', ...spec.opts], {
      cwd: spec.workDir,
      outputFile: output,
      deadline,
      onSpawn: (pid) => sessions.add(pid), // detached: its own session; a hang is killed with it
    });
    if (!succeeded(r)) {
      const why = lastErrorLine(readTrimmed(output), readTrimmed(log));
      fail(`${step} ${describeEnd(r, spec.timeoutSec)}${why ? `: ${why}` : ''}`);
    }
    return r;
  };

  try {
    const start = await runCommand([...spec.launcher, spec.bin, `--pidfile=${pidfile}`, `--outfile=${outfile}`, ...spec.args], {
      cwd: spec.workDir,
      outputFile: w('test.output'),
      deadline,
      onSpawn: (pid) => sessions.add(pid),
    });
    if (!succeeded(start)) fail(`test start ${describeEnd(start, spec.timeoutSec)} (see test.output)`);
    const ready = await waitFor(() => (readTrimmed(pidfile) ?? '').trim() !== '', deadline);
    if (!ready) fail(`no pidfile within ${spec.timeoutSec}s`);
    let pid = Number(readTrimmed(pidfile)!.trim());
    if (!Number.isInteger(pid) || pid <= 1) fail(`bad pidfile content "${readTrimmed(pidfile)!.trim()}"`);
    if (isGone(pid)) fail(`test process ${pid} died before the check (see test.output)`);
    track(pid);

    for (let i = 1; !spec.nocr && i <= spec.iters; i++) {
      const sfx = spec.iters > 1 ? `-${i}` : '';
      const img = w(`img${sfx}`);
      imageDirs.push(img);
      fs.mkdirSync(img);
      const dumped = pid;
      const d = await criu(`dump${sfx}`, ['dump', '-t', String(pid), '-D', img]).catch((e: Error) => {
        // A failed dump must leave the target running: say so when it did not.
        throw isGone(dumped) ? new TestFailure(`${e.message} (and the test process is gone)`) : e;
      });
      outcome.dumpMs.push(d.ms);
      // criu kills the dumped tree before it exits; a live PID after a while means it did not.
      if (!(await waitFor(() => isGone(pid), Math.min(deadline, Date.now() + GONE_AFTER_DUMP_MS)))) {
        fail(`dump${sfx} succeeded but PID ${pid} is still alive`);
      }
      await waitFor(() => !exists(pid), Math.min(deadline, Date.now() + REAP_GRACE_MS));
      outcome.imageBytes = dirBytes(img);
      const miscount = checkPageCount(img);
      if (miscount) fail(`dump${sfx}: ${miscount}`);

      const rpidfile = w(`restore${sfx}.pid`);
      const r = await criu(`restore${sfx}`, ['restore', '-D', img, '-d', '--pidfile', rpidfile]);
      outcome.restoreMs.push(r.ms);
      const rpid = Number((readTrimmed(rpidfile) ?? '').trim());
      if (!Number.isInteger(rpid) || rpid <= 0) fail(`restore${sfx} wrote no pidfile`);
      if (rpid !== pid) {
        track(rpid);
        fail(`restore${sfx} gave PID ${rpid}, expected ${pid}`);
      }
      if (isGone(rpid)) fail(`restored process ${rpid} exited right after restore${sfx}`);
      pid = rpid;
      track(pid);
    }

    process.kill(pid, 'SIGTERM');
    const answered = await waitFor(() => (readTrimmed(outfile) ?? '').includes('\n') || isGone(pid), deadline, 20);
    if (!answered) fail(`no result within ${spec.timeoutSec}s after SIGTERM`);
    const end = procStat(pid); // a zombie still tells how it ended
    Object.assign(outcome, readVerdict(readTrimmed(outfile)));
    if (!outcome.passed && end?.state === 'Z' && end.exitStatus !== undefined && end.exitStatus !== 0) {
      outcome.failure += ` (test process ${describeWaitStatus(end.exitStatus)})`;
    }
  } catch (e) {
    if (!(e instanceof TestFailure)) throw e;
    outcome.failure = e.message;
  } finally {
    activeCleanups.delete(cleanup);
    cleanup();
    if (outcome.passed && !spec.keepImages) for (const d of imageDirs) fs.rmSync(d, { recursive: true, force: true });
    outcome.durationMs = Date.now() - t0;
  }
  return outcome;
}
