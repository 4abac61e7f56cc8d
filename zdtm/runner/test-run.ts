// Runs one test of the catalog by the ZDTM protocol: start it, wait for its pidfile, dump and
// restore it through the checkpoint CLI (as a user would), SIGTERM it, read PASS/FAIL from its
// outfile. Whatever happens, nothing the test started outlives this function.
import fs from 'node:fs';
import path from 'node:path';
import { describeEnd, runCommand, succeeded, type CommandResult } from './command.js';
import { checkPageCount } from './page-count.js';
import { describeWaitStatus, exists, isGone, killLeftovers, pidsWithArg, procStat, waitFor } from './procs.js';
import type { Outcome } from './results.js';
import { Terminal } from './terminal.js';

/** The checkpoint commands, e.g. ["node", "dist/src/cli/main.js"] or ["/usr/sbin/criu"]; two tools for interop. */
export interface CriuCommands {
  dump: readonly string[];
  restore: readonly string[];
}

export interface TestSpec {
  /** The test binary. */
  bin: string;
  args: readonly string[];
  /** Extra options for dump and restore. */
  opts: readonly string[];
  /** Prefix for the binary, e.g. ["qemu-aarch64-static"]; empty to run it directly. */
  launcher: readonly string[];
  criu: CriuCommands;
  workDir: string;
  nocr: boolean;
  iters: number;
  /** Pre-dumps before each dump (RunnerOptions.preDumps). */
  preDumps: number;
  timeoutSec: number;
  keepImages: boolean;
  /** For a shell-job test: the terminal host to start it (and restore it) on. */
  terminalHost?: readonly string[];
  /** Called when the test hangs, before it is killed (in a guest: the tasks go to the console). */
  onHang?: () => void;
}

class TestFailure extends Error {}

/** Clean-ups of the tests running now, for an interrupted runner (SIGINT) to call. */
const activeCleanups = new Set<() => void>();

export function killActiveTests(): void {
  for (const c of activeCleanups) c();
}

/** How long a just-dumped zombie may take to be reaped before we restore over its PID anyway. */
const REAP_GRACE_MS = 5000;
/** How long SIGKILLed leftovers may take to die. */
const KILL_GRACE_MS = 2000;
/** How long the dumped task may take to die once the dump command has exited. */
const GONE_AFTER_DUMP_MS = 5000;

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The most telling line of a failed command: its last error/failure line, else its last line. */
export function lastErrorLine(...texts: (string | undefined)[]): string | undefined {
  for (const t of texts) {
    const lines = (t ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    const err = [...lines].reverse().find((l) => /error|fail/i.test(l));
    if (err) return err.slice(0, 300);
  }
  for (const t of texts) {
    const lines = (t ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    if (lines.length) return lines[lines.length - 1]!.slice(0, 300);
  }
  return undefined;
}

/**
 * Interprets the outfile: PASS, a FAIL line, or nothing usable. `exitStatus` (the wait status of
 * the test's zombie, when known) says how a test that wrote nothing ended.
 */
export function readVerdict(text: string | undefined, exitStatus?: number): { passed: boolean; failure?: string } {
  const line = (text ?? '').split('\n')[0]!.trim();
  if (line === 'PASS') return { passed: true };
  const how = exitStatus ? ` (test process ${describeWaitStatus(exitStatus)})` : '';
  if (line.startsWith('FAIL')) return { passed: false, failure: line + how };
  if (line === '') {
    return { passed: false, failure: exitStatus ? `no result: test process ${describeWaitStatus(exitStatus)}` : 'no result in the outfile (the test died or never checked)' };
  }
  return { passed: false, failure: `unexpected outfile line: ${line.slice(0, 200)}${how}` };
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : fs.lstatSync(p).size;
  }
  return n;
}

/** One test's run: its files, the processes it owns, and the phases of the protocol. */
class TestRun {
  readonly deadline: number;
  readonly pidfile: string;
  readonly outfile: string;
  /** Sessions and PIDs to kill at the end: the test's, the restored tree's, hung commands'. */
  private readonly sessions = new Set<number>();
  private readonly pids = new Set<number>();
  readonly imageDirs: string[] = [];
  private readonly terminal?: Terminal;

  constructor(readonly spec: TestSpec, t0: number) {
    this.deadline = t0 + spec.timeoutSec * 1000;
    this.pidfile = this.file('test.pid');
    this.outfile = this.file('test.out');
    if (spec.terminalHost) {
      this.terminal = new Terminal(spec.terminalHost, spec.workDir);
      this.pids.add(this.terminal.pid);
    }
  }

  /** A command as a detached process of its own, or as a job on the test's terminal. */
  private command(argv: string[], outputFile: string, onTerminal: '2' | '12' | undefined): Promise<CommandResult> {
    const o = { cwd: this.spec.workDir, outputFile, deadline: this.deadline, ...(this.spec.onHang ? { onDeadline: this.spec.onHang } : {}) };
    if (this.terminal && onTerminal) return this.terminal.run(argv, { ...o, redirect: onTerminal });
    return runCommand(argv, { ...o, onSpawn: (pid) => this.sessions.add(pid) }); // detached: a hang is killed with its session
  }

  file(name: string): string {
    return path.join(this.spec.workDir, name);
  }

  /** Kills everything the test left: its sessions, its PIDs, whatever carries its --pidfile. */
  cleanup = (): number[] => killLeftovers(this.sessions, [...this.pids, ...pidsWithArg(`--pidfile=${this.pidfile}`)]);

  private track(pid: number): void {
    this.pids.add(pid);
    const s = procStat(pid);
    if (s) this.sessions.add(s.session);
  }

  /** Starts the test and waits until it publishes its PID. */
  async start(): Promise<number> {
    const { spec } = this;
    // A shell job keeps the terminal on its stdin and stdout.
    const r = await this.command([...spec.launcher, spec.bin, `--pidfile=${this.pidfile}`, `--outfile=${this.outfile}`, ...spec.args], this.file('test.output'), '2');
    if (!succeeded(r)) {
      // The daemon's own log (<outfile>.log with the catalog's library) usually says why.
      const why = lastErrorLine(readText(`${this.outfile}.log`), readText(this.file('test.output')));
      fail(`test start ${describeEnd(r, spec.timeoutSec)}${why ? `: ${why}` : ' (see test.output)'}`);
    }
    if (!(await waitFor(() => (readText(this.pidfile) ?? '').trim() !== '', this.deadline))) fail(`no pidfile within ${spec.timeoutSec}s`);
    const text = readText(this.pidfile)!.trim();
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 1) fail(`bad pidfile content "${text}"`);
    if (isGone(pid)) fail(`test process ${pid} died before the check (see test.output)`);
    this.track(pid);
    return pid;
  }

  /**
   * One dump or restore through the CLI; its stdout+stderr in <step>.out, its log in <step>.log.
   * A shell job is restored from its terminal, as a user restores one.
   */
  private async criu(command: readonly string[], step: string, args: string[], onTerminal = false): Promise<CommandResult> {
    const { spec } = this;
    const log = this.file(`${step}.log`);
    const output = this.file(`${step}.out`);
    const r = await this.command([...command, ...args, '-o', log, '-v4', ...spec.opts], output, onTerminal ? '12' : undefined);
    if (!succeeded(r)) {
      const why = lastErrorLine(readText(output), readText(log));
      fail(`${step} ${describeEnd(r, spec.timeoutSec)}${why ? `: ${why}` : ''}`);
    }
    return r;
  }

  /** Dumps `pid` and restores it; returns the restored PID (which must be the same). */
  async checkpoint(pid: number, iter: number, outcome: Outcome): Promise<number> {
    const sfx = this.spec.iters > 1 ? `-${iter}` : '';
    const img = this.file(`img${sfx}`);
    this.imageDirs.push(img);
    fs.mkdirSync(img, 0o700);
    // Each pre-dump is the parent of the next; the last one is the dump's.
    let parent: string | undefined;
    for (let k = 1; k <= this.spec.preDumps; k++) {
      const pre = this.file(`pre${sfx}-${k}`);
      this.imageDirs.push(pre);
      fs.mkdirSync(pre, 0o700);
      const prev = parent ? ['--prev-images-dir', path.relative(pre, parent)] : [];
      await this.criu(this.spec.criu.dump, `pre-dump${sfx}-${k}`, ['pre-dump', '-t', String(pid), '-D', pre, ...prev]);
      if (isGone(pid)) fail(`pre-dump${sfx}-${k} left PID ${pid} dead`);
      parent = pre;
    }
    const prev = parent ? ['--prev-images-dir', path.relative(img, parent)] : [];
    const d = await this.criu(this.spec.criu.dump, `dump${sfx}`, ['dump', '-t', String(pid), '-D', img, ...prev]).catch((e: Error) => {
      // A failed dump must leave the target running: say so when it did not.
      throw isGone(pid) ? new TestFailure(`${e.message} (and the test process is gone)`) : e;
    });
    outcome.dumpMs.push(d.ms);
    // criu kills the dumped tree before it exits; a live PID after a while means it did not.
    if (!(await waitFor(() => isGone(pid), Math.min(this.deadline, Date.now() + GONE_AFTER_DUMP_MS)))) {
      fail(`dump${sfx} succeeded but PID ${pid} is still alive`);
    }
    outcome.imageBytes = dirBytes(img);
    const miscount = checkPageCount(img);
    if (miscount) fail(`dump${sfx}: ${miscount}`);
    // Restoring needs the PID itself free: give PID 1 its time to reap the zombie.
    await waitFor(() => !exists(pid), Math.min(this.deadline, Date.now() + REAP_GRACE_MS));

    // The terminal moves on meanwhile, as a user's does: restore must bring the job's settings back.
    if (this.terminal) {
      const reset = await this.terminal.run(['stty', 'sane', 'rows', '24', 'cols', '80'], { cwd: this.spec.workDir, outputFile: this.file(`stty${sfx}.out`), deadline: this.deadline, redirect: '12' });
      if (!succeeded(reset)) fail(`stty on the test's terminal ${describeEnd(reset, this.spec.timeoutSec)}`);
    }
    const rpidfile = this.file(`restore${sfx}.pid`);
    const r = await this.criu(this.spec.criu.restore, `restore${sfx}`, ['restore', '-D', img, '-d', '--pidfile', rpidfile], true);
    outcome.restoreMs.push(r.ms);
    const rpid = Number((readText(rpidfile) ?? '').trim());
    if (!Number.isInteger(rpid) || rpid <= 0) fail(`restore${sfx} wrote no pidfile`);
    this.track(rpid);
    if (rpid !== pid) fail(`restore${sfx} gave PID ${rpid}, expected ${pid}`);
    if (isGone(rpid)) fail(`restored process ${rpid} exited right after restore${sfx}`);
    return rpid;
  }

  /** SIGTERM, then the test's verdict from its outfile. */
  async verdict(pid: number): Promise<{ passed: boolean; failure?: string }> {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      fail(`test process ${pid} was gone before SIGTERM`);
    }
    const answered = await waitFor(() => (readText(this.outfile) ?? '').includes('\n') || isGone(pid), this.deadline, 20);
    if (!answered) {
      this.spec.onHang?.();
      fail(`no result within ${this.spec.timeoutSec}s after SIGTERM`);
    }
    const end = procStat(pid); // a zombie still tells how it ended
    return readVerdict(readText(this.outfile), end?.state === 'Z' ? end.exitStatus : undefined);
  }
}

function fail(why: string): never {
  throw new TestFailure(why);
}

/** Runs one test; never throws for a test's failure, and leaves none of its processes behind. */
export async function runTest(spec: TestSpec): Promise<Outcome> {
  const t0 = Date.now();
  fs.rmSync(spec.workDir, { recursive: true, force: true });
  fs.mkdirSync(spec.workDir, { recursive: true });
  const run = new TestRun(spec, t0);
  const outcome: Outcome = { passed: false, dumpMs: [], restoreMs: [], durationMs: 0, workDir: spec.workDir };
  activeCleanups.add(run.cleanup);
  try {
    let pid = await run.start();
    for (let i = 1; !spec.nocr && i <= spec.iters; i++) pid = await run.checkpoint(pid, i, outcome);
    Object.assign(outcome, await run.verdict(pid));
  } catch (e) {
    if (!(e instanceof TestFailure)) throw e;
    outcome.failure = e.message;
  } finally {
    activeCleanups.delete(run.cleanup);
    const killed = run.cleanup();
    // SIGKILL takes effect asynchronously: the next test starts once these are really dead.
    await waitFor(() => killed.every(isGone), Date.now() + KILL_GRACE_MS);
    if (outcome.passed && !spec.keepImages) for (const d of run.imageDirs) fs.rmSync(d, { recursive: true, force: true });
    outcome.durationMs = Date.now() - t0;
  }
  return outcome;
}
