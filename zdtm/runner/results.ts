// The result model of a catalog run: what one test ended as, the totals, and results.json
// (the file a guest hands back to the host runner, so both print from the same data).
import fs from 'node:fs';
import path from 'node:path';
import { knownFailure, type TestDesc } from './desc.js';

export type ResultKind = 'pass' | 'fail' | 'expected-fail' | 'unexpected-pass' | 'skip';

/** What running a test gave, before its desc's expectations are applied. */
export interface Outcome {
  passed: boolean;
  /** Why it failed (a FAIL line, a criu-ts error, a timeout). */
  failure?: string;
  /** One figure per dump/restore iteration. */
  dumpMs: number[];
  restoreMs: number[];
  /** Size of the last image directory. */
  imageBytes?: number;
  durationMs: number;
  workDir?: string;
}

export interface TestResult {
  name: string;
  kind: ResultKind;
  /** For the table: the failure, the expected-fail reason, or why it was skipped. */
  note: string;
  /** The actual failure when kind is expected-fail (the note holds the desc's reason). */
  failure?: string;
  dumpMs: number[];
  restoreMs: number[];
  imageBytes?: number;
  durationMs: number;
  workDir?: string;
}

export interface RunReport {
  arch: string;
  mode: 'cr' | 'nocr';
  iters: number;
  /** Pre-dumps before each dump (absent: none). */
  preDumps?: number;
  /** The checkpoint command used, e.g. "node /repo/dist/src/cli/main.js". */
  criu: string;
  startedAt: string;
  results: TestResult[];
  /** Set when the run as a whole could not happen (build tool missing, guest failed to boot). */
  error?: string;
}

export const UNEXPECTED_PASS_NOTE = 'passes now: remove expected:fail';

/** Applies the desc's expectation; without C/R (`nocr`) every test must simply pass. */
export function classify(desc: TestDesc, arch: string, outcome: Outcome, nocr: boolean): TestResult {
  const known = nocr ? undefined : knownFailure(desc, arch);
  const expectFail = known !== undefined;
  const base = {
    name: desc.name,
    dumpMs: outcome.dumpMs,
    restoreMs: outcome.restoreMs,
    durationMs: outcome.durationMs,
    ...(outcome.imageBytes !== undefined ? { imageBytes: outcome.imageBytes } : {}),
    ...(outcome.workDir !== undefined ? { workDir: outcome.workDir } : {}),
  };
  if (outcome.passed) {
    return expectFail ? { ...base, kind: 'unexpected-pass', note: UNEXPECTED_PASS_NOTE } : { ...base, kind: 'pass', note: '' };
  }
  const failure = outcome.failure ?? 'failed';
  if (expectFail) return { ...base, kind: 'expected-fail', note: known, failure };
  return { ...base, kind: 'fail', note: failure };
}

export function skipped(name: string, why: string): TestResult {
  return { name, kind: 'skip', note: why, dumpMs: [], restoreMs: [], durationMs: 0 };
}

/** A test that could not be run at all (not built, runner error): a failure whatever its desc says. */
export function failedToRun(name: string, why: string): TestResult {
  return { name, kind: 'fail', note: why, dumpMs: [], restoreMs: [], durationMs: 0 };
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  expectedFail: number;
}

export function tally(results: readonly TestResult[]): Tally {
  const t: Tally = { passed: 0, failed: 0, skipped: 0, expectedFail: 0 };
  for (const r of results) {
    if (r.kind === 'pass') t.passed++;
    else if (r.kind === 'skip') t.skipped++;
    else if (r.kind === 'expected-fail') t.expectedFail++;
    else t.failed++; // fail and unexpected-pass
  }
  return t;
}

export function addTallies(ts: readonly Tally[]): Tally {
  return ts.reduce(
    (a, t) => ({ passed: a.passed + t.passed, failed: a.failed + t.failed, skipped: a.skipped + t.skipped, expectedFail: a.expectedFail + t.expectedFail }),
    { passed: 0, failed: 0, skipped: 0, expectedFail: 0 },
  );
}

/** A run's tally; a run that could not happen at all counts as one failure. */
export function runTally(r: RunReport): Tally {
  const t = tally(r.results);
  return r.error === undefined ? t : { ...t, failed: t.failed + 1 };
}

/** The last line of the output; CI parses exactly this shape. */
export function closingLine(t: Tally): string {
  return `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped, ${t.expectedFail} expected-fail`;
}

/** A run is good when nothing failed (unexpected passes count as failures) and it ran at all. */
export function runSucceeded(r: RunReport): boolean {
  return runTally(r).failed === 0;
}

const RESULTS_FILE = 'results.json';

interface ResultsFile {
  version: 1;
  runs: RunReport[];
}

export function writeResults(dir: string, runs: RunReport[]): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, RESULTS_FILE);
  const body: ResultsFile = { version: 1, runs };
  // Write then rename: a guest's host side waits for this file and must never read half of it.
  fs.writeFileSync(file + '.tmp', JSON.stringify(body, null, 2) + '\n');
  fs.renameSync(file + '.tmp', file);
  return file;
}

export function readResults(dir: string): RunReport[] {
  const file = path.join(dir, RESULTS_FILE);
  let body: ResultsFile;
  try {
    body = JSON.parse(fs.readFileSync(file, 'utf8')) as ResultsFile;
  } catch (e) {
    throw new Error(`zdtm: cannot read ${file}: ${(e as Error).message}`);
  }
  if (body?.version !== 1 || !Array.isArray(body.runs) || !body.runs.every((r) => r && Array.isArray(r.results))) {
    throw new Error(`zdtm: ${file} is not a results file of this runner (version 1)`);
  }
  return body.runs;
}
